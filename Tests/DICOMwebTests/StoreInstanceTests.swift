// Goal: `DICOMwebResponder.storeInstance` (C-STORE's entry) stores one instance with STOW-RS's rules: stored and
// catalogued; the identical instance again is a warning, as is the same data set in another file (another meta
// group); other bytes under the same SOP Instance UID a failure (0111H); bytes that are not DICOM a failure (C000H); a source that breaks midway throws and stores nothing.
// Method: instances from TestPart10 pulled from memory sources by a fixture's responder.
import Catalog
import DICOM
import DICOMweb
import Primitives
import TestSupport
import Testing

@Suite struct StoreInstanceTests {
    static let study = "1.2.826.0.1.3680043.10.7.1"

    static func instance(pixels: Int = 512) -> [UInt8] {
        TestPart10.instance(study: study, series: study + ".1", sop: study + ".1.1", pixelCount: pixels)
    }

    @Test("stored, then the identical instance is a warning, other bytes under its UID a failure")
    func duplicatesAndConflicts() throws {
        let fixture = try DICOMwebFixture()
        var source = MemorySource(Self.instance())
        let stored = try fixture.responder.storeInstance(from: &source)
        #expect(stored.isStored && stored.warningReason == nil, "\(stored)")
        #expect(stored.sopInstanceUID == Self.study + ".1.1")
        #expect(try fixture.catalog.query(CatalogQuery(level: .instance)).count == 1)
        var again = MemorySource(Self.instance())
        let duplicate = try fixture.responder.storeInstance(from: &again)
        #expect(duplicate.isStored && duplicate.warningReason == StoreStatusCode.duplicateSOPInstance)
        let objects = try fixture.storedObjects()
        var other = MemorySource(Self.instance(pixels: 1024))
        let conflict = try fixture.responder.storeInstance(from: &other)
        #expect(conflict.failureReason == StoreStatusCode.duplicateSOPInstance)
        #expect(try fixture.storedObjects() == objects)
    }

    @Test("the same data set in another file (another meta group, as C-STORE writes it) is already stored")
    func sameDataSetOtherFile() throws {
        let fixture = try DICOMwebFixture()
        let original = Self.instance()
        var source = MemorySource(original)
        #expect(try fixture.responder.storeInstance(from: &source).isStored)
        let objects = try fixture.storedObjects()
        let header = try original.withUnsafeBytes { try Part10Reader.read($0) }
        let rewritten =
            [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
            + Part10Writer.metaGroup(
                sopClassUID: TestPart10.ctImageStorage, sopInstanceUID: Self.study + ".1.1",
                transferSyntax: .explicitVRLittleEndian, sourceAETitle: "CT1")
            + original[Int(header.meta.dataSetOffset)...]
        #expect(rewritten != original)
        var again = MemorySource(rewritten)
        let answer = try fixture.responder.storeInstance(from: &again)
        #expect(answer.isStored && answer.warningReason == StoreStatusCode.duplicateSOPInstance, "\(answer)")
        #expect(try fixture.storedObjects() == objects, "the second file is taken back")
    }

    @Test("bytes that are not DICOM are refused with C000H and leave nothing")
    func notDICOM() throws {
        let fixture = try DICOMwebFixture()
        var source = MemorySource(Array("not a DICOM file at all".utf8))
        let refused = try fixture.responder.storeInstance(from: &source)
        #expect(refused.failureReason == StoreStatusCode.cannotUnderstand)
        #expect(try fixture.storedObjects().isEmpty)
    }

    /// A source that gives `count` bytes of `bytes`, then fails as a lost association does.
    struct BreakingSource: ByteSource {
        struct Lost: Error {}
        var inner: MemorySource
        var remaining: Int

        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            guard remaining > 0 else { throw Lost() }
            let count = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(remaining)))
            remaining -= count
            return count
        }
    }

    @Test("a source that breaks midway throws its own error, and nothing is stored or catalogued")
    func brokenSource() throws {
        let fixture = try DICOMwebFixture()
        let bytes = Self.instance(pixels: 4096)
        var source = BreakingSource(inner: MemorySource(bytes), remaining: bytes.count / 2)
        #expect(throws: BreakingSource.Lost.self) { try fixture.responder.storeInstance(from: &source) }
        #expect(try fixture.storedObjects().isEmpty)
        #expect(try fixture.catalog.query(CatalogQuery(level: .instance)).isEmpty)
    }
}
