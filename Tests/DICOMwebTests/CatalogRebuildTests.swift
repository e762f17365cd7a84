// Goal: the catalog is derived data: a catalog rebuilt from the store alone answers every QIDO-RS search exactly like
// the one it replaces, and WADO-RS serves the same bytes and metadata; objects that are not instances, and a second
// object carrying a catalogued SOP Instance UID, are reported and left out. Method: store studies through STOW-RS
// (shared and empty PatientIDs, three syntaxes), put a non-DICOM object and a conflicting copy straight into the
// store, record the answers, rebuild into a new catalog and compare the answers byte for byte.
import Catalog
import DICOM
import DICOMweb
import HTTP
import ObjectStore
import Primitives
import Samples
import Synchronization
import TestSupport
import Testing

@Suite struct CatalogRebuildTests {
    /// The searches and retrievals compared before and after the rebuild.
    static func questions(studies: [String]) -> [String] {
        var paths = [
            "/dicom-web/studies?includefield=all", "/dicom-web/series?includefield=all",
            "/dicom-web/instances?includefield=all", "/dicom-web/studies?PatientName=doe*",
            "/dicom-web/studies?PatientID=PX", "/dicom-web/studies?ModalitiesInStudy=MR",
            "/dicom-web/instances?PatientName=Doe^Jon&includefield=00100010",
            "/dicom-web/studies?StudyDate=20200101-&limit=2&offset=1",
        ]
        for study in studies {
            paths += [
                "/dicom-web/studies/\(study)/series?includefield=all", "/dicom-web/studies/\(study)/metadata",
                "/dicom-web/studies/\(study)",
            ]
        }
        return paths
    }

    @Test("a catalog rebuilt from the store answers every search and retrieval like the original")
    func rebuiltAnswersAlike() throws {
        let fixture = try DICOMwebFixture()
        let client = fixture.client
        let stow = "/dicom-web/studies"
        #expect(
            try client.post(
                stow, contentType: TestMultipart.contentType,
                body: TestMultipart.body(
                    StoreBodies.instances().map(\.bytes))
            ).status == 200)
        try PatientBodies.ownPatientPerStudy(client)
        var studies = [StoreBodies.studyC, StoreBodies.studyD, PatientBodies.first, PatientBodies.second]
        for (seed, syntax) in zip(
            [11, 12, 13] as [UInt64],
            [TransferSyntax.explicitVRLittleEndian, .implicitVRLittleEndian, .explicitVRBigEndian])
        {
            let instances = SyntheticInstance.study(
                seed: seed, modality: "MR", patientID: seed == 13 ? "" : "GEN", seriesCount: 2, sliceCount: 2,
                rows: 8, columns: 8)
            let files = instances.map { $0.part10(transferSyntax: syntax) }
            let response = try client.post(
                stow, contentType: TestMultipart.contentType, body: TestMultipart.body(files))
            #expect(response.status == 200, "\(response.text)")
            studies.append(instances[0].studyInstanceUID)
        }
        // A file that is not DICOM, and other bytes under a catalogued SOP Instance UID (as a refused re-store
        // could leave): the rebuild must report both and serve neither.
        var text = MemorySource(Array("not an instance, a note an operator stored".utf8))
        let note = try fixture.store.put(from: &text).address
        var other = MemorySource(
            TestPart10.instance(
                study: StoreBodies.studyC, series: "\(StoreBodies.studyC).1", sop: "\(StoreBodies.studyC).1.1",
                number: 9))
        let duplicate = try fixture.store.put(from: &other).address

        let questions = Self.questions(studies: studies)
        let before = try questions.map { try client.get($0) }
        #expect(before.allSatisfy { $0.status == 200 }, "\(before.map(\.status))")
        let original = try Catalog.manifestAddresses(atPath: fixture.catalog.path)

        let catalog = try Catalog.open(path: fixture.directory.appending("rebuilt.sqlite"))
        let counter = Atomic<Int64>(0)
        let report = try CatalogRebuild.run(
            store: fixture.store, into: catalog, originSite: try SiteID("test-site"), preferred: original,
            version: {
                let tick = counter.add(1, ordering: .relaxed).newValue
                return HLCTimestamp(physicalMilliseconds: 1_800_000_000_000 + tick, logical: 0, nodeID: NodeID(2))
            })
        let catalogued = try fixture.catalog.instanceCount()
        #expect(report.instanceCount == catalogued)
        #expect(report.objectCount == report.instanceCount + 2)
        #expect(report.notInstances.map(\.address) == [note])
        #expect(report.duplicates.map(\.address) == [duplicate])
        #expect(report.unreadable.isEmpty)
        #expect(report.patientConflictCount == 1)

        let rebuilt = DICOMwebResponder(
            configuration: DICOMwebConfiguration(originSite: try SiteID("test-site"), allowsAnonymous: true),
            store: fixture.store, catalog: catalog,
            version: { HLCTimestamp(physicalMilliseconds: 1_900_000_000_000, logical: 0, nodeID: NodeID(2)) })
        let after = try questions.map { try InProcessClient(responder: rebuilt).get($0) }
        for (index, question) in questions.enumerated() {
            #expect(after[index].status == before[index].status, "\(question)")
            if question.hasSuffix("/metadata") || !question.contains("/studies/") || question.contains("?") {
                #expect(after[index].text == before[index].text, "\(question)")
            } else {
                let served = try Answer.parts(after[index]).map(\.body)
                #expect(try served == Answer.parts(before[index]).map(\.body), "\(question)")
            }
        }
        #expect(try catalog.patientConflicts() == fixture.catalog.patientConflicts())
    }
}
