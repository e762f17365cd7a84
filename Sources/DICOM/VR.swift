// Value representations (PS3.5 §6.2): every VR of the 2024 standard with the facts the reader and writer need — the
// explicit-VR header form, the byte-swap unit for big endian, the padding byte and whether the value is text.

/// A DICOM value representation.
public enum VR: String, CaseIterable, Sendable {
    case AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN, SH, SL, SQ, SS, ST, SV, TM
    case UC, UI, UL, UN, UR, US, UT, UV

    /// Reads a VR from the two ASCII bytes of an explicit-VR element header, or nil if they name none.
    public init?(byte0: UInt8, byte1: UInt8) {
        guard (0x41...0x5A).contains(byte0), (0x41...0x5A).contains(byte1) else { return nil }
        let code = UInt16(byte0) << 8 | UInt16(byte1)
        guard let vr = VR.byCode[code] else { return nil }
        self = vr
    }

    /// The two ASCII bytes as one big-endian number ("OB" is 0x4F42).
    public var code: UInt16 {
        let bytes = Array(rawValue.utf8)
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    }

    /// Whether an explicit-VR header for this VR has 2 reserved bytes and a 32-bit length (PS3.5 Table 7.1-1);
    /// the others have a 16-bit length.
    public var hasLongLength: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .SQ, .SV, .UC, .UN, .UR, .UT, .UV: return true
        default: return false
        }
    }

    /// The size of one binary number in the value, which big-endian files store byte-reversed; 1 for text and
    /// byte streams, which are never swapped.
    public var byteSwapUnit: Int {
        switch self {
        case .AT, .OW, .SS, .US: return 2
        case .FL, .OF, .OL, .SL, .UL: return 4
        case .FD, .OD, .OV, .SV, .UV: return 8
        default: return 1
        }
    }

    /// Whether the value is characters (the string VRs of PS3.5 Table 6.2-1).
    public var isText: Bool {
        switch self {
        case .AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .LT, .PN, .SH, .ST, .TM, .UC, .UI, .UR, .UT: return true
        default: return false
        }
    }

    /// Whether backslash separates values (PS3.5 §6.4); LT, ST, UT and UR are single-valued text.
    public var allowsMultipleTextValues: Bool { isText && self != .LT && self != .ST && self != .UT && self != .UR }

    /// Whether the text uses the Specific Character Set (PS3.5 §6.1.2.3); the others are the default repertoire.
    public var usesCharacterSet: Bool {
        switch self {
        case .LO, .LT, .PN, .SH, .ST, .UC, .UT: return true
        default: return false
        }
    }

    /// Whether the value is an opaque byte or word stream (DICOM JSON writes these as InlineBinary or BulkDataURI).
    public var isBinaryStream: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .UN: return true
        default: return false
        }
    }

    /// The byte that pads a value to even length: NUL for UI and binary VRs, space for text (PS3.5 §6.2).
    public var paddingByte: UInt8 { isText && self != .UI ? 0x20 : 0x00 }

    private static let byCode: [UInt16: VR] = {
        var table: [UInt16: VR] = [:]
        for vr in VR.allCases { table[vr.code] = vr }
        return table
    }()
}
