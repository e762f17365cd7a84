// Counting the threads of the test process, for tests that prove a piece of code starts none: Linux lists one
// entry per thread under /proc/self/task.
import Foundation

/// The threads of this process.
public enum ThreadCount {
    /// How many threads the process has now. Other tests running at the same time change it, so a test that
    /// compares counts samples several times and retries (see `isSteady`).
    public static func now() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
    }

    /// How many threads of the process carry `name` (an OwnedThread's name, cut to the 15 bytes the kernel keeps):
    /// unlike `now`, other tests do not change it as long as they use other names.
    public static func named(_ name: String) throws -> Int {
        let kept = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").filter { task in
            let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            return comm?.trimmingCharacters(in: .newlines) == kept
        }.count
    }

    /// Runs `body` up to `attemptsMax` times, passing it a function to call at points where a thread it started
    /// would be alive; true as soon as one attempt saw the same count before, at every such point, and after.
    /// A piece of code that starts threads never passes; threads of other tests only cause retries.
    public static func isSteady(attemptsMax: Int = 20, _ body: (_ sample: @escaping () -> Void) throws -> Void) throws
        -> Bool
    {
        precondition(attemptsMax > 0, "at least one attempt, not \(attemptsMax)")
        for _ in 0..<attemptsMax {
            let before = try now()
            let changed = SampleLog()
            try body { if (try? now()) != before { changed.isChanged = true } }
            let after = try now()
            if !changed.isChanged && after == before { return true }
        }
        return false
    }
}

/// Whether a sample differed from the count before, in one attempt.
private final class SampleLog {
    var isChanged = false
}
