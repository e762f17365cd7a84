// The node id kept in a data directory: drawn once from the injected random source on first start and written to
// DIR/node-id (16 hex digits and a newline); read on every later start, refused when damaged, never replaced.
public import Primitives

/// Reads or creates a data directory's node id.
public enum NodeIdentity {
    /// The file name in the data directory.
    public static let fileName = "node-id"
    /// Largest node-id file read: the 16 digits, a newline, and room to say what is wrong with a damaged one.
    static let fileBytesMax = 64
    /// Draws before a random source that gives only zeros is a programmer error (zero is not a node id).
    static let drawCountMax = 8

    /// The path of the node-id file in `directory`.
    public static func path(_ directory: String) -> String { directory + "/" + fileName }

    /// The id kept in `directory/node-id`, or a new one drawn from `random` and kept there when the file is absent.
    ///
    /// An existing file MUST hold exactly 16 hex digits (an optional final newline allowed) and not all zeros;
    /// anything else is refused with `.dataDirectory` naming the file and what it holds, and is never overwritten:
    /// the id names the node to the region, so a damaged one is for an operator to restore.
    public static func load(directory: String, disk: some DiskIO, random: some RandomSource) throws(NodeError)
        -> NodeID
    {
        let path = path(directory)
        do {
            if disk.exists(path) { return try parse(try disk.readWholeFile(path, limit: fileBytesMax), path: path) }
            let id = draw(random)
            try disk.writeWholeFileAtomically(path, bytes: Array((id.description + "\n").utf8))
            return id
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError(.dataDirectory, "cannot keep the node id in \(path): \(error)")
        }
    }

    /// The id in the bytes of a node-id file at `path`.
    static func parse(_ bytes: [UInt8], path: String) throws(NodeError) -> NodeID {
        let digits = bytes.last == UInt8(ascii: "\n") ? bytes.dropLast() : bytes[...]
        guard let id = NodeID(hex: String(decoding: digits, as: UTF8.self)), id.rawValue != 0 else {
            let shown = String(decoding: bytes.prefix(20), as: UTF8.self).debugDescription
            throw NodeError(
                .dataDirectory,
                "\(path) does not hold a node id (16 hexadecimal digits, not all zero) but \(bytes.count) bytes "
                    + "starting \(shown); restore it from a backup, or remove it only if this node has never "
                    + "joined a region")
        }
        return id
    }

    /// A non-zero id from `random`.
    static func draw(_ random: some RandomSource) -> NodeID {
        for _ in 0..<drawCountMax {
            let id = NodeID(random.next())
            if id.rawValue != 0 { return id }
        }
        preconditionFailure("the random source gave \(drawCountMax) zeros in a row")
    }
}
