// Goal: many owned threads may insert and search at once without errors (no SQLITE_BUSY surfacing) and without
// losing an insert; searches see a consistent catalog while writers run. Method: writer and reader threads on one
// catalog, joined on an owned thread; every error is collected and must be absent.
import Catalog
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing

@Suite struct CatalogConcurrencyTests {
    @Test("four writers and four readers at once: every insert lands and no call fails")
    func concurrentInsertsAndSearches() async throws {
        let test = try TestCatalog()
        let catalog = test.catalog
        let writerCount = 4
        let instancesPerWriter = 150
        let failures = await runOnOwnedThread { () -> [String] in
            let shared = SharedState()
            @Sendable func record(_ error: any Error) { shared.failures.withLock { $0.append("\(error)") } }
            var threads: [OwnedThread] = []
            for writer in 0..<writerCount {
                threads.append(
                    OwnedThread(name: "writer \(writer)") {
                        for number in 0..<instancesPerWriter {
                            let study = "1.\(number % 10)"
                            let instance = makeInstance(
                                study: study, series: "\(study).\(writer)", sop: "\(study).\(writer).\(number)",
                                manifestNumber: UInt64(writer * 1_000 + number),
                                extra: [
                                    CatalogTag.modality: ["CT", "MR", "US", "XA"][writer],
                                    CatalogTag.patientID: "P\(number % 10)",
                                ])
                            do {
                                let outcome = try catalog.insert(instance, version: version(Int64(number)))
                                if outcome != .stored() { record(CatalogError(.io, "unexpected \(outcome)")) }
                            } catch { record(error) }
                        }
                        shared.writersDone.add(1, ordering: .sequentiallyConsistent)
                    })
            }
            for reader in 0..<4 {
                threads.append(
                    OwnedThread(name: "reader \(reader)") {
                        var searches = 0
                        while shared.writersDone.load(ordering: .sequentiallyConsistent) < writerCount || searches < 20
                        {
                            searches += 1
                            do {
                                let query = CatalogQuery(
                                    level: .study, filters: [(CatalogTag.modalitiesInStudy, "CT,MR")])
                                for match in try catalog.query(query) {
                                    let count = Int(match.attributes[CatalogTag.numberOfStudyRelatedInstances] ?? "")
                                    if (count ?? 0) < 1 { record(CatalogError(.io, "study with no instance")) }
                                }
                                _ = try catalog.instances(studyInstanceUID: "1.\(searches % 10)")
                            } catch { record(error) }
                        }
                    })
            }
            for thread in threads { thread.join() }
            return shared.failures.withLock { $0 }
        }
        #expect(failures == [])
        #expect(try catalog.instanceCount() == writerCount * instancesPerWriter)
        #expect(try catalog.studyCount() == 10)
        let studies = try catalog.query(CatalogQuery(level: .study))
        #expect(studies.allSatisfy { $0.attributes[CatalogTag.numberOfStudyRelatedInstances] == "60" })
        #expect(studies.allSatisfy { $0.attributes[CatalogTag.modalitiesInStudy] == "CT\\MR\\US\\XA" })
    }
}

/// What the test's threads share: the errors they met and how many writers have finished.
private final class SharedState: Sendable {
    let failures = Mutex<[String]>([])
    let writersDone = Atomic<Int>(0)
}
