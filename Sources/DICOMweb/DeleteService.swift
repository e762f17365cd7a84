// DELETE of a study, series or instance (admin role; PS3.18 leaves deletion to the archive, and viewers' admin
// tools send DELETE to the resource's URL): the instances leave the catalog in one transaction, each with a
// tombstone the region carries to every other node (which then drops its own rows and copy); this node's copies
// get store tombstones at once, their space back at the next `tessera gc`. Answers 204.
import Catalog
import HTTP
import ObjectStore
import Primitives

/// Deletes what one DELETE request names.
struct DeleteService {
    let context: ServiceContext

    /// Deletes every instance under `study` (and `series`, `instance` when given); 404 when there is none.
    func delete(
        study: String, series: String?, instance: String?, response: inout some HTTPResponseWriter
    ) throws {
        let found = try RetrieveService(context: context).find(
            study: study, series: series, instance: instance, includesMetadata: false)
        let names = found.map { StoredInstanceName(studyUID: $0.studyInstanceUID, instanceUID: $0.sopInstanceUID) }
        let sharing = context.sharing(names)
        let deleted: [CatalogDeletedInstance]
        do {
            deleted = try context.catalog.delete(
                instanceUIDs: found.map(\.sopInstanceUID), version: sharing == nil ? nil : context.version(),
                holder: sharing?.holder)
        } catch {
            context.log("deleting \(found.count) instances of study \(study) failed: \(error)")
            throw DICOMwebError(.internalFailure, "the catalog could not delete the instances; nothing was deleted")
        }
        var copies = 0
        for gone in deleted {
            do {
                try context.store.delete(gone.manifestAddress)
                copies += 1
            } catch  where error.code == .notFound {
                continue  // known here only from the region: its holders drop their copies on the tombstone
            } catch {
                // The catalog no longer names it: `tessera gc --force` deletes objects no catalog row names.
                context.log("instance \(gone.sopInstanceUID) left the catalog, but its object stays: \(error)")
            }
        }
        let scope = instance.map { "instance \($0)" } ?? series.map { "series \($0)" } ?? "study \(study)"
        context.log("deleted \(scope): \(deleted.count) instances catalogued, \(copies) copies held here")
        try response.writeHead(HTTPResponseHead(status: 204, headers: HTTPHeaders()))
        try response.finish()
    }
}
