// One node's store: objects cut into chunks, chunks coded into shards, shards spread over volumes. Owns opening
// the data directory and the volumes; put, get, repair and garbage collection live in ObjectStore+*.swift.
import Coding
public import Primitives
import Synchronization
public import Volumes

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What opening the store found and repaired.
public struct StoreOpenReport: Sendable {
    /// Whether the store was created just now.
    public var wasCreated = false
    /// Volume numbers whose directory was missing and were recreated empty; scrub restores their shards.
    public var replacedVolumes: [Int] = []
    /// Volumes that could not be opened, with the reason; the store runs degraded without them.
    public var unavailableVolumes: [(number: Int, reason: String)] = []
    /// Volumes whose open repaired something (torn tail, rebuilt index, skipped damage).
    public var repairs: [(number: Int, report: VolumeOpenReport)] = []
    /// Objects whose put a crash interrupted (a chunk did not survive), deleted at open: no client was told they
    /// were stored (ObjectStore+Unsettled.swift).
    public var discardedUnfinished: [ChunkAddress] = []
    /// Whether the check of unsettled objects waits for a later open, because a volume is missing or new.
    public var isUnsettledCheckDeferred = false
}

/// A synchronous, thread-safe store of immutable objects on one node's volumes.
public final class ObjectStore: Sendable {
    /// The data directory.
    public let directory: String
    /// The settings in force.
    public let configuration: StoreConfiguration
    /// What opening found.
    public var openReport: StoreOpenReport { openReportState.withLock { $0 } }
    let openReportState: Mutex<StoreOpenReport>
    /// Volumes by number; nil where a volume is unavailable.
    let volumes: [Volume?]
    let code: ReedSolomon
    let disk: any DiskIO
    /// Runs the stages of puts, the read-ahead of gets and the commits of several volumes beside the caller: pooled
    /// threads in production, inline (no thread, no overlap, the same results) in the simulator and in tests that
    /// want one thread. The store starts no thread of its own.
    public let executor: any Executor
    /// Puts hold it shared, garbage collection alone, so a sweep never frees a chunk a put just deduplicated.
    let collectionLock: CollectionLock
    /// Chunks waiting to be healed.
    let healQueue = Mutex<Set<ChunkAddress>>([])
    /// Read-ahead jobs of multi-object gets now running on the executor.
    let prefetchThreads = Atomic<Int>(0)
    /// Recently read chunks and manifests, verified; nil when the store was opened without one.
    let readCache: ReadCache?

    private init(
        directory: String, configuration: StoreConfiguration, volumes: [Volume?], disk: any DiskIO,
        executor: any Executor, readCacheBytes: Int, report: StoreOpenReport
    ) throws(StoreError) {
        self.directory = directory
        self.readCache = readCacheBytes > 0 ? ReadCache(bytesMax: readCacheBytes) : nil
        self.configuration = configuration
        self.volumes = volumes
        self.disk = disk
        self.executor = executor
        self.collectionLock = CollectionLock(executor: executor)
        self.openReportState = Mutex(report)
        do {
            code = try ReedSolomon(
                dataShardCount: configuration.dataShardCount,
                parityShardCount: configuration.parityShardCount)
        } catch {
            throw StoreError(.configuration, "\(error)")
        }
    }

    /// Opens the store in `directory`, creating it (and its volumes) on first use.
    ///
    /// `requested` applies only when the store is created; for an existing store it must agree with store.json,
    /// or the open fails naming both. A missing volume directory is recreated empty and reported. With
    /// `readCacheBytes` above 0, chunks and manifests read (and verified) are kept in memory up to that many bytes
    /// and later reads of them are served from there. Work that overlaps the caller's (put stages, read-ahead,
    /// commits of several volumes) runs on `executor`; the store starts no thread, and the executor MUST outlive it.
    /// Volumes formatted now draw their ids from `random` (the node's injected source), so a simulated store given a
    /// seeded source is the same store on every run.
    public static func open(
        directory: String, requested: StoreConfiguration? = nil, disk: some DiskIO,
        random: some RandomSource,
        executor: any Executor, readCacheBytes: Int = 0
    ) throws(StoreError) -> ObjectStore {
        precondition(readCacheBytes >= 0, "a read cache cannot be smaller than nothing")
        var report = StoreOpenReport()
        let configuration = try loadConfiguration(
            directory: directory, requested: requested, disk: disk,
            report: &report)
        var volumes: [Volume?] = []
        for number in 0..<configuration.volumeCount {
            let path = volumePath(directory, number)
            if !report.wasCreated && !disk.exists(path + "/volume.json") {
                report.replacedVolumes.append(number)
            }
            do {
                let volume = try Volume.open(
                    path: path, disk: disk, random: random,
                    options: VolumeOptions(segmentBytesMax: configuration.segmentBytesMax))
                let repaired = volume.openReport
                if repaired.rebuiltIndex || repaired.truncatedBytes > 0 || repaired.skippedBytes > 0 {
                    report.repairs.append((number, repaired))
                }
                volumes.append(volume)
            } catch {
                report.unavailableVolumes.append((number, "\(error)"))
                volumes.append(nil)
            }
        }
        let store = try ObjectStore(
            directory: directory, configuration: configuration, volumes: volumes, disk: disk,
            executor: executor, readCacheBytes: readCacheBytes, report: report)
        store.loadHealQueue()
        if !report.replacedVolumes.isEmpty {
            store.healQueue.withLock { _ = $0.insert(Self.healEverything) }
        }
        try store.finishUnsettled()
        return store
    }

