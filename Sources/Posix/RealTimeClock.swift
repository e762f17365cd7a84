// The real-time clock, for what must name the time of day: HLC versions and the HTTP Date header. It may jump
// (NTP, an operator); durations and deadlines use MonotonicClock instead.
internal import CPosix
import Glibc
public import Primitives

/// The system's real-time clock (CLOCK_REALTIME).
public struct RealTimeClock: WallClock {
    /// Makes the clock.
    public init() {}

    public func millisecondsSinceEpoch() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
