// SystemError with the system's own words: Primitives imports no Glibc, so strerror is asked here, where the error
// of a real call is made.
import Glibc
public import Primitives

extension SystemError {
    /// Makes the error of a real call to `operation` on `path` that failed with `errno`, its reason strerror's text
    /// (e.g. "No space left on device").
    public static func posix(errno: Int32, operation: String, path: String? = nil) -> SystemError {
        SystemError(errno: errno, operation: operation, path: path, reason: String(cString: strerror(errno)))
    }
}
