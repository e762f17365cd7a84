// Goal: the checker's health rules hold a run to its bounds: whole again and R copies after the heal, death detection, no live node
// marked dead, outboxes drained, memory not still growing; a run within them has no violation.
// Method: health figures written by hand, pure calls.
import Chaos
import Testing

@Suite struct ChaosHealthTests {
    static let bounds = ChaosBounds(healSeconds: 60, detectionSeconds: 5)
    static let mebibyte: UInt64 = 1 << 20

    @Test("a run within its bounds has no violation")
    func within() {
        let health = ChaosHealth(
            copiesRestoredSeconds: 42,
            detections: [ChaosHealth.Detection(node: "nancy-1", faultMilliseconds: 1_000, seenDeadMilliseconds: 4_500)],
            finalOutboxDepths: ["reims-1": 0],
            memorySamples: ["reims-1": [300, 320, 350, 340, 360].map { $0 * Self.mebibyte }])
        #expect(ChaosChecker.violations(of: health, bounds: Self.bounds).isEmpty)
    }

    @Test("each bound broken is a violation naming the node and the figure")
    func broken() {
        let health = ChaosHealth(
            copiesRestoredSeconds: 75, healSeconds: 61,
            detections: [
                ChaosHealth.Detection(node: "nancy-1", faultMilliseconds: 1_000, seenDeadMilliseconds: 9_000),
                ChaosHealth.Detection(node: "metz-1", faultMilliseconds: 1_000, seenDeadMilliseconds: nil),
            ],
            falseDeaths: [ChaosHealth.FalseDeath(node: "reims-1", byNode: "troyes-1", milliseconds: 7_000)],
            finalOutboxDepths: ["reims-1": 0, "troyes-1": 12],
            memorySamples: ["troyes-1": [200, 210, 600, 900, 1_300].map { $0 * Self.mebibyte }])
        let violations = ChaosChecker.violations(of: health, bounds: Self.bounds)
        #expect(
            violations.map(\.rule) == ["heal", "R copies", "detection", "detection", "false death", "outbox", "memory"])
        let text = violations.map(\.description).joined(separator: "\n")
        for part in [
            "whole 61.0 s after the heal, over 60.0 s", "75.0 s after the heal, over 60.0 s",
            "nancy-1 was seen dead after 8.0 s", "metz-1 was never seen dead",
            "troyes-1 marked reims-1 dead", "troyes-1 still has 12 entries", "grew from 200 MiB to 1300 MiB",
        ] {
            #expect(text.contains(part), "\(part)")
        }
        #expect(
            ChaosChecker.violations(
                of: ChaosHealth(copiesRestoredSeconds: nil, healSeconds: nil), bounds: Self.bounds
            ).map(\.rule) == ["heal", "R copies"])
    }
}
