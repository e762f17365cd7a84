// An application entity title: how DICOM peers name each other at association (PS3.8 §9.3.2, PS3.5 §6.2 "AE").
// Owns validation and the 16-byte space-padded wire form; which titles may connect is the node's configuration.

/// A validated AE title: 1 to 16 characters of the default repertoire, no backslash or control character, not
/// only spaces; leading and trailing spaces are not significant, so they are removed.
public struct AETitle: Sendable, Hashable, CustomStringConvertible {
    /// The bytes on the wire, space-padded.
    public static let wireBytes = 16

    /// The title without its non-significant spaces.
    public let value: String

    /// Validates `text`; the error names what is wrong with it.
    public init(_ text: String) throws(DIMSEError) {
        try self.init(bytes: Array(text.utf8), what: "AE title '\(text)'")
    }

    /// Decodes a 16-byte wire field (NUL padding tolerated, as some peers send it).
    init(wire bytes: ArraySlice<UInt8>, what: String) throws(DIMSEError) {
        try self.init(bytes: Array(bytes), what: what)
    }

    private init(bytes: [UInt8], what: String) throws(DIMSEError) {
        let isPadding = { (byte: UInt8) in byte == 0x20 || byte == 0 }
        guard let first = bytes.firstIndex(where: { !isPadding($0) }),
            let last = bytes.lastIndex(where: { !isPadding($0) })
        else { throw DIMSEError(.invalidParameter, "\(what) is empty or only spaces") }
        let trimmed = bytes[first...last]
        guard trimmed.count <= Self.wireBytes else {
            throw DIMSEError(.invalidParameter, "\(what) is longer than \(Self.wireBytes) characters")
        }
        if let bad = trimmed.first(where: { $0 < 0x20 || $0 > 0x7E || $0 == UInt8(ascii: "\\") }) {
            throw DIMSEError(.invalidParameter, "\(what) holds the byte 0x\(String(bad, radix: 16)), not allowed in AE")
        }
        value = String(decoding: trimmed, as: UTF8.self)
    }

    /// The 16 bytes on the wire, space-padded.
    var wire: [UInt8] { Array(value.utf8) + Array(repeating: 0x20, count: Self.wireBytes - value.utf8.count) }

    public var description: String { value }
}
