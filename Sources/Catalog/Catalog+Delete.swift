// Deleting instances (DICOMweb DELETE, admin role): one transaction removes them from the catalog and, when the
// node shares with a region, writes the tombstones the region carries to every other node, which then delete
// their own rows and copies (`applyRegional` reports them). The store objects are the caller's to delete; their
// space comes back at the next `tessera gc`.
public import Primitives
import SQLite
import Synchronization

extension Catalog {
    /// Removes `instanceUIDs` from the catalog; returns those it listed, with their manifests. With `version`
    /// (a node in a region), each instance row gets a tombstone and `holder`'s holding row one too, even for an
    /// instance this node only knew from the region.
    public func delete(
        instanceUIDs: [String], version: HLCTimestamp?, holder: NodeID?
    ) throws(CatalogError) -> [CatalogDeletedInstance] {
        guard !instanceUIDs.isEmpty else { return [] }
        return try writer.withLock { writer throws(CatalogError) in
            var digests = writer.regionalDigests
            let deleted = try CatalogFailure.mapping("deleting \(instanceUIDs.count) instances from \(path)") {
                try writer.connection.transaction {
                    var deleted: [CatalogDeletedInstance] = []
                    for uid in instanceUIDs {
                        if let gone = try writer.deleteOne(uid, version: version, digests: &digests) {
                            deleted.append(gone)
                        }
                        if let version, let holder, let held = try writer.regionalRow(.holding(uid, by: holder)),
                            !held.isTombstone
                        {
                            try writer.tombstone(.holding(uid, by: holder), after: version, digests: &digests)
                        }
                    }
                    return deleted
                }
            }
            writer.regionalDigests = digests
            publishDigests(writer)
            return deleted
        }
    }
}
