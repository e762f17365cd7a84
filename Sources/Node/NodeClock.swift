// The node's identity and its hybrid logical clock: a random 64-bit id made on first start and kept in
// DIR/node-id, and an HLC read at the wall clock that versions every catalogued instance (DESIGN.md, "Catalog").
public import Catalog
import Posix
import Primitives
import Synchronization

/// Versions for catalog rows: the node's HLC behind a lock, safe to call from every request thread.
public final class NodeClock: Sendable {
    /// This node's id, the tie-break of its timestamps.
    public let nodeID: UInt64
    private let clock: Mutex<HybridLogicalClock>

    /// The clock of node `nodeID`, continuing after `last` (the catalog's newest version) so a restart never
    /// issues a version already used.
    public init(nodeID: UInt64, last: HLCTimestamp?) {
        self.nodeID = nodeID
        clock = Mutex(HybridLogicalClock(nodeID: nodeID, last: last))
    }

    /// A fresh version, later than every one issued before.
    public func next() -> HLCTimestamp {
        let physical = WallClock.millisecondsSinceEpoch()  // it may jump; the HLC absorbs that
        return clock.withLock { $0.now(physicalMilliseconds: physical) }
    }

    /// The id kept in `directory/node-id` (16 hexadecimal digits), made from the kernel's randomness on first use.
    public static func nodeID(directory: String) throws(NodeError) -> UInt64 {
        let path = directory + "/node-id"
        let disk = PosixDisk()
        do {
            if disk.exists(path) {
                let text = String(decoding: try disk.readWholeFile(path, limit: 64), as: UTF8.self)
                guard let id = UInt64(text.split(whereSeparator: \.isWhitespace).first ?? "", radix: 16), id != 0 else {
                    throw NodeError(.dataDirectory, "\(path) does not hold a node id (16 hexadecimal digits)")
                }
                return id
            }
            var generator = SystemRandomNumberGenerator()
            var id: UInt64 = 0
            while id == 0 { id = generator.next() }
            try disk.writeWholeFileAtomically(path, bytes: Array((HexText.padded(id, digits: 16) + "\n").utf8))
            return id
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError(.dataDirectory, "cannot keep the node id in \(path): \(error)")
        }
    }
}
