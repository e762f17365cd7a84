// STOW-RS's ack=remote for a node in a region: each stored instance is sent now to its targets (rather than at the
// outbox's next pass) until one at another site commits it, within the request's deadline. What is not confirmed
// stays in the outbox, delivered later like any other entry.
import Catalog
import DICOMweb
import Membership
import Primitives
import Replication
import Synchronization

/// The node's `RemoteCommit`.
struct RegionalCommit: RemoteCommit {
    let region: Slot<RegionServices>
    let isRemoteByDefault: Bool

    func confirm(instanceUIDs: [String], withinSeconds seconds: Double) -> Set<String> {
        guard let services = region.value else { return [] }
        return services.confirm(instanceUIDs: instanceUIDs, withinSeconds: seconds)
    }
}

extension RegionServices {
    /// Instances sent at once for one ack=remote request: each waits on a round trip and the target's commit.
    static let confirmWorkerCount = 8

    /// Sends each of `instanceUIDs` to its targets now, several at once, until one at another site commits it or
    /// `seconds` pass; returns those committed at another site.
    public func confirm(instanceUIDs: [String], withinSeconds seconds: Double) -> Set<String> {
        let clock = environment.monotonicClock
        let deadline = clock.now().advanced(byTicks: Int64(seconds * Double(Instant.ticksPerSecond)))
        let work = SharedWork()
        let job: @Sendable () -> Void = { [self] in
            while true {
                let index = work.next.add(1, ordering: .relaxed).oldValue
                guard index < instanceUIDs.count else { return }
                if confirm(instanceUIDs[index], by: deadline) {
                    work.done.withLock { _ = $0.insert(instanceUIDs[index]) }
                }
            }
        }
        let workers = min(Self.confirmWorkerCount, instanceUIDs.count)
        _ = environment.executor.launch([@Sendable () -> Void](repeating: job, count: workers)).results()
        return work.done.withLock { $0 }
    }

    /// Sends `uid` to its targets until one at another site holds it, or `deadline`; whether one does.
    private func confirm(_ uid: String, by deadline: Instant) -> Bool {
        let clock = environment.monotonicClock
        while clock.now() < deadline {
            if isHeldAtAnotherSite(uid) { return true }
            let entries = (try? catalog.outboxEntries(instanceUID: uid)) ?? []
            guard !entries.isEmpty else { return false }  // no target at another site: nothing to wait for
            for entry in entries {
                guard let peer = peer(entry.target) else { continue }
                do {
                    _ = try replicator.send(entry, to: peer)
                    try catalog.completeOutbox(instanceUID: uid, target: entry.target)
                } catch {
                    log("sending \(uid) to node \(entry.target) for ack=remote failed: \(error)")
                }
            }
            if !isHeldAtAnotherSite(uid) {
                clock.sleep(until: min(deadline, clock.now().advanced(byTicks: Instant.ticksPerSecond / 5)))
            }
        }
        return isHeldAtAnotherSite(uid)
    }

    /// Work shared by the jobs of one confirmation: the next instance to take, and those confirmed.
    final class SharedWork: Sendable {
        let next = Atomic<Int>(0)
        let done = Mutex<Set<String>>([])
    }

    /// Whether a node of another site than this one holds `instanceUID` (by the regional catalog).
    func isHeldAtAnotherSite(_ instanceUID: String) -> Bool {
        guard let holders = try? catalog.regionalHolders(of: instanceUID) else { return false }
        let rows = membership.memberRows
        return holders.contains { holder in
            holder != nodeID && rows.first(where: { $0.nodeID == holder }).map { $0.metadata.site != site } == true
        }
    }
}
