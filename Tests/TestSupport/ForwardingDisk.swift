// Test disks that change one or two things about the real file system (no fsync, recorded prefetches) and pass
// everything else through to PosixDisk: the pass-through is written once here.
public import Posix
public import Primitives

/// A DiskIO that passes every call to `inner`, except those its conformer implements itself.
public protocol ForwardingDisk: DiskIO {
    /// The disk the calls go to.
    var inner: PosixDisk { get }
}

extension ForwardingDisk {
    public func open(_ path: String, mode: DiskOpenMode) throws(SystemError) -> DiskFile {
        try inner.open(path, mode: mode)
    }
    public func close(_ file: DiskFile) { inner.close(file) }
    public func read(_ file: DiskFile, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer)
        throws(SystemError) -> Int
    {
        try inner.read(file, at: offset, into: buffer)
    }
    public func write(_ file: DiskFile, at offset: Int64, from buffer: UnsafeRawBufferPointer) throws(SystemError) {
        try inner.write(file, at: offset, from: buffer)
    }
    public func size(of file: DiskFile) throws(SystemError) -> Int64 { try inner.size(of: file) }
    public func truncate(_ file: DiskFile, to length: Int64) throws(SystemError) {
        try inner.truncate(file, to: length)
    }
    public func synchronize(_ file: DiskFile) throws(SystemError) { try inner.synchronize(file) }
    public func prefetch(_ file: DiskFile, at offset: Int64, length: Int64) {
        inner.prefetch(file, at: offset, length: length)
    }
    public func startWriteback(_ file: DiskFile) { inner.startWriteback(file) }
    public func synchronizeDirectory(_ path: String) throws(SystemError) { try inner.synchronizeDirectory(path) }
    public func makeDirectory(_ path: String) throws(SystemError) { try inner.makeDirectory(path) }
    public func listDirectory(_ path: String) throws(SystemError) -> [String] { try inner.listDirectory(path) }
    public func exists(_ path: String) -> Bool { inner.exists(path) }
    public func removeFile(_ path: String) throws(SystemError) { try inner.removeFile(path) }
    public func rename(_ source: String, to target: String) throws(SystemError) { try inner.rename(source, to: target) }
}
