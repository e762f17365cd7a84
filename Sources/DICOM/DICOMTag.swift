// The attribute tag (PS3.5 §7.1): a 32-bit (group, element) pair. Names and VRs of tags live in DataDictionary;
// the tags other modules use by name are constants in DICOMTag+Constants.swift.

/// A DICOM attribute tag, stored as `0xGGGGEEEE`.
public struct DICOMTag: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The tag as one number, group in the high 16 bits.
    public let rawValue: UInt32

    /// Makes a tag from `0xGGGGEEEE`.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// Makes a tag from its group and element numbers.
    public init(group: UInt16, element: UInt16) {
        rawValue = UInt32(group) << 16 | UInt32(element)
    }

    /// The group number (high 16 bits).
    public var group: UInt16 { UInt16(truncatingIfNeeded: rawValue >> 16) }

    /// The element number (low 16 bits).
    public var element: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// Whether the tag belongs to a private group (odd group number, PS3.5 §7.8).
    public var isPrivate: Bool { group & 1 == 1 && group > 0x0008 }

    /// Whether the tag is a private creator element (odd group, element 0x0010–0x00FF, PS3.5 §7.8.1), always LO.
    public var isPrivateCreator: Bool { isPrivate && (0x0010...0x00FF).contains(element) }

    /// Whether the tag is a group length element (element 0x0000), always UL.
    public var isGroupLength: Bool { element == 0 }

    /// Whether the tag is one of the item and delimitation tags of group FFFE (PS3.5 §7.5).
    public var isItemOrDelimiter: Bool { group == 0xFFFE }

    /// `(GGGG,EEEE)` in upper-case hexadecimal, the form PS3.6 prints.
    public var description: String {
        let digits = Self.hex(rawValue)
        return "(\(digits.prefix(4)),\(digits.suffix(4)))"
    }

    /// `GGGGEEEE` in upper-case hexadecimal, the form DICOM JSON keys use (PS3.18 §F.2.1).
    public var hexString: String { Self.hex(rawValue) }

    /// Parses `GGGGEEEE` (8 hexadecimal digits, any case) into a tag, or nil.
    public init?(hexString: some StringProtocol) {
        guard hexString.utf8.count == 8, let value = UInt32(hexString, radix: 16) else { return nil }
        rawValue = value
    }

    public static func < (lhs: DICOMTag, rhs: DICOMTag) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The upper-case hexadecimal digits, indexed by nibble.
    static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// `GGGGEEEE` written straight into one small string: tags are named once per element in DICOM JSON.
    private static func hex(_ value: UInt32) -> String {
        String(unsafeUninitializedCapacity: 8) { text in
            for index in 0..<8 { text[index] = hexDigits[Int(value >> UInt32(28 - 4 * index)) & 0xF] }
            return 8
        }
    }
}
