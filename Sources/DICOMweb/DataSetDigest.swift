// The SHA-256 of a stored instance's data set alone, without its preamble and file meta group: two files of the same
// instance written by different senders (a STOW-RS upload, a modality's C-STORE) differ in their meta groups, and an
// archive must still see them as the same instance rather than a conflict.
import Coding
import DICOM
import ObjectStore
import Primitives

/// A ByteSink hashing what follows the file meta group of the Part-10 file it is given.
final class DataSetDigest: ByteSink {
    private var hasher: SHA256? = SHA256()
    private var splitter = Part10HeadSplitter()

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        try splitter.take(buffer) { hasher?.update($0) }
    }

    /// The digest; nil when the file never reached its data set.
    func finish() -> ChunkAddress? {
        guard splitter.meta != nil else { return nil }
        return hasher.take()?.finalize()
    }

    /// Whether the stored objects `first` and `second` hold the same data set; false when either cannot be read.
    static func isSame(_ first: ChunkAddress, _ second: ChunkAddress, in store: ObjectStore) -> Bool {
        func digest(_ address: ChunkAddress) -> ChunkAddress? {
            var sink = DataSetDigest()
            guard (try? store.get(address, into: &sink)) != nil else { return nil }
            return sink.finish()
        }
        guard let one = digest(first), let other = digest(second) else { return false }
        return one == other
    }
}
