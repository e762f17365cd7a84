// A DiskIO over the real file system whose fsyncs do nothing: DICOMweb tests check protocol behaviour, not
// durability (the store's own tests cover that), and on a shared machine each fsync costs tens of milliseconds.
import Posix
import Primitives

/// PosixDisk without synchronization.
struct UnsyncedDisk: DiskIO {
    let inner = PosixDisk()

    func open(_ path: String, mode: DiskOpenMode) throws(SystemError) -> DiskFile { try inner.open(path, mode: mode) }
    func close(_ file: DiskFile) { inner.close(file) }
    func read(_ file: DiskFile, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError)
        -> Int
    {
        try inner.read(file, at: offset, into: buffer)
    }
    func write(_ file: DiskFile, at offset: Int64, from buffer: UnsafeRawBufferPointer) throws(SystemError) {
        try inner.write(file, at: offset, from: buffer)
    }
    func size(of file: DiskFile) throws(SystemError) -> Int64 { try inner.size(of: file) }
    func truncate(_ file: DiskFile, to length: Int64) throws(SystemError) { try inner.truncate(file, to: length) }
    func synchronize(_ file: DiskFile) throws(SystemError) {}
    func synchronizeDirectory(_ path: String) throws(SystemError) {}
    func makeDirectory(_ path: String) throws(SystemError) { try inner.makeDirectory(path) }
    func listDirectory(_ path: String) throws(SystemError) -> [String] { try inner.listDirectory(path) }
    func exists(_ path: String) -> Bool { inner.exists(path) }
    func removeFile(_ path: String) throws(SystemError) { try inner.removeFile(path) }
    func rename(_ source: String, to target: String) throws(SystemError) { try inner.rename(source, to: target) }
}
