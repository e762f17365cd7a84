// What the catalog keeps about one instance besides its attributes: where its bytes are and where it came from.

public import Primitives

/// The stored fields of one instance: its object-store manifest, size, transfer syntax, origin and version.
public struct CatalogInstanceRecord: Sendable, Equatable {
    /// The object-store address of the instance's manifest.
    public var manifestAddress: ChunkAddress
    /// The length of the Part-10 file in bytes.
    public var lengthBytes: Int64
    /// The transfer syntax the instance is stored in.
    public var transferSyntaxUID: String
    /// The site that first stored it.
    public var originSite: SiteID
    /// The HLC version of the catalog row.
    public var version: HLCTimestamp

    /// Makes a record.
    public init(
        manifestAddress: ChunkAddress, lengthBytes: Int64, transferSyntaxUID: String, originSite: SiteID,
        version: HLCTimestamp
    ) {
        self.manifestAddress = manifestAddress
        self.lengthBytes = lengthBytes
        self.transferSyntaxUID = transferSyntaxUID
        self.originSite = originSite
        self.version = version
    }
}
