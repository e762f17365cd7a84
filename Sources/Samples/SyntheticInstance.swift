// Realistic generated CT/MR instances for tests, `tessera bench dicomweb` and the sample studies of Cluster/up:
// every attribute the catalog and QIDO-RS use, and 16-bit pixels (12 bits stored) from a seeded generator, so one
// seed gives byte-identical files on every machine.
public import DICOM
import Primitives

/// One generated CT or MR instance.
public struct SyntheticInstance: Sendable, Equatable {
    /// CT Image Storage (PS3.4 Annex B).
    public static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"
    /// MR Image Storage (PS3.4 Annex B).
    public static let mrImageStorage = "1.2.840.10008.5.1.4.1.1.4"

    /// Patient ID (0010,0020).
    public var patientID: String
    /// Patient's Name (0010,0010), e.g. "Doe^Jane".
    public var patientName: String
    /// Patient's Birth Date (0010,0030), YYYYMMDD.
    public var patientBirthDate: String
    /// Patient's Sex (0010,0040): M, F or O.
    public var patientSex: String
    /// Study Instance UID (0020,000D).
    public var studyInstanceUID: String
    /// Study Date (0008,0020), YYYYMMDD; also the series and content date.
    public var studyDate: String
    /// Study Time (0008,0030), HHMMSS.
    public var studyTime: String
    /// Study ID (0020,0010).
    public var studyID: String
    /// Accession Number (0008,0050).
    public var accessionNumber: String
    /// Study Description (0008,1030).
    public var studyDescription: String
    /// Referring Physician's Name (0008,0090).
    public var referringPhysicianName: String
    /// Series Instance UID (0020,000E).
    public var seriesInstanceUID: String
    /// Series Number (0020,0011).
    public var seriesNumber: Int
    /// Series Description (0008,103E).
    public var seriesDescription: String
    /// "CT" or "MR"; decides the SOP class and a few modality attributes.
    public var modality: String
    /// SOP Instance UID (0008,0018).
    public var sopInstanceUID: String
    /// Instance Number (0020,0013); also positions the slice.
    public var instanceNumber: Int
    /// Rows (0028,0010) of the pixel matrix.
    public var rows: Int
    /// Columns (0028,0011) of the pixel matrix.
    public var columns: Int
    /// Seeds the pixel values.
    public var pixelSeed: UInt64

    /// Makes an instance; UIDs are derived from `seed` unless given.
    public init(
        seed: UInt64, modality: String = "CT", patientID: String = "TESSERA-0001", patientName: String = "Doe^Jane",
        studyInstanceUID: String? = nil, seriesInstanceUID: String? = nil, sopInstanceUID: String? = nil,
        instanceNumber: Int = 1, seriesNumber: Int = 1, rows: Int = 64, columns: Int = 64,
        studyDate: String = "20260115", studyTime: String = "083000"
    ) {
        self.patientID = patientID
        self.patientName = patientName
        patientBirthDate = "19700101"
        patientSex = "F"
        self.studyInstanceUID = studyInstanceUID ?? Self.makeUID(seed: seed, salt: 1)
        self.studyDate = studyDate
        self.studyTime = studyTime
        studyID = "1"
        accessionNumber = "ACC\(seed % 1_000_000)"
        studyDescription = modality == "MR" ? "MR Brain" : "CT Chest"
        referringPhysicianName = "House^Gregory"
        self.seriesInstanceUID = seriesInstanceUID ?? Self.makeUID(seed: seed, salt: 2)
        self.seriesNumber = seriesNumber
        seriesDescription = modality == "MR" ? "T1 axial" : "Axial 1.0"
        self.modality = modality
        self.sopInstanceUID = sopInstanceUID ?? Self.makeUID(seed: seed, salt: 3)
        self.instanceNumber = instanceNumber
        self.rows = rows
        self.columns = columns
        pixelSeed = seed
    }

    /// The instances of one study: `seriesCount` series of `sliceCount` slices each, all UIDs from `seed`.
    public static func study(
        seed: UInt64, modality: String = "CT", patientID: String = "TESSERA-0001", seriesCount: Int = 1,
        sliceCount: Int, rows: Int = 64, columns: Int = 64
    ) -> [SyntheticInstance] {
        let studyUID = makeUID(seed: seed, salt: 1)
        var instances: [SyntheticInstance] = []
        for series in 0..<seriesCount {
            let seriesUID = makeUID(seed: seed, salt: 100 + UInt64(series))
            for slice in 0..<sliceCount {
                let instanceSeed = seed &* 1_000_003 &+ UInt64(series * sliceCount + slice)
                instances.append(
                    SyntheticInstance(
                        seed: instanceSeed, modality: modality, patientID: patientID, studyInstanceUID: studyUID,
                        seriesInstanceUID: seriesUID, sopInstanceUID: makeUID(seed: instanceSeed, salt: 3),
                        instanceNumber: slice + 1, seriesNumber: series + 1, rows: rows, columns: columns))
            }
        }
        return instances
    }

    /// A UID under 2.25 derived from `seed` and `salt` (at most 64 characters, PS3.5 §9).
    public static func makeUID(seed: UInt64, salt: UInt64) -> String {
        var random = SeededRandom(seed: Mixing.mix64(seed) ^ Mixing.mix64(salt &+ 0x5EED))
        let high = random.next() >> 1
        let low = random.next() % 10_000_000_000_000_000
        return "2.25.\(high)\(low)"
    }

