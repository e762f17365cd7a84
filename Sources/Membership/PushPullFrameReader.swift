// Cuts a push-pull stream into frames as bytes arrive in any pieces, and decodes each: the stream half of the codec,
// split-invariant (the same states whatever the pieces), with the frame length bounded before anything is buffered.
// It remembers the last rows it decoded: a reader kept across frames of a region at rest decodes each row once.

/// An incremental reader of length-prefixed push-pull frames.
public struct PushPullFrameReader: Sendable {
    private var buffer: [UInt8] = []
    private var memo = PushPullRowMemo()

    /// Makes an empty reader.
    public init() {}

    /// Bytes received but not yet part of a whole frame.
    public var bufferedByteCount: Int { buffer.count }

    /// Appends `bytes` and returns every state completed by them, in order. After a throw the stream is unusable:
    /// the caller closes it.
    public mutating func append(_ bytes: some Collection<UInt8>) throws(GossipCodecError) -> [PushPullState] {
        buffer.append(contentsOf: bytes)
        var states: [PushPullState] = []
        var start = 0
        while buffer.count - start >= 4 {
            let length =
                Int(buffer[start]) | Int(buffer[start + 1]) << 8 | Int(buffer[start + 2]) << 16
                | Int(buffer[start + 3]) << 24
            guard length <= GossipCodec.pushPullBytesMax else {
                throw GossipCodecError(
                    offset: 0, reason: "frame of \(length) bytes exceeds \(GossipCodec.pushPullBytesMax)")
            }
            guard buffer.count - start - 4 >= length else { break }
            states.append(
                try GossipCodec.decodePushPull(Array(buffer[start + 4..<start + 4 + length]), memo: &memo))
            start += 4 + length
        }
        buffer.removeFirst(start)
        return states
    }
}
