// Goal: a replica transfer's header survives its bytes whatever pieces they arrive in, and every malformed header is
// refused by name before anything is stored: truncated anywhere, over its limit, an unknown version, a manifest that
// does not decode, a row that does not decode, an answer that does not fit the manifest, bytes past its end.
// Method: a real header built from a manifest and an instance row, then cut, edited and fed a byte at a time.
import Catalog
import ObjectStore
import Primitives
import Replication
import Testing

@Suite struct ReplicaHeaderTests {
    /// Yields one byte per read.
    struct Trickle: ByteSource {
        let bytes: [UInt8]
        var offset = 0

        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            guard offset < bytes.count else { return 0 }
            buffer[0] = bytes[offset]
            offset += 1
            return 1
        }
    }

    static func header() throws -> ReplicaHeader {
        let entries = (0..<5).map {
            ManifestEntry(address: ChunkAddress(word0: UInt64($0), word1: 1, word2: 2, word3: 3), length: 1_000)
        }
        let manifest = Manifest(length: 5_000, entries: entries)
        let row = RegionalRow.live(
            .instance("1.2.3.4"),
            version: HLCTimestamp(physicalMilliseconds: 5, logical: 0, nodeID: NodeID(9)), payload: [1, 2, 3])
        let needs = ChunkNeeds.answering(entries.map(\.address)) { $0.word0 % 2 == 0 }
        return ReplicaHeader(manifest: manifest.encoded(), instanceRow: row, metadata: Array("{}".utf8), needs: needs)
    }

    static func read(_ bytes: [UInt8]) throws(ReplicaError) -> ReplicaHeader {
        var source = MemorySource(bytes)
        return try ReplicaHeader.read(from: &source)
    }

    @Test("a header reads back whole or a byte at a time, and leaves the chunks after it unread")
    func roundTrip() throws {
        let header = try Self.header()
        let bytes = header.encoded() + [0xAA, 0xBB]
        var source = MemorySource(bytes)
        #expect(try ReplicaHeader.read(from: &source) == header)
        var rest = [UInt8](repeating: 0, count: 4)
        let count = try rest.withUnsafeMutableBytes { try source.read(into: $0) }
        #expect(Array(rest.prefix(count)) == [0xAA, 0xBB])
        var trickle = Trickle(bytes: bytes)
        #expect(try ReplicaHeader.read(from: &trickle) == header)
        #expect(header.needs.neededPositions == [1, 3])
    }

    @Test("malformed headers are refused naming the fault")
    func malformed() throws {
        let good = try Self.header().encoded()
        func with(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var bytes = good
            edit(&bytes)
            return bytes
        }
        let manifestLength = Int(good[5]) | Int(good[6]) << 8
        let rowLengthAt = 9 + manifestLength
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "ended inside the header's length"),
            ("cut length", [1, 0], "ended inside the header's length"),
            ("over the limit", [0xFF, 0xFF, 0xFF, 0x7F], "over the limit"),
            ("cut body", Array(good.dropLast(3)), "ended inside the header"),
            ("version", with { $0[4] = 7 }, "unknown replica header version 7"),
            ("manifest", with { $0[9] ^= 0xFF }, "the manifest of"),
            ("row", with { $0[rowLengthAt + 4] = 9 }, "the instance row"),
            ("needs count", with { $0[$0.count - 2] = 9 }, "chunk needs"),
            (
                "trailing",
                with { bytes in
                    bytes.append(0)
                    let length = UInt32(bytes.count - 4)
                    bytes.replaceSubrange(
                        0..<4,
                        with: [
                            UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16), UInt8(length >> 24),
                        ])
                }, "past the header's last part"
            ),
        ]
        for (name, bytes, reason) in cases {
            do {
                _ = try Self.read(bytes)
                Issue.record("\(name): accepted")
            } catch {
                #expect(error.code == .malformed, "\(name)")
                #expect(error.reason.contains(reason), "\(name): \(error.reason)")
            }
        }
    }
}
