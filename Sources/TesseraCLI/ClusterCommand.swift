// `tessera cluster key new FILE` and `tessera cluster key rotate FILE`: the cluster key file every node of a region
// holds (ClusterKeyring's format). New files are written 0600 and never over an existing one; a rotation adds a new
// primary key, keeps the old ones accepted, and replaces the file atomically. Nodes reload it on SIGHUP or by
// themselves within seconds.
import Coding
import Glibc
import Posix

/// The `cluster` subcommand.
enum ClusterCommand {
    /// Runs `cluster key new|rotate FILE`, `cluster up TOPOLOGY`, `cluster status`, `cluster down`,
    /// `cluster certs TOPOLOGY`.
    static func run(_ words: [String]) throws {
        switch words.first {
        case "up": return try ClusterRegionCommand.up(Array(words.dropFirst()))
        case "status": return try ClusterRegionCommand.status(Array(words.dropFirst()))
        case "start": return try ClusterRegionCommand.start(Array(words.dropFirst()))
        case "down": return try ClusterRegionCommand.down(Array(words.dropFirst()))
        case "certs": return try ClusterCertsCommand.run(Array(words.dropFirst()))
        default: break
        }
        guard words.count == 3, words[0] == "key", ["new", "rotate"].contains(words[1]) else {
            throw UsageError(
                description:
                    "cluster takes: up TOPOLOGY, status, start [NODE...], down, certs TOPOLOGY, key new FILE or key "
                    + "rotate "
                    + "FILE (got "
                    + "'\(words.joined(separator: " "))')")
        }
        let path = words[2]
        if words[1] == "new" {
            let keyring = try ClusterKeyring(primary: ClusterKey.makeRandom())
            try write(keyring.fileText, to: path)
            Console.output("wrote \(path) with \(keyring.primary); copy it to every node of the region (mode 0600)\n")
            return
        }
        let keyring = try read(path)
        let rotated = keyring.rotated(to: ClusterKey.makeRandom())
        let temporary = path + ".new"
        try write(rotated.fileText, to: temporary)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ClientError("cannot replace \(path): \(reason)")
        }
        Console.output(
            "\(path): new primary \(rotated.primary), \(rotated.older.count) older keys still accepted; copy it to "
                + "every node (they reload it within seconds, or on SIGHUP), then drop the old keys later\n")
        Console.output("\(ClusterKey.idText(rotated.primary.id))\n")
    }

    /// The keyring in the file at `path`, or an error naming the file.
    private static func read(_ path: String) throws -> ClusterKeyring {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ClientError("cannot read cluster key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count <= ClusterKeyring.fileByteCountMax {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw ClientError("cannot read cluster key file \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        do {
            return try ClusterKeyring.parse(fileText: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw ClientError("cluster key file \(path): \(error)")
        }
    }

    /// Writes `text` to a new file at `path` with mode 0600 and syncs it; refuses an existing file.
    private static func write(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST {
                throw ClientError("\(path) already exists; refusing to overwrite a cluster key file")
            }
            throw ClientError("cannot create \(path): \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = String(cString: strerror(errno))
                unlink(path)
                throw ClientError("cannot write \(path): \(reason)")
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            throw ClientError("cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }
}
