// A minimal JSON text writer (RFC 8259): objects, arrays, strings with correct escaping, numbers and null, with
// commas placed by a small stack. Enough for DICOM JSON without Foundation's JSONEncoder.

/// Appends JSON text to a byte buffer.
public struct JSONWriter: Sendable {
    /// The JSON text so far, UTF-8.
    public private(set) var bytes: [UInt8] = []
    /// For each open object or array, whether it already has a member (so the next needs a comma).
    private var hasMember: [Bool] = []
    /// Whether a key was just written, so the next value follows its colon without a comma.
    private var afterKey = false

    /// Makes an empty writer.
    public init() {}

    /// Opens an object.
    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    /// Closes the innermost object.
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    /// Opens an array.
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    /// Closes the innermost array.
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes an object key; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// Writes a string value.
    public mutating func string(_ value: String) {
        separate()
        appendString(value)
    }

    /// Writes a number given as valid JSON number text (the caller guarantees the syntax).
    public mutating func number(text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes null.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Writes raw, already valid JSON text as one value (e.g. base64 wrapped in quotes by the caller).
    public mutating func stringBytes(_ asciiText: [UInt8]) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: asciiText)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes `json`, one complete and valid JSON value (a stored object's member), verbatim.
    public mutating func raw(_ json: some Collection<UInt8>) {
        separate()
        bytes.append(contentsOf: json)
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        hasMember.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        precondition(!hasMember.isEmpty && !afterKey, "unbalanced JSON")
        hasMember.removeLast()
        bytes.append(bracket)
    }

    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard let last = hasMember.indices.last else { return }
        if hasMember[last] { bytes.append(UInt8(ascii: ",")) }
        hasMember[last] = true
    }

    /// Lower-case hexadecimal digits for \u escapes.
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether `byte` must be escaped inside a JSON string (RFC 8259 §7).
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Appends `value` quoted, escaping '"', '\' and control characters (RFC 8259 §7); a value with nothing to
    /// escape, as nearly every DICOM value is, is copied in one go.
    private mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = value.utf8
        if !utf8.contains(where: Self.needsEscape) {
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
