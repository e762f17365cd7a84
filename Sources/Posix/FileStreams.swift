// Streaming a file in and out: a ByteSource over a file being stored, a ByteSink over a file being written.
import Glibc
public import Primitives

/// Reads a file sequentially.
public final class FileSource: ByteSource {
    private let descriptor: Int32
    /// The path being read.
    public let path: String
    /// The file's length when opened.
    public let length: Int64

    /// Opens `path` for reading.
    public init(path: String) throws(SystemError) {
        self.path = path
        descriptor = try Posix.syscall("open", path: path) { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
        var status = stat()
        if fstat(descriptor, &status) != 0 || (status.st_mode & S_IFMT) == S_IFDIR {
            _ = Glibc.close(descriptor)
            throw SystemError.posix(errno: EISDIR, operation: "read", path: path)
        }
        length = Int64(status.st_size)
    }

    deinit { _ = Glibc.close(descriptor) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let descriptor = self.descriptor
        return try Posix.syscall("read", path: path) { Glibc.read(descriptor, buffer.baseAddress!, buffer.count) }
    }
}

/// Writes a file sequentially, created or truncated on open.
public final class FileSink: ByteSink {
    private let descriptor: Int32
    /// The path being written.
    public let path: String

    /// Creates or truncates `path`.
    public init(path: String) throws(SystemError) {
        self.path = path
        descriptor = try Posix.syscall("open", path: path) {
            Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
    }

    deinit { _ = Glibc.close(descriptor) }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < buffer.count {
            let descriptor = self.descriptor
            done += try Posix.syscall("write", path: path) {
                Glibc.write(descriptor, buffer.baseAddress! + done, buffer.count - done)
            }
        }
    }

    /// Makes everything written durable.
    public func synchronize() throws(SystemError) {
        let descriptor = self.descriptor
        _ = try Posix.syscall("fsync", path: path) { fsync(descriptor) }
    }
}
