// The gossip wire codec: round trips of every message kind, and hostile input (every truncation, seeded random
// bytes, counts and lengths past their limits, unknown versions, trailing bytes, split push-pull streams).
import Membership
import Primitives
import TestSupport
import Testing

private let largest = MemberMetadata(
    nodeID: NodeID(.max), territory: try! TerritoryID(String(repeating: "t", count: RegionName.lengthMax)),
    site: try! SiteID(String(repeating: "s", count: RegionName.lengthMax)),
    gossipAddress: GossipAddress(host: String(repeating: "h", count: GossipAddress.hostBytesMax), port: 1),
    httpAddress: GossipAddress(host: String(repeating: "w", count: GossipAddress.hostBytesMax), port: 2),
    volumes: (0..<MemberMetadata.volumesMax).map { VolumeFreeSpace(volumeID: UInt64($0), bytesFree: 5, bytesTotal: 9) },
    softwareVersion: String(repeating: "v", count: MemberMetadata.softwareVersionBytesMax), metadataVersion: 7)

private let address = GossipAddress(host: "fd00::1", port: 7_946)

private let probes: [ProbeMessage?] = [
    nil, .ping(sequence: 1, source: NodeID(2), target: NodeID(3)),
    .pingRequest(sequence: 4, source: NodeID(5), target: NodeID(6), targetAddress: address),
    .ack(
        sequence: 7, source: NodeID(8), coordinate: ProbeCoordinate(bytes: Array(0..<UInt8(ProbeCoordinate.bytesMax)))),
    .nack(sequence: 9, source: NodeID(10)),
]

private let updates: [MemberUpdate] = [
    .alive(incarnation: 3, metadata: largest), .suspect(node: NodeID(1), incarnation: 2, source: NodeID(4)),
    .dead(node: NodeID(1), incarnation: 5, source: NodeID(6)), .left(node: NodeID(9), incarnation: 8),
]

private let bytesMax = 65_507

@Suite("Gossip codec")
struct GossipCodecTests {
    // Goal: every probe kind with every update kind survives encode then decode. Method: each probe with all updates.
    @Test("every message kind round-trips")
    func roundTrip() throws {
        for probe in probes {
            let datagram = GossipDatagram(probe: probe, updates: updates)
            let bytes = GossipCodec.encode(datagram)
            #expect(try GossipCodec.decodeDatagram(bytes, bytesMax: bytesMax) == datagram)
            let sizes =
                GossipCodec.encodedByteCount(probe: probe) + updates.map(GossipCodec.encodedByteCount).reduce(0, +)
            #expect(bytes.count == sizes)
        }
    }

    // Goal: the largest metadata alone fits the smallest allowed datagram, so every update can always travel.
    // Method: a ping-req (the largest probe) plus one alive update of the largest metadata.
    @Test("the largest update fits the smallest datagram")
    func largestFits() {
        let probe = probes[2]
        let size = GossipCodec.encodedByteCount(probe: probe) + GossipCodec.encodedByteCount(updates[0])
        #expect(size <= GossipCodec.datagramBytesMin)
        #expect(GossipCodec.encodedByteCount(updates[0]) <= GossipCodec.metadataBytesMax + 9)
    }

