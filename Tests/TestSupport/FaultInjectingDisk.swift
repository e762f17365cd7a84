// A DiskIO over the real file system that fails writes on purpose: EIO under chosen directories (a dying drive),
// ENOSPC once a byte budget is spent (a full disk) or for writes starting with chosen bytes (a fault tied to one
// object, whatever thread writes it), EIO from fdatasync while a switch is on. Shared by the volume and store tests.
import Foundation
public import Posix
public import Primitives

/// PosixDisk with injected write faults.
public struct FaultInjectingDisk: ForwardingDisk {
    public let inner = PosixDisk()
    let failingDirectories: [String]
    let budget: Budget
    let failingPrefix: [UInt8]
    /// While on, every fdatasync fails with EIO (a drive that stops acknowledging writes).
    public let syncFailure = FaultSwitch()

    /// The bytes still allowed to be written.
    final class Budget: @unchecked Sendable {
        // SAFETY: `remaining` is only read and written with `lock` held.
        let lock = NSLock()
        var remaining: Int
        init(_ remaining: Int) { self.remaining = remaining }
    }

    /// Fails writes with EIO under `failingDirectories`, and with ENOSPC once `bytesBudget` bytes are written or
    /// when the written bytes begin with `failingPrefix` (when it is not empty).
    public init(failingDirectories: [String] = [], bytesBudget: Int = .max, failingPrefix: [UInt8] = []) {
        self.failingDirectories = failingDirectories
        budget = Budget(bytesBudget)
        self.failingPrefix = failingPrefix
    }

    private func path(of file: DiskFile) -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(file.descriptor)")) ?? ""
    }

    public func write(_ file: DiskFile, at offset: Int64, from buffer: UnsafeRawBufferPointer) throws(SystemError) {
        let target = path(of: file)
        if failingDirectories.contains(where: { target.hasPrefix($0 + "/") }) {
            throw SystemError.posix(errno: EIO, operation: "pwrite", path: target)
        }
        if !failingPrefix.isEmpty && buffer.starts(with: failingPrefix) {
            throw SystemError.posix(errno: ENOSPC, operation: "pwrite", path: target)
        }
        budget.lock.lock()
        let allowed = budget.remaining >= buffer.count
        if allowed { budget.remaining -= buffer.count }
        budget.lock.unlock()
        guard allowed else { throw SystemError.posix(errno: ENOSPC, operation: "pwrite", path: target) }
        try inner.write(file, at: offset, from: buffer)
    }

    public func synchronize(_ file: DiskFile) throws(SystemError) {
        if syncFailure.isOn { throw SystemError.posix(errno: EIO, operation: "fdatasync", path: path(of: file)) }
        try inner.synchronize(file)
    }
}

/// A fault a test turns on and off while the code under test runs.
// SAFETY: `value` is only read and written with `lock` held.
public final class FaultSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    /// A switch, off.
    public init() {}

    /// Whether the fault is injected.
    public var isOn: Bool {
        get {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
        set {
            lock.lock()
            value = newValue
            lock.unlock()
        }
    }
}
