// The request-target split into a percent-decoded path and query items (RFC 9112 §3.2, RFC 3986 §3.3–3.4).
// Owns decoding, and the matching encoding clients build targets with; routing belongs to the responders.

extension HTTPRequestHead {
    /// The target's path before "?", percent-decoded; for an absolute-form target ("http://host/p") its path.
    public var path: String {
        let path = HTTPRequestHead.pathAndQuery(of: target).path
        return HTTPRequestHead.percentDecoded(path, plusAsSpace: false)
    }

    /// The query's `name=value` items in order, percent-decoded with "+" as a space; an item without "=" has an
    /// empty value, empty items are skipped.
    public var queryItems: [(name: String, value: String)] {
        guard let query = HTTPRequestHead.pathAndQuery(of: target).query else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = HTTPRequestHead.percentDecoded(parts[0], plusAsSpace: true)
            let value = parts.count > 1 ? HTTPRequestHead.percentDecoded(parts[1], plusAsSpace: true) : ""
            return (name: name, value: value)
        }
    }

    /// The scheme and authority of an absolute-form target ("http://node-a:8042/dicom-web" gives "http" and
    /// "node-a:8042"), nil for any other form. A server MUST take the target's host from here rather than from
    /// Host (RFC 9112 §3.2.2). The scheme is lowercased; the authority is as sent, possibly empty.
    public var absoluteFormOrigin: (scheme: String, authority: String)? {
        guard !target.hasPrefix("/"), let separator = target.firstRange(of: "://") else { return nil }
        let scheme = target[..<separator.lowerBound]
        guard let first = scheme.utf8.first, HTTPRequestHead.isLetter(first),
            scheme.utf8.allSatisfy({ HTTPRequestHead.isLetter($0) || HTTPRequestHead.isSchemeSymbol($0) })
        else { return nil }
        let rest = target[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return (scheme.lowercased(), String(authority))
    }

    /// Whether `byte` is an ASCII letter.
    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    /// Whether `byte` may follow a scheme's first letter (RFC 3986 §3.1): a digit, "+", "-" or ".".
    private static func isSchemeSymbol(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    /// The raw path and query of `target`, dropping a fragment and, for absolute-form, scheme and authority.
    static func pathAndQuery(of target: String) -> (path: Substring, query: Substring?) {
        var rest = Substring(target)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if !rest.hasPrefix("/"), let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") {
            let authorityAndPath = rest[rest.index(colon, offsetBy: 3)...]
            let pathStart = authorityAndPath.firstIndex { $0 == "/" || $0 == "?" } ?? authorityAndPath.endIndex
            rest = authorityAndPath[pathStart...]
            if rest.isEmpty || rest.hasPrefix("?") { rest = "/" + rest }
        }
        guard let question = rest.firstIndex(of: "?") else { return (rest, nil) }
        return (rest[..<question], rest[rest.index(after: question)...])
    }

    /// `text` with every valid %XX replaced by its byte; invalid escapes stay as they are, bytes that are not
    /// UTF-8 become U+FFFD.
    static func percentDecoded(_ text: some StringProtocol, plusAsSpace: Bool) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.contains(UInt8(ascii: "%")) || (plusAsSpace && utf8.contains(UInt8(ascii: "+"))) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count,
                let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` with everything but RFC 3986's unreserved characters and "*" percent-encoded, for a path segment or
    /// a query value a client puts in a target. "*" stays: QIDO-RS uses it as a wildcard (PS3.18 §8.3.4.6.1) and
    /// RFC 3986 allows it unescaped there.
    public static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "*"):
                result.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".utf8)
                result += "%" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return result
    }

    /// The value of one hexadecimal digit, or nil.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
