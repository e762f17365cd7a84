// The member rows of the last push-pull state a frame reader decoded, with their bytes: a region at rest sends the
// same rows from every node (only the sender differs), so the next frame usually decodes to the same members.

/// The last decoded push-pull rows and the bytes they came from, for `GossipCodec.decodePushPull(_:memo:)`.
public struct PushPullRowMemo: Sendable {
    /// The rows' bytes: everything after the state's member count.
    var rowBytes: [UInt8] = []
    /// What they decoded to.
    var members: [PushPullMember] = []

    /// Makes an empty memo (the first state decodes in full).
    public init() {}

    /// Whether `bytes` from `offset` to its end equal `other`, compared eight bytes at a time.
    static func isEqual(_ bytes: [UInt8], from offset: Int, to other: [UInt8]) -> Bool {
        guard offset >= 0, bytes.count - offset == other.count else { return false }
        return bytes.withUnsafeBytes { whole in
            other.withUnsafeBytes { right in
                let left = UnsafeRawBufferPointer(rebasing: whole[offset...])
                var index = 0
                while index + 8 <= left.count {
                    let leftWord = left.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    let rightWord = right.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    if leftWord != rightWord { return false }
                    index += 8
                }
                while index < left.count {
                    if left[index] != right[index] { return false }
                    index += 1
                }
                return true
            }
        }
    }
}
