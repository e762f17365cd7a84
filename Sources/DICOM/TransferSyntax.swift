// Transfer syntaxes (PS3.5 §10 and Annex A): how a data set is encoded after the file meta group. Only three byte
// layouts exist — implicit VR LE, explicit VR LE, explicit VR BE — plus deflate, which we refuse.

/// A transfer syntax: its UID and the encoding facts the reader needs.
public struct TransferSyntax: Hashable, Sendable, CustomStringConvertible {
    /// The transfer syntax UID, e.g. "1.2.840.10008.1.2.1".
    public let uid: String
    /// A short human name, e.g. "Explicit VR Little Endian".
    public let name: String
    /// Whether element headers carry their VR (all but Implicit VR Little Endian).
    public let isExplicitVR: Bool
    /// Whether numbers are big-endian (only the retired Explicit VR Big Endian, PS3.5 §A.3).
    public let isBigEndian: Bool
    /// Whether the data set is deflated (PS3.5 §A.5); the reader refuses these.
    public let isDeflated: Bool
    /// Whether pixel data is encapsulated (compressed fragments, PS3.5 §A.4).
    public let isEncapsulated: Bool

    /// Makes a transfer syntax from its facts.
    public init(
        uid: String, name: String, isExplicitVR: Bool = true, isBigEndian: Bool = false, isDeflated: Bool = false,
        isEncapsulated: Bool = false
    ) {
        self.uid = uid
        self.name = name
        self.isExplicitVR = isExplicitVR
        self.isBigEndian = isBigEndian
        self.isDeflated = isDeflated
        self.isEncapsulated = isEncapsulated
    }

    /// The syntax for `uid`: a known one, or, for any other well-formed UID, an encapsulated Explicit VR Little
    /// Endian syntax, since PS3.5 §A.4 encodes every syntax but the three native ones that way. Nil for a string
    /// that is not a UID (empty, longer than 64 characters, or not digits and dots).
    public init?(uid: String) {
        if let known = Self.known.first(where: { $0.uid == uid }) {
            self = known
            return
        }
        guard Self.isWellFormedUID(uid) else { return nil }
        self.init(uid: uid, name: "Transfer syntax \(uid)", isEncapsulated: true)
    }

    public var description: String { "\(name) (\(uid))" }

    /// Whether `text` is a UID: 1–64 characters of digits and dots, not starting or ending with a dot (PS3.5 §9).
    public static func isWellFormedUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 64, bytes.first != 0x2E, bytes.last != 0x2E else { return false }
        return bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }
    }

    /// Implicit VR Little Endian, the default syntax (PS3.5 §A.1).
    public static let implicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2", name: "Implicit VR Little Endian", isExplicitVR: false)
    /// Explicit VR Little Endian (PS3.5 §A.2).
    public static let explicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1", name: "Explicit VR Little Endian")
    /// Explicit VR Big Endian, retired but still read (PS3.5 §A.3).
    public static let explicitVRBigEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.2", name: "Explicit VR Big Endian", isBigEndian: true)
    /// Deflated Explicit VR Little Endian (PS3.5 §A.5): Explicit VR Little Endian, deflated; inflated as read.
    public static let deflatedExplicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1.99", name: "Deflated Explicit VR Little Endian", isDeflated: true)
    /// JPEG Baseline (Process 1).
    public static let jpegBaseline = encapsulated("1.2.840.10008.1.2.4.50", "JPEG Baseline")
    /// JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, Selection Value 1).
    public static let jpegLosslessSV1 = encapsulated("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1")
    /// JPEG-LS Lossless.
    public static let jpegLSLossless = encapsulated("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless")
    /// JPEG 2000 Lossless Only.
    public static let jpeg2000Lossless = encapsulated("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless")
    /// JPEG 2000.
    public static let jpeg2000 = encapsulated("1.2.840.10008.1.2.4.91", "JPEG 2000")
    /// RLE Lossless (PS3.5 Annex G).
    public static let rleLossless = encapsulated("1.2.840.10008.1.2.5", "RLE Lossless")

    /// Every syntax known by name; others are accepted by UID as encapsulated explicit little endian.
    public static let known: [TransferSyntax] = [
        implicitVRLittleEndian, explicitVRLittleEndian, explicitVRBigEndian, deflatedExplicitVRLittleEndian,
        jpegBaseline, encapsulated("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)"),
        encapsulated("1.2.840.10008.1.2.4.57", "JPEG Lossless (Process 14)"), jpegLosslessSV1,
        jpegLSLossless, encapsulated("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless"),
        jpeg2000Lossless, jpeg2000,
        encapsulated("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Lossless"),
        encapsulated("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component"),
        encapsulated("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"),
        encapsulated("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile"),
        encapsulated("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile"),
        encapsulated("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless"),
        encapsulated("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 RPCL Lossless"),
        encapsulated("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000"),
        rleLossless,
    ]

    private static func encapsulated(_ uid: String, _ name: String) -> TransferSyntax {
        TransferSyntax(uid: uid, name: name, isEncapsulated: true)
    }
}
