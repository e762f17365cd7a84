// Byte-level text helpers the accessors and JSON share: Latin-1 decoding and the trimming rules of PS3.5 §6.2.

/// Text decoding and trimming without Foundation.
public enum TextDecoding {
    /// Decodes ISO 8859-1: every byte is the Unicode scalar of the same number, so it never fails.
    public static func latin1(_ bytes: some Collection<UInt8>) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// `text` without leading and trailing spaces.
    public static func trimSpaces(_ text: String) -> String {
        trim(text, leading: true)
    }

    /// `text` without trailing spaces and NULs, and without leading spaces when `leading` (PS3.5 §6.2: LT, ST, UT
    /// and UR keep leading spaces).
    public static func trim(_ text: String, leading: Bool) -> String {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while end > start, scalars[scalars.index(before: end)] == " " || scalars[scalars.index(before: end)] == "\0" {
            end = scalars.index(before: end)
        }
        if leading {
            while start < end, scalars[start] == " " { start = scalars.index(after: start) }
        }
        return String(scalars[start..<end])
    }
}