    /// A marker in the heal queue meaning "check every chunk" (a volume was replaced).
    static let healEverything = ChunkAddress(word0: 0, word1: 0, word2: 0, word3: 0)

    /// The directory of volume `number`.
    public static func volumePath(_ directory: String, _ number: Int) -> String {
        directory + "/volumes/\(number)"
    }

    /// What the read cache holds and how often it answered; nil when the store has none.
    public var readCacheStatistics: ReadCacheStatistics? { readCache?.statistics }

    /// The id of each volume by number, nil for a volume that is unavailable.
    public var volumeIDs: [VolumeID?] { volumes.map { $0?.id } }

    /// Closes every volume. The caller MUST have finished every put and get first; the executor stays its owner's.
    public func close() {
        for volume in volumes { volume?.close() }
    }

    /// Volumes that are open, with their numbers.
    var availableVolumes: [(number: Int, volume: Volume)] {
        volumes.enumerated().compactMap { number, volume in volume.map { (number, $0) } }
    }

    /// The available volumes in rendezvous order for `address`: shard i belongs on the i-th.
    func ranking(for address: ChunkAddress) -> [Volume] {
        availableVolumes.map(\.volume).sorted {
            Mixing.rendezvousScore(key: address.word0, member: $0.id.rawValue)
                > Mixing.rendezvousScore(key: address.word0, member: $1.id.rawValue)
        }
    }

    /// Every committed entry for `key` on every available volume, with the volume holding it.
    func locate(_ key: ChunkAddress) throws(StoreError) -> [(volume: Volume, entry: IndexEntry)] {
        var found: [(volume: Volume, entry: IndexEntry)] = []
        for (_, volume) in availableVolumes {
            do {
                for entry in try volume.lookup(key) { found.append((volume, entry)) }
            } catch {
                continue  // an unreadable index on one volume: the others may still hold what we need
            }
        }
        return found
    }

    // MARK: - Configuration

    private static func loadConfiguration(
        directory: String, requested: StoreConfiguration?, disk: some DiskIO,
        report: inout StoreOpenReport
    ) throws(StoreError) -> StoreConfiguration {
        let storePath = directory + "/store.json"
        if disk.exists(storePath) {
            let bytes: [UInt8]
            do {
                bytes = try disk.readWholeFile(storePath, limit: 1 << 20)
            } catch {
                throw StoreError(.dataDirectory, "cannot read \(storePath): \(error)")
            }
            guard let stored = try? JSONDecoder().decode(StoreConfiguration.self, from: Data(bytes))
            else {
                throw StoreError(.configuration, "\(storePath) is not a valid store configuration")
            }
            try stored.validate()
            if let requested, requested != stored {
                throw StoreError(
                    .configuration,
                    "the store in \(directory) has \(stored.volumeCount) volumes, erasure code "
                        + "\(stored.dataShardCount)+\(stored.parityShardCount); the requested settings "
                        + "(\(requested.volumeCount) volumes, "
                        + "\(requested.dataShardCount)+\(requested.parityShardCount)) "
                        + "differ, and a store's layout cannot change in place")
            }
            return stored
        }
        let configuration = requested ?? .defaults(volumeCount: StoreConfiguration.volumeCountDefault)
        try configuration.validate()
        let parent = type(of: disk).parentDirectory(of: directory)
        guard disk.exists(parent) else {
            throw StoreError(
                .dataDirectory, "cannot create data directory \(directory): \(parent) does not exist")
        }
        do {
            try disk.makeDirectory(directory + "/volumes")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try disk.writeWholeFileAtomically(storePath, bytes: Array(try encoder.encode(configuration)))
        } catch let error as SystemError {
            throw StoreError(.dataDirectory, "cannot create data directory \(directory): \(error.reason)")
        } catch {
            throw StoreError(.dataDirectory, "cannot create data directory \(directory): \(error)")
        }
        report.wasCreated = true
        return configuration
    }
}
