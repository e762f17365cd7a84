// The one way Tessera calls the operating system: retry EINTR, read errno at once, throw SystemError, and crash on
// the errnos that can only mean a bug (STYLE.md, "Errors and assertions").
import Glibc
public import Primitives

/// Namespace for the system-call helper.
public enum Posix {
    /// Calls `call` until it does not fail with EINTR; a result of -1 throws SystemError naming `operation`/`path`.
    ///
    /// EBADF and EFAULT are programmer errors (a closed descriptor, a bad pointer) and stop the process.
    @inline(never)
    public static func syscall<Result: FixedWidthInteger>(
        _ operation: String, path: String? = nil, _ call: () -> Result
    ) throws(SystemError) -> Result {
        while true {
            let result = call()
            guard result == -1 else { return result }
            let code = errno
            if code == EINTR { continue }
            precondition(code != EBADF && code != EFAULT, "\(operation) \(path ?? ""): errno \(code) is a bug")
            throw SystemError.posix(errno: code, operation: operation, path: path)
        }
    }
}
