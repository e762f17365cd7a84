// The push-pull stream's framing: each frame is `length:u32 little-endian` then one GossipEnvelope sealed with the
// stream's associated data, so a datagram cannot be replayed as a stream frame or the reverse. Frames are bounded in
// size before anything is buffered, and every read and write has a deadline.
import Coding
import Membership
import Primitives

/// Reading and writing sealed push-pull frames on a stream connection.
enum PushPullStream {
    /// The associated data every stream frame is sealed with.
    static let streamAAD = Array("tessera push-pull frame".utf8)
    /// The associated data every gossip datagram is sealed with.
    static let datagramAAD = Array("tessera gossip datagram".utf8)
    /// The largest sealed frame: the largest push-pull state (with its own length prefix) in an envelope.
    static let envelopeByteCountMax = GossipCodec.pushPullBytesMax + 4 + GossipEnvelope.overheadByteCount

    /// Why a frame could not be read.
    enum FrameError: Error {
        /// The connection failed or the deadline passed.
        case system(SystemError)
        /// The peer closed before a whole frame arrived.
        case closed
        /// The length prefix announced more than `envelopeByteCountMax`.
        case oversized(Int)
    }

    /// Writes `envelope` as one frame, giving up at `deadline`.
    static func write(_ envelope: [UInt8], to connection: any StreamConnection, deadline: Instant)
        throws(SystemError)
    {
        let count = UInt32(envelope.count)
        let prefix = (0..<4).map { UInt8(truncatingIfNeeded: count >> (8 * UInt32($0))) }
        try connection.sendAll(prefix + envelope, deadline: deadline)
    }

    /// Reads one frame's envelope, giving up at `deadline`.
    static func read(from connection: any StreamConnection, deadline: Instant) throws(FrameError) -> [UInt8] {
        let prefix = try readExactly(4, from: connection, deadline: deadline)
        let length = (0..<4).reduce(0) { $0 | Int(prefix[$1]) << (8 * $1) }
        guard length <= envelopeByteCountMax else { throw .oversized(length) }
        return try readExactly(length, from: connection, deadline: deadline)
    }

    private static func readExactly(_ count: Int, from connection: any StreamConnection, deadline: Instant)
        throws(FrameError) -> [UInt8]
    {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let received = bytes.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) in
                    try connection.receive(
                        into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), deadline: deadline)
                }
            }
            switch received {
            case .success(0): throw .closed
            case .success(let n): filled += n
            case .failure(let error): throw .system(error)
            }
        }
        return bytes
    }

    /// The plaintext of a push-pull state: GossipCodec's frame (with its own length prefix).
    static func plaintext(_ state: PushPullState) -> [UInt8] { GossipCodec.encodeFrame(state) }

    /// The state in a plaintext frame; the inner length MUST match the bytes present.
    static func state(from plaintext: [UInt8]) throws(GossipCodecError) -> PushPullState {
        guard plaintext.count >= 4 else { throw GossipCodecError(offset: 0, reason: "frame shorter than its length") }
        let length = (0..<4).reduce(0) { $0 | Int(plaintext[$1]) << (8 * $1) }
        guard length == plaintext.count - 4 else {
            throw GossipCodecError(offset: 0, reason: "frame length \(length) but \(plaintext.count - 4) bytes follow")
        }
        return try GossipCodec.decodePushPull(Array(plaintext[4...]))
    }
}
