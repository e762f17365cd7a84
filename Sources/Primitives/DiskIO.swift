// The seam between storage code and a disk: Posix conforms the real file system to it, Simulation a fake one with
// faults. Volumes speak only this protocol, so the same code runs on a drive and in the simulator.

/// An open file on a DiskIO, named by the descriptor the disk gave it.
public struct DiskFile: Sendable, Hashable {
    /// The descriptor number; meaningful only to the DiskIO that opened it.
    public let descriptor: Int32

    /// Wraps a descriptor number returned by a DiskIO.
    public init(descriptor: Int32) { self.descriptor = descriptor }
}

/// How a DiskIO opens a file.
public enum DiskOpenMode: Sendable {
    /// Read only; the file must exist.
    case readOnly
    /// Read and write; the file must exist.
    case readWrite
    /// Read and write, creating an empty file if there is none.
    case readWriteCreate
}

/// Synchronous file operations with positional reads and writes, the ones append-only segments need.
///
/// Every call MUST either complete fully or throw: `write` writes all bytes, `read` fills the buffer unless the file
/// ends first. Implementations retry EINTR and short transfers themselves.
public protocol DiskIO: Sendable {
    /// Opens the file at `path`.
    func open(_ path: String, mode: DiskOpenMode) throws(SystemError) -> DiskFile
    /// Closes a file opened by this disk. Closing twice is a programmer error.
    func close(_ file: DiskFile)
    /// Reads up to `buffer.count` bytes at `offset`; returns fewer only when the file ends.
    func read(_ file: DiskFile, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int
    /// Writes all of `buffer` at `offset`.
    func write(_ file: DiskFile, at offset: Int64, from buffer: UnsafeRawBufferPointer) throws(SystemError)
    /// The current length of the file in bytes.
    func size(of file: DiskFile) throws(SystemError) -> Int64
    /// Cuts or extends the file to `length` bytes.
    func truncate(_ file: DiskFile, to length: Int64) throws(SystemError)
    /// Makes the file's data durable (fdatasync).
    func synchronize(_ file: DiskFile) throws(SystemError)
    /// Asks for bytes `offset ..< offset + length` of the file to be read into memory now, without waiting, so a
    /// later `read` of them does not wait for the drive. A hint: it reads nothing back and reports nothing.
    func prefetch(_ file: DiskFile, at offset: Int64, length: Int64)
    /// Starts writing the file's data to the drive without waiting, so a later `synchronize` has less left to do.
    /// A hint: it makes nothing durable and reports nothing; `synchronize` reports any failure.
    func startWriteback(_ file: DiskFile)
    /// Makes the directory's entries durable, after creating, renaming or removing files in it.
    func synchronizeDirectory(_ path: String) throws(SystemError)
    /// Creates the directory and any missing parents; succeeds if it exists.
    func makeDirectory(_ path: String) throws(SystemError)
    /// The names (not paths) of the entries in a directory, sorted, without "." and "..".
    func listDirectory(_ path: String) throws(SystemError) -> [String]
    /// Whether anything exists at `path`.
    func exists(_ path: String) -> Bool
    /// Removes a file.
    func removeFile(_ path: String) throws(SystemError)
    /// Renames a file atomically, replacing any file at `target`.
    func rename(_ source: String, to target: String) throws(SystemError)
    /// The bytes free (for an unprivileged writer) and in total on the file system holding `path`, for the free
    /// space a node advertises to its region.
    func space(at path: String) throws(SystemError) -> DiskSpace
}

/// How full one file system is.
public struct DiskSpace: Sendable, Equatable {
    /// Bytes an unprivileged writer may still use.
    public var bytesFree: UInt64
    /// The file system's size in bytes.
    public var bytesTotal: UInt64

    /// Makes a reading.
    public init(bytesFree: UInt64, bytesTotal: UInt64) {
        self.bytesFree = bytesFree
        self.bytesTotal = bytesTotal
    }
}

extension DiskIO {
    /// No read-ahead by default: a disk without it (a simulated one) only loses the head start.
    public func prefetch(_ file: DiskFile, at offset: Int64, length: Int64) {}

    /// No write-behind by default: a disk without it (a simulated one) loses only the head start.
    public func startWriteback(_ file: DiskFile) {}

    /// No space reading by default: a disk that cannot tell (a test double) answers ENOSYS, and the node then
    /// advertises its volumes without free space.
    public func space(at path: String) throws(SystemError) -> DiskSpace {
        throw SystemError(errno: Errno.ENOSYS, operation: "statvfs", path: path)
    }

    /// Reads a whole small file (configs, identity files), refusing files over `limit` bytes.
    public func readWholeFile(_ path: String, limit: Int) throws(SystemError) -> [UInt8] {
        let file = try open(path, mode: .readOnly)
        defer { close(file) }
        let length = try size(of: file)
        guard length <= Int64(limit) else { throw SystemError(errno: Errno.EFBIG, operation: "read", path: path) }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let result = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(SystemError) in try read(file, at: 0, into: buffer) }
        }
        return Array(bytes[..<(try result.get())])
    }

    /// Replaces the file at `path` with `bytes` atomically and durably: write a temporary file, sync it, rename it
    /// over the old one, sync the directory.
    public func writeWholeFileAtomically(_ path: String, bytes: [UInt8]) throws(SystemError) {
        let temporary = path + ".tmp"
        let file = try open(temporary, mode: .readWriteCreate)
        let written = bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in
                try truncate(file, to: 0)
                try write(file, at: 0, from: buffer)
                try synchronize(file)
            }
        }
        close(file)
        try written.get()
        try rename(temporary, to: path)
        try synchronizeDirectory(Self.parentDirectory(of: path))
    }

    /// The directory part of a path ("." when there is none).
    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
