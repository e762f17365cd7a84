// What the regional catalog says about one instance: the attributes QIDO-RS matches, its transfer syntax, manifest,
// length and origin site, as the payload of its regional row. Every node catalogues it from this (without the
// header's JSON, which a holder serves), so a search at any node answers for the region. Canonical: the same
// instance always encodes to the same bytes, so two nodes that catalogued it alike hold the same fingerprint.
public import Primitives

/// The payload of an instance's regional row.
public struct RegionalInstanceRecord: Sendable, Hashable {
    /// The format version the payload starts with.
    public static let version: UInt8 = 1

    /// The catalog's indexed attributes the instance has, without DICOM padding, empty values left out.
    public let attributes: [UInt32: String]
    /// The transfer syntax of the stored bytes.
    public let transferSyntaxUID: String
    /// The address of the stored Part-10 file's manifest.
    public let manifestAddress: ChunkAddress
    /// The length of the stored Part-10 file in bytes.
    public let lengthBytes: Int64
    /// The site that first stored it.
    public let originSite: SiteID

    /// The tags a record carries: the indexed ones a stored instance brings (counts and ModalitiesInStudy are the
    /// catalog's own, computed where it is catalogued).
    static let carriedTags: Set<UInt32> = Set(CatalogAttribute.all.map(\.tag)).subtracting([
        CatalogTag.modalitiesInStudy, CatalogTag.numberOfStudyRelatedSeries, CatalogTag.numberOfStudyRelatedInstances,
        CatalogTag.numberOfSeriesRelatedInstances,
    ])

    /// The record of `instance`.
    public init(_ instance: CatalogInstance) {
        var attributes: [UInt32: String] = [:]
        for tag in Self.carriedTags {
            let value = instance.value(tag)
            if !value.isEmpty { attributes[tag] = value }
        }
        self.attributes = attributes
        transferSyntaxUID = instance.transferSyntaxUID
        manifestAddress = instance.manifestAddress
        lengthBytes = instance.lengthBytes
        originSite = instance.originSite
    }

    /// The instance to catalogue at a node that learns of it from the region: no header JSON (a holder has it).
    public var catalogInstance: CatalogInstance {
        CatalogInstance(
            attributes: attributes, transferSyntaxUID: transferSyntaxUID, manifestAddress: manifestAddress,
            lengthBytes: lengthBytes, originSite: originSite, metadata: [])
    }

    /// The SOP Instance UID ("" if the instance had none, which the catalog refuses before a record is made).
    public var sopInstanceUID: String { attributes[CatalogTag.sopInstanceUID] ?? "" }

