// The error every operating-system call throws, real (Posix) or simulated (Simulation's SimDisk), so the layers
// above can tell a full disk from a missing file without importing Glibc themselves.

/// A failed system call: which call, on which path, the errno it returned and the system's words for it.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The errno value, read immediately after the call (STYLE.md, pitfall 7).
    public let errno: Int32
    /// The call that failed, e.g. "pwrite" or "open".
    public let operation: String
    /// The path the call was about, when there was one.
    public let path: String?
    /// The system's words for the errno, e.g. "No space left on device", or "errno 28" when the error was made
    /// without them (a simulated disk).
    public let reason: String

    /// Makes an error for `operation` on `path` that failed with `errno`.
    ///
    /// Primitives has no libc to ask for the words, so `reason` comes from the creator: Posix passes strerror's
    /// text (`SystemError.posix`); without one the reason names the number.
    public init(errno: Int32, operation: String, path: String? = nil, reason: String? = nil) {
        self.errno = errno
        self.operation = operation
        self.path = path
        self.reason = reason ?? "errno \(errno)"
    }

    /// Whether the device ran out of space (ENOSPC) or quota (EDQUOT).
    public var isNoSpace: Bool { errno == Errno.ENOSPC || errno == Errno.EDQUOT }

    /// Whether the path does not exist (ENOENT).
    public var isNotFound: Bool { errno == Errno.ENOENT }

    /// Whether the call was refused for lack of permission (EACCES, EPERM, EROFS).
    public var isPermissionDenied: Bool { errno == Errno.EACCES || errno == Errno.EPERM || errno == Errno.EROFS }

    public var description: String {
        if let path { return "\(operation) \(path): \(reason)" }
        return "\(operation): \(reason)"
    }
}
