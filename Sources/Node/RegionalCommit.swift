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
    /// Sends `instanceUIDs` to their targets now, in one batch per target (the targets at once), until one at
    /// another site commits each or `seconds` pass; returns those committed at another site.
    public func confirm(instanceUIDs: [String], withinSeconds seconds: Double) -> Set<String> {
        let clock = environment.monotonicClock
        let deadline = clock.now().advanced(byTicks: Int64(seconds * Double(Instant.ticksPerSecond)))
        var pending = instanceUIDs
        var confirmed: Set<String> = []
        while true {
            var byTarget: [NodeID: [OutboxEntry]] = [:]
            pending = pending.filter { uid in
                if isHeldAtAnotherSite(uid) {
                    confirmed.insert(uid)
                    return false
                }
                let entries = (try? catalog.outboxEntries(instanceUID: uid)) ?? []
                for entry in entries { byTarget[entry.target, default: []].append(entry) }
                return !entries.isEmpty  // no target left at another site: nothing to wait for
            }
            guard !pending.isEmpty, clock.now() < deadline else { break }
            let jobs = byTarget.map { target, entries in
                { @Sendable [self] in
                    guard let peer = peer(target) else { return }
                    do {
                        for (entry, outcome) in try replicator.send(entries, to: peer) {
                            if case .failure(let error) = outcome {
                                log("sending \(entry.instanceUID) to node \(target) for ack=remote failed: \(error)")
                            }
                        }
                    } catch {
                        log("recording acknowledgements from node \(target) for ack=remote failed: \(error)")
                    }
                }
            }
            _ = environment.executor.launch(jobs).results()
            if pending.contains(where: { !isHeldAtAnotherSite($0) }) {
                clock.sleep(until: min(deadline, clock.now().advanced(byTicks: Instant.ticksPerSecond / 5)))
            }
        }
        return confirmed
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
