// The one error type of the Volumes module. Every message names the volume, and the segment and offset where a
// record is involved, so the operator knows which drive to look at.
public import Primitives
public import SQLite

/// A failed volume operation.
public struct VolumeError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable {
        /// A record failed its CRC or did not match the index.
        case corruptRecord(RecordLocation)
        /// The drive is full.
        case diskFull
        /// The operating system refused a call.
        case io(SystemError)
        /// The index database failed.
        case index(SQLiteError)
        /// The directory is not a volume we can use (identity missing or unreadable).
        case badIdentity(String)
        /// A commit took the record at this location and failed, so it is not durable. The commit may have been
        /// another writer's group commit.
        case commitFailed(RecordLocation)
    }

    /// What went wrong.
    public let code: Code
    /// The volume's directory.
    public let path: String

    /// Makes an error for the volume at `path`.
    public init(_ code: Code, path: String) {
        self.code = code
        self.path = path
    }

    /// Maps a system error, recognising a full disk.
    static func system(_ error: SystemError, path: String) -> VolumeError {
        error.isNoSpace ? VolumeError(.diskFull, path: path) : VolumeError(.io(error), path: path)
    }

    /// Whether this is a damaged record (served from elsewhere and healed, never returned).
    public var isCorruptRecord: Bool {
        if case .corruptRecord = code { return true }
        return false
    }

    /// Whether the drive is full.
    public var isDiskFull: Bool {
        if case .diskFull = code { return true }
        return false
    }

    public var description: String {
        switch code {
        case .corruptRecord(let location): "volume \(path): damaged record at \(location)"
        case .diskFull: "volume \(path) is full (no space left on device)"
        case .io(let error): "volume \(path): \(error)"
        case .index(let error): "volume \(path): index: \(error)"
        case .badIdentity(let reason): "volume \(path): \(reason)"
        case .commitFailed(let location):
            "volume \(path): the commit that took the record at \(location) failed; the record is not durable"
        }
    }
}
