// Goal: regional rows, digests and requests cross the wire unchanged, a stream decodes the same whatever its pieces,
// and hostile bytes (truncated, oversized, malformed, mutated) are refused with an error naming the field, never a
// crash or an allocation sized by the peer. Method: round trips of seeded histories, hand-made faults, mutations.
import Catalog
import Primitives
import Testing

@Suite struct RegionalWireTests {
    static let rows = RegionalMergeTests.history(seed: 4, count: 300, instanceCount: 60)

    /// The reason of the RegionalWireError `body` throws; nil if it throws none.
    static func reason(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as RegionalWireError { return error.reason } catch {
            return "not a RegionalWireError: \(error)"
        }
        return nil
    }

    @Test("rows round-trip, and a stream of them decodes the same in any pieces")
    func rowsRoundTrip() throws {
        for row in Self.rows { #expect(try RegionalWire.decodeRow(RegionalWire.encode(row)) == row) }
        let stream = Self.rows.flatMap(RegionalRowStream.frame)
        for pieceSize in [1, 7, 64, stream.count] {
            var reader = RegionalRowStream(rowsMax: Self.rows.count)
            var decoded: [RegionalRow] = []
            var start = 0
            while start < stream.count {
                decoded += try reader.append(stream[start..<min(start + pieceSize, stream.count)])
                start += pieceSize
            }
            try reader.finish()
            #expect(decoded == Self.rows)
        }
    }

    @Test("every truncation of a row is refused as truncated")
    func truncatedRows() {
        let bytes = RegionalWire.encode(.live(.instance("1.2.3"), version: RegionalMergeTests.version(9), payload: [1]))
        for length in 0..<bytes.count {
            let reason = Self.reason { _ = try RegionalWire.decodeRow(Array(bytes.prefix(length))) }
            #expect(reason?.hasPrefix("truncated") == true)
        }
    }

    @Test("malformed rows are refused with the field that is wrong")
    func malformedRows() {
        let uid = Array("1.2.3".utf8)
        func row(
            version: UInt8 = 1, kind: UInt8 = 1, uid: [UInt8] = uid, clock: UInt64 = 1 << 16, flags: UInt8 = 0,
            payload: [UInt8] = [], declaredLength: UInt32? = nil, trailing: [UInt8] = []
        ) -> [UInt8] {
            var writer = ByteWriter(capacity: 64)
            writer.write(version)
            writer.write(kind)
            writer.write(UInt8(uid.count))
            writer.write(contentsOf: uid)
            if kind == 2 { writer.write(UInt64(5)) }
            writer.write(clock)
            writer.write(UInt64(7))
            writer.write(flags)
            writer.write(declaredLength ?? UInt32(payload.count))
            writer.write(contentsOf: payload + trailing)
            return writer.bytes
        }
        let cases: [([UInt8], String)] = [
            (row(version: 2), "unknown format version 2"),
            (row(kind: 9), "unknown row kind"),
            (row(uid: []), "instance UID of 0 bytes"),
            (row(uid: Array(repeating: UInt8(ascii: "1"), count: 65)), "instance UID of 65 bytes"),
            (row(uid: Array("1.2.x".utf8)), "not digits in dot-separated components"),
            (row(uid: Array("1..2".utf8)), "not digits in dot-separated components"),
            (row(uid: Array("1.2.".utf8)), "not digits in dot-separated components"),
            (row(clock: UInt64.max), "out of range"),
            (row(flags: 2), "unknown flags 2"),
            (row(flags: 1, payload: [1]), "carries no payload"),
            (row(kind: 2, payload: [1]), "carries no payload"),
            (row(declaredLength: UInt32.max), "exceeds"),
            (row(trailing: [0]), "past the end"),
            (Array(repeating: 0, count: RegionalWire.rowBytesMax + 1), "exceeds"),
        ]
        for (bytes, expected) in cases {
            let reason = Self.reason { _ = try RegionalWire.decodeRow(bytes) }
            #expect(reason?.contains(expected) == true, "\(expected): got \(reason ?? "a row")")
        }
    }

    @Test("a stream refuses an oversized frame before buffering it, more rows than allowed, and an unfinished row")
    func hostileStreams() throws {
        var oversized = RegionalRowStream(rowsMax: 10)
        let huge = UInt32(RegionalWire.rowBytesMax + 1)
        let header = [UInt8(huge & 0xFF), UInt8(huge >> 8 & 0xFF), UInt8(huge >> 16 & 0xFF), UInt8(huge >> 24)]
        #expect(Self.reason { _ = try oversized.append(header) }?.contains("exceeds") == true)
        var tooMany = RegionalRowStream(rowsMax: 2)
        let three = Self.rows.prefix(3).flatMap(RegionalRowStream.frame)
        #expect(Self.reason { _ = try tooMany.append(three) }?.contains("more than 2 rows") == true)
        var unfinished = RegionalRowStream(rowsMax: 10)
        let frame = RegionalRowStream.frame(Self.rows[0])
        #expect(try unfinished.append(frame.dropLast()).isEmpty)
        #expect(unfinished.bufferedByteCount == frame.count - 1)
        #expect(Self.reason { try unfinished.finish() }?.contains("ended inside a row") == true)
    }

    @Test("digests and requests round-trip; a wrong count, level or index order is refused")
    func digestsAndRequests() throws {
        let digests = (0..<32).map { RegionalFingerprint(high: UInt64($0), low: ~UInt64($0)) }
        #expect(try RegionalWire.decodeDigests(RegionalWire.encodeDigests(digests), expectedCount: 32) == digests)
        let wrongCount = Self.reason {
            _ = try RegionalWire.decodeDigests(RegionalWire.encodeDigests(digests), expectedCount: 16)
        }
        #expect(wrongCount?.contains("32 digests where 16") == true)
        let request = RegionalWire.encodeRequest(level: 2, indices: [3, 40, 255])
        #expect(try RegionalWire.decodeRequest(request) == (2, [3, 40, 255]))
        let faults: [([UInt8], String)] = [
            ([1, 4, 0, 0], "below the buckets"),
            ([1, 1, 1, 0, 16, 0], "past the 16 of level 1"),
            ([1, 2, 2, 0, 5, 0, 5, 0], "out of order"),
            ([1, 3, 1, 1], "exceed 256"),
            ([1, 0, 1, 0, 0, 0, 9], "past the end"),
        ]
        for (bytes, expected) in faults {
            let reason = Self.reason { _ = try RegionalWire.decodeRequest(bytes) }
            #expect(reason?.contains(expected) == true, "\(expected): got \(reason ?? "a request")")
        }
    }

    @Test("mutated rows either decode to what re-encodes to the same bytes or are refused", arguments: [1, 2, 3])
    func mutations(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for round in 0..<3_000 {
            var bytes = RegionalWire.encode(Self.rows[round % Self.rows.count])
            for _ in 0...(random.next() % 4) {
                let index = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: index)
                }
                if bytes.isEmpty { break }
            }
            if let row = try? RegionalWire.decodeRow(bytes) { #expect(RegionalWire.encode(row) == bytes) }
        }
    }
}
