// The body of the libFuzzer target FuzzRendering and of `tessera fuzz rendering`: the bytes of an input become a
// frame's attributes (as hostile as a stored header may be), a window, a viewport and the frame's pixels, and the
// renderer, the viewport and both encoders run on them. Only ImagingError may come out; an image that does come out
// has the size the viewport promised and encodes to a PNG and a JPEG that start as those formats do; the same
// bytes also go through the JPEG and RLE decoders.
import Imaging
import Primitives

/// Entry points for fuzzing rendering.
public enum ImagingFuzzing {
    /// The photometric interpretations the first attribute byte picks from, the last two not rendered.
    static let photometrics = ["MONOCHROME2", "MONOCHROME1", "RGB", "YBR_FULL", "PALETTE COLOR", ""]

    /// Renders the frame `input` describes (its first 16 bytes the attributes, the rest the pixels).
    public static func check(_ input: UnsafeRawBufferPointer) {
        guard input.count >= 16 else { return }
        let head = Array(input.prefix(16))
        let pixels = Array(input.dropFirst(16))
        let format: PixelFormat
        do {
            format = try PixelFormat(
                rows: Int(head[0]) % 40, columns: Int(head[1]) % 40, samplesPerPixel: Int(head[2] % 4),
                photometric: photometrics[Int(head[3]) % photometrics.count], bitsAllocated: Int(head[4] % 40),
                bitsStored: head[5] == 0 ? nil : Int(head[5] % 40), highBit: head[6] == 0 ? nil : Int(head[6] % 40),
                pixelRepresentation: Int(head[7] % 3), planarConfiguration: Int(head[8] % 2),
                rescaleSlope: Double(Int8(bitPattern: head[9])) / 4,
                rescaleIntercept: Double(Int8(bitPattern: head[10])))
        } catch {
            return
        }
        let window =
            head[11] == 0
            ? nil
            : try? VOIWindow(
                center: Double(Int8(bitPattern: head[11])) * 16, width: Double(head[12]) * 8,
                function: VOIWindow.Function.allCases[Int(head[13]) % 3])
        let viewport =
            (try? Viewport(
                width: head[14] == 0 ? nil : Int(head[14]) % 70, height: head[15] == 0 ? nil : Int(head[15] % 70),
                region: head[14] & 1 == 0
                    ? nil : .pixels(x: Double(head[12]) - 100, y: Double(head[13]), width: -12.5, height: 7)))
            ?? .whole
        do {
            let image = try FrameRenderer.render(pixels, format: format, window: window)
            precondition(image.width == format.columns && image.height == format.rows, "rendered at another size")
            let shown = viewport.apply(to: image)
            precondition(shown.pixels.count == shown.width * shown.height * image.channels, "viewport lost pixels")
            let png = try PNGEncoder.encode(shown)
            precondition(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG without its signature")
            let jpeg = try JPEGEncoder.encode(shown, quality: Int(head[12] % 100) + 1)
            precondition(jpeg.starts(with: [0xFF, 0xD8]), "a JPEG without its start-of-image marker")
        } catch {
            precondition(error.kind == .unrenderable || error.kind == .encoderFailure, "unexpected error")
        }
        checkDecoding(pixels, channels: head[2] & 1 == 0 ? 1 : 3, isStoredRGB: head[3] & 1 == 1)
        let rows = Int(head[0] % 40) + 1
        let columns = Int(head[1] % 40) + 1
        let samples = head[2] & 1 == 0 ? 1 : 3
        let bytesPerSample = [1, 2, 4][Int(head[4]) % 3]
        do {
            let decoded = try RLEDecoder.decode(
                pixels, rows: rows, columns: columns, samples: samples, bytesPerSample: bytesPerSample)
            precondition(decoded.count == rows * columns * samples * bytesPerSample, "RLE decoded the wrong size")
        } catch {
            precondition(error.kind == .unrenderable, "unexpected error")
        }
    }

    /// Decodes `jpeg` (hostile, or a mutated JPEG): a frame of the size its samples say, or ImagingError.
    static func checkDecoding(_ jpeg: [UInt8], channels: Int, isStoredRGB: Bool) {
        do {
            let frame = try JPEGDecoder.decode(jpeg, channels: channels, isStoredRGB: isStoredRGB)
            precondition(frame.samples.count == frame.width * frame.height * channels, "decoded samples lost")
        } catch {
            precondition(error.kind == .unrenderable || error.kind == .encoderFailure, "unexpected error")
        }
    }

    /// Seeded random inputs (`tessera fuzz rendering --seed N`): attribute bytes at random, pixels of the length
    /// the attributes want, or a few bytes off.
    public static func run(seed: UInt64, rounds: Int) {
        precondition(rounds >= 0, "rounds must not be negative")
        var random = SeededRandom(seed: seed)
        for _ in 0..<rounds {
            var input = (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Mostly sizes that render, so that the renderer, not only the checks, is what gets exercised.
            if random.next() % 4 != 0 {
                input[2] = [1, 3][Int(random.next() % 2)]
                input[3] = input[2] == 1 ? UInt8(random.next() % 2) : UInt8(2 + random.next() % 2)
                input[4] = [8, 16, 32][Int(random.next() % 3)]
            }
            let bytesPerPixel = Int(input[2] % 4) * Int(input[4] % 40) / 8
            let wanted = Int(input[0] % 40) * Int(input[1] % 40) * bytesPerPixel
            let length = max(0, wanted + Int(random.next() % 5) - 2)
            input += (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            input.withUnsafeBytes { check($0) }
            // A valid JPEG of random pixels with a few bytes changed, so the decoder gets past the markers.
            let side = Int(random.next() % 24) + 1
            let image = RenderedImage(
                width: side, height: side, channels: 3,
                pixels: (0..<(side * side * 3)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            guard var jpeg = try? JPEGEncoder.encode(image, quality: 80) else { continue }
            for _ in 0..<(random.next() % 4) {
                jpeg[Int(random.next() % UInt64(jpeg.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            checkDecoding(jpeg, channels: Int(random.next() % 2) * 2 + 1, isStoredRGB: random.next() % 2 == 0)
        }
    }
}
