// Time as cores see it: an Instant in ticks from an arbitrary origin, handed in by a TimeSource. Cores never read a
// clock themselves (STYLE.md, "The shape of a pure core"); drivers and the simulator decide what "now" is.

/// A point in time, in ticks of one microsecond since an origin the TimeSource chooses.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Ticks in one second.
    public static let ticksPerSecond: Int64 = 1_000_000

    /// Microseconds since the origin.
    public let ticks: Int64

    /// Makes an instant `ticks` microseconds after the origin.
    public init(ticks: Int64) { self.ticks = ticks }

    /// The origin itself.
    public static let zero = Instant(ticks: 0)

    /// This instant moved by `ticks` (negative moves back).
    public func advanced(byTicks ticks: Int64) -> Instant { Instant(ticks: self.ticks + ticks) }

    /// The ticks from `earlier` to this instant.
    public func ticks(since earlier: Instant) -> Int64 { ticks - earlier.ticks }

    /// Seconds since `earlier`, as a Double for rates in reports.
    public func seconds(since earlier: Instant) -> Double {
        Double(ticks - earlier.ticks) / Double(Self.ticksPerSecond)
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.ticks < rhs.ticks }

    public var description: String { "\(ticks)µs" }
}

/// A clock: the real monotonic one in production (Posix), a simulated one with skew and jumps in tests.
public protocol TimeSource: Sendable {
    /// The current instant.
    func now() -> Instant
    /// Blocks the calling owned thread until `instant`. MUST NOT be called from the cooperative pool.
    func sleep(until instant: Instant)
}
