// Committing volumes and taking back uncommitted records. Every commit the store makes goes through here: on the
// volume's commit worker (one long-lived thread per volume), under the volume's commit guard, counting commit
// generations, so a take-back can tell whether some commit already made its records durable and visible.
import Synchronization
import Volumes

/// Per-volume state the store keeps next to each Volume.
final class VolumeCommitGuard: Sendable {
    /// Held across a commit and across a take-back, so neither sees the other half done.
    let lock = Mutex<Void>(())
    /// Commits made so far; bumped inside `lock` by every commit, after it ran.
    let generation = Atomic<UInt64>(0)
    /// The generation of the last commit that failed, 0 if none. A failed commit may have taken records of other
    /// writers off the volume's pending list without making them durable, so a writer whose records were appended
    /// before it (at a lower generation) must not count them as committed.
    let failedGeneration = Atomic<UInt64>(0)
}

extension ObjectStore {
    /// The commit guard of `volume`.
    func commitGuard(_ volume: Volume) -> VolumeCommitGuard {
        let number = volumes.firstIndex { $0 === volume }!
        return commitGuards[number]
    }

    /// Commits one volume under its guard (group commit: everything appended to it so far becomes durable).
    func commit(_ volume: Volume) throws(StoreError) {
        let guarded = commitGuard(volume)
        do {
            try guarded.lock.withLock { _ throws in
                do {
                    try volume.commit()
                    guarded.generation.add(1, ordering: .sequentiallyConsistent)
                } catch {
                    let failed = guarded.generation.add(1, ordering: .sequentiallyConsistent).newValue
                    guarded.failedGeneration.store(failed, ordering: .sequentiallyConsistent)
                    throw error
                }
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Commits `volumes` at once, each on its commit worker, so their fdatasyncs overlap. Returns the volumes that
    /// failed with their errors (empty when all are durable).
    func commitAll(_ volumes: [Volume]) -> [(volume: Volume, error: StoreError)] {
        let outcomes = commitPool.run(
            volumes.map { volume in
                { @Sendable () -> StoreError? in
                    do throws(StoreError) {
                        try self.commit(volume)
                        return nil
                    } catch {
                        return error
                    }
                }
            })
        return zip(volumes, outcomes).compactMap { volume, error in error.map { (volume, $0) } }
    }

    /// Takes back `records` of `volume`, appended after commit generation `generation` was read, when no commit
    /// has run since and nobody appended after them; otherwise leaves them as garbage for the sweep. A record some
    /// commit already made durable (and maybe another put deduplicated against) is never cut off.
    func takeBack(_ records: [RecordLocation], on volume: Volume, appendedAfter generation: UInt64) {
        guard !records.isEmpty else { return }
        let guarded = commitGuard(volume)
        guarded.lock.withLock { _ in
            guard guarded.generation.load(ordering: .sequentiallyConsistent) == generation else { return }
            _ = volume.discard(records)
        }
    }
}
