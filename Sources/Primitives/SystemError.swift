// The error every operating-system call throws, real (Posix) or simulated (Simulation's SimDisk), so the layers
// above can tell a full disk from a missing file without importing Glibc themselves.
#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call: which call, on which path, and the errno it returned.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The errno value, read immediately after the call (STYLE.md, pitfall 7).
    public let errno: Int32
    /// The call that failed, e.g. "pwrite" or "open".
    public let operation: String
    /// The path the call was about, when there was one.
    public let path: String?

    /// Makes an error for `operation` on `path` that failed with `errno`.
    public init(errno: Int32, operation: String, path: String? = nil) {
        self.errno = errno
        self.operation = operation
        self.path = path
    }

    /// Whether the device ran out of space (ENOSPC) or quota (EDQUOT).
    public var isNoSpace: Bool { errno == ENOSPC || errno == EDQUOT }

    /// Whether the path does not exist (ENOENT).
    public var isNotFound: Bool { errno == ENOENT }

    /// Whether the call was refused for lack of permission (EACCES, EPERM, EROFS).
    public var isPermissionDenied: Bool { errno == EACCES || errno == EPERM || errno == EROFS }

    /// The system's words for the errno, e.g. "No space left on device".
    public var reason: String { String(cString: strerror(errno)) }

    public var description: String {
        if let path { return "\(operation) \(path): \(reason)" }
        return "\(operation): \(reason)"
    }
}
