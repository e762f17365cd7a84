// The hand-over queue of the inline executor: a bounded ring used by one thread at a time, which never waits. With no
// other thread to empty or fill it, a push to a full queue or a pop from an empty open one is a programmer error.
import Synchronization

/// A bounded first-in first-out queue that never blocks: what `InlineExecutor.makeQueue` makes.
public final class InlineQueue<Element: Sendable>: HandOverQueue {
    /// The most items the queue holds at once.
    public let capacity: Int
    private let state: Mutex<(elements: [Element?], head: Int, count: Int, isClosed: Bool)>

    /// Makes an empty open queue holding at most `capacity` items.
    public init(capacity: Int) {
        precondition(capacity > 0, "a queue needs room for at least one item, not \(capacity)")
        self.capacity = capacity
        state = Mutex((Array(repeating: nil, count: capacity), 0, 0, false))
    }

    /// Appends `element`; false, dropping it, when the queue is closed. A full open queue stops the process: with
    /// no other thread to pop, waiting for room would never end.
    @discardableResult
    public func push(_ element: Element) -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            precondition(
                state.count < state.elements.count,
                "push to a full inline queue of capacity \(state.elements.count): nothing else would ever pop it")
            state.elements[(state.head + state.count) % state.elements.count] = element
            state.count += 1
            return true
        }
    }

    /// Removes the oldest item; nil once the queue is closed and empty. An empty open queue stops the process: with
    /// no other thread to push, waiting for an item would never end.
    public func pop() -> Element? {
        state.withLock { state in
            guard state.count > 0 else {
                precondition(state.isClosed, "pop from an empty open inline queue: nothing else would ever push to it")
                return nil
            }
            let element = state.elements[state.head]
            state.elements[state.head] = nil
            state.head = (state.head + 1) % state.elements.count
            state.count -= 1
            return element
        }
    }

    /// Closes the queue: later pushes fail, pops drain what is left and then return nil.
    public func close() {
        state.withLock { $0.isClosed = true }
    }
}
