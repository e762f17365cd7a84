// The gossip wire format: datagrams (a probe message and piggybacked updates) and push-pull states, little-endian,
// versioned by a leading byte, every length and count bounded. Member encodings are in GossipCodec+Members.swift.
import Primitives

/// Encodes and decodes gossip datagrams and push-pull states.
///
/// Layout (format version 1): `version:u8 probeKind:u8 probe? updateCount:u8 update*`. Probe kinds: 0 none,
/// 1 ping `seq:u32 source:u64 target:u64`, 2 ping-req (ping's fields, then the target's address), 3 ack
/// `seq:u32 source:u64 coordinateLength:u8 bytes`, 4 nack `seq:u32 source:u64`. Update kinds: 1 alive
/// `incarnation:u64 metadata`, 2 suspect and 3 dead `node:u64 incarnation:u64 source:u64`, 4 left
/// `node:u64 incarnation:u64`. A decoder refuses unknown versions and kinds, counts past their limits and trailing
/// bytes; it never traps on any input.
public enum GossipCodec {
    /// The format version this code writes and reads.
    public static let version: UInt8 = 1
    /// Bytes of a datagram with no probe and no updates (version, probe kind, update count).
    public static let datagramHeaderBytes = 3
    /// The smallest datagram size a configuration may set: a ping-req and one alive update of the largest
    /// metadata must fit (so every update can travel alone).
    public static let datagramBytesMin = 1024

    // MARK: - Datagrams

