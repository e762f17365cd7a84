// Everything a node takes from the world outside its code: disk, monotonic and wall clocks, randomness; makeReal()
// wires the Posix ones. Not here yet: the executor and datagrams (their seams come separately) and the HTTP
// listener, which Transport still binds on real sockets.
import Posix
public import Primitives

/// The seams one ArchiveNode is built from (DESIGN.md, "Code layout": Node is built from one injected environment).
///
/// Node code MUST read the disk, the clocks and randomness only through these, so that a test or a simulator can
/// hand a node a seeded random source and a wall clock it moves by hand.
public struct NodeEnvironment: Sendable {
    /// The file system the store, the catalog recovery and the node-id file go through.
    public var disk: any DiskIO
    /// The clock for durations and deadlines (shutdown waits, rebuild progress).
    public var monotonicClock: any TimeSource
    /// The time of day, for HLC versions of catalogued instances.
    public var wallClock: any WallClock
    /// Where the node id and the ids of new volumes come from.
    public var random: any RandomSource

    /// Makes an environment from its parts.
    public init(disk: any DiskIO, monotonicClock: any TimeSource, wallClock: any WallClock, random: any RandomSource) {
        self.disk = disk
        self.monotonicClock = monotonicClock
        self.wallClock = wallClock
        self.random = random
    }

    /// The machine's own: PosixDisk, CLOCK_MONOTONIC, CLOCK_REALTIME and the kernel's secure random generator.
    public static func makeReal() -> NodeEnvironment {
        NodeEnvironment(
            disk: PosixDisk(), monotonicClock: MonotonicClock(), wallClock: RealTimeClock(),
            random: SystemRandomSource())
    }
}
