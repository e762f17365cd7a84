// Goal: the PNG encoder writes a file any reader decodes to exactly the pixels given (checked here by undoing the
// filters of a zlib-inflated IDAT and every chunk's CRC), and the JPEG encoder a JFIF that libjpeg-turbo decodes
// back to nearly the same pixels; the viewport crops, flips and scales as PS3.18 says. Method: small images built
// here; Pillow checks the same files in the interop tests.
import CTurboJPEG
import CZlib
import Imaging
import Testing

struct EncodingTests {
    static func ramp(width: Int, height: Int, channels: Int) -> RenderedImage {
        let pixels = (0..<(width * height * channels)).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / 5) }
        return RenderedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// The chunks of a PNG file, each CRC checked.
    static func chunks(_ png: [UInt8]) throws -> [(type: String, data: [UInt8])] {
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var chunks: [(String, [UInt8])] = []
        var at = 8
        func word(_ offset: Int) -> UInt32 { png[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
        while at < png.count {
            let length = Int(word(at))
            let typed = Array(png[(at + 4)..<(at + 8 + length)])
            let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
            #expect(UInt32(crc) == word(at + 8 + length), "CRC of \(String(decoding: typed.prefix(4), as: UTF8.self))")
            chunks.append((String(decoding: typed.prefix(4), as: UTF8.self), Array(typed.dropFirst(4))))
            at += 12 + length
        }
        return chunks
    }

    @Test("PNG: grey and RGB decode to exactly the pixels given")
    func png() throws {
        for channels in [1, 3] {
            let image = Self.ramp(width: 13, height: 7, channels: channels)
            let chunks = try Self.chunks(try PNGEncoder.encode(image))
            #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
            #expect(chunks[0].data == [0, 0, 0, 13, 0, 0, 0, 7, 8, channels == 1 ? 0 : 2, 0, 0, 0])
            let rowBytes = 13 * channels
            var inflated = [UInt8](repeating: 0, count: (rowBytes + 1) * 7)
            var length = uLong(inflated.count)
            let status = uncompress(&inflated, &length, chunks[1].data, uLong(chunks[1].data.count))
            #expect(status == Z_OK && Int(length) == inflated.count)
            var pixels: [UInt8] = []
            for row in 0..<7 {
                let line = inflated[(row * (rowBytes + 1))..<((row + 1) * (rowBytes + 1))]
                let filter = line.first!
                for (column, byte) in line.dropFirst().enumerated() {
                    let above = row == 0 ? 0 : pixels[(row - 1) * rowBytes + column]
                    #expect(filter == 0 || filter == 2)
                    pixels.append(filter == 2 ? byte &+ above : byte)
                }
            }
            #expect(pixels == image.pixels)
        }
    }

    @Test("JPEG: libjpeg-turbo decodes it to the same size and nearly the same pixels; quality is checked")
    func jpeg() throws {
        for channels in [1, 3] {
            let pixels = (0..<(64 * 48 * channels)).map { UInt8(($0 / channels % 64) * 4) }
            let image = RenderedImage(width: 64, height: 48, channels: channels, pixels: pixels)
            let jpeg = try JPEGEncoder.encode(image, quality: 95)
            #expect(jpeg.prefix(2) == [0xFF, 0xD8])
            let handle = try #require(tjInitDecompress())
            defer { tjDestroy(handle) }
            var decoded = [UInt8](repeating: 0, count: pixels.count)
            let status = tjDecompress2(
                handle, jpeg, UInt(jpeg.count), &decoded, 64, 0, 48,
                Int32((channels == 1 ? TJPF_GRAY : TJPF_RGB).rawValue), 0)
            #expect(status == 0)
            let error = zip(decoded, pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +) / pixels.count
            #expect(error <= 2, "mean error \(error)")
        }
        #expect(throws: ImagingError.self) {
            try JPEGEncoder.encode(Self.ramp(width: 2, height: 2, channels: 1), quality: 0)
        }
    }

    @Test("viewport: fit keeping the aspect ratio, mean of covered pixels, crop, flip, black outside")
    func viewport() throws {
        let image = RenderedImage(width: 4, height: 2, channels: 1, pixels: [0, 10, 20, 30, 40, 50, 60, 70])
        let half = try Viewport(width: 2, height: 2).apply(to: image)
        #expect((half.width, half.height) == (2, 1), "4×2 into 2×2 keeps 2:1")
        #expect(half.pixels == [25, 45])
        #expect(try Viewport(width: 8).apply(to: image).height == 4)
        #expect(try Viewport().apply(to: image) == image)
        let flipped = try Viewport(region: .pixels(x: 4, y: 0, width: -4, height: 2)).apply(to: image)
        #expect(flipped.pixels == [30, 20, 10, 0, 70, 60, 50, 40])
        let crop = try Viewport(region: .fractions(left: 0.5, top: 0.5, right: 1, bottom: 1)).apply(to: image)
        #expect((crop.width, crop.height, crop.pixels) == (2, 1, [60, 70]))
        let outside = try Viewport(region: .pixels(x: 1e300, y: -1e300, width: 2, height: 2)).apply(to: image)
        #expect(outside.pixels == [0, 0, 0, 0])
        #expect(throws: ImagingError.self) { try Viewport(width: 0) }
        #expect(throws: ImagingError.self) { try Viewport(region: .pixels(x: 0, y: 0, width: 0, height: 1)) }
        #expect(throws: ImagingError.self) {
            try Viewport(region: .fractions(left: 0.5, top: 0, right: 0.2, bottom: 1))
        }
    }
}

struct DecodingTests {
    @Test("JPEG decoding: grey and RGB come back close to what was encoded; a stream that is not JPEG is refused")
    func decodes() throws {
        for channels in [1, 3] {
            let pixels = (0..<(32 * 16 * channels)).map { UInt8(($0 / channels % 32) * 8) }
            let image = RenderedImage(width: 32, height: 16, channels: channels, pixels: pixels)
            let frame = try JPEGDecoder.decode(try JPEGEncoder.encode(image, quality: 95), channels: channels)
            #expect((frame.width, frame.height, frame.channels) == (32, 16, channels))
            let error = zip(frame.samples, pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +) / pixels.count
            #expect(error <= 2, "mean error \(error)")
        }
        #expect(throws: ImagingError.self) { try JPEGDecoder.decode([0xFF, 0xD8, 0xFF, 0xD9], channels: 1) }
        #expect(throws: ImagingError.self) { try JPEGDecoder.decode(Array(repeating: 7, count: 100), channels: 3) }
    }
}
