// Goal: STOW-RS refuses what it could not honestly serve back, each with its PS3.18 Failure Reason in the
// FailedSOPSequence: an unknown transfer syntax (C122), a file meta group naming another SOP instance or class than
// its data set (A900), pixel data encoded against its syntax (C000). Another instance of the same request is still
// stored, and an instance already stored under the refused file's UID is served unchanged. Method: generated
// instances (SyntheticInstance, Part10Writer) altered one way each, posted in-process.
import DICOM
import DICOMweb
import HTTP
import Samples
import Testing

/// Generated files that contradict themselves one way each.
enum InconsistentFiles {
    /// The instance every refused file is made from; its UIDs are the data set's.
    static let instance = SyntheticInstance(seed: 41, rows: 8, columns: 8)
    /// A well-formed UID no transfer syntax has.
    static let unknownSyntaxUID = "1.2.826.0.1.3680043.10.1234.5"

    /// `instance` with its file meta group made for `metaDataSet` instead of its own data set.
    static func withMeta(of metaDataSet: DataSet) -> [UInt8] {
        let dataSet = instance.makeDataSet()
        let syntax = TransferSyntax.explicitVRLittleEndian
        let file = instance.part10(transferSyntax: syntax)
        let ownMetaByteCount = Part10Writer.metaGroup(for: dataSet, transferSyntax: syntax).count
        let preambleByteCount = 132
        return Array(file[..<preambleByteCount]) + Part10Writer.metaGroup(for: metaDataSet, transferSyntax: syntax)
            + Array(file[(preambleByteCount + ownMetaByteCount)...])
    }

    /// `instance`'s data set with `tag` replaced by the UID `value`.
    static func dataSet(replacing tag: DICOMTag, with value: String) -> DataSet {
        var dataSet = instance.makeDataSet()
        dataSet.set(DataElement(tag: tag, vr: .UI, text: value))
        return dataSet
    }

    /// Encapsulated pixel data: an empty offset table and one fragment.
    static let fragments = PixelDataPayload.encapsulated(offsetTable: [], fragments: [[0xFF, 0xD8, 1, 2, 0xFF, 0xD9]])

    /// Each refused file, its name and the Failure Reason it must get.
    static func cases() -> [(name: String, bytes: [UInt8], reason: UInt16)] {
        let dataSet = instance.makeDataSet()
        let native = PixelDataPayload.native(instance.makePixelData())
        return [
            (
                "unknown transfer syntax",
                Part10Writer.write(
                    dataSet, transferSyntax: TransferSyntax(uid: unknownSyntaxUID)!, pixelData: fragments),
                StoreStatusCode.transferSyntaxNotSupported
            ),
            (
                "meta SOP Instance UID differs",
                withMeta(of: Self.dataSet(replacing: .sopInstanceUID, with: instance.sopInstanceUID + ".9")),
                StoreStatusCode.dataSetDoesNotMatchSOPClass
            ),
            (
                "meta SOP Class UID differs",
                withMeta(of: Self.dataSet(replacing: .sopClassUID, with: SyntheticInstance.mrImageStorage)),
                StoreStatusCode.dataSetDoesNotMatchSOPClass
            ),
            (
                "encapsulated pixel data under Explicit VR Little Endian",
                Part10Writer.write(dataSet, transferSyntax: .explicitVRLittleEndian, pixelData: fragments),
                StoreStatusCode.cannotUnderstand
            ),
            (
                "native pixel data under JPEG Baseline",
                Part10Writer.write(dataSet, transferSyntax: .jpegBaseline, pixelData: native),
                StoreStatusCode.cannotUnderstand
            ),
        ]
    }
}

@Suite struct StoreRefusalTests {
    static let stow = "/dicom-web/studies"

    @Test("files STOW-RS could not serve back honestly are refused with their PS3.18 reason, alone and in company")
    func refusedWithReason() throws {
        let fixture = try DICOMwebFixture()
        let client = fixture.client
        let instance = InconsistentFiles.instance
        let original = instance.part10()
        #expect(try client.post(Self.stow, contentType: "application/dicom", body: original).status == 200)
        let instancePath =
            "\(Self.stow)/\(instance.studyInstanceUID)/series/\(instance.seriesInstanceUID)/instances/"
            + instance.sopInstanceUID
        var seed: UInt64 = 100
        for (name, bytes, reason) in InconsistentFiles.cases() {
            let before = try fixture.storedObjects()
            let alone = try client.post(
                Self.stow, contentType: TestMultipart.contentType, body: TestMultipart.body([bytes]))
            #expect(alone.status == 409, "\(name): \(alone.text)")
            #expect(try StoreBodies.failureReasons(alone) == ["\(reason)"], "\(name): \(alone.text)")
            let failed = try StoreBodies.items(alone, "00081198")
            #expect(failed.first.flatMap { Answer.value($0, "00081155") } == instance.sopInstanceUID, "\(name)")
            #expect(!(failed.first.flatMap { Answer.value($0, "00000902") } ?? "").isEmpty, "\(name) says why")
            #expect(try fixture.storedObjects() == before, "\(name) left no object")

            seed += 1
            let other = SyntheticInstance(seed: seed, rows: 8, columns: 8)
            let mixed = try client.post(
                Self.stow, contentType: TestMultipart.contentType,
                body: TestMultipart.body([bytes, other.part10()]))
            #expect(mixed.status == 202, "\(name) next to a valid instance: \(mixed.text)")
            #expect(try StoreBodies.failureReasons(mixed) == ["\(reason)"], "\(name): \(mixed.text)")
            let stored = try StoreBodies.items(mixed, "00081199")
            #expect(stored.map { Answer.value($0, "00081155") } == [other.sopInstanceUID], "\(name)")
            let found = try Answer.objects(
                try client.get("/dicom-web/instances?SOPInstanceUID=\(other.sopInstanceUID)"))
            #expect(found.count == 1, "\(name): the valid instance of the request is stored")

            let served = try Answer.parts(try client.get(instancePath))
            #expect(served.map(\.body) == [original], "\(name): the instance already stored is unchanged")
        }
        let instances = try Answer.objects(
            try client.get("/dicom-web/studies/\(instance.studyInstanceUID)/instances"))
        #expect(instances.count == 1, "no refused file was catalogued")
    }

    @Test("every encapsulated transfer syntax the DICOM module knows is accepted with encapsulated pixel data")
    func knownSyntaxesAccepted() throws {
        let fixture = try DICOMwebFixture()
        let encapsulated = TransferSyntax.known.filter { $0.isEncapsulated }
        for (index, syntax) in encapsulated.enumerated() {
            let instance = SyntheticInstance(seed: 200 + UInt64(index), rows: 8, columns: 8)
            let bytes = Part10Writer.write(
                instance.makeDataSet(), transferSyntax: syntax, pixelData: InconsistentFiles.fragments)
            let response = try fixture.client.post(Self.stow, contentType: "application/dicom", body: bytes)
            #expect(response.status == 200, "\(syntax): \(response.text)")
        }
    }
}
