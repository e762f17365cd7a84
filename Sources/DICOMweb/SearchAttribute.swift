// The attributes QIDO-RS can match and return, with their level, VR and whether PS3.18 returns them by default
// (Tables 10.6.3-3 study, -4 series, -5 instance). They are the attributes the catalog indexes (CatalogTag).

/// One attribute the catalog indexes, as the search service sees it.
struct SearchAttribute: Sendable {
    /// The tag, 0xGGGGEEEE.
    let tag: UInt32
    /// Its level: patient attributes count as study level, as in QIDO-RS.
    let level: ResourceLevel
    /// Its VR, for the DICOM JSON encoding of values.
    let vr: String
    /// Whether PS3.18 §10.6.3.3 lists it among the attributes returned without includefield.
    let isDefault: Bool

    init(_ tag: UInt32, _ level: ResourceLevel, _ vr: String, isDefault: Bool = true) {
        self.tag = tag
        self.level = level
        self.vr = vr
        self.isDefault = isDefault
    }

    /// Every attribute the catalog indexes.
    static let all: [SearchAttribute] = [
        .init(0x0010_0010, .study, "PN"),  // PatientName
        .init(0x0010_0020, .study, "LO"),  // PatientID
        .init(0x0010_0021, .study, "LO", isDefault: false),  // IssuerOfPatientID
        .init(0x0010_0030, .study, "DA"),  // PatientBirthDate
        .init(0x0010_0040, .study, "CS"),  // PatientSex
        .init(0x0010_1000, .study, "LO", isDefault: false),  // OtherPatientIDs
        .init(0x0008_0020, .study, "DA"),  // StudyDate
        .init(0x0008_0030, .study, "TM"),  // StudyTime
        .init(0x0008_0050, .study, "SH"),  // AccessionNumber
        .init(0x0008_0090, .study, "PN"),  // ReferringPhysicianName
        .init(0x0008_1030, .study, "LO", isDefault: false),  // StudyDescription
        .init(0x0020_0010, .study, "SH"),  // StudyID
        .init(0x0020_000D, .study, "UI"),  // StudyInstanceUID
        .init(0x0008_0201, .study, "SH"),  // TimezoneOffsetFromUTC
        .init(0x0008_0061, .study, "CS"),  // ModalitiesInStudy
        .init(0x0020_1206, .study, "IS"),  // NumberOfStudyRelatedSeries
        .init(0x0020_1208, .study, "IS"),  // NumberOfStudyRelatedInstances
        .init(0x0008_0060, .series, "CS"),  // Modality
        .init(0x0008_103E, .series, "LO"),  // SeriesDescription
        .init(0x0020_0011, .series, "IS"),  // SeriesNumber
        .init(0x0020_000E, .series, "UI"),  // SeriesInstanceUID
        .init(0x0040_0244, .series, "DA"),  // PerformedProcedureStepStartDate
        .init(0x0040_0245, .series, "TM"),  // PerformedProcedureStepStartTime
        .init(0x0020_1209, .series, "IS"),  // NumberOfSeriesRelatedInstances
        .init(0x0008_0016, .instance, "UI"),  // SOPClassUID
        .init(0x0008_0018, .instance, "UI"),  // SOPInstanceUID
        .init(0x0020_0013, .instance, "IS"),  // InstanceNumber
        .init(0x0028_0010, .instance, "US"),  // Rows
        .init(0x0028_0011, .instance, "US"),  // Columns
        .init(0x0028_0008, .instance, "IS"),  // NumberOfFrames
    ]

    /// The registry by tag.
    static let byTag: [UInt32: SearchAttribute] = Dictionary(uniqueKeysWithValues: all.map { ($0.tag, $0) })

    /// Instance Availability (0008,0056) CS: every result is ONLINE, since this node serves what it catalogues.
    static let instanceAvailability: UInt32 = 0x0008_0056
}

extension ResourceLevel {
    /// The order of levels from the top of the hierarchy down.
    var depth: Int {
        switch self {
        case .study: 0
        case .series: 1
        case .instance: 2
        }
    }
}
