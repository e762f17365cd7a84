// The nearest-rank percentile the benches and the chaos report print (p50, p99): the smallest value with at least
// that share of the values at or below it, so a p99 is always a value that was measured.

/// Percentiles of measured values.
public enum Percentile {
    /// The `quantile` (0…1) of `values` by the nearest-rank method; nil when empty.
    public static func nearestRank(_ values: [Double], _ quantile: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((quantile * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
