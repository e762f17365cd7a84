// The seam for handing items between a caller and the jobs an Executor runs alongside it: Posix's BoundedQueue
// blocks between threads, Primitives' InlineQueue holds items for the one thread of the simulator.

/// A first-in first-out queue of at most `capacity` items between a caller and the jobs an `Executor` runs.
///
/// `push` appends and `pop` removes the oldest item; `close` ends the queue: later pushes fail and pops drain what is
/// left, then return nil. Made by `Executor.makeQueue`, so it is one that works with that executor's jobs: a queue
/// of a pooled executor blocks a full push or an empty pop until another thread acts; an inline executor runs no job
/// alongside anyone, so its queue MUST never be asked to wait (that would wait forever) and stops the process if it is.
public protocol HandOverQueue<Element>: AnyObject, Sendable {
    /// What the queue carries.
    associatedtype Element: Sendable

    /// The most items the queue holds at once.
    var capacity: Int { get }

    /// Appends `element`, waiting for room; false, dropping it, when the queue is or becomes closed.
    @discardableResult
    func push(_ element: Element) -> Bool

    /// Removes the oldest item, waiting for one; nil once the queue is closed and empty.
    func pop() -> Element?

    /// Closes the queue: later pushes fail, pops drain what is left and then return nil.
    func close()
}
