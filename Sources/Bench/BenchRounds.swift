// The seconds of every timed round of a DICOMweb figure, ours and Orthanc's, and the two summaries the table shows:
// the best round (the least disturbed one) and the median (what a user typically gets on a shared machine).

/// Seconds per round for our node and the reference server, in the order the rounds ran.
struct BenchRounds {
    /// Our node's seconds, one per round.
    private(set) var ours: [Double] = []
    /// Orthanc's seconds, one per round; empty when Orthanc did not run.
    private(set) var reference: [Double] = []

    /// Notes one round of our node.
    mutating func addOurs(_ seconds: Double) { ours.append(seconds) }

    /// Notes one round of the reference.
    mutating func addReference(_ seconds: Double) { reference.append(seconds) }

    /// Rounds of our node so far.
    var count: Int { ours.count }

    /// The fastest round of each.
    var best: (ours: Double, reference: Double?) {
        precondition(!ours.isEmpty, "no round was timed")
        return (ours.min()!, reference.min())
    }

    /// The median round of each (the mean of the middle two for an even count).
    var median: (ours: Double, reference: Double?) {
        precondition(!ours.isEmpty, "no round was timed")
        return (Self.median(ours), reference.isEmpty ? nil : Self.median(reference))
    }

    /// The median of `values`, which MUST NOT be empty.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
