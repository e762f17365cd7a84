// Timing for benches: the best of several runs of a closure on the monotonic clock, as GB/s of a byte count.
// Best-of, not mean: the machines are shared and noisy, and the best run is the one least disturbed.
import Posix
import Primitives

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Measures throughput and memory for `tessera bench`.
enum BenchTiming {
    /// Runs `body` `repetitions` times and returns the best throughput in GB/s for `bytes` bytes per run.
    static func bestRate(bytes: Int, repetitions: Int = 3, _ body: () throws -> Void) rethrows -> Double {
        let clock = MonotonicClock()
        var best = Double.infinity
        for _ in 0..<repetitions {
            let start = clock.now()
            try body()
            best = min(best, max(clock.now().seconds(since: start), 1e-9))
        }
        return Double(bytes) / best / 1e9
    }

    /// Best rates of `ours` and `reference` over `repetitions` alternating runs, so drift in the machine's state
    /// (caches, frequency, a neighbour's load) hits both alike.
    static func bestRates(bytes: Int, repetitions: Int = 5, ours: () throws -> Void, reference: () throws -> Void)
        rethrows -> (ours: Double, reference: Double)
    {
        var best = (ours: 0.0, reference: 0.0)
        for _ in 0..<repetitions {
            best.reference = max(best.reference, try bestRate(bytes: bytes, repetitions: 1, reference))
            best.ours = max(best.ours, try bestRate(bytes: bytes, repetitions: 1, ours))
        }
        return best
    }

    /// Runs `body` once and returns its wall time in seconds.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = MonotonicClock()
        let start = clock.now()
        try body()
        return max(clock.now().seconds(since: start), 1e-9)
    }

    /// The peak resident set size of this process in bytes (VmHWM in /proc/self/status), if readable.
    static func peakResidentBytes() -> Int64? {
        guard let data = FileManager.default.contents(atPath: "/proc/self/status") else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").dropFirst().first.flatMap { Int64($0) }
            return digits.map { $0 * 1024 }
        }
        return nil
    }
}
