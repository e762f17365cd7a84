// Goal: a C-FIND identifier reads back its level and keys in every native transfer syntax, and identifiers without a
// level, with a level the model lacks, or unreadable are refused with invalidIdentifier naming why. Method: data
// sets written with Part10Writer, their file prefix cut off, as a peer sends them in P-DATA.
import DICOM
import DIMSE
import Testing

struct QueryIdentifierTests {
    /// `dataSet` as a bare data set in `syntax`, as it travels after a C-FIND-RQ.
    static func bare(_ dataSet: DataSet, _ syntax: TransferSyntax) -> [UInt8] {
        Part10Writer.dataSetBytes(dataSet, transferSyntax: syntax)
    }

    static func identifier(level: String?) -> DataSet {
        var elements = [
            DataElement(tag: .patientName, vr: .PN, text: "DOE^J*"),
            DataElement(tag: .studyInstanceUID, vr: .UI, text: ""),
            DataElement(tag: .studyDate, vr: .DA, text: "20240101-20241231"),
        ]
        if let level { elements.append(DataElement(tag: .queryRetrieveLevel, vr: .CS, text: level)) }
        return DataSet(elements)
    }

    @Test(
        "the level and keys read back in each native syntax",
        arguments: [TransferSyntax.implicitVRLittleEndian, .explicitVRLittleEndian, .explicitVRBigEndian])
    func readsBack(syntax: TransferSyntax) throws {
        let bytes = Self.bare(Self.identifier(level: "STUDY"), syntax)
        let identifier = try QueryIdentifier.decode(bytes, transferSyntax: syntax, model: .studyRoot)
        #expect(identifier.level == .study)
        #expect(identifier.keys.string(.patientName) == "DOE^J*")
        #expect(identifier.keys.string(.studyDate) == "20240101-20241231")
        #expect(identifier.keys.contains(.studyInstanceUID))
        #expect(!identifier.keys.contains(.queryRetrieveLevel))
    }

    @Test("a missing or unknown level, PATIENT in Study Root, and garbage are refused naming why")
    func refusals() {
        let syntax = TransferSyntax.explicitVRLittleEndian
        let cases: [([UInt8], ServiceClass.QueryModel, String)] = [
            (Self.bare(Self.identifier(level: nil), syntax), .studyRoot, "no Query/Retrieve Level"),
            (Self.bare(Self.identifier(level: "FRAME"), syntax), .studyRoot, "'FRAME' is not"),
            (Self.bare(Self.identifier(level: "PATIENT"), syntax), .studyRoot, "no PATIENT level"),
            ([0x10, 0, 0x10, 0, 0x50, 0x4E, 0xFF, 0xFF], .patientRoot, "cannot be read"),
            ([UInt8](repeating: 0, count: QueryIdentifier.bytesMax + 1), .patientRoot, "longer than"),
        ]
        for (bytes, model, words) in cases {
            do {
                _ = try QueryIdentifier.decode(bytes, transferSyntax: syntax, model: model)
                Issue.record("accepted: \(words)")
            } catch {
                #expect(error.code == .invalidIdentifier)
                #expect(error.message.contains(words), "\(error.message)")
            }
        }
        #expect(
            (try? QueryIdentifier.decode(
                Self.bare(Self.identifier(level: "PATIENT"), syntax), transferSyntax: syntax, model: .patientRoot))?
                .level == .patient)
    }
}
