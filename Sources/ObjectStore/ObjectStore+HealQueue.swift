// The heal queue on disk: addresses of chunks written degraded or found damaged, kept in `DIR/heal-queue` so a
// restart does not forget them before a scrub heals them. Rewritten whole and atomically; it is small and rare.
import Primitives
import Synchronization

extension ObjectStore {
    /// The heal queue file: 32-byte addresses back to back.
    static let healQueueFile = "heal-queue"
    /// The most addresses kept on disk; past this a full scrub finds the rest anyway.
    static let healQueueCountMax = 1 << 20

    /// Chunks and manifests waiting to be healed.
    public var pendingHealCount: Int { healQueue.withLock { $0.subtracting([Self.healEverything]).count } }

    /// Loads the queue a previous run left.
    func loadHealQueue() {
        let path = directory + "/" + Self.healQueueFile
        guard disk.exists(path),
            let bytes = try? disk.readWholeFile(path, limit: Self.healQueueCountMax * ChunkAddress.byteCount)
        else { return }
        var reader = ByteReader(bytes)
        var addresses: [ChunkAddress] = []
        while let address = try? reader.readAddress() { addresses.append(address) }
        healQueue.withLock { $0.formUnion(addresses) }
    }

    /// Writes the queue as it stands, durably; an empty queue removes the file.
    func saveHealQueue() throws(StoreError) {
        let path = directory + "/" + Self.healQueueFile
        let addresses = healQueue.withLock {
            Array($0.subtracting([Self.healEverything]).sorted().prefix(Self.healQueueCountMax))
        }
        do {
            if addresses.isEmpty {
                if disk.exists(path) { try disk.removeFile(path) }
                return
            }
            var writer = ByteWriter(capacity: addresses.count * ChunkAddress.byteCount)
            for address in addresses { writer.write(address) }
            try disk.writeWholeFileAtomically(path, bytes: writer.bytes)
        } catch {
            throw StoreError(.io, "cannot save the heal queue \(path): \(error)")
        }
    }
}
