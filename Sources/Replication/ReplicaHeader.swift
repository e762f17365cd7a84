// The head of one replica transfer in a batch (ReplicaBatch, `PUT /internal/v1/replicas`): the instance's
// manifest, its regional instance row, its header JSON and the target's own answer of which chunks it lacks; the
// chunks the answer names follow the batch's heads on the stream. The transfer carries everything the target needs,
// so the target keeps no state between the offer and the transfer. Versioned, every length bounded before anything
// is read.
public import Catalog
import ObjectStore
public import Primitives

/// What precedes the chunks of a replica transfer.
public struct ReplicaHeader: Sendable, Equatable {
    /// The format version.
    public static let version: UInt8 = 1
    /// The largest header: a manifest, a row, the header JSON and a bitmap at their limits.
    public static let bytesMax =
        Manifest.bytesMax + RegionalWire.rowBytesMax + CatalogInstance.metadataBytesMax + ChunkNeeds.positionsMax / 8
        + 64

    /// The instance's manifest as stored (its SHA-256 is the instance's address).
    public let manifest: [UInt8]
    /// The instance's regional row (kind instance, live): its record, version and origin.
    public let instanceRow: RegionalRow
    /// The instance's DICOM JSON header, for WADO-RS metadata at the target.
    public let metadata: [UInt8]
    /// Which chunks follow, by manifest position: the target's answer to the offer.
    public let needs: ChunkNeeds

    /// Makes a header.
    public init(manifest: [UInt8], instanceRow: RegionalRow, metadata: [UInt8], needs: ChunkNeeds) {
        self.manifest = manifest
        self.instanceRow = instanceRow
        self.metadata = metadata
        self.needs = needs
    }

    /// The header as it goes on the stream: its length (u32), then version, manifest, row, metadata and needs,
    /// each after its u32 length.
    public func encoded() -> [UInt8] {
        let row = RegionalWire.encode(instanceRow)
        let needsBytes = needs.encoded()
        var writer = ByteWriter(capacity: 21 + manifest.count + row.count + metadata.count + needsBytes.count)
        let length = 1 + 16 + manifest.count + row.count + metadata.count + needsBytes.count
        writer.write(UInt32(length))
        writer.write(Self.version)
        for part in [manifest, row, metadata, needsBytes] {
            writer.write(UInt32(part.count))
            writer.write(contentsOf: part)
        }
        return writer.bytes
    }

    /// Reads a header from the start of `source`, leaving the chunks that follow unread.
    /// Throws `ReplicaError` naming what is malformed or over its limit.
    public static func read(from source: inout some ByteSource) throws(ReplicaError) -> ReplicaHeader {
        let lengthBytes = try readExactly(4, from: &source, what: "the header's length")
        let length =
            Int(lengthBytes[0]) | Int(lengthBytes[1]) << 8 | Int(lengthBytes[2]) << 16
            | Int(lengthBytes[3]) << 24
        guard length <= bytesMax else {
            throw ReplicaError(.malformed, "a replica header of \(length) bytes is over the limit of \(bytesMax)")
        }
        var reader = ByteReader(try readExactly(length, from: &source, what: "the header"))
        do {
            let version = try reader.readUInt8()
            guard version == Self.version else {
                throw ReplicaError(.malformed, "unknown replica header version \(version)")
            }
            let manifest = try part(&reader, max: Manifest.bytesMax, what: "manifest")
            guard let decoded = Manifest.decode(manifest) else {
                throw ReplicaError(.malformed, "the manifest of \(manifest.count) bytes does not decode")
            }
            let rowBytes = try part(&reader, max: RegionalWire.rowBytesMax, what: "instance row")
            let row: RegionalRow
            do { row = try RegionalWire.decodeRow(rowBytes) } catch {
                throw ReplicaError(.malformed, "the instance row: \(error)")
            }
            let metadata = try part(&reader, max: CatalogInstance.metadataBytesMax, what: "metadata")
            let needsBytes = try part(&reader, max: 5 + ChunkNeeds.positionsMax / 8 + 1, what: "chunk needs")
            let needs: ChunkNeeds
            do { needs = try ChunkNeeds.decode(needsBytes, offeredCount: decoded.entries.count) } catch {
                throw ReplicaError(.malformed, "\(error)")
            }
            guard reader.remaining == 0 else {
                throw ReplicaError(.malformed, "\(reader.remaining) bytes past the header's last part")
            }
            return ReplicaHeader(manifest: manifest, instanceRow: row, metadata: metadata, needs: needs)
        } catch let error as ReplicaError {
            throw error
        } catch {
            throw ReplicaError(.malformed, "the header is truncated: \(error)")
        }
    }

    /// One length-prefixed part of at most `max` bytes.
    private static func part(_ reader: inout ByteReader, max: Int, what: String) throws -> [UInt8] {
        let count = Int(try reader.readUInt32())
        guard count <= max else { throw ReplicaError(.malformed, "the \(what) of \(count) bytes is over \(max)") }
        return try reader.readBytes(count)
    }

    /// Exactly `count` bytes from `source`.
    static func readExactly(_ count: Int, from source: inout some ByteSource, what: String) throws(ReplicaError)
        -> [UInt8]
    {
        let bytes: [UInt8]
        do { bytes = try readUpTo(count, from: &source) } catch {
            throw ReplicaError(.io, "reading \(what) failed: \(error)")
        }
        guard bytes.count == count else {
            throw ReplicaError(.malformed, "the stream ended inside \(what), after \(bytes.count) of \(count) bytes")
        }
        return bytes
    }
}
