// Reading a peer's answer or a request's body by exact lengths: the one loop that fills an array straight from a
// ByteSource, and the check that nothing follows what was asked for.
import Primitives

/// Throws unless `source` has ended: an answer carrying more than the `asked` things asked for.
func expectEnd(of source: inout some ByteSource, asked: String) throws {
    var probe: UInt8 = 0
    let extra = try withUnsafeMutableBytes(of: &probe) { try source.read(into: $0) }
    guard extra == 0 else { throw ReplicaError(.malformed, "the answer carries more than the \(asked) asked for") }
}

/// Up to `count` bytes from `source`, fewer only when it ends first; read straight into the array.
func readUpTo(_ count: Int, from source: inout some ByteSource) throws -> [UInt8] {
    var filled = 0
    return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        let raw = UnsafeMutableRawBufferPointer(buffer)
        while filled < count {
            let read = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
            guard read > 0 else { break }
            filled += read
        }
        initialized = filled
    }
}
