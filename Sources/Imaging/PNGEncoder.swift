// Rendered images as PNG (RFC 2083 / ISO 15948): 8-bit grey or RGB, each row filtered with Up, the stream
// compressed by zlib (Debian's zlib1g-dev), chunks checked with zlib's CRC-32. Lossless, so a client can compare
// it pixel for pixel with its own rendering.
import CZlib

/// PNG encoding.
public enum PNGEncoder {
    /// `image` as a PNG file.
    public static func encode(_ image: RenderedImage) throws(ImagingError) -> [UInt8] {
        let rowBytes = image.width * image.channels
        var filtered = [UInt8](repeating: 0, count: (rowBytes + 1) * image.height)
        image.pixels.withUnsafeBufferPointer { pixels in
            filtered.withUnsafeMutableBufferPointer { out in
                for row in 0..<image.height {
                    let start = row * (rowBytes + 1)
                    out[start] = row == 0 ? 0 : 2  // None for the first row, Up after it
                    let here = row * rowBytes
                    for column in 0..<rowBytes {
                        let above = row == 0 ? 0 : pixels[here - rowBytes + column]
                        out[start + 1 + column] = pixels[here + column] &- above
                    }
                }
            }
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
        header += [8, image.channels == 1 ? 0 : 2, 0, 0, 0]  // depth, colour type, deflate, adaptive, no interlace
        append(chunk: "IHDR", header, to: &png)
        append(chunk: "IDAT", try deflate(filtered), to: &png)
        append(chunk: "IEND", [], to: &png)
        return png
    }

    /// `bytes` as one zlib stream.
    static func deflate(_ bytes: [UInt8]) throws(ImagingError) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &length, input.baseAddress, uLong(input.count), 6)
            }
        }
        guard status == Z_OK else {
            throw ImagingError(.encoderFailure, "zlib could not compress the image (status \(status))")
        }
        return Array(output.prefix(Int(length)))
    }

    private static func append(chunk type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typed = Array(type.utf8) + data
        png += bigEndian(UInt32(data.count)) + typed
        let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        png += bigEndian(UInt32(crc))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
