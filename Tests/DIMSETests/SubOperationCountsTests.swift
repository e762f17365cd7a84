// Goal: a C-GET or C-MOVE's tally counts each receiver's answer in the right column, names the failed instances,
// and gives the final status PS3.4 C.4.3.1.4 asks for: success, warning with failures, or refused when none went.
// Method: tallies fed statuses by hand; the counts written into a response read back.
import DIMSE
import Testing

struct SubOperationCountsTests {
    @Test("successes, warnings and failures are counted apart; the failed UIDs are kept in order")
    func counting() {
        var counts = SubOperationCounts(total: 5)
        counts.record(status: DIMSEStatus.success, instanceUID: "1.1")
        counts.record(status: DIMSEStatus.coercionOfDataElements, instanceUID: "1.2")
        counts.record(status: DIMSEStatus.outOfResources, instanceUID: "1.3")
        counts.recordFailure(instanceUID: "1.4")
        #expect(counts.remaining == 1)
        #expect(counts.completed == 1 && counts.warning == 1 && counts.failed == 2)
        #expect(counts.failedInstanceUIDs == ["1.3", "1.4"])
        #expect(counts.finalStatus == DIMSEStatus.subOperationsCompleteWithFailures)
        counts.failRemaining(instanceUIDs: ["1.5", "1.6"])
        #expect(counts.remaining == 0 && counts.failed == 3 && counts.failedInstanceUIDs.last == "1.5")
    }

    @Test("final status: success when all completed, A702 when none did, B000 otherwise; an empty retrieve succeeds")
    func finalStatus() {
        var all = SubOperationCounts(total: 2)
        all.record(status: DIMSEStatus.success, instanceUID: "1")
        all.record(status: DIMSEStatus.success, instanceUID: "2")
        #expect(all.finalStatus == DIMSEStatus.success)
        var none = SubOperationCounts(total: 2)
        none.failRemaining(instanceUIDs: ["1", "2"])
        #expect(none.finalStatus == DIMSEStatus.outOfResourcesPerformingSubOperations)
        var warned = SubOperationCounts(total: 1)
        warned.record(status: DIMSEStatus.elementsDiscarded, instanceUID: "1")
        #expect(warned.finalStatus == DIMSEStatus.subOperationsCompleteWithFailures)
        #expect(SubOperationCounts(total: 0).finalStatus == DIMSEStatus.success)
    }

    @Test("counts go into a response; remaining only while pending or cancelled")
    func response() throws {
        var counts = SubOperationCounts(total: 3)
        counts.record(status: DIMSEStatus.success, instanceUID: "1")
        var pending = CommandSet(field: .cGetResponse, hasDataSet: false)
        counts.apply(to: &pending, includingRemaining: true)
        #expect(pending.remainingCount == 2 && pending.completedCount == 1)
        #expect(pending.failedCount == 0 && pending.warningCount == 0)
        var final = CommandSet(field: .cGetResponse, hasDataSet: false)
        counts.apply(to: &final, includingRemaining: false)
        #expect(final.remainingCount == nil && final.completedCount == 1)
        final.status = counts.finalStatus
        final.respondedMessageID = 1
        let decoded = try CommandSet.decode(final.encoded())
        #expect(decoded.completedCount == 1 && decoded.remainingCount == nil)
    }
}
