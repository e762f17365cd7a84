// Encodings of member descriptions (addresses, metadata) and of whole push-pull states, with their length-prefixed
// stream frame. Layouts: address `length:u8 host port:u16`; metadata `node:u64 territory site gossipAddress
// httpAddress internalAddress volumeCount:u8 (id:u64 free:u64 total:u64)* softwareVersion metadataVersion:u64`,
// names `length:u8 utf8`.
import Primitives

extension GossipCodec {
    /// Largest encoded push-pull state, in bytes: `PushPullState.membersMax` members of the largest metadata.
    public static let pushPullBytesMax = 16 + PushPullState.membersMax * (9 + metadataBytesMax)
    /// Largest encoded metadata, in bytes.
    public static let metadataBytesMax =
        8 + 2 * (1 + RegionName.lengthMax) + 3 * (3 + GossipAddress.hostBytesMax) + 1 + MemberMetadata.volumesMax * 24
        + 1 + MemberMetadata.softwareVersionBytesMax + 8

    // MARK: - Push-pull states

    /// Encodes `state` as one stream frame: `length:u32` then `version:u8 flags:u8 source:u64 count:u32
    /// (status:u8 incarnation:u64 metadata)*` (flags bit 0: the sender is joining).
    public static func encodeFrame(_ state: PushPullState) -> [UInt8] {
        var writer = ByteWriter(capacity: 64 + state.members.count * 128)
        writer.write(UInt32(0))
        writer.write(version)
        writer.write(UInt8(state.isJoin ? 1 : 0))
        writer.write(state.source.rawValue)
        writer.write(UInt32(state.members.count))
        for member in state.members {
            writer.write(member.status.rawValue)
            writer.write(member.incarnation)
            write(member.metadata, into: &writer)
        }
        writer.overwrite(UInt32(writer.count - 4), at: 0)
        return writer.bytes
    }

    /// Decodes the body of one frame (the bytes after its length prefix).
    public static func decodePushPull(_ bytes: [UInt8]) throws(GossipCodecError) -> PushPullState {
        var reader = GossipReader(bytes)
        let (source, isJoin, count) = try readPushPullHeader(&reader)
        let members = try readPushPullMembers(&reader, count: count, byteCount: bytes.count)
        return PushPullState(source: source, isJoin: isJoin, members: members)
    }

    /// Decodes the body of one frame as `decodePushPull` does, but reuses `memo`'s members when the rows are byte
    /// for byte the last ones decoded through it, and remembers them otherwise (decoding is a function of the
    /// bytes, so the states are equal).
    public static func decodePushPull(
        _ bytes: [UInt8], memo: inout PushPullRowMemo
    ) throws(GossipCodecError) -> PushPullState {
        var reader = GossipReader(bytes)
        let (source, isJoin, count) = try readPushPullHeader(&reader)
        let rowsOffset = reader.offset
        if count == memo.members.count, PushPullRowMemo.isEqual(bytes, from: rowsOffset, to: memo.rowBytes) {
            return PushPullState(source: source, isJoin: isJoin, members: memo.members)
        }
        let members = try readPushPullMembers(&reader, count: count, byteCount: bytes.count)
        memo.rowBytes = Array(bytes[rowsOffset...])
        memo.members = members
        return PushPullState(source: source, isJoin: isJoin, members: members)
    }

    /// Reads a state's version, flags, source and member count.
    private static func readPushPullHeader(
        _ reader: inout GossipReader
    ) throws(GossipCodecError) -> (source: NodeID, isJoin: Bool, count: Int) {
        try reader.expectVersion()
        let flagsOffset = reader.offset
        let flags = try reader.u8()
        guard flags <= 1 else { throw GossipCodecError(offset: flagsOffset, reason: "unknown flags \(flags)") }
        let source = NodeID(try reader.u64())
        let countOffset = reader.offset
        let count = Int(try reader.u32())
        guard count <= PushPullState.membersMax else {
            throw GossipCodecError(
                offset: countOffset, reason: "member count \(count) exceeds \(PushPullState.membersMax)")
        }
        return (source, flags == 1, count)
    }

