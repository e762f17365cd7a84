// Heads to bytes: the status line or request line, the field lines and the empty line (RFC 9112 §3, §4, §5).
// Every name and value is checked first, so no caller can inject a CR or LF into what goes on the wire.

extension HTTPHeaders {
    /// Checks that every name is a token and every value a valid field value (no CR, LF, NUL or other control
    /// byte, no surrounding whitespace).
    public func validate() throws(HTTPWriteError) {
        for field in fields {
            guard HTTPFieldSyntax.isToken(field.name) else {
                throw HTTPWriteError(.invalidField, "header name \(String(reflecting: field.name)) is not a token")
            }
            guard HTTPFieldSyntax.isValidFieldValue(field.value) else {
                throw HTTPWriteError(
                    .invalidField,
                    "header \(field.name) has a value with control bytes or surrounding whitespace: "
                        + String(reflecting: field.value))
            }
        }
    }

    /// Appends "name: value\r\n" for every field, then the empty line. Call `validate()` first.
    func serializeFields(into bytes: inout [UInt8]) {
        for field in fields {
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: field.value.utf8)
            bytes.append(HTTPBytes.cr)
            bytes.append(HTTPBytes.lf)
        }
        bytes.append(HTTPBytes.cr)
        bytes.append(HTTPBytes.lf)
    }
}

extension HTTPResponseHead {
    /// Appends "HTTP/1.1 status reason\r\n", the fields and the empty line to `bytes`.
    public func serialize(into bytes: inout [UInt8]) throws(HTTPWriteError) {
        guard (100...999).contains(status) else {
            throw HTTPWriteError(.invalidStatus, "status \(status) is not a three-digit code")
        }
        guard reason.utf8.allSatisfy(HTTPFieldSyntax.isFieldValueByte) else {
            throw HTTPWriteError(.invalidStatus, "reason phrase \(String(reflecting: reason)) holds control bytes")
        }
        try headers.validate()
        bytes.append(contentsOf: "HTTP/1.\(versionMinor == 0 ? 0 : 1) \(status) ".utf8)
        bytes.append(contentsOf: reason.utf8)
        bytes.append(HTTPBytes.cr)
        bytes.append(HTTPBytes.lf)
        headers.serializeFields(into: &bytes)
    }

    /// The head as bytes.
    public func serialized() throws(HTTPWriteError) -> [UInt8] {
        var bytes: [UInt8] = []
        try serialize(into: &bytes)
        return bytes
    }
}

extension HTTPRequestHead {
    /// Appends "METHOD target HTTP/1.x\r\n", the fields and the empty line to `bytes`.
    public func serialize(into bytes: inout [UInt8]) throws(HTTPWriteError) {
        guard HTTPFieldSyntax.isToken(method) else {
            throw HTTPWriteError(.invalidRequestLine, "method \(String(reflecting: method)) is not a token")
        }
        guard !target.utf8.isEmpty, target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPWriteError(
                .invalidRequestLine, "target \(String(reflecting: target)) is empty or holds non-visible bytes")
        }
        try headers.validate()
        bytes.append(contentsOf: method.utf8)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: target.utf8)
        bytes.append(contentsOf: " HTTP/1.\(versionMinor == 0 ? 0 : 1)".utf8)
        bytes.append(HTTPBytes.cr)
        bytes.append(HTTPBytes.lf)
        headers.serializeFields(into: &bytes)
    }

    /// The head as bytes.
    public func serialized() throws(HTTPWriteError) -> [UInt8] {
        var bytes: [UInt8] = []
        try serialize(into: &bytes)
        return bytes
    }
}

/// Byte constants of the HTTP grammar.
enum HTTPBytes {
    /// Carriage return.
    static let cr = UInt8(ascii: "\r")
    /// Line feed.
    static let lf = UInt8(ascii: "\n")
    /// Colon between field name and value.
    static let colon = UInt8(ascii: ":")
    /// Space.
    static let space = UInt8(ascii: " ")
}
