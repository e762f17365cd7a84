// Everything a node takes from the world outside its code: disk, monotonic and wall clocks, randomness, the threads
// it runs work on and the network its gossip uses; makeReal() wires the Posix ones. The HTTP listener is not here
// yet: Transport still binds it on real sockets.
import Posix
public import Primitives

/// The seams one ArchiveNode is built from (DESIGN.md, "Code layout": Node is built from one injected environment).
///
/// Node code MUST read the disk, the clocks and randomness, start work beside its caller and reach the network only
/// through these, so that a test or a simulator can hand a node a seeded random source, a wall clock it moves by
/// hand, an inline executor and a virtual network.
public struct NodeEnvironment: Sendable {
    /// The file system the store, the catalog recovery, the node-id file and the cluster key file go through.
    public var disk: any DiskIO
    /// The clock for durations and deadlines (shutdown waits, rebuild progress, membership timers).
    public var monotonicClock: any TimeSource
    /// The time of day, for HLC versions of catalogued instances.
    public var wallClock: any WallClock
    /// Where the node id, the ids of new volumes and the membership core's seed come from.
    public var random: any RandomSource
    /// The threads the store runs its put stages, read-ahead and commits on, and the membership reactor its loop
    /// and push-pull exchanges; its owner shuts it down after the node.
    public var executor: any Executor
    /// The sockets gossip and push-pull use.
    public var network: any NetworkIO

    /// Makes an environment from its parts.
    public init(
        disk: any DiskIO, monotonicClock: any TimeSource, wallClock: any WallClock, random: any RandomSource,
        executor: any Executor, network: any NetworkIO
    ) {
        self.disk = disk
        self.monotonicClock = monotonicClock
        self.wallClock = wallClock
        self.random = random
        self.executor = executor
        self.network = network
    }

    /// The most threads the real executor runs: the store's (a put stage per upload, up to three read-ahead jobs per
    /// retrieve and a commit per volume, at once) and the membership reactor's. Past it, store work runs on the
    /// request's own thread, slower but never stuck.
    public static let threadCountMax = 64 + MembershipReactor.threadCountMax

    /// The machine's own: PosixDisk, CLOCK_MONOTONIC, CLOCK_REALTIME, the kernel's secure random generator, a pooled
    /// executor and real sockets. The caller shuts the executor down (`PooledExecutor.shutDown()`) after the node.
    public static func makeReal() -> NodeEnvironment {
        NodeEnvironment(
            disk: PosixDisk(), monotonicClock: MonotonicClock(), wallClock: RealTimeClock(),
            random: SystemRandomSource(),
            executor: PooledExecutor(name: "tessera-node", threadCountMax: threadCountMax),
            network: PosixNetwork())
    }
}
