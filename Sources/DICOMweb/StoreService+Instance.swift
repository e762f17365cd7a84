// One instance stored on its own, the way C-STORE delivers them: the same reader checks, batch, catalog rules and
// answers as a STOW-RS part, from any ByteSource. The bytes must be a whole Part-10 file.
import Catalog
import ObjectStore
import Primitives

extension StoreService {
    /// Stores the instance pulled from `body`; the instance's failure is in the answer, while a throw is `body`'s
    /// own error (the association broke), and then nothing of the instance is stored.
    func storeOne(from body: inout some ByteSource) throws -> StoredPart {
        var answer = [StoredPart()]
        var pending: [PendingInstance] = []
        var inserted: [CatalogInsertOutcome]?
        try context.store.withBatch { batch in
            var source = StorePartSource(
                inner: body, inspector: InstanceInspector(pathPrefix: context.configuration.pathPrefix),
                expectedStudy: nil)
            defer { body = source.inner }
            do throws(StoreError) {
                try batch.put(from: &source)
            } catch {
                if let sourceError = source.sourceError { throw sourceError }
                let header = source.inspector.header
                answer[0] = failure(
                    header?.sopClassUID ?? source.rejection?.sopClassUID,
                    header?.sopInstanceUID ?? source.rejection?.sopInstanceUID, rejection: source.rejection,
                    error: error)
                return
            }
            guard let header = source.header else {
                throw DICOMwebError(.internalFailure, "the instance ended without a checked header")
            }
            (pending, inserted) = commitStaged([(0, header)], batch: batch, parts: &answer)
        }
        if let part = catalogue(pending, inserted: inserted).first { answer[0] = part }
        return answer[0]
    }
}
