// The real file system behind the DiskIO seam: positional reads and writes that complete or throw, fdatasync, and
// the directory operations volumes need. Stateless, so any thread may use it.
internal import CPosix
import Glibc
public import Primitives

/// DiskIO over the Linux file system.
public struct PosixDisk: DiskIO {
    /// Makes the disk; it holds no state.
    public init() {}

    public func open(_ path: String, mode: DiskOpenMode) throws(SystemError) -> DiskFile {
        let flags: Int32 =
            switch mode {
            case .readOnly: O_RDONLY
            case .readWrite: O_RDWR
            case .readWriteCreate: O_RDWR | O_CREAT
            }
        let descriptor = try Posix.syscall("open", path: path) { Glibc.open(path, flags | O_CLOEXEC, 0o644) }
        return DiskFile(descriptor: descriptor)
    }

    public func close(_ file: DiskFile) {
        _ = Glibc.close(file.descriptor)
    }

    public func read(_ file: DiskFile, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer)
        throws(SystemError) -> Int
    {
        var done = 0
        while done < buffer.count {
            let count = try Posix.syscall("pread") {
                pread(file.descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            }
            if count == 0 { break }
            done += count
        }
        return done
    }

    public func write(_ file: DiskFile, at offset: Int64, from buffer: UnsafeRawBufferPointer) throws(SystemError) {
        var done = 0
        while done < buffer.count {
            let count = try Posix.syscall("pwrite") {
                pwrite(file.descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            }
            done += count
        }
    }

    public func size(of file: DiskFile) throws(SystemError) -> Int64 {
        var status = stat()
        _ = try Posix.syscall("fstat") { fstat(file.descriptor, &status) }
        return Int64(status.st_size)
    }

    public func truncate(_ file: DiskFile, to length: Int64) throws(SystemError) {
        _ = try Posix.syscall("ftruncate") { ftruncate(file.descriptor, off_t(length)) }
    }

    public func synchronize(_ file: DiskFile) throws(SystemError) {
        _ = try Posix.syscall("fdatasync") { fdatasync(file.descriptor) }
    }

    public func prefetch(_ file: DiskFile, at offset: Int64, length: Int64) {
        // A hint (POSIX_FADV_WILLNEED starts the reads and returns): a failure shows up in the read that follows.
        _ = posix_fadvise(file.descriptor, off_t(offset), off_t(length), POSIX_FADV_WILLNEED)
    }

    public func startWriteback(_ file: DiskFile) {
        // A hint (sync_file_range): a failure here shows up in the fdatasync that must follow anyway.
        _ = tessera_start_writeback(file.descriptor)
    }

    public func synchronizeDirectory(_ path: String) throws(SystemError) {
        let descriptor = try Posix.syscall("open", path: path) { Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { _ = Glibc.close(descriptor) }
        _ = try Posix.syscall("fsync", path: path) { fsync(descriptor) }
    }

    public func makeDirectory(_ path: String) throws(SystemError) {
        if isDirectory(path) { return }
        let parent = Self.parentDirectory(of: path)
        if parent != path && parent != "." && parent != "/" && !exists(parent) { try makeDirectory(parent) }
        do {
            _ = try Posix.syscall("mkdir", path: path) { mkdir(path, 0o755) }
        } catch  where error.errno == EEXIST && isDirectory(path) {
            return
        }
    }

    public func listDirectory(_ path: String) throws(SystemError) -> [String] {
        guard let directory = opendir(path) else {
            throw SystemError.posix(errno: errno, operation: "opendir", path: path)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    public func removeFile(_ path: String) throws(SystemError) {
        _ = try Posix.syscall("unlink", path: path) { unlink(path) }
    }

    public func rename(_ source: String, to target: String) throws(SystemError) {
        _ = try Posix.syscall("rename", path: source) { Glibc.rename(source, target) }
    }

    public func space(at path: String) throws(SystemError) -> DiskSpace {
        // statvfs(3) the function shares its name with its struct, which Swift then calls instead: go through the
        // descriptor form.
        let descriptor = try Posix.syscall("open", path: path) { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
        defer { _ = Glibc.close(descriptor) }
        var status = statvfs()
        _ = try Posix.syscall("fstatvfs", path: path) { fstatvfs(descriptor, &status) }
        let blockSize = UInt64(status.f_frsize)
        return DiskSpace(
            bytesFree: UInt64(status.f_bavail) * blockSize, bytesTotal: UInt64(status.f_blocks) * blockSize)
    }

    /// Whether `path` is a directory.
    public func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether this process may create files in the directory `path`.
    public func isWritableDirectory(_ path: String) -> Bool {
        isDirectory(path) && access(path, W_OK) == 0
    }

    /// Why an existing `path` cannot serve as a data directory ("… is not writable", "… is not a directory"), or
    /// nil when it can or does not exist yet (the store creates it).
    public func dataDirectoryProblem(_ path: String) -> String? {
        guard exists(path) && !isWritableDirectory(path) else { return nil }
        return "data directory \(path) " + (isDirectory(path) ? "is not writable" : "is not a directory")
    }
}
