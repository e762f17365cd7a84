// Reading the cluster key file through the node's disk: at start (a missing, unreadable or bad file stops the
// start) and again on SIGHUP or when its text changes (a bad new file is refused and the old keyring kept).
import Coding
import Primitives

/// The cluster key file of a node.
enum ClusterKeyFile {
    /// The keyring in the file at `path`, and the file's text (to notice a change later).
    static func load(_ path: String, disk: any DiskIO) throws(NodeError) -> (keyring: ClusterKeyring, text: String) {
        let text = try read(path, disk: disk)
        do {
            return (try ClusterKeyring.parse(fileText: text), text)
        } catch {
            throw NodeError(.configuration, "cluster key file \(path): \(error)")
        }
    }

    /// The file's text, or an error naming the path and the reason.
    static func read(_ path: String, disk: any DiskIO) throws(NodeError) -> String {
        do {
            let bytes = try disk.readWholeFile(path, limit: ClusterKeyring.fileByteCountMax)
            return String(decoding: bytes, as: UTF8.self)
        } catch {
            throw NodeError(
                .configuration,
                "cannot read cluster key file \(path): \(error.reason) (make one with `tessera cluster key new FILE`)")
        }
    }
}
