// Goal: the copy audit pulls only what placement assigns to a node it lacks, from live holders only, checks what it
// holds, and drops a copy only when placement no longer assigns it and every assigned holder has its own.
// Method: the pure decision over hand-made holder sets.
import Replication
import Testing

@Suite struct CopyAuditTests {
    @Test("decisions for every combination that matters")
    func decisions() {
        let cases: [(assigned: [UInt64], holders: Set<UInt64>, live: Set<UInt64>, expected: CopyDecision)] = [
            // Assigned here, held by 1 and 3, 3 dead: pull from 1 only.
            ([7, 1], [1, 3], [1, 7], .pull(from: [1])),
            // Assigned here, no live holder: nothing yet.
            ([7, 1], [3], [7], .nothing),
            // Assigned and held: check it.
            ([7, 1], [7, 1], [1, 7], .checkWhole),
            // Held, no longer assigned, both assigned holders hold it: drop.
            ([1, 2], [1, 2, 7], [1, 2, 7], .dropSurplus),
            // Held, not assigned, one assigned holder still lacks it: keep and check.
            ([1, 2], [1, 7], [1, 2, 7], .checkWhole),
            // Held, nobody assigned (no topology): keep.
            ([], [7], [7], .checkWhole),
            // Neither held nor assigned.
            ([1, 2], [1, 2], [1, 2, 7], .nothing),
        ]
        for (assigned, holders, live, expected) in cases {
            #expect(
                CopyAudit.decide(me: 7, assigned: assigned, holders: holders, live: live) == expected,
                "assigned \(assigned), holders \(holders.sorted()), live \(live.sorted())")
        }
    }
}
