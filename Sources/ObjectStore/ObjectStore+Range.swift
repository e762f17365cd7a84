// Reading part of an object: only the chunks that overlap the range are read and SHA-256-checked, so serving one
// bulk data value of a large instance does not read the whole instance. Whole-object reads live in ObjectStore+Get.
import Chunking
public import Primitives

extension ObjectStore {
    /// Reads bytes `range` of the object at `address` into `sink`, each chunk verified before any of it is written.
    ///
    /// The range MUST lie within the object; otherwise the read fails naming the object's length and nothing is
    /// written. An empty range writes nothing.
    public func get(_ address: ChunkAddress, range: Range<UInt64>, into sink: inout some ByteSink)
        throws(StoreError)
    {
        let manifest = try manifest(address)
        guard range.upperBound <= manifest.length else {
            throw StoreError(
                .notFound,
                "bytes \(range.lowerBound)..<\(range.upperBound) lie past the end of object \(address), which is "
                    + "\(manifest.length) bytes long")
        }
        guard !range.isEmpty else { return }
        // The buffer grows to the chunks it carries (readChunk reserves), as in a whole-object get.
        let buffer = ChunkBuffer(capacity: 0)
        var chunkStart: UInt64 = 0
        for entry in manifest.entries {
            let chunkEnd = chunkStart + UInt64(entry.length)
            defer { chunkStart = chunkEnd }
            if chunkEnd <= range.lowerBound { continue }
            if chunkStart >= range.upperBound { break }
            try readChunk(entry, into: buffer)
            let from = Int(max(range.lowerBound, chunkStart) - chunkStart)
            let to = Int(min(range.upperBound, chunkEnd) - chunkStart)
            do {
                try sink.write(UnsafeRawBufferPointer(rebasing: buffer.bytes[from..<to]))
            } catch {
                throw StoreError(.io, "writing the object out failed: \(error)")
            }
        }
    }
}
