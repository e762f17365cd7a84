// Finding the files `tessera store` sends: paths and folders walked recursively (hidden files skipped), each file
// checked as Part-10 (the "DICM" prefix) with its SOP Instance UID read from the file meta group (PS3.10 §7.1),
// which is how the node's answer is matched back to the file.
import Glibc
import Posix
import Primitives

/// One file to store.
struct InstanceFile {
    /// The path as found.
    var path: String
    /// Its length when listed.
    var length: Int64
    /// MediaStorageSOPInstanceUID (0002,0003), empty when it could not be read.
    var sopInstanceUID: String
    /// Why the file is not sent (not Part-10, unreadable), or nil.
    var problem: String?
}

/// The files named on the command line.
struct InstanceFiles {
    /// Files found, in command-line order and sorted within each folder.
    var files: [InstanceFile] = []
    /// Paths that could not be listed at all.
    var problems: [(path: String, reason: String)] = []
    /// Folders already walked, by device and inode, so a symbolic link back up the tree is walked once.
    private var visited: Set<[UInt64]> = []

    /// The most bytes of a file's start read to find its file meta group.
    static let metaBytesMax = 64 << 10
    /// How deep folders are followed; deeper ones are reported rather than walked (and loops end).
    static let depthMax = 32

    /// Lists `paths`, walking folders.
    static func collect(_ paths: [String]) -> InstanceFiles {
        var found = InstanceFiles()
        for path in paths { found.add(path, depth: 0) }
        return found
    }

    private mutating func add(_ path: String, depth: Int) {
        let disk = PosixDisk()
        if disk.isDirectory(path) {
            guard depth < Self.depthMax else {
                problems.append((path, "folders nested deeper than \(Self.depthMax) levels are not followed"))
                return
            }
            var status = stat()
            if stat(path, &status) == 0 {
                guard visited.insert([UInt64(status.st_dev), UInt64(status.st_ino)]).inserted else { return }
            }
            do {
                for name in try disk.listDirectory(path) where !name.hasPrefix(".") {
                    add(path + "/" + name, depth: depth + 1)
                }
            } catch {
                problems.append((path, "cannot list the folder: \(error)"))
            }
            return
        }
        do {
            let source = try FileSource(path: path)
            var file = InstanceFile(path: path, length: source.length, sopInstanceUID: "")
            var head = [UInt8](repeating: 0, count: Int(min(source.length, Int64(Self.metaBytesMax))))
            var filled = 0
            while filled < head.count {
                let count = try head.withUnsafeMutableBytes {
                    try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
                }
                if count == 0 { break }
                filled += count
            }
            switch Self.sopInstanceUID(inFileMeta: Array(head[0..<filled])) {
            case .success(let uid): file.sopInstanceUID = uid
            case .failure(let error): file.problem = error.description
            }
            files.append(file)
        } catch {
            problems.append((path, "cannot read: \(error)"))
        }
    }

    /// MediaStorageSOPInstanceUID from the start of a Part-10 file, or why it is not one.
    ///
    /// The file meta group is always Explicit VR Little Endian (PS3.10 §7.1); the walk stops at the first
    /// element outside group 0002.
    static func sopInstanceUID(inFileMeta bytes: [UInt8]) -> Result<String, ClientError> {
        let preambleBytes = 128
        guard bytes.count >= preambleBytes + 4, Array(bytes[preambleBytes..<preambleBytes + 4]) == Array("DICM".utf8)
        else { return .failure(ClientError("not a DICOM Part-10 file (no \"DICM\" after the 128-byte preamble)")) }
        var offset = preambleBytes + 4
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        while offset + 8 <= bytes.count {
            let group = u16(offset)
            let element = u16(offset + 2)
            guard group == 0x0002 else { break }
            let vr = String(decoding: bytes[offset + 4..<offset + 6], as: UTF8.self)
            var length: Int
            var valueOffset: Int
            if ["OB", "OW", "OF", "SQ", "UT", "UN", "UC", "UR", "OD", "OL", "OV", "SV", "UV"].contains(vr) {
                guard offset + 12 <= bytes.count else { break }
                length = u16(offset + 8) | u16(offset + 10) << 16
                valueOffset = offset + 12
            } else {
                length = u16(offset + 6)
                valueOffset = offset + 8
            }
            guard valueOffset + length <= bytes.count else { break }
            if element == 0x0003 {
                var value = Array(bytes[valueOffset..<valueOffset + length])
                while let last = value.last, last == 0 || last == 0x20 { value.removeLast() }
                if !value.isEmpty { return .success(String(decoding: value, as: UTF8.self)) }
            }
            offset = valueOffset + length
        }
        return .failure(ClientError("the file meta group has no MediaStorageSOPInstanceUID (0002,0003)"))
    }
}