    /// The data set without pixel data.
    public func makeDataSet() -> DataSet {
        let isMR = modality == "MR"
        let slicePosition = Double(instanceNumber - 1) * 1.25
        var elements: [DataElement] = [
            DataElement(tag: .specificCharacterSet, vr: .CS, text: "ISO_IR 192"),
            DataElement(tag: .imageType, vr: .CS, texts: ["ORIGINAL", "PRIMARY", "AXIAL"]),
            DataElement(tag: .sopClassUID, vr: .UI, text: isMR ? Self.mrImageStorage : Self.ctImageStorage),
            DataElement(tag: .sopInstanceUID, vr: .UI, text: sopInstanceUID),
            DataElement(tag: .studyDate, vr: .DA, text: studyDate),
            DataElement(tag: .seriesDate, vr: .DA, text: studyDate),
            DataElement(tag: .contentDate, vr: .DA, text: studyDate),
            DataElement(tag: .studyTime, vr: .TM, text: studyTime),
            DataElement(tag: .seriesTime, vr: .TM, text: studyTime),
            DataElement(tag: .contentTime, vr: .TM, text: studyTime),
            DataElement(tag: .accessionNumber, vr: .SH, text: accessionNumber),
            DataElement(tag: .modality, vr: .CS, text: modality),
            DataElement(tag: .manufacturer, vr: .LO, text: "Tessera Synthetic"),
            DataElement(tag: .institutionName, vr: .LO, text: "CHU Grand Est"),
            DataElement(tag: .referringPhysicianName, vr: .PN, text: referringPhysicianName),
            DataElement(tag: .studyDescription, vr: .LO, text: studyDescription),
            DataElement(tag: .seriesDescription, vr: .LO, text: seriesDescription),
            DataElement(tag: .patientName, vr: .PN, text: patientName),
            DataElement(tag: .patientID, vr: .LO, text: patientID),
            DataElement(tag: .patientBirthDate, vr: .DA, text: patientBirthDate),
            DataElement(tag: .patientSex, vr: .CS, text: patientSex),
            DataElement(tag: .bodyPartExamined, vr: .CS, text: isMR ? "HEAD" : "CHEST"),
            DataElement(tag: .sliceThickness, vr: .DS, text: "1.25"),
            DataElement(tag: .patientPosition, vr: .CS, text: "HFS"),
            DataElement(tag: .studyInstanceUID, vr: .UI, text: studyInstanceUID),
            DataElement(tag: .seriesInstanceUID, vr: .UI, text: seriesInstanceUID),
            DataElement(tag: .studyID, vr: .SH, text: studyID),
            DataElement(tag: .seriesNumber, vr: .IS, text: String(seriesNumber)),
            DataElement(tag: .instanceNumber, vr: .IS, text: String(instanceNumber)),
            DataElement(tag: .imagePositionPatient, vr: .DS, texts: ["-160", "-160", String(slicePosition)]),
            DataElement(tag: .imageOrientationPatient, vr: .DS, texts: ["1", "0", "0", "0", "1", "0"]),
            DataElement(tag: .frameOfReferenceUID, vr: .UI, text: Self.makeUID(seed: pixelSeed, salt: 4)),
            DataElement(tag: .sliceLocation, vr: .DS, text: String(slicePosition)),
            DataElement(tag: .samplesPerPixel, vr: .US, integers: [UInt16(1)]),
            DataElement(tag: .photometricInterpretation, vr: .CS, text: "MONOCHROME2"),
            DataElement(tag: .rows, vr: .US, integers: [UInt16(rows)]),
            DataElement(tag: .columns, vr: .US, integers: [UInt16(columns)]),
            DataElement(tag: .pixelSpacing, vr: .DS, texts: ["0.625", "0.625"]),
            DataElement(tag: .bitsAllocated, vr: .US, integers: [UInt16(16)]),
            DataElement(tag: .bitsStored, vr: .US, integers: [UInt16(12)]),
            DataElement(tag: .highBit, vr: .US, integers: [UInt16(11)]),
            DataElement(tag: .pixelRepresentation, vr: .US, integers: [UInt16(0)]),
            DataElement(tag: .windowCenter, vr: .DS, text: isMR ? "600" : "40"),
            DataElement(tag: .windowWidth, vr: .DS, text: isMR ? "1200" : "400"),
        ]
        if !isMR {
            elements.append(DataElement(tag: .kvp, vr: .DS, text: "120"))
            elements.append(DataElement(tag: .rescaleIntercept, vr: .DS, text: "-1024"))
            elements.append(DataElement(tag: .rescaleSlope, vr: .DS, text: "1"))
        }
        return DataSet(elements.sorted { $0.tag < $1.tag }, characterSet: .utf8)
    }

    /// The native pixel data: rows × columns 16-bit little-endian values with 12 bits used.
    public func makePixelData() -> [UInt8] {
        var random = SeededRandom(seed: pixelSeed)
        var bytes = random.bytes(rows * columns * 2)
        bytes.withUnsafeMutableBufferPointer { buffer in
            var index = 1
            while index < buffer.count {
                buffer[index] &= 0x0F
                index += 2
            }
        }
        return bytes
    }

    /// The whole Part-10 file.
    public func part10(transferSyntax: TransferSyntax = .explicitVRLittleEndian) -> [UInt8] {
        Part10Writer.write(makeDataSet(), transferSyntax: transferSyntax, pixelData: .native(makePixelData()))
    }
}
