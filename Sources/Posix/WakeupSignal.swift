// A one-shot, thread-safe "stop now" flag that poll can wait on (a self-pipe), so a thread blocked in accept or
// poll wakes at once when its owner stops it, instead of polling a flag on a timer.
import Glibc
public import Primitives
import Synchronization

/// A signal that, once fired, stays fired: its descriptor stays readable for every poll that includes it.
public final class WakeupSignal: Sendable {
    /// The pipe's read end, readable once signalled (never read, so it stays readable).
    let descriptor: Int32
    /// The pipe's write end.
    private let writeDescriptor: Int32
    /// Whether `signal()` has been called.
    private let signalled = Atomic<Bool>(false)

    /// Makes an unfired signal. (eventfd is not visible through Glibc's module map, so this is a pipe.)
    public init() throws(SystemError) {
        var ends: [Int32] = [-1, -1]
        _ = try Posix.syscall("pipe") { pipe(&ends) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        descriptor = ends[0]
        writeDescriptor = ends[1]
    }

    deinit {
        _ = Glibc.close(descriptor)
        _ = Glibc.close(writeDescriptor)
    }

    /// Whether the signal has fired.
    public var isSignalled: Bool { signalled.load(ordering: .acquiring) }

    /// Fires the signal, waking every poll that waits on it. Later calls do nothing.
    public func signal() {
        guard !signalled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var one: UInt8 = 1
        _ = Glibc.write(writeDescriptor, &one, 1)
    }
}
