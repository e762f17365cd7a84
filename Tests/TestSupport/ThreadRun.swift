// Runs blocking test code on a thread of its own, so it never occupies the 2-thread cooperative pool.
import Foundation

/// Runs `body` on a new thread and returns its result to the awaiting task.
public func runOnOwnedThread<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
