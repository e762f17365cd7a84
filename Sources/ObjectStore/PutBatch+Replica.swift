// Storing an object another node chunked (replication): its manifest gives the chunk boundaries, so the object
// gets the same chunks and the same address here, whatever this store's chunking would cut. The chunks the sender
// was told this node lacks arrive concatenated in manifest order; each is checked against its address before it is
// coded and appended, and the others must still be held here. The stage codes and appends as for any put.
import Chunking
import Coding
public import Primitives

extension PutBatch {
    /// Stores the object `manifest` describes as the batch's next object: the chunks at the positions `isSent`
    /// names are read from `source` in order, exactly their lengths, and checked against their addresses; the
    /// others must be held here. Durable only after `commit`, like any put.
    ///
    /// Throws `.corrupt` for a chunk whose bytes do not match its address (naming it), `.io` when `source` ends
    /// early or holds more than the sent chunks, `.configuration` for a chunk longer than this store takes; a
    /// chunk no longer held fails the object at `commit` with `.notFound`. Nothing of a failed object is kept.
    public func put(replicaOf manifest: Manifest, isSent: (Int) -> Bool, from source: inout some ByteSource)
        throws(StoreError)
    {
        precondition(!isCommitted, "put into a committed batch")
        startStage()
        do {
            try streamReplica(manifest, isSent: isSent, from: &source)
            hand(.end(length: manifest.length))
            putCount += 1
        } catch {
            abortPut()
            throw ObjectStore.storeError(error)
        }
    }

    private func streamReplica(_ manifest: Manifest, isSent: (Int) -> Bool, from source: inout some ByteSource)
        throws(StoreError)
    {
        let chunkSizeMax = store.configuration.chunking.chunkSizeMax
        var previous: ChunkBuffer?
        for (position, entry) in manifest.entries.enumerated() {
            guard isSent(position) else {
                hand(.held(entry))
                continue
            }
            guard Int(entry.length) <= chunkSizeMax else {
                throw StoreError(
                    .configuration,
                    "chunk \(position) is \(entry.length) bytes, over this store's maximum of \(chunkSizeMax)")
            }
            let buffer = nextBuffer(besides: previous)
            var filled = 0
            while filled < Int(entry.length) {
                let count: Int
                do {
                    count = try source.read(
                        into: UnsafeMutableRawBufferPointer(rebasing: buffer.storage[filled..<Int(entry.length)]))
                } catch {
                    giveBack(buffer)
                    throw StoreError(.io, "reading chunk \(position) of the replica failed: \(error)")
                }
                guard count > 0 else {
                    giveBack(buffer)
                    throw StoreError(
                        .io, "the chunks ended inside chunk \(position), after \(filled) of its \(entry.length) bytes")
                }
                filled += count
            }
            buffer.count = filled
            buffer.address = SHA256.hash(buffer.bytes)
            guard buffer.address == entry.address else {
                let actual = buffer.address
                giveBack(buffer)
                throw StoreError(
                    .corrupt, "chunk \(position) arrived with bytes whose SHA-256 is \(actual), not \(entry.address)")
            }
            hand(.chunk(buffer))
            previous = buffer
        }
        var probe = [UInt8](repeating: 0, count: 1)
        let extra: Int
        do {
            extra = try probe.withUnsafeMutableBytes { try source.read(into: $0) }
        } catch {
            throw StoreError(.io, "reading past the replica's last chunk failed: \(error)")
        }
        guard extra == 0 else { throw StoreError(.io, "more bytes arrived than the sent chunks hold") }
    }
}
