// The errno numbers that code above Posix names (Linux's values), so a simulated disk can fail like a real one and
// storage can tell a full disk from a missing file without importing Glibc (DESIGN.md, "Code layout").

/// Linux errno values, named as in <errno.h>; PosixTests checks each against Glibc's.
public enum Errno {
    /// Operation not permitted.
    public static let EPERM: Int32 = 1
    /// No such file or directory.
    public static let ENOENT: Int32 = 2
    /// Input/output error.
    public static let EIO: Int32 = 5
    /// Bad file descriptor (a closed one).
    public static let EBADF: Int32 = 9
    /// Permission denied.
    public static let EACCES: Int32 = 13
    /// File too large.
    public static let EFBIG: Int32 = 27
    /// No space left on device.
    public static let ENOSPC: Int32 = 28
    /// Read-only file system.
    public static let EROFS: Int32 = 30
    /// Function not implemented (a disk that cannot tell its free space).
    public static let ENOSYS: Int32 = 38
    /// Connection timed out.
    public static let ETIMEDOUT: Int32 = 110
    /// Disk quota exceeded.
    public static let EDQUOT: Int32 = 122
}
