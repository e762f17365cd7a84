// How well a set of Vivaldi coordinates predicts a latency matrix: the median relative error over all pairs, the
// figure the paper reports (Vivaldi §5) and `tessera bench membership` prints.

/// Accuracy measures for Vivaldi coordinates against measured round-trip times.
public enum VivaldiAccuracy {
    /// The most nodes a matrix may have (the work grows with the square).
    public static let nodeCountMax = 4096

    /// The median over all pairs i < j of |estimated − measured| / measured, where `rttSeconds[i][j]` is the
    /// measured RTT between nodes i and j and `coordinates[i]` node i's coordinate. Pairs with a measured RTT of
    /// zero or less are skipped; nil when no pair is left.
    ///
    /// `rttSeconds` MUST be square with as many rows as `coordinates` (at most `nodeCountMax`).
    public static func medianRelativeError(rttSeconds: [[Double]], coordinates: [VivaldiCoordinate]) -> Double? {
        precondition(
            rttSeconds.count == coordinates.count && rttSeconds.allSatisfy { $0.count == coordinates.count },
            "the RTT matrix is not \(coordinates.count) × \(coordinates.count)")
        precondition(coordinates.count <= nodeCountMax, "\(coordinates.count) nodes is more than \(nodeCountMax)")
        var errors: [Double] = []
        errors.reserveCapacity(coordinates.count * (coordinates.count - 1) / 2)
        for row in coordinates.indices {
            for column in coordinates.indices where column > row {
                let measured = rttSeconds[row][column]
                guard measured > 0 else { continue }
                let estimated = VivaldiCoordinate.estimatedRTTSeconds(
                    between: coordinates[row], and: coordinates[column])
                errors.append(abs(estimated - measured) / measured)
            }
        }
        guard !errors.isEmpty else { return nil }
        errors.sort()
        let middle = errors.count / 2
        return errors.count % 2 == 1 ? errors[middle] : (errors[middle - 1] + errors[middle]) / 2
    }
}
