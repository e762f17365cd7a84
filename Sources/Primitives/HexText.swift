// Fixed-width hexadecimal text for identifiers written to files and messages: volume ids, node ids, HLC versions.

/// Zero-padded hexadecimal text.
public enum HexText {
    /// `value` as at least `digits` lowercase hexadecimal digits, zero-padded on the left.
    public static func padded(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
