// Goal: an object replicated chunk by chunk gets the same address and bytes at the target, only the chunks the
// target lacks travel, and a chunk with wrong bytes, a stream that ends early or runs long, or a chunk the target
// no longer holds stores nothing. Method: two tiny stores in temp dirs, chunks read from one with `chunk(_:)` and
// fed to the other's `put(replicaOf:)`, on the pooled and the inline executor.
import ObjectStore
import Posix
import Primitives
import TestSupport
import Testing

@Suite struct ReplicaPutTests {
    /// The concatenated bytes of `manifest`'s chunks at `positions`, read from `store`.
    static func chunks(_ store: ObjectStore, _ manifest: Manifest, at positions: [Int]) throws -> [UInt8] {
        try positions.flatMap { try store.chunk(manifest.entries[$0]) }
    }

    /// Replicates `manifest` into `target` sending `positions`' chunks as `bytes`; the commit's outcome.
    static func replicate(
        _ manifest: Manifest, into target: ObjectStore, sending positions: Set<Int>, bytes: [UInt8]
    ) throws -> Result<PutReceipt, StoreError> {
        try target.withBatch { batch in
            var source = MemorySource(bytes)
            try batch.put(replicaOf: manifest, isSent: positions.contains, from: &source)
            return try batch.commit()[0]
        }
    }

    @Test(
        "only the chunks the target lacks travel, and the replica has the source's address and bytes",
        arguments: [true, false])
    func replicaMatchesSource(pipelined: Bool) throws {
        let directory = TemporaryDirectory()
        let source = try openStore(directory.appending("source"), pipelined: pipelined)
        let target = try openStore(directory.appending("target"), pipelined: pipelined)
        let shared = TestBytes.random(count: 12_000, seed: 41)
        let object = shared + TestBytes.random(count: 9_000, seed: 42)
        let address = try putBytes(source, object).address
        _ = try putBytes(target, shared)
        let manifest = try source.manifest(address)
        let needed = try manifest.entries.indices.filter { try !target.holdsChunk(manifest.entries[$0]) }
        #expect(!needed.isEmpty && needed.count < manifest.entries.count - 5)
        let receipt = try Self.replicate(
            manifest, into: target, sending: Set(needed), bytes: Self.chunks(source, manifest, at: needed)
        ).get()
        #expect(receipt.address == address)
        #expect(try getBytes(target, address) == object)
        #expect(try manifest.entries.allSatisfy { try target.holdsChunk($0) })
    }

    @Test("a chunk whose bytes do not match its address stores nothing and is named")
    func wrongBytesAreRefused() throws {
        let directory = TemporaryDirectory()
        let source = try openStore(directory.appending("source"))
        let target = try openStore(directory.appending("target"))
        let address = try putBytes(source, TestBytes.random(count: 6_000, seed: 43)).address
        let manifest = try source.manifest(address)
        let all = Array(manifest.entries.indices)
        var bytes = try Self.chunks(source, manifest, at: all)
        let offset = Int(manifest.entries[0].length + manifest.entries[1].length) + 3
        bytes[offset] ^= 0x40
        do {
            _ = try Self.replicate(manifest, into: target, sending: Set(all), bytes: bytes)
            Issue.record("a damaged chunk was stored")
        } catch let error as StoreError {
            #expect(error.code == .corrupt)
            #expect(error.description.contains("chunk 2 arrived with bytes whose SHA-256"), "\(error)")
        }
        #expect(try target.list().isEmpty)
        #expect(try !target.holdsChunk(manifest.entries[2]))
    }

    @Test("a stream that ends early or runs long stores nothing", arguments: [-1, 1])
    func wrongLengthIsRefused(delta: Int) throws {
        let directory = TemporaryDirectory()
        let source = try openStore(directory.appending("source"))
        let target = try openStore(directory.appending("target"))
        let address = try putBytes(source, TestBytes.random(count: 5_000, seed: 44)).address
        let manifest = try source.manifest(address)
        let all = Array(manifest.entries.indices)
        var bytes = try Self.chunks(source, manifest, at: all)
        if delta < 0 { bytes.removeLast() } else { bytes.append(7) }
        do {
            _ = try Self.replicate(manifest, into: target, sending: Set(all), bytes: bytes)
            Issue.record("a stream of the wrong length was stored")
        } catch let error as StoreError {
            #expect(error.code == .io)
            let expected = delta < 0 ? "the chunks ended inside chunk" : "more bytes arrived than the sent chunks hold"
            #expect(error.description.contains(expected), "\(error)")
        }
        #expect(try target.list().isEmpty)
    }

    @Test("a chunk said to be held that is not fails the object at the commit, with nothing stored")
    func missingHeldChunkFails() throws {
        let directory = TemporaryDirectory()
        let source = try openStore(directory.appending("source"))
        let target = try openStore(directory.appending("target"))
        let address = try putBytes(source, TestBytes.random(count: 5_000, seed: 45)).address
        let manifest = try source.manifest(address)
        let sent = Array(manifest.entries.indices.dropFirst())
        let outcome = try Self.replicate(
            manifest, into: target, sending: Set(sent), bytes: Self.chunks(source, manifest, at: sent))
        guard case .failure(let error) = outcome else {
            Issue.record("stored without its first chunk")
            return
        }
        #expect(error.code == .notFound)
        #expect(error.description.contains("is no longer held here"), "\(error)")
        #expect(try target.list().isEmpty)
    }
}
