// A DiskIO over the real file system whose fsyncs do nothing: DICOMweb tests check protocol behaviour, not
// durability (the store's own tests cover that), and on a shared machine each fsync costs tens of milliseconds.
import Posix
import Primitives
import TestSupport

/// PosixDisk without synchronization; an fdatasync fails with EIO while `syncFailure` is on.
struct UnsyncedDisk: ForwardingDisk {
    let inner = PosixDisk()
    let syncFailure = FaultSwitch()

    func synchronize(_ file: DiskFile) throws(SystemError) {
        if syncFailure.isOn { throw SystemError(errno: 5, operation: "fdatasync") }
    }
    func startWriteback(_ file: DiskFile) {}
    func synchronizeDirectory(_ path: String) throws(SystemError) {}
}
