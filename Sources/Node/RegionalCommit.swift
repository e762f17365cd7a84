// STOW-RS's ack=remote for a node in a region: each stored instance is sent now to its targets (rather than at the
// outbox's next pass) until one at another site commits it, within the request's deadline. What is not confirmed
// stays in the outbox, delivered later like any other entry.
import Catalog
import DICOMweb
import Membership
import Primitives
import Replication

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
    /// Sends each of `instanceUIDs` to its targets now, until one at another site commits it or `seconds` pass;
    /// returns those committed at another site.
    func confirm(instanceUIDs: [String], withinSeconds seconds: Double) -> Set<String> {
        let clock = environment.monotonicClock
        let deadline = clock.now().advanced(byTicks: Int64(seconds * Double(Instant.ticksPerSecond)))
        var confirmed = Set<String>()
        for uid in instanceUIDs {
            while clock.now() < deadline {
                if isHeldAtAnotherSite(uid) {
                    confirmed.insert(uid)
                    break
                }
                let entries = (try? catalog.outboxEntries(instanceUID: uid)) ?? []
                guard !entries.isEmpty else { break }  // no target at another site: nothing to wait for
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
        }
        return confirmed
    }

    /// Whether a node of another site than this one holds `instanceUID` (by the regional catalog).
    func isHeldAtAnotherSite(_ instanceUID: String) -> Bool {
        guard let holders = try? catalog.regionalHolders(of: instanceUID) else { return false }
        let rows = membership.snapshot.rows
        return holders.contains { holder in
            holder != nodeID && rows.first(where: { $0.nodeID == holder }).map { $0.metadata.site != site } == true
        }
    }
}
