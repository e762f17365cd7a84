// Goal: the two pure parts the node's reactor adds to membership hold their contracts: a Vivaldi coordinate survives
// its trip through an ack's payload (to Float32 precision) and a hostile payload is refused or decodes to an implausible
// coordinate (which VivaldiNode and the reactor then refuse); the round-trip filter
// answers the median of a peer's last three samples and forgets a peer.
// Method: round trips of coordinates, hand-made payloads, and sample sequences with a known median.
import Membership
import Primitives
import Testing

@Suite struct ReactorPartsTests {
    @Test("a coordinate survives the ack payload to Float32 precision")
    func coordinateRoundTrip() throws {
        let coordinate = VivaldiCoordinate(
            vectorSeconds: [0.001, -0.002, 0.0005, 0, 0.01, -0.01, 0.003, 0.25], heightSeconds: 0.0001, error: 0.7,
            adjustmentSeconds: -0.0003)
        let payload = coordinate.probeCoordinate
        #expect(payload.bytes.count == VivaldiCoordinate.probeByteCount)
        #expect(payload.bytes.count <= ProbeCoordinate.bytesMax)
        let decoded = try #require(VivaldiCoordinate(probe: payload))
        for (left, right) in zip(decoded.vectorSeconds, coordinate.vectorSeconds) {
            #expect(abs(left - right) <= abs(right) * 1e-6)
        }
        #expect(abs(decoded.error - 0.7) < 1e-6)
    }

    @Test("empty, short, foreign and implausible payloads are refused or implausible")
    func hostilePayloads() {
        #expect(VivaldiCoordinate(probe: .empty) == nil)
        #expect(VivaldiCoordinate(probe: ProbeCoordinate(bytes: [1, 2, 3])) == nil)
        // An unknown format byte.
        var foreign = VivaldiCoordinate.origin().probeCoordinate.bytes
        foreign[0] = 9
        #expect(VivaldiCoordinate(probe: ProbeCoordinate(bytes: foreign)) == nil)
        // A NaN component (0x7FC00000) in the first slot, after the format byte.
        var bytes = VivaldiCoordinate.origin().probeCoordinate.bytes
        bytes[1...4] = [0x00, 0x00, 0xC0, 0x7F]
        #expect(VivaldiCoordinate(probe: ProbeCoordinate(bytes: bytes))?.isPlausible == false)
        // A huge (1e30) height.
        var huge = VivaldiCoordinate.origin().probeCoordinate.bytes
        let bits = Float(1e30).bitPattern
        for index in 0..<4 {
            huge[1 + 4 * VivaldiCoordinate.dimension + index] = UInt8(truncatingIfNeeded: bits >> (8 * index))
        }
        #expect(VivaldiCoordinate(probe: ProbeCoordinate(bytes: huge))?.isPlausible == false)
    }

    @Test("the filter answers the median of the last three samples per peer, and forgets a peer")
    func medianFilter() {
        var filter = RoundTripFilter()
        let peer = NodeID(7)
        #expect(filter.add(0.010, for: peer) == 0.010)
        #expect(filter.add(0.500, for: peer) == 0.500)
        #expect(filter.add(0.012, for: peer) == 0.012)
        #expect(filter.add(0.011, for: peer) == 0.012)
        #expect(filter.add(0.900, for: NodeID(8)) == 0.900)
        #expect(filter.peerCount == 2)
        filter.forget(peer)
        #expect(filter.peerCount == 1)
        #expect(filter.add(0.020, for: peer) == 0.020)
    }
}
