// Which appends of a volume were taken by a commit that failed. Kept under the volume's commit lock; owns no I/O.
// A commit takes every pending append at once, so the appends one commit took are a range of sequence numbers.

/// The ranges of append sequence numbers taken by failed commits, so a writer whose records another writer's
/// commit took and lost learns of it (Volume.commit).
struct CommitLog {
    /// Ranges kept before the oldest two are merged: merging only ever adds appends that a successful commit may
    /// have made durable, so a writer sees a spurious failure (its records become garbage), never a false success.
    static let failedRangeCountMax = 1024

    /// Sequence ranges of failed commits, ascending and disjoint.
    private(set) var failedRanges: [Range<UInt64>] = []

    /// Records that a commit taking the appends `taken` failed.
    mutating func recordFailure(_ taken: Range<UInt64>) {
        guard !taken.isEmpty else { return }
        precondition(
            failedRanges.last.map { $0.upperBound <= taken.lowerBound } ?? true, "commits take appends in order")
        if let last = failedRanges.last, last.upperBound == taken.lowerBound {
            failedRanges[failedRanges.count - 1] = last.lowerBound..<taken.upperBound
        } else {
            failedRanges.append(taken)
        }
        if failedRanges.count > Self.failedRangeCountMax {
            failedRanges[0] = failedRanges[0].lowerBound..<failedRanges[1].upperBound
            failedRanges.remove(at: 1)
        }
        assert(failedRanges.count <= Self.failedRangeCountMax)
    }

    /// Whether a failed commit took the record of `ticket`.
    func isLost(_ ticket: AppendTicket) -> Bool {
        failedRanges.contains { $0.contains(ticket.sequence) }
    }
}
