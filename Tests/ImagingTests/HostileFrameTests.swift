// Goal: no frame attributes, window, viewport or pixel bytes make rendering crash or break its promises; only
// ImagingError comes out. Method: the seeded loop behind `tessera fuzz rendering` (ImagingFuzzing, which traps on
// a broken promise), three seeds, plus the edges written out: empty frames, one pixel, the largest side.
import Fuzzing
import Imaging
import Testing

struct HostileFrameTests {
    @Test("seeded hostile frames: rendered or refused, never a crash", arguments: [1, 2, 3] as [UInt64])
    func seeded(seed: UInt64) {
        ImagingFuzzing.run(seed: seed, rounds: 3000)
    }

    @Test("edges: a frame one byte short, a single pixel, the largest viewport")
    func edges() throws {
        let format = try PixelFormat(
            rows: 1, columns: 1, samplesPerPixel: 1, photometric: "MONOCHROME2", bitsAllocated: 16, bitsStored: 16,
            highBit: 15, pixelRepresentation: 1)
        #expect(throws: ImagingError.self) { try FrameRenderer.render([1], format: format) }
        let single = try FrameRenderer.render([0xFF, 0xFF], format: format)
        #expect(single.pixels == [128])
        let huge = try Viewport(width: Viewport.sideMax, height: 1).apply(to: single)
        #expect((huge.width, huge.height) == (1, 1), "a 1×1 image fitted to 8192×1 stays 1×1")
        #expect(throws: ImagingError.self) { try Viewport(width: Viewport.sideMax + 1) }
    }
}
