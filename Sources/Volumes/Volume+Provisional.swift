// Provisional records: ones a writer appends before knowing that everything they depend on in other volumes is
// durable (a manifest committed in the same round as its chunks). The volume keeps, in its index, a settled mark:
// no record before it is provisional and unsettled. It moves with every commit, to the first unsettled provisional
// record or the commit's end, in the commit's own transaction, so after a crash the records at or after the mark
// (`unsettledFrom`) are the only ones whose writer may not have finished, and its store checks them at open. A mark
// that lags (the index lost its last transactions) only means more is checked.
import Primitives
import Synchronization

extension Volume {
    /// Settles the provisional records of `tickets`: their writer knows what they depend on is durable, so the
    /// next commit may move the settled mark past them. Tickets of other records are ignored.
    public func settle(_ tickets: [AppendTicket]) {
        guard !tickets.isEmpty else { return }
        let settled = Set(tickets)
        appendState.withLock { state in state.provisional.removeAll { settled.contains($0) } }
    }
}
