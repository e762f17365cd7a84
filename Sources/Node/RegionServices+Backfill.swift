// Instances a node catalogued while it was alone (or before its catalog had regional rows) are shared once it is in
// a region: each gets its regional rows (its attributes and record as catalogued, this node as holder) and outbox
// entries for the other holders placement names, a page at a time, exactly as if it had just been stored.
import Catalog
import DICOMweb
import Primitives
import Synchronization

extension RegionServices {
    /// Shares up to `limit` instances that have no regional row yet; returns how many.
    @discardableResult
    func backfillNextPage(limit: Int) -> Int {
        let skipped = unshareable.withLock { $0 }
        let uids: [String]
        do {
            uids = try catalog.instanceUIDsWithoutRegionalRow(limit: limit + skipped.count).filter {
                !skipped.contains($0)
            }
        } catch {
            log("cannot look for instances to share with the region: \(error)")
            return 0
        }
        var shared = 0
        for uid in uids {
            do {
                let query = CatalogQuery(level: .instance, filters: [(CatalogTag.sopInstanceUID, uid)], limit: 1)
                guard let match = try catalog.query(query).first, let record = match.record else {
                    unshareable.withLock { if $0.count < 10_000 { $0.insert(uid) } }
                    continue
                }
                let instance = CatalogInstance(
                    attributes: match.attributes, transferSyntaxUID: record.transferSyntaxUID,
                    manifestAddress: record.manifestAddress, lengthBytes: record.lengthBytes,
                    originSite: record.originSite, metadata: [])
                let sharing = sharing(of: [StoredInstanceName(studyUID: instance.studyInstanceUID, instanceUID: uid)])
                _ = try catalog.insert([(instance, record.version)], sharing: sharing) { true }
                shared += 1
            } catch {
                // Logged once; it is not offered again until the node restarts.
                unshareable.withLock { if $0.count < 10_000 { $0.insert(uid) } }
                log("cannot share instance \(uid) with the region: \(error)")
            }
        }
        return shared
    }
}
