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
        // Every other descriptor this process has open is closed in the child: one a parent's process monitor
        // waits on (Foundation's, for the command that starts the region) must not be held open by a node.
        for descriptor in openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
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

    /// The file descriptors open in this process (from /proc/self/fd, without the one reading it).
    static func openDescriptors() -> [Int32] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        let own = dirfd(directory)
        var descriptors: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let descriptor = Int32(name), descriptor != own { descriptors.append(descriptor) }
        }
        return descriptors
    }

    /// Whether process `pid` runs: it exists and is not a zombie (a killed node whose parent, perhaps a container's
    /// init that reaps nothing, has not collected it yet).
    public static func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 else { return false }
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return true }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 512)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return true }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // "PID (COMMAND) STATE …": the command may hold spaces and parentheses, the state follows the last ')'.
        guard let close = line.lastIndex(of: ")") else { return true }
        return line[line.index(after: close)...].trimmingPrefix(" ").first != "Z"
    }
}
