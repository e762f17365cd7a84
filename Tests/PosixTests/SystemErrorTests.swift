// Goal: Primitives' Errno numbers are glibc's, and an error made by Posix carries the system's words while one made
// without them (a simulated disk) names the number. Method: compare each constant with Glibc's, fail real calls.
import Glibc
import Posix
import Primitives
import Testing

@Suite struct SystemErrorTests {
    @Test("every Errno constant equals glibc's value of the same name")
    func errnoMatchesGlibc() {
        let pairs: [(name: String, ours: Int32, glibc: Int32)] = [
            ("EPERM", Errno.EPERM, EPERM), ("ENOENT", Errno.ENOENT, ENOENT), ("EIO", Errno.EIO, EIO),
            ("EBADF", Errno.EBADF, EBADF), ("EACCES", Errno.EACCES, EACCES), ("EFBIG", Errno.EFBIG, EFBIG),
            ("ENOSPC", Errno.ENOSPC, ENOSPC), ("EROFS", Errno.EROFS, EROFS), ("ETIMEDOUT", Errno.ETIMEDOUT, ETIMEDOUT),
            ("EDQUOT", Errno.EDQUOT, EDQUOT), ("ENOSYS", Errno.ENOSYS, ENOSYS),
        ]
        for pair in pairs { #expect(pair.ours == pair.glibc, "\(pair.name)") }
    }

    @Test("a failed real call names the call, the path and strerror's words, and is classified by its errno")
    func posixErrorHasReason() throws {
        let path = "/nonexistent-\(getpid())/file"
        let error = try #require(throws: SystemError.self) { _ = try PosixDisk().open(path, mode: .readOnly) }
        #expect(error.isNotFound && !error.isNoSpace && !error.isPermissionDenied)
        #expect(error.reason == String(cString: strerror(ENOENT)))
        #expect(error.description == "open \(path): \(error.reason)")
        #expect(SystemError.posix(errno: ENOSPC, operation: "pwrite").description == "pwrite: No space left on device")
    }

    @Test("an error made without the system's words names its errno, and is classified the same")
    func simulatedErrorNamesNumber() {
        let full = SystemError(errno: Errno.EDQUOT, operation: "pwrite", path: "/v/segment-1")
        #expect(full.isNoSpace && full.description == "pwrite /v/segment-1: errno 122")
        #expect(SystemError(errno: Errno.EROFS, operation: "open").isPermissionDenied)
    }
}