    // Goal: a cut datagram is refused, never half-read. Method: every proper prefix of a full datagram throws.
    @Test("every truncation is refused")
    func truncations() {
        let bytes = GossipCodec.encode(GossipDatagram(probe: probes[3], updates: updates))
        for length in 0..<bytes.count {
            #expect(throws: GossipCodecError.self) {
                try GossipCodec.decodeDatagram(Array(bytes[..<length]), bytesMax: bytesMax)
            }
        }
    }

    // Goal: hostile bytes never trap and what decodes re-encodes to the same bytes. Method: 20,000 seeded random
    // inputs, plain and behind a valid version byte.
    @Test("random bytes never trap")
    func randomBytes() throws {
        var random = SeededRandom(seed: 21)
        for round in 0..<20_000 {
            var bytes = TestBytes.random(count: Int(random.next() % 200), seed: UInt64(round))
            if round % 2 == 0, !bytes.isEmpty { bytes[0] = GossipCodec.version }
            if let datagram = try? GossipCodec.decodeDatagram(bytes, bytesMax: bytesMax) {
                #expect(GossipCodec.encode(datagram) == bytes)
            }
            _ = try? GossipCodec.decodePushPull(bytes)
        }
    }

    // Goal: each count and length past its limit is refused with an error naming it. Method: patch one field of a
    // valid encoding and check the reason.
    @Test("counts and lengths past their limits are refused")
    func limits() throws {
        func refusal(_ bytes: [UInt8]) -> String {
            do {
                _ = try GossipCodec.decodeDatagram(bytes, bytesMax: bytesMax)
                return "decoded"
            } catch { return error.reason }
        }
        #expect(refusal([GossipCodec.version, 0, UInt8(GossipDatagram.updatesMax + 1)]).contains("update count 65"))
        #expect(refusal([2, 0, 0]).contains("unknown format version 2"))
        #expect(refusal([GossipCodec.version, 9, 0]).contains("unknown probe kind 9"))
        #expect(refusal([GossipCodec.version, 0, 1, 7]).contains("unknown update kind 7"))
        #expect(refusal([GossipCodec.version, 0, 0, 0]).contains("1 bytes after the last field"))
        var ack = GossipCodec.encode(GossipDatagram(probe: .ack(sequence: 1, source: NodeID(1), coordinate: .empty)))
        ack[14] = UInt8(ProbeCoordinate.bytesMax + 1)
        #expect(refusal(ack).contains("coordinate of 65 bytes exceeds 64"))
        let alive = GossipCodec.encode(GossipDatagram(probe: nil, updates: [updates[0]]))
        // version, probe kind, count, update kind, incarnation, node id: then the territory's length.
        var territory = alive
        territory[20] = UInt8(RegionName.lengthMax + 1)
        #expect(refusal(territory).contains("territory of 65 bytes exceeds 64"))
        var badName = alive
        badName[21] = UInt8(ascii: "A")
        #expect(refusal(badName).contains("lowercase"))
        #expect(throws: GossipCodecError.self) { try GossipCodec.decodeDatagram(alive, bytesMax: alive.count - 1) }
        var members = Array(GossipCodec.encodeFrame(PushPullState(source: NodeID(1), isJoin: true, members: []))[4...])
        members.replaceSubrange(10..<14, with: [0x01, 0x10, 0, 0])
        #expect(throws: GossipCodecError.self) { try GossipCodec.decodePushPull(members) }
        #expect((try? GossipCodec.decodePushPull(members)) == nil)
    }

    // Goal: a push-pull stream decodes the same whatever pieces it arrives in (NIO's split invariance). Method: two
    // frames sent whole, byte by byte and in seeded random pieces.
    @Test("push-pull frames are split-invariant")
    func splitInvariance() throws {
        let states = [
            PushPullState(
                source: NodeID(1), isJoin: true,
                members: [PushPullMember(metadata: largest, status: .suspect, incarnation: 4)]),
            PushPullState(source: NodeID(2), isJoin: false, members: []),
        ]
        let stream = states.flatMap(GossipCodec.encodeFrame)
        var whole = PushPullFrameReader()
        #expect(try whole.append(stream) == states)
        var single = PushPullFrameReader()
        var decoded: [PushPullState] = []
        for byte in stream { decoded += try single.append([byte]) }
        #expect(decoded == states)
        var random = SeededRandom(seed: 22)
        for _ in 0..<50 {
            var pieces = PushPullFrameReader()
            var pieced: [PushPullState] = []
            var offset = 0
            while offset < stream.count {
                let length = min(1 + Int(random.next() % 300), stream.count - offset)
                pieced += try pieces.append(stream[offset..<offset + length])
                offset += length
            }
            #expect(pieced == states)
            #expect(pieces.bufferedByteCount == 0)
        }
        #expect(throws: GossipCodecError.self) {
            var oversized = PushPullFrameReader()
            _ = try oversized.append([0xFF, 0xFF, 0xFF, 0x7F])
        }
    }
}
