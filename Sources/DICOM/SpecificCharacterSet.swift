// Specific Character Set (0008,0005, PS3.3 §C.12.1.1.2) and text decoding without Foundation. We decode the default
// repertoire and ISO_IR 100 as Latin-1 and ISO_IR 192 as UTF-8; any other set is decoded as Latin-1, which never
// fails, so a name in an unsupported set comes out garbled but never crashes the reader.

/// How text values of a data set are encoded.
public enum SpecificCharacterSet: Sendable, Equatable {
    /// The default repertoire (ISO-IR 6, ASCII), when (0008,0005) is absent or empty.
    case `default`
    /// ISO_IR 100: ISO 8859-1, Latin alphabet No. 1.
    case latin1
    /// ISO_IR 192: UTF-8.
    case utf8
    /// Any other defined term, kept as written; decoded as Latin-1.
    case other(String)

    /// The character set named by the value of (0008,0005): the first value decides, as for single-byte sets
    /// without code extensions.
    public init(term: String) {
        let first = term.split(separator: "\\", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let trimmed = TextDecoding.trimSpaces(first)
        switch trimmed {
        case "", "ISO_IR 6", "ISO 2022 IR 6": self = .default
        case "ISO_IR 100", "ISO 2022 IR 100": self = .latin1
        case "ISO_IR 192": self = .utf8
        default: self = .other(trimmed)
        }
    }

    /// Decodes `bytes` in this character set.
    public func decode(_ bytes: some Collection<UInt8>) -> String {
        switch self {
        case .utf8: return String(decoding: bytes, as: UTF8.self)
        case .default, .latin1, .other: return TextDecoding.latin1(bytes)
        }
    }
}