    /// The payload: version, transfer syntax, manifest, length, origin site, then the attributes in tag order.
    /// Throws `.badInstance` when it would not fit a regional row (64 KiB): the instance cannot be shared.
    public func encoded() throws(CatalogError) -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        writer.write(Self.version)
        try Self.writeShort(transferSyntaxUID, "transfer syntax UID", to: &writer)
        writer.write(manifestAddress)
        writer.write(UInt64(lengthBytes))
        try Self.writeShort(originSite.name, "origin site", to: &writer)
        writer.write(UInt8(attributes.count))
        for (tag, value) in attributes.sorted(by: { $0.key < $1.key }) {
            writer.write(tag)
            writer.write(UInt16(value.utf8.count))
            writer.write(contentsOf: value.utf8)
        }
        guard writer.count <= RegionalRow.payloadBytesMax else {
            throw CatalogError(
                .badInstance,
                "the instance's catalog attributes take \(writer.count) bytes, over the regional row's "
                    + "\(RegionalRow.payloadBytesMax)")
        }
        return writer.bytes
    }

    /// Decodes a payload, all of it; every fault is an error naming it and its offset.
    public static func decode(_ bytes: [UInt8]) throws(RegionalWireError) -> RegionalInstanceRecord {
        guard bytes.count <= RegionalRow.payloadBytesMax else {
            throw RegionalWireError(offset: 0, reason: "instance record of \(bytes.count) bytes exceeds 64 KiB")
        }
        var reader = RegionalWireReader(bytes)
        let version = try reader.u8()
        guard version == Self.version else {
            throw RegionalWireError(offset: 0, reason: "unknown instance record version \(version)")
        }
        let transferSyntaxUID = try readShort(&reader, what: "transfer syntax UID")
        guard !transferSyntaxUID.isEmpty else {
            throw RegionalWireError(offset: 1, reason: "empty transfer syntax UID")
        }
        let manifestAddress = ChunkAddress(bytes: try reader.bytes(ChunkAddress.byteCount))
        let lengthOffset = reader.offset
        let lengthBytes = Int64(bitPattern: try reader.u64())
        guard lengthBytes >= 0 else {
            throw RegionalWireError(offset: lengthOffset, reason: "negative length \(lengthBytes)")
        }
        let siteOffset = reader.offset
        let siteName = try readShort(&reader, what: "origin site")
        let originSite: SiteID
        do { originSite = try SiteID(siteName) } catch {
            throw RegionalWireError(offset: siteOffset, reason: "origin site: \(error)")
        }
        let count = Int(try reader.u8())
        var attributes: [UInt32: String] = [:]
        var previousTag: UInt32?
        for _ in 0..<count {
            let tagOffset = reader.offset
            let tag = try reader.u32()
            guard carriedTags.contains(tag) else {
                throw RegionalWireError(
                    offset: tagOffset, reason: "tag \(CatalogTag.text(tag)) is not one a record carries")
            }
            guard previousTag.map({ $0 < tag }) ?? true else {
                throw RegionalWireError(offset: tagOffset, reason: "tag \(CatalogTag.text(tag)) out of order")
            }
            previousTag = tag
            let length = Int(try reader.u16())
            guard length > 0 else {
                throw RegionalWireError(offset: tagOffset + 4, reason: "empty value of \(CatalogTag.text(tag))")
            }
            guard let value = String(validating: try reader.bytes(length), as: UTF8.self) else {
                throw RegionalWireError(offset: tagOffset + 6, reason: "value of \(CatalogTag.text(tag)) is not UTF-8")
            }
            attributes[tag] = value
        }
        try reader.expectEnd()
        let record = RegionalInstanceRecord(
            attributes: attributes, transferSyntaxUID: transferSyntaxUID, manifestAddress: manifestAddress,
            lengthBytes: lengthBytes, originSite: originSite)
        guard !record.sopInstanceUID.isEmpty else {
            throw RegionalWireError(offset: reader.offset, reason: "instance record without a SOP Instance UID")
        }
        return record
    }

    private init(
        attributes: [UInt32: String], transferSyntaxUID: String, manifestAddress: ChunkAddress, lengthBytes: Int64,
        originSite: SiteID
    ) {
        self.attributes = attributes
        self.transferSyntaxUID = transferSyntaxUID
        self.manifestAddress = manifestAddress
        self.lengthBytes = lengthBytes
        self.originSite = originSite
    }

    /// Writes a length byte and `text`, refusing one over 255 bytes (UIDs and site names are far shorter).
    private static func writeShort(_ text: String, _ what: String, to writer: inout ByteWriter) throws(CatalogError) {
        guard text.utf8.count <= 255 else {
            throw CatalogError(.badInstance, "\(what) of \(text.utf8.count) bytes is over 255")
        }
        writer.write(UInt8(text.utf8.count))
        writer.write(contentsOf: text.utf8)
    }

    private static func readShort(_ reader: inout RegionalWireReader, what: String) throws(RegionalWireError)
        -> String
    {
        let offset = reader.offset
        let length = Int(try reader.u8())
        guard let text = String(validating: try reader.bytes(length), as: UTF8.self) else {
            throw RegionalWireError(offset: offset + 1, reason: "\(what) is not UTF-8")
        }
        return text
    }
}
