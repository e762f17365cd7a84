// UIDs inside upper-layer items and command sets (PS3.5 §9.1): digits and dots, at most 64 characters. Peers pad
// them with a NUL or a space to an even length; decoding removes that padding, encoding never adds it to items.

/// Checks and decodes UIDs carried by PDU items and command elements.
enum UIDText {
    /// The longest UID (PS3.5 §9.1).
    static let bytesMax = 64

    /// Decodes a UID value, without its trailing NUL or space padding; throws naming `what` when it is empty,
    /// too long, or holds anything but digits and dots.
    static func decode(_ bytes: ArraySlice<UInt8>, what: String) throws(DIMSEError) -> String {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == 0 || bytes[end - 1] == 0x20 { end -= 1 }
        let value = bytes[bytes.startIndex..<end]
        guard !value.isEmpty else { throw DIMSEError(.invalidParameter, "\(what) is empty") }
        guard value.count <= bytesMax else {
            throw DIMSEError(.invalidParameter, "\(what) is \(value.count) bytes, more than the \(bytesMax) allowed")
        }
        guard value.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") })
        else {
            throw DIMSEError(.invalidParameter, "\(what) '\(String(decoding: value, as: UTF8.self))' is not a UID")
        }
        return String(decoding: value, as: UTF8.self)
    }
}
