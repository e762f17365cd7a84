// Goal: the grey pipeline follows PS3.3 (bits stored masked, signed values, rescale, the three VOI functions,
// MONOCHROME1 inverted, the frame's range when no window is given) and colour frames come out as RGB whether
// interleaved, planar or YBR_FULL; attributes that contradict each other are refused by name. Method: frames built
// here, expected grey levels computed from the standard's formulas written out longhand.
import Imaging
import Testing

struct RenderingTests {
    /// Little-endian bytes of 16-bit samples.
    static func bytes(_ samples: [UInt16]) -> [UInt8] { samples.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }

    static func render(_ frame: [UInt8], _ format: PixelFormat, _ window: VOIWindow? = nil) throws -> RenderedImage {
        try frame.withUnsafeBytes { buffer throws(ImagingError) in
            try FrameRenderer.render(buffer, format: format, window: window)
        }
    }

    static func grey(
        rows: Int = 1, columns: Int, bits: Int = 16, stored: Int? = nil, high: Int? = nil, signed: Bool = false,
        photometric: String = "MONOCHROME2", slope: Double = 1, intercept: Double = 0, windows: [VOIWindow] = []
    ) throws -> PixelFormat {
        try PixelFormat(
            rows: rows, columns: columns, samplesPerPixel: 1, photometric: photometric, bitsAllocated: bits,
            bitsStored: stored, highBit: high, pixelRepresentation: signed ? 1 : 0, rescaleSlope: slope,
            rescaleIntercept: intercept, windows: windows)
    }

    @Test("LINEAR, LINEAR_EXACT and SIGMOID follow PS3.3 §C.11.2.1.2")
    func windowFunctions() throws {
        let linear = try VOIWindow(center: 40, width: 400)
        // x ≤ c − 0.5 − (w−1)/2 = −160 is 0; x > c − 0.5 + (w−1)/2 = 239 is 255; between, the line.
        #expect(linear.level(-160) == 0)
        #expect(linear.level(240) == 255)
        #expect(linear.level(39.5) == UInt8(((39.5 - 39.5) / 399 + 0.5) * 255 + 0.5))
        #expect(linear.level(100) == UInt8((((100 - 39.5) / 399 + 0.5) * 255).rounded()))
        let exact = try VOIWindow(center: 0, width: 100, function: .linearExact)
        #expect(exact.level(-50) == 0)
        #expect(exact.level(25) == UInt8(((25.0 / 100 + 0.5) * 255).rounded()))
        let sigmoid = try VOIWindow(center: 10, width: 20, function: .sigmoid)
        #expect(sigmoid.level(10) == 128)
        #expect(sigmoid.level(1000) == 255)
        #expect(throws: ImagingError.self) { try VOIWindow(center: 0, width: 0.5) }
        #expect(throws: ImagingError.self) { try VOIWindow(center: .nan, width: 10) }
    }

    @Test("signed 12-bit CT with junk above the high bit, rescaled and windowed")
    func signedRescaled() throws {
        // Stored values −1000, 0, 1000, 2047 in 12 bits; the top nibble holds junk the reader must drop.
        let codes: [Int] = [-1000, 0, 1000, 2047]
        let samples = codes.map { UInt16(($0 & 0xFFF) | 0xA000) }
        let window = try VOIWindow(center: 40, width: 400)
        let format = try Self.grey(
            columns: 4, stored: 12, high: 11, signed: true, slope: 1, intercept: -1024, windows: [window])
        let image = try Self.render(Self.bytes(samples), format)
        #expect(image.pixels == codes.map { window.level(Double($0) - 1024) })
        let wide = try VOIWindow(center: 0, width: 4000)
        let asked = try Self.render(Self.bytes(samples), format, wide)
        #expect(asked.pixels == codes.map { wide.level(Double($0) - 1024) }, "the asked window replaces the header's")
    }

    @Test("MONOCHROME1 is inverted; without a window the frame's range spans black to white")
    func monochromeOneAndFullRange() throws {
        let frame: [UInt8] = [10, 20, 30, 40]
        let two = try Self.render(frame, try Self.grey(columns: 4, bits: 8))
        #expect(two.pixels.first == 0 && two.pixels.last == 255)
        #expect(two.pixels == two.pixels.sorted())
        let one = try Self.render(frame, try Self.grey(columns: 4, bits: 8, photometric: "MONOCHROME1 "))
        #expect(one.pixels == two.pixels.map { 255 - $0 })
        let flat = try Self.render([7, 7], try Self.grey(columns: 2, bits: 8))
        #expect(flat.pixels == [128, 128], "one value only: mid grey, not a division by zero")
    }

    @Test("32-bit samples are windowed without a table")
    func thirtyTwoBit() throws {
        let values: [UInt32] = [0, 100_000, 200_000]
        let frame = values.flatMap { value in (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        let image = try Self.render(frame, try Self.grey(columns: 3, bits: 32))
        #expect(image.pixels == [0, 128, 255])
    }

    @Test("RGB interleaved and planar, YBR_FULL, and 16-bit colour give the same RGB")
    func colour() throws {
        let rgb: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]
        func format(_ photometric: String, planar: Int = 0, bits: Int = 8) throws -> PixelFormat {
            try PixelFormat(
                rows: 2, columns: 2, samplesPerPixel: 3, photometric: photometric, bitsAllocated: bits,
                bitsStored: bits, highBit: bits - 1, pixelRepresentation: 0, planarConfiguration: planar)
        }
        #expect(try Self.render(rgb, try format("RGB")).pixels == rgb)
        let planar = (0..<3).flatMap { channel in stride(from: channel, to: 12, by: 3).map { rgb[$0] } }
        #expect(try Self.render(planar, try format("RGB", planar: 1)).pixels == rgb)
        let wide = Self.bytes(rgb.map { UInt16($0) * 257 })
        #expect(try Self.render(wide, try format("RGB", bits: 16)).pixels == rgb)
        // Y = 128, Cb = 128, Cr = 228 → R = 128 + 1.402 × 100 = 268 → 255, G = 128 − 71.4 = 57, B = 128.
        let ybr = try Self.render([128, 128, 228] + [UInt8](repeating: 128, count: 9), try format("YBR_FULL"))
        #expect(Array(ybr.pixels.prefix(3)) == [255, 57, 128])
    }

    @Test("contradictory or unhandled attributes are refused by name")
    func refusals() throws {
        let cases: [(String, () throws -> PixelFormat)] = [
            ("PALETTE COLOR", { try Self.grey(columns: 1, photometric: "PALETTE COLOR") }),
            ("12 bits allocated", { try Self.grey(columns: 1, bits: 12) }),
            ("high bit", { try Self.grey(columns: 1, stored: 12, high: 16) }),
            ("pixels", { try Self.grey(rows: 1 << 20, columns: 1 << 20) }),
            (
                "samples",
                {
                    try PixelFormat(
                        rows: 1, columns: 1, samplesPerPixel: 1, photometric: "RGB", bitsAllocated: 8, bitsStored: 8,
                        highBit: 7, pixelRepresentation: 0)
                }
            ),
        ]
        for (word, make) in cases {
            do {
                _ = try make()
                Issue.record("\(word) was accepted")
            } catch let error as ImagingError {
                #expect(error.reason.contains(word), "\(error.reason)")
            }
        }
        #expect(throws: ImagingError.self) { try Self.render([1, 2, 3], try Self.grey(columns: 2)) }
    }
}
