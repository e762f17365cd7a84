// Deletions that reach this node through the region: an instance deleted at another node arrives as a tombstone of
// its instance row (anti-entropy), the catalog drops its rows, and here this node's copy goes with its holding
// row, so the region stops counting it. The space comes back at the next `tessera gc`.
import Catalog
import ObjectStore

extension RegionServices {
    /// Drops this node's copy of each of `deleted`, if it holds one.
    func dropDeletedCopies(_ deleted: [CatalogDeletedInstance]) {
        for instance in deleted {
            do {
                try store.delete(instance.manifestAddress)
                try catalog.dropHolding(instanceUID: instance.sopInstanceUID, by: nodeID, version: clock.next())
                log("deleted instance \(instance.sopInstanceUID), deleted elsewhere in the region, from this node")
            } catch let error as StoreError where error.code == .notFound {
                continue
            } catch {
                log("dropping the copy of instance \(instance.sopInstanceUID), deleted in the region, failed: \(error)")
            }
        }
    }
}
