// libFuzzer target for the gossip codec (STYLE.md, pitfall 11): decodes arbitrary bytes as a datagram, as a push-pull
// body and as a push-pull stream in two pieces; what decodes must re-encode to the same bytes, and pieces must agree.
import Membership

/// libFuzzer's entry point: traps when a decoded datagram does not re-encode to its input, or a split stream
/// decodes differently from the whole one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let datagram = try? GossipCodec.decodeDatagram(bytes, bytesMax: 65_507) {
        precondition(GossipCodec.encode(datagram) == bytes, "a decoded datagram re-encoded differently")
    }
    if let state = try? GossipCodec.decodePushPull(bytes) {
        precondition(
            Array(GossipCodec.encodeFrame(state).dropFirst(4)) == bytes, "a push-pull state re-encoded differently")
    }
    var whole = PushPullFrameReader()
    let wholeStates = try? whole.append(bytes)
    var pieces = PushPullFrameReader()
    let cut = size / 3
    let pieceStates = (try? pieces.append(bytes[..<cut])).flatMap { first in
        (try? pieces.append(bytes[cut...])).map { first + $0 }
    }
    if let wholeStates { precondition(pieceStates == wholeStates, "a split stream decoded differently") }
    return 0
}
