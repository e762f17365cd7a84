// The stage of a batch: for each chunk the reader hands over (hashed), deduplicate it, code it in place and append
// its shards or copies (nothing is committed here); at the end of a put, stage its manifest and start writing its
// records back; when a put fails, take back its records. Runs as the batch's stage job, or inline (PutBatch.swift).
import Coding
import Primitives
import Synchronization
import Volumes

extension PutBatch {
    /// Does what `item` asks. Never throws: a failure fails only the current put, whose records are taken back
    /// and whose later chunks are skipped.
    func handle(_ item: StageItem) {
        switch item {
        case .chunk(let buffer):
            guard current.failure == nil else { return }
            do {
                try store(buffer)
            } catch {
                current.failure = ObjectStore.storeError(error)
                rollBack()
            }
        case .held(let entry):
            guard current.failure == nil else { return }
            do {
                try expectHeld(entry)
            } catch {
                current.failure = ObjectStore.storeError(error)
                rollBack()
            }
        case .end(let length):
            staged.append(stagedObject(length: length))
            beginPut()
            // The drive writes this put's records while the next one is read; the commit finds little left.
            for (volume, tickets) in appended.values where !tickets.isEmpty { volume.startWriteback() }
        case .abort(let done):
            rollBack()
            beginPut()
            done?.push(true)
        }
    }

    /// The outcome of the put that just ended: its manifest, its address and the copies already stored, or why it
    /// failed (its records are then taken back).
    private func stagedObject(length: UInt64) -> Result<StagedObject, StoreError> {
        if let failure = current.failure { return .failure(failure) }
        let manifest = Manifest(length: length, entries: current.entries).encoded()
        guard manifest.count <= Manifest.bytesMax else {
            rollBack()
            return .failure(
                StoreError(
                    .io,
                    "the object has \(current.entries.count) chunks; a manifest holds at most "
                        + "\(Manifest.bytesMax / Manifest.entryBytes)"))
        }
        let address = SHA256.hash(manifest)
        let storedCopyCount: Int
        do {
            storedCopyCount = try store.locate(address).filter { $0.entry.header.kind == .manifest }.count
        } catch {
            rollBack()
            return .failure(error)
        }
        return .success(
            StagedObject(
                length: length, chunkCount: current.entries.count, newChunkCount: current.newChunkCount,
                isDegraded: current.isDegraded, manifest: manifest, address: address,
                storedCopyCount: storedCopyCount))
    }

    /// Starts the next put: what is appended now is its own.
    private func beginPut() {
        current = PutProgress(mark: appended.mapValues(\.tickets.count))
    }

    /// Takes back the current put's records and forgets its chunks, so the batch goes on without it.
    private func rollBack() {
        seen.subtract(current.seenByPut)
        current.seenByPut = []
        for (key, value) in appended {
            let kept = current.mark[key] ?? 0
            guard kept < value.tickets.count else { continue }
            _ = value.volume.discard(Array(value.tickets[kept...]))
            appended[key]?.tickets.removeSubrange(kept...)
        }
    }

    /// Adds a chunk the store should hold to the put, failing the put when it no longer holds enough of it.
    private func expectHeld(_ entry: ManifestEntry) throws {
        current.entries.append(entry)
        guard seen.insert(entry.address).inserted else { return }
        current.seenByPut.append(entry.address)
        guard try store.holding(entry).isReadable else {
            throw StoreError(
                .notFound, "chunk \(entry.address) is no longer held here; offer the object again to send it")
        }
    }

    /// Hashes and stores one chunk unless this batch or the store already holds it.
    private func store(_ buffer: ChunkBuffer) throws {
        let address = buffer.address
        current.entries.append(ManifestEntry(address: address, length: UInt32(buffer.count)))
        guard seen.insert(address).inserted else { return }
        current.seenByPut.append(address)
        let configuration = store.configuration
        let isSmall = buffer.count < configuration.smallObjectBytesMax
        let holding = try store.holding(ManifestEntry(address: address, length: UInt32(buffer.count)))
        if holding.isReadable {
            if !holding.isWhole { store.healQueue.withLock { _ = $0.insert(address) } }
            return
        }
        let wanted = holding.wanted
        current.newChunkCount += 1
        let written = isSmall ? try writeCopies(buffer, address: address) : try writeShards(buffer, address: address)
        let required = min(wanted, (isSmall ? 1 : configuration.dataShardCount) + 1)
        guard written >= required else {
            throw StoreError(
                .unavailable,
                "only \(written) of \(wanted) shards of a chunk could be written (at least \(required) are needed): "
                    + "too many volumes are unavailable")
        }
        if written < wanted {
            current.isDegraded = true
            store.healQueue.withLock { _ = $0.insert(address) }
        }
    }

    private func writeCopies(_ buffer: ChunkBuffer, address: ChunkAddress) throws -> Int {
        let configuration = store.configuration
        var written = 0
        for (copy, volume) in store.ranking(for: address).prefix(configuration.parityShardCount + 1).enumerated() {
            let header = RecordHeader(
                kind: .copy, key: address, shardIndex: UInt8(copy), dataShardCount: 1,
                parityShardCount: UInt8(configuration.parityShardCount), objectLength: UInt32(buffer.count))
            if try append(header, payload: buffer.bytes, to: volume) { written += 1 }
        }
        return written
    }

    /// Codes the chunk in place: its buffer, zero-padded to whole shards, holds the data shards; the parity
    /// shards go to the batch's scratch.
    private func writeShards(_ buffer: ChunkBuffer, address: ChunkAddress) throws -> Int {
        let k = store.configuration.dataShardCount
        let m = store.configuration.parityShardCount
        let length = ReedSolomon.shardLength(objectLength: buffer.count, dataShardCount: k)
        precondition(length * k <= buffer.storage.count && length * m <= parity.count, "chunk larger than its buffer")
        buffer.storage[buffer.count..<(length * k)].initializeMemory(as: UInt8.self, repeating: 0)
        let data = (0..<k).map {
            UnsafeRawBufferPointer(rebasing: buffer.storage[($0 * length)..<(($0 + 1) * length)])
        }
        let parityShards = (0..<m).map {
            UnsafeMutableRawBufferPointer(rebasing: parity[($0 * length)..<(($0 + 1) * length)])
        }
        store.code.encode(data: data, parity: parityShards)
        var written = 0
        for (index, volume) in store.ranking(for: address).prefix(k + m).enumerated() {
            let header = RecordHeader(
                kind: .shard, key: address, shardIndex: UInt8(index), dataShardCount: UInt8(k),
                parityShardCount: UInt8(m), objectLength: UInt32(buffer.count))
            let payload = index < k ? data[index] : UnsafeRawBufferPointer(parityShards[index - k])
            if try append(header, payload: payload, to: volume) { written += 1 }
        }
        return written
    }

    /// Appends a record; false (the shard is missing, to be healed) when the volume fails, except a full disk,
    /// which fails the put.
    func append(
        _ header: RecordHeader, payload: UnsafeRawBufferPointer, to volume: Volume, isProvisional: Bool = false
    ) throws(StoreError) -> Bool {
        do {
            let ticket = try volume.append(header, payload: payload, isProvisional: isProvisional)
            appended[ObjectIdentifier(volume), default: (volume, [])].tickets.append(ticket)
            return true
        } catch  where error.isDiskFull {
            throw StoreError(.diskFull, "\(error)")
        } catch {
            return false
        }
    }
}
