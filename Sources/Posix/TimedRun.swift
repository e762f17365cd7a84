// A program run to its end and timed to the microsecond, for benches that time other people's clients (dcmtk's):
// spawned and waited for directly, not through Foundation's Process, whose wait polls every 50 ms.
import Glibc
import Primitives

/// Running a program to its end, timed.
public enum TimedRun {
    /// How a timed run ended.
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        public let status: Int32
        /// Seconds from just before the spawn to just after the exit was seen.
        public let seconds: Double
    }

    /// Runs `executable arguments…` with standard input from /dev/null and standard output and error written to
    /// `logPath`; blocks the calling (owned) thread until it ends.
    public static func run(_ executable: String, _ arguments: [String], logPath: String) throws(ChildProcessError)
        -> Outcome
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let clock = MonotonicClock()
        let start = clock.now()
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard code == 0 else {
            throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(code)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let seconds = clock.now().seconds(since: start)
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as functions.
        let signal = status & 0x7F
        return Outcome(status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal, seconds: seconds)
    }
}
