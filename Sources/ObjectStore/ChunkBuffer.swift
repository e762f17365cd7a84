// A reusable buffer of one max-size chunk, handed between pipeline stages. Buffers circulate through a free queue,
// which is what bounds the memory of a put or get whatever the object's size.
import Primitives
import Synchronization

/// One chunk's bytes in flight between two stages.
// SAFETY: a ChunkBuffer is owned by exactly one stage at a time; ownership moves only through the executor's
// HandOverQueue (a BoundedQueue, whose lock orders the writes of one stage before the reads of the next; or, inline,
// the one thread that runs both stages).
final class ChunkBuffer: @unchecked Sendable {
    /// The storage: one max chunk long, or as long as `reserve` made it.
    private(set) var storage: UnsafeMutableRawBufferPointer
    /// Valid bytes at the start of `storage`.
    var count = 0
    /// The chunk's address, once known.
    var address = ChunkAddress(word0: 0, word1: 0, word2: 0, word3: 0)

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 64)
    }

    deinit { storage.deallocate() }

    /// Makes `storage` at least `byteCount` long; its bytes are not kept when it grows.
    func reserve(_ byteCount: Int) {
        guard storage.count < byteCount else { return }
        storage.deallocate()
        storage = .allocate(byteCount: byteCount, alignment: 64)
    }

    /// The valid bytes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage.baseAddress, count: count) }

    /// Replaces the contents with `source`.
    func fill(from source: UnsafeRawBufferPointer) {
        precondition(source.count <= storage.count, "chunk larger than its buffer")
        if source.count > 0 { storage.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: source.count) }
        count = source.count
    }
}

/// The first error any stage of a pipeline hit; later ones are dropped.
final class FirstError: Sendable {
    private let error = Mutex<StoreError?>(nil)

    /// Records `error` unless one is already recorded.
    func record(_ error: StoreError) {
        self.error.withLock { if $0 == nil { $0 = error } }
    }

    /// The recorded error, if any.
    var value: StoreError? { error.withLock { $0 } }
}
