// The sub-operation tally of a C-GET or C-MOVE (PS3.4 C.4.2.1.4, C.4.3.1.4): how many C-STOREs remain, completed,
// failed or ended with a warning, the SOP instances that failed, and the final status those counts give.

/// The progress of one retrieve's C-STORE sub-operations.
public struct SubOperationCounts: Sendable, Equatable {
    /// Sub-operations not yet run.
    public private(set) var remaining: Int
    /// Sub-operations the receiver answered with success.
    public private(set) var completed = 0
    /// Sub-operations that failed: refused, not sent, or left when the association ended.
    public private(set) var failed = 0
    /// Sub-operations the receiver answered with a warning.
    public private(set) var warning = 0
    /// The SOP Instance UIDs of the failed ones, for the final response's Failed SOP Instance UID List.
    public private(set) var failedInstanceUIDs: [String] = []

    /// Starts a tally of `total` sub-operations.
    public init(total: Int) {
        precondition(total >= 0, "a retrieve has no negative number of instances")
        remaining = total
    }

    /// Records the receiver's C-STORE status for one instance.
    public mutating func record(status: UInt16, instanceUID: String) {
        remaining -= 1
        if status == DIMSEStatus.success {
            completed += 1
        } else if DIMSEStatus.isFailure(status) {
            failed += 1
            failedInstanceUIDs.append(instanceUID)
        } else {
            warning += 1
        }
    }

    /// Records one instance that could not be sent at all.
    public mutating func recordFailure(instanceUID: String) {
        record(status: DIMSEStatus.unableToProcess, instanceUID: instanceUID)
    }

    /// The final status once no sub-operation remains: success when every one completed, a warning when some
    /// failed or warned, and refused (out of resources performing them) when none could be completed.
    public var finalStatus: UInt16 {
        if failed == 0 && warning == 0 { return DIMSEStatus.success }
        if completed == 0 && warning == 0 { return DIMSEStatus.outOfResourcesPerformingSubOperations }
        return DIMSEStatus.subOperationsCompleteWithFailures
    }

    /// Writes the counts into a response: remaining only while pending or cancelled (PS3.4 C.4.2.3.1).
    public func apply(to response: inout CommandSet, includingRemaining: Bool) {
        response.remainingCount = includingRemaining ? UInt16(clamping: remaining) : nil
        response.completedCount = UInt16(clamping: completed)
        response.failedCount = UInt16(clamping: failed)
        response.warningCount = UInt16(clamping: warning)
    }

    /// Counts every remaining sub-operation as failed: the association they were to go on ended.
    public mutating func failRemaining(instanceUIDs: some Sequence<String>) {
        for uid in instanceUIDs.prefix(remaining) { recordFailure(instanceUID: uid) }
    }
}
