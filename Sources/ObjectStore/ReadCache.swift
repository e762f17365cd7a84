// The store's memory of recently read chunks and manifests, each put here only after its SHA-256 matched its
// address, so a viewer pulling the same study again is served from memory without reading, CRC-checking and hashing
// it once more. Owns no I/O; scrub and repair never read through it, since their job is to check the volumes.
// A chunk is kept from its second read on (2Q's idea): a one-off scan, such as an export or a migration, costs no
// copies and flushes nothing.
import Primitives
import Synchronization

/// What the read cache holds and how often it answered, for `/healthz`.
public struct ReadCacheStatistics: Sendable, Equatable {
    /// The bytes the cache may hold.
    public var bytesMax: Int
    /// The bytes held now.
    public var bytes: Int
    /// Chunk reads answered from memory.
    public var hitCount: Int
    /// Chunk reads that went to the volumes.
    public var missCount: Int
}

/// Verified chunks and manifests kept in memory, least recently used forgotten first, within a byte budget.
/// Manifests are kept from their first read, chunks from their second.
///
/// Chunks and manifests are immutable and named by their SHA-256, so a held value is never stale. A deleted
/// object's manifest MUST NOT be served: `forgetObject` drops it, and a manifest read that raced a delete is not
/// kept (`deletionCount` is checked around the read).
final class ReadCache: Sendable {
    /// What an entry is: a chunk and a one-chunk object share their address, so the kind is part of the key.
    private struct Key: Hashable {
        let address: ChunkAddress
        let isManifest: Bool
    }

    private enum Value {
        case chunk([UInt8])
        case manifest(Manifest)
    }

    /// Chunks larger than this fraction of the budget are not kept: one of them would flush everything else.
    static let entryFractionMax = 8
    /// What a cached manifest is charged beyond its entries: the array and the value around them.
    static let manifestOverheadBytes = 64

    /// Chunk addresses read once recently, each costing 1: a chunk is kept when it is read again.
    static let candidateBytesPer = 32 << 10

    private let entries: Mutex<CostBoundedLRU<Key, Value>>
    private let candidates: Mutex<CostBoundedLRU<ChunkAddress, Bool>>
    private let hits = Atomic<Int>(0)
    private let misses = Atomic<Int>(0)
    private let deletions = Atomic<Int>(0)
    let bytesMax: Int

    /// A cache holding up to `bytesMax` bytes of chunks and manifests.
    init(bytesMax: Int) {
        precondition(bytesMax > 0, "a read cache needs room; use none instead")
        self.bytesMax = bytesMax
        entries = Mutex(CostBoundedLRU(costMax: bytesMax))
        candidates = Mutex(CostBoundedLRU(costMax: max(1024, bytesMax / Self.candidateBytesPer)))
    }

    /// The bytes of the chunk at `address` when it is held with `length` bytes (a hit); nil otherwise (a miss).
    func chunk(_ address: ChunkAddress, length: Int) -> [UInt8]? {
        let held = entries.withLock { lru -> [UInt8]? in
            guard case .chunk(let bytes)? = lru.value(for: Key(address: address, isManifest: false)) else { return nil }
            return bytes
        }
        guard let held, held.count == length else {
            misses.add(1, ordering: .relaxed)
            return nil
        }
        hits.add(1, ordering: .relaxed)
        return held
    }

    /// Whether the chunk at `address` is held; neither a hit nor a miss, and it does not become more recently used.
    func holdsChunk(_ address: ChunkAddress) -> Bool {
        entries.withLock { $0.peek(Key(address: address, isManifest: false)) != nil }
    }

    /// Copies the chunk at `address` into `buffer` when it is held with `length` bytes; false otherwise.
    func copyChunk(_ address: ChunkAddress, length: Int, into buffer: ChunkBuffer) -> Bool {
        guard let held = chunk(address, length: length) else { return false }
        buffer.reserve(length)
        held.withUnsafeBytes { buffer.fill(from: $0) }
        return true
    }

    /// The manifests of the objects at `addresses` when the cache holds them and every chunk they name; nil
    /// otherwise. Nothing becomes more recently used and nothing counts as a hit or a miss.
    func manifestsFullyHeld(_ addresses: [ChunkAddress]) -> [Manifest]? {
        entries.withLock { lru -> [Manifest]? in
            var manifests: [Manifest] = []
            manifests.reserveCapacity(addresses.count)
            for address in addresses {
                guard case .manifest(let manifest)? = lru.peek(Key(address: address, isManifest: true)),
                    manifest.entries.allSatisfy({ lru.peek(Key(address: $0.address, isManifest: false)) != nil })
                else { return nil }
                manifests.append(manifest)
            }
            return manifests
        }
    }

    /// Keeps a copy of `bytes`, whose SHA-256 the caller MUST have checked against `address`, when the chunk was
    /// read recently already; otherwise only notes that it was read.
    func keepChunk(_ bytes: UnsafeRawBufferPointer, address: ChunkAddress) {
        guard bytes.count <= bytesMax / Self.entryFractionMax else { return }
        let isReadAgain = candidates.withLock { recent in
            guard recent.value(for: address) == nil else {
                recent.remove(address)
                return true
            }
            recent.insert(true, for: address, cost: 1)
            return false
        }
        guard isReadAgain else { return }
        let copy = [UInt8](bytes)
        entries.withLock { $0.insert(.chunk(copy), for: Key(address: address, isManifest: false), cost: copy.count) }
    }

    /// The manifest of the object at `address`, when held.
    func manifest(_ address: ChunkAddress) -> Manifest? {
        entries.withLock { lru in
            guard case .manifest(let manifest)? = lru.value(for: Key(address: address, isManifest: true)) else {
                return nil
            }
            return manifest
        }
    }

    /// Deletes so far: read it before reading a manifest from the volumes and pass it to `keepManifest`.
    var deletionCount: Int { deletions.load(ordering: .acquiring) }

    /// Keeps `manifest`, whose SHA-256 the caller MUST have checked against `address`, unless an object was
    /// deleted since `deletionCount` was `deletionsBefore` (the manifest might be that object's).
    func keepManifest(_ manifest: Manifest, address: ChunkAddress, deletionsBefore: Int) {
        let cost = Self.manifestOverheadBytes + manifest.entries.count * Manifest.entryBytes
        entries.withLock { lru in
            guard deletions.load(ordering: .acquiring) == deletionsBefore else { return }
            lru.insert(.manifest(manifest), for: Key(address: address, isManifest: true), cost: cost)
        }
    }

    /// Forgets the manifest of a deleted object, and stops manifest reads begun before now from being kept.
    func forgetObject(_ address: ChunkAddress) {
        entries.withLock { lru in
            deletions.add(1, ordering: .releasing)
            lru.remove(Key(address: address, isManifest: true))
        }
    }

    /// Forgets everything (after garbage collection freed chunks, so their memory goes too).
    func forgetAll() {
        entries.withLock { $0.removeAll() }
        candidates.withLock { $0.removeAll() }
    }

    /// What the cache holds and its hit and miss counts so far.
    var statistics: ReadCacheStatistics {
        ReadCacheStatistics(
            bytesMax: bytesMax, bytes: entries.withLock { $0.cost }, hitCount: hits.load(ordering: .relaxed),
            missCount: misses.load(ordering: .relaxed))
    }
}
