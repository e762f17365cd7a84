// The real clock for drivers and benches: CLOCK_MONOTONIC in microsecond ticks. Cores never read it; they get
// `now` handed in.
import Glibc
public import Primitives

/// The monotonic clock of this machine.
public struct MonotonicClock: TimeSource {
    /// Makes the clock.
    public init() {}

    public func now() -> Instant {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Instant(ticks: Int64(time.tv_sec) * Instant.ticksPerSecond + Int64(time.tv_nsec) / 1000)
    }

    public func sleep(until instant: Instant) {
        var time = timespec(
            tv_sec: Int(instant.ticks / Instant.ticksPerSecond),
            tv_nsec: Int(instant.ticks % Instant.ticksPerSecond) * 1000)
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
    }
}
