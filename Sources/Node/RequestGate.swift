// Counts the requests a node is answering and closes the door when it shuts down: new requests get a 503 while
// those in flight may finish, so a SIGTERM does not cut a STOW-RS upload that is about to complete.
import Synchronization

/// Requests in flight, and whether new ones are still admitted.
public final class RequestGate: Sendable {
    private let inFlight = Atomic<Int>(0)
    private let draining = Atomic<Bool>(false)

    /// Makes an open gate.
    public init() {}

    /// Requests being answered now.
    public var inFlightCount: Int { inFlight.load(ordering: .acquiring) }

    /// Whether the gate refuses new requests.
    public var isDraining: Bool { draining.load(ordering: .acquiring) }

    /// Refuses every request from now on.
    public func close() { draining.store(true, ordering: .releasing) }

    /// Runs `body` counted as in flight; throws a 503 without running it when the gate is closed.
    public func admit<Result>(_ body: () throws -> Result) throws -> Result {
        inFlight.add(1, ordering: .acquiringAndReleasing)
        defer { inFlight.subtract(1, ordering: .acquiringAndReleasing) }
        guard !isDraining else {
            throw NodeRouteError(status: 503, reason: "the node is shutting down; try again in a moment")
        }
        return try body()
    }
}
