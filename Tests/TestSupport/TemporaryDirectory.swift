// A fresh directory under the system's temporary folder for one test, removed when the value is released.
import Foundation

/// A directory that exists for the lifetime of this value and is deleted, with everything in it, afterwards.
public final class TemporaryDirectory: Sendable {
    /// The absolute path of the directory.
    public let path: String

    /// Creates a new empty directory whose name starts with `prefix`.
    public init(prefix: String = "tessera-test") {
        var base = NSTemporaryDirectory()
        while base.hasSuffix("/") { base.removeLast() }
        let template = base + "/\(prefix)-XXXXXX"
        var bytes = Array(template.utf8CString)
        let result = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(result != nil, "mkdtemp failed for \(template)")
        path = String(cString: bytes.withUnsafeBufferPointer { $0.baseAddress! })
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` inside this directory.
    public func appending(_ name: String) -> String { path + "/" + name }
}
