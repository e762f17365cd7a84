// A process started to outlive its starter: `tessera cluster up` starts the region's nodes and exits, and they keep
// running in their own session (no terminal's hangup or Ctrl-C reaches them), their output in one log file each,
// until `tessera cluster down` signals them by the process ids it wrote down.
import Glibc

/// Starting and signalling processes that are not this process's to wait for.
public enum DetachedProcess {
    /// glibc's POSIX_SPAWN_SETSID (<spawn.h>, only visible to C with _GNU_SOURCE): the child starts a new session.
    static let spawnSetSID: Int16 = 0x80

    /// Starts `executable arguments…` in a new session, standard input from /dev/null and standard output and error
    /// appended to `logPath`; returns its process id. Throws naming the executable when it cannot be started.
    public static func start(executable: String, arguments: [String], logPath: String) throws(ChildProcessError)
        -> Int32
    {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawnattr_setflags(&attributes, spawnSetSID)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard code == 0 else {
            throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(code)))")
        }
        return pid
    }

    /// Whether process `pid` exists (and may be signalled by this user).
    public static func isRunning(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }
}