    /// Reads `count` member rows, which must end the state.
    private static func readPushPullMembers(
        _ reader: inout GossipReader, count: Int, byteCount: Int
    ) throws(GossipCodecError) -> [PushPullMember] {
        var members: [PushPullMember] = []
        members.reserveCapacity(min(count, byteCount / 16))
        for _ in 0..<count {
            let statusOffset = reader.offset
            let rawStatus = try reader.u8()
            guard let status = MemberStatus(rawValue: rawStatus) else {
                throw GossipCodecError(offset: statusOffset, reason: "unknown member status \(rawStatus)")
            }
            let incarnation = try reader.u64()
            members.append(
                PushPullMember(metadata: try readMetadata(&reader), status: status, incarnation: incarnation))
        }
        try reader.expectEnd()
        return members
    }

    // MARK: - Metadata

    static func write(_ metadata: MemberMetadata, into writer: inout ByteWriter) {
        writer.write(metadata.nodeID.rawValue)
        writeName(metadata.territory.name, into: &writer)
        writeName(metadata.site.name, into: &writer)
        write(metadata.gossipAddress, into: &writer)
        write(metadata.httpAddress, into: &writer)
        write(metadata.internalAddress, into: &writer)
        writer.write(UInt8(metadata.volumes.count))
        for volume in metadata.volumes {
            writer.write(volume.volumeID)
            writer.write(volume.bytesFree)
            writer.write(volume.bytesTotal)
        }
        writeName(metadata.softwareVersion, into: &writer)
        writer.write(metadata.metadataVersion)
    }

    static func readMetadata(_ reader: inout GossipReader) throws(GossipCodecError) -> MemberMetadata {
        let nodeID = NodeID(try reader.u64())
        let territoryOffset = reader.offset
        let territoryName = try readName(&reader, bytesMax: RegionName.lengthMax, field: "territory")
        let territory: TerritoryID
        do { territory = try TerritoryID(territoryName) } catch {
            throw GossipCodecError(offset: territoryOffset, reason: error.description)
        }
        let siteOffset = reader.offset
        let siteName = try readName(&reader, bytesMax: RegionName.lengthMax, field: "site")
        let site: SiteID
        do { site = try SiteID(siteName) } catch {
            throw GossipCodecError(offset: siteOffset, reason: error.description)
        }
        let gossipAddress = try readAddress(&reader)
        let httpAddress = try readAddress(&reader)
        let internalAddress = try readAddress(&reader)
        let countOffset = reader.offset
        let volumeCount = Int(try reader.u8())
        guard volumeCount <= MemberMetadata.volumesMax else {
            throw GossipCodecError(
                offset: countOffset, reason: "volume count \(volumeCount) exceeds \(MemberMetadata.volumesMax)")
        }
        var volumes: [VolumeFreeSpace] = []
        for _ in 0..<volumeCount {
            volumes.append(
                VolumeFreeSpace(volumeID: try reader.u64(), bytesFree: try reader.u64(), bytesTotal: try reader.u64()))
        }
        let softwareVersion = try readName(
            &reader, bytesMax: MemberMetadata.softwareVersionBytesMax, field: "software version")
        return MemberMetadata(
            nodeID: nodeID, territory: territory, site: site, gossipAddress: gossipAddress, httpAddress: httpAddress,
            internalAddress: internalAddress, volumes: volumes, softwareVersion: softwareVersion,
            metadataVersion: try reader.u64())
    }

    // MARK: - Addresses and names

    static func write(_ address: GossipAddress, into writer: inout ByteWriter) {
        writeName(address.host, into: &writer)
        writer.write(address.port)
    }

    static func readAddress(_ reader: inout GossipReader) throws(GossipCodecError) -> GossipAddress {
        let hostOffset = reader.offset
        let host = try readName(&reader, bytesMax: GossipAddress.hostBytesMax, field: "host")
        guard !host.isEmpty else { throw GossipCodecError(offset: hostOffset, reason: "empty host") }
        return GossipAddress(host: host, port: try reader.u16())
    }

    private static func writeName(_ name: String, into writer: inout ByteWriter) {
        precondition(name.utf8.count <= Int(UInt8.max), "a gossip name is at most 255 bytes")
        writer.write(UInt8(name.utf8.count))
        writer.write(contentsOf: name.utf8)
    }

    private static func readName(
        _ reader: inout GossipReader, bytesMax: Int, field: String
    ) throws(GossipCodecError) -> String {
        let lengthOffset = reader.offset
        let length = Int(try reader.u8())
        guard length <= bytesMax else {
            throw GossipCodecError(offset: lengthOffset, reason: "\(field) of \(length) bytes exceeds \(bytesMax)")
        }
        guard let name = try reader.text(length) else {
            throw GossipCodecError(offset: lengthOffset + 1, reason: "\(field) is not UTF-8")
        }
        return name
    }
}
