// RLE Lossless frames (PS3.5 Annex G) decoded into native little-endian pixels the renderer takes: a 64-byte
// header of segment offsets, then one PackBits segment per byte plane (each sample's most significant byte
// first). Every length and offset is checked against the frame and the image size, so a hostile frame is an
// ImagingError, never a read past its end or an unbounded allocation. Pure.

/// RLE Lossless decoding.
public enum RLEDecoder {
    /// The pixels of `frame`, interleaved (sample after sample of each pixel), each sample `bytesPerSample` bytes
    /// little endian: `rows × columns × samples × bytesPerSample` bytes.
    public static func decode(
        _ frame: [UInt8], rows: Int, columns: Int, samples: Int, bytesPerSample: Int
    ) throws(ImagingError) -> [UInt8] {
        guard rows > 0, columns > 0, rows <= PixelFormat.pixelCountMax / columns, (1...4).contains(samples),
            [1, 2, 4].contains(bytesPerSample)
        else {
            throw ImagingError(.unrenderable, "an RLE frame of \(rows) × \(columns) × \(samples) is not decoded")
        }
        let planeCount = samples * bytesPerSample
        guard frame.count >= 64 else { throw malformed("its header is \(frame.count) bytes, not 64") }
        let word = { (at: Int) in frame[at..<(at + 4)].reversed().reduce(0) { $0 << 8 | Int($1) } }
        let segmentCount = word(0)
        guard segmentCount == planeCount else {
            throw malformed("it has \(segmentCount) segments where \(planeCount) byte planes are needed")
        }
        let offsets = (1...segmentCount).map { word($0 * 4) } + [frame.count]
        guard offsets.first == 64, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw malformed(
                "its segment offsets \(offsets.dropLast()) are not in order within its \(frame.count) bytes")
        }
        let pixelCount = rows * columns
        var output = [UInt8](repeating: 0, count: pixelCount * planeCount)
        for segment in 0..<segmentCount {
            // Planes come most significant byte first; little-endian output puts that byte last.
            let sample = segment / bytesPerSample
            let byte = bytesPerSample - 1 - segment % bytesPerSample
            try unpack(frame[offsets[segment]..<offsets[segment + 1]], count: pixelCount) { index, value in
                output[(index * samples + sample) * bytesPerSample + byte] = value
            }
        }
        return output
    }

    /// Expands one PackBits segment, handing each of its first `count` bytes to `put`; a segment that ends short
    /// is malformed, bytes past `count` (padding) are ignored.
    static func unpack(
        _ segment: ArraySlice<UInt8>, count: Int, put: (Int, UInt8) -> Void
    ) throws(ImagingError) {
        var at = segment.startIndex
        var written = 0
        while written < count {
            guard at < segment.endIndex else { throw malformed("a segment ends after \(written) of \(count) bytes") }
            let header = Int(Int8(bitPattern: segment[at]))
            at += 1
            if header >= 0 {
                let length = header + 1
                guard at + length <= segment.endIndex else { throw malformed("a literal run passes its segment") }
                for offset in 0..<min(length, count - written) { put(written + offset, segment[at + offset]) }
                written += length
                at += length
            } else if header != -128 {
                guard at < segment.endIndex else { throw malformed("a repeat run has no byte to repeat") }
                let length = 1 - header
                for offset in 0..<min(length, count - written) { put(written + offset, segment[at]) }
                written += length
                at += 1
            }
        }
    }

    private static func malformed(_ what: String) -> ImagingError {
        ImagingError(.unrenderable, "the RLE frame cannot be decoded: \(what)")
    }
}
