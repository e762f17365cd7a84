// Standard base64 (RFC 4648 §4, with padding) without Foundation, for DICOM JSON InlineBinary (PS3.18 §F.2.7).

/// Base64 encoding.
public enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends the base64 text of `bytes` to `output`.
    public static func encode(_ bytes: [UInt8], into output: inout [UInt8]) {
        output.reserveCapacity(output.count + (bytes.count + 2) / 3 * 4)
        bytes.withUnsafeBufferPointer { input in
            alphabet.withUnsafeBufferPointer { table in
                var index = 0
                while index + 3 <= input.count {
                    let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                    output.append(table[Int(value >> 18 & 0x3F)])
                    output.append(table[Int(value >> 12 & 0x3F)])
                    output.append(table[Int(value >> 6 & 0x3F)])
                    output.append(table[Int(value & 0x3F)])
                    index += 3
                }
                let rest = input.count - index
                guard rest > 0 else { return }
                let second = rest == 2 ? UInt32(input[index + 1]) : 0
                let value = UInt32(input[index]) << 16 | second << 8
                output.append(table[Int(value >> 18 & 0x3F)])
                output.append(table[Int(value >> 12 & 0x3F)])
                output.append(rest == 2 ? table[Int(value >> 6 & 0x3F)] : UInt8(ascii: "="))
                output.append(UInt8(ascii: "="))
            }
        }
    }

    /// The base64 text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        encode(bytes, into: &output)
        return String(decoding: output, as: UTF8.self)
    }
}
