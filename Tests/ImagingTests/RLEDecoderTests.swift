// Goal: RLE Lossless frames (PS3.5 Annex G) decode to the native pixels they were made from, for 8, 16 and 32-bit
// samples and for colour, literal and repeat runs alike; a hostile frame (short header, wrong segment count,
// offsets out of order, a run past its segment, a segment that ends short) is an ImagingError, never a crash.
// Method: frames encoded here with a plain PackBits encoder, and seeded mutations of them.
import Imaging
import Primitives
import Testing

struct RLEDecoderTests {
    /// PackBits of `bytes`: repeat runs of 3 or more, literal runs otherwise, at most 128 bytes each.
    static func packBits(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            var run = 1
            while index + run < bytes.count, bytes[index + run] == bytes[index], run < 128 { run += 1 }
            if run >= 3 {
                output += [UInt8(bitPattern: Int8(1 - run)), bytes[index]]
                index += run
                continue
            }
            var literal = 1
            while index + literal < bytes.count, literal < 128,
                !(index + literal + 2 < bytes.count && bytes[index + literal] == bytes[index + literal + 1]
                    && bytes[index + literal] == bytes[index + literal + 2])
            {
                literal += 1
            }
            output += [UInt8(literal - 1)] + bytes[index..<(index + literal)]
            index += literal
        }
        return output.count % 2 == 0 ? output : output + [0x80]
    }

    /// The RLE frame of interleaved little-endian `pixels`.
    static func encode(_ pixels: [UInt8], samples: Int, bytesPerSample: Int) -> [UInt8] {
        let planeCount = samples * bytesPerSample
        let pixelCount = pixels.count / planeCount
        var segments: [[UInt8]] = []
        for segment in 0..<planeCount {
            let sample = segment / bytesPerSample
            let byte = bytesPerSample - 1 - segment % bytesPerSample
            let plane = (0..<pixelCount).map { pixels[($0 * samples + sample) * bytesPerSample + byte] }
            segments.append(packBits(plane))
        }
        var header = [UInt32(planeCount)]
        var offset = 64
        for segment in segments {
            header.append(UInt32(offset))
            offset += segment.count
        }
        header += [UInt32](repeating: 0, count: 16 - header.count)
        return header.flatMap { word in (0..<4).map { UInt8((word >> (8 * $0)) & 0xFF) } } + segments.flatMap { $0 }
    }

    @Test("8, 16 and 32-bit grey and 8-bit colour round-trip, literal and repeat runs alike")
    func roundTrips() throws {
        var random = SeededRandom(seed: 3)
        for (samples, bytes) in [(1, 1), (1, 2), (1, 4), (3, 1)] {
            let count = 37 * 11 * samples * bytes
            // Runs of one value, then noise: both kinds of PackBits run.
            let pixels = (0..<count).map {
                $0 < count / 2 ? UInt8(($0 / 50) & 0xFF) : UInt8(truncatingIfNeeded: random.next())
            }
            let frame = Self.encode(pixels, samples: samples, bytesPerSample: bytes)
            let decoded = try RLEDecoder.decode(frame, rows: 11, columns: 37, samples: samples, bytesPerSample: bytes)
            #expect(decoded == pixels, "\(samples) samples of \(bytes) bytes")
        }
    }

    @Test("hostile frames are errors naming what is wrong; seeded mutations never crash")
    func hostile() throws {
        let pixels = (0..<(16 * 16 * 2)).map { UInt8($0 % 7) }
        let frame = Self.encode(pixels, samples: 1, bytesPerSample: 2)
        func reason(_ bytes: [UInt8]) -> String? {
            do {
                _ = try RLEDecoder.decode(bytes, rows: 16, columns: 16, samples: 1, bytesPerSample: 2)
                return nil
            } catch {
                return error.reason
            }
        }
        #expect(reason(Array(frame.prefix(40)))?.contains("header") == true)
        var wrongCount = frame
        wrongCount[0] = 3
        #expect(reason(wrongCount)?.contains("segments") == true)
        var disordered = frame
        disordered.replaceSubrange(8..<12, with: [10, 0, 0, 0])  // the second segment before the first
        #expect(reason(disordered)?.contains("offsets") == true)
        #expect(reason(Array(frame.dropLast(6))) != nil, "a segment that ends short")
        var random = SeededRandom(seed: 21)
        for _ in 0..<3000 {
            var bytes = frame
            for _ in 0..<(1 + random.next() % 4) {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            if let decoded = try? RLEDecoder.decode(bytes, rows: 16, columns: 16, samples: 1, bytesPerSample: 2) {
                #expect(decoded.count == pixels.count)
            }
        }
        #expect(throws: ImagingError.self) {
            try RLEDecoder.decode(frame, rows: 1 << 20, columns: 1 << 20, samples: 1, bytesPerSample: 2)
        }
    }
}