    /// Encodes `datagram`. The caller keeps it under its size limit with `encodedByteCount`.
    public static func encode(_ datagram: GossipDatagram) -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        writer.write(version)
        writeProbe(datagram.probe, into: &writer)
        writer.write(UInt8(datagram.updates.count))
        for update in datagram.updates { write(update, into: &writer) }
        return writer.bytes
    }

    /// Encodes a datagram of `probe` and the updates `writeUpdates` appends already encoded (as `write` makes them),
    /// byte for byte what `encode` makes of the same datagram. `writeUpdates` gets the writer after the update count
    /// and returns how many updates it wrote, at most `GossipDatagram.updatesMax`.
    static func encode(
        probe: ProbeMessage?, capacity: Int, writeUpdates: (inout ByteWriter) -> Int
    ) -> [UInt8] {
        var writer = ByteWriter(capacity: capacity)
        writer.write(version)
        writeProbe(probe, into: &writer)
        let countOffset = writer.count
        writer.write(UInt8(0))
        let count = writeUpdates(&writer)
        precondition(count >= 0 && count <= GossipDatagram.updatesMax, "a datagram carries at most 64 updates")
        writer.overwrite(UInt8(count), at: countOffset)
        return writer.bytes
    }

    /// Bytes `encode` produces for a datagram with this probe and no updates.
    public static func encodedByteCount(probe: ProbeMessage?) -> Int {
        var writer = ByteWriter()
        writeProbe(probe, into: &writer)
        return writer.count + 2
    }

    /// Bytes one update adds to a datagram.
    public static func encodedByteCount(_ update: MemberUpdate) -> Int {
        var writer = ByteWriter()
        write(update, into: &writer)
        return writer.count
    }

    /// Decodes one whole datagram of at most `bytesMax` bytes.
    public static func decodeDatagram(_ bytes: [UInt8], bytesMax: Int) throws(GossipCodecError) -> GossipDatagram {
        guard bytes.count <= bytesMax else {
            throw GossipCodecError(offset: 0, reason: "datagram of \(bytes.count) bytes exceeds \(bytesMax)")
        }
        var reader = GossipReader(bytes)
        try reader.expectVersion()
        let probe = try readProbe(&reader)
        let countOffset = reader.offset
        let count = Int(try reader.u8())
        guard count <= GossipDatagram.updatesMax else {
            throw GossipCodecError(
                offset: countOffset, reason: "update count \(count) exceeds \(GossipDatagram.updatesMax)")
        }
        var updates: [MemberUpdate] = []
        updates.reserveCapacity(count)
        for _ in 0..<count { updates.append(try readUpdate(&reader)) }
        try reader.expectEnd()
        return GossipDatagram(probe: probe, updates: updates)
    }

    // MARK: - Probe messages

    private static func writeProbe(_ probe: ProbeMessage?, into writer: inout ByteWriter) {
        switch probe {
        case nil:
            writer.write(UInt8(0))
        case .ping(let sequence, let source, let target):
            writer.write(UInt8(1))
            writer.write(sequence)
            writer.write(source.rawValue)
            writer.write(target.rawValue)
        case .pingRequest(let sequence, let source, let target, let targetAddress):
            writer.write(UInt8(2))
            writer.write(sequence)
            writer.write(source.rawValue)
            writer.write(target.rawValue)
            write(targetAddress, into: &writer)
        case .ack(let sequence, let source, let coordinate):
            writer.write(UInt8(3))
            writer.write(sequence)
            writer.write(source.rawValue)
            writer.write(UInt8(coordinate.bytes.count))
            writer.write(contentsOf: coordinate.bytes)
        case .nack(let sequence, let source):
            writer.write(UInt8(4))
            writer.write(sequence)
            writer.write(source.rawValue)
        }
    }

    private static func readProbe(_ reader: inout GossipReader) throws(GossipCodecError) -> ProbeMessage? {
        let kindOffset = reader.offset
        let kind = try reader.u8()
        if kind == 0 { return nil }
        guard kind <= 4 else { throw GossipCodecError(offset: kindOffset, reason: "unknown probe kind \(kind)") }
        let sequence = try reader.u32()
        let source = NodeID(try reader.u64())
        switch kind {
        case 1:
            return .ping(sequence: sequence, source: source, target: NodeID(try reader.u64()))
        case 2:
            let target = NodeID(try reader.u64())
            return .pingRequest(
                sequence: sequence, source: source, target: target, targetAddress: try readAddress(&reader))
        case 3:
            let lengthOffset = reader.offset
            let length = Int(try reader.u8())
            guard length <= ProbeCoordinate.bytesMax else {
                throw GossipCodecError(
                    offset: lengthOffset, reason: "coordinate of \(length) bytes exceeds \(ProbeCoordinate.bytesMax)")
            }
            return .ack(
                sequence: sequence, source: source, coordinate: ProbeCoordinate(bytes: try reader.bytes(length)))
        default:
            return .nack(sequence: sequence, source: source)
        }
    }

    // MARK: - Updates

    static func write(_ update: MemberUpdate, into writer: inout ByteWriter) {
        switch update {
        case .alive(let incarnation, let metadata):
            writer.write(UInt8(1))
            writer.write(incarnation)
            write(metadata, into: &writer)
        case .suspect(let node, let incarnation, let source), .dead(let node, let incarnation, let source):
            if case .suspect = update { writer.write(UInt8(2)) } else { writer.write(UInt8(3)) }
            writer.write(node.rawValue)
            writer.write(incarnation)
            writer.write(source.rawValue)
        case .left(let node, let incarnation):
            writer.write(UInt8(4))
            writer.write(node.rawValue)
            writer.write(incarnation)
        }
    }

    static func readUpdate(_ reader: inout GossipReader) throws(GossipCodecError) -> MemberUpdate {
        let kindOffset = reader.offset
        switch try reader.u8() {
        case 1:
            let incarnation = try reader.u64()
            return .alive(incarnation: incarnation, metadata: try readMetadata(&reader))
        case 2:
            return .suspect(
                node: NodeID(try reader.u64()), incarnation: try reader.u64(), source: NodeID(try reader.u64()))
        case 3:
            return .dead(
                node: NodeID(try reader.u64()), incarnation: try reader.u64(), source: NodeID(try reader.u64()))
        case 4:
            return .left(node: NodeID(try reader.u64()), incarnation: try reader.u64())
        case let kind:
            throw GossipCodecError(offset: kindOffset, reason: "unknown update kind \(kind)")
        }
    }
}
