// The registry of indexed attributes: for each tag, its level, the SQL columns that return and match it, and the
// kind of matching its value representation allows (PS3.4 C.2.2.2). Pure data; the query compiler reads it.

/// One attribute the catalog stores, returns in matches and can filter on.
struct CatalogAttribute: Sendable {
    /// How a filter value is interpreted, by value representation (PS3.4 C.2.2.2).
    enum Matching: Sendable, Equatable {
        /// AE, CS, LO, SH, LT: single value (case-sensitive) or wildcard.
        case text
        /// PN: single value or wildcard, case-insensitive, on a folded column.
        case personName
        /// DA: single value or range.
        case date
        /// TM: single value or range, on a column normalised to HHMMSS.FFFFFF.
        case time
        /// UI: single value or list.
        case uid
        /// IS, US and computed counts: single integer value.
        case integer
        /// ModalitiesInStudy: a study matches when any of its series' Modality matches one of the values.
        case modalitiesInStudy
    }

    /// The tag, 0xGGGGEEEE.
    let tag: UInt32
    /// The PS3.6 keyword, for messages.
    let keyword: String
    /// The lowest level whose matches carry it; it may be matched there and at every lower level.
    let level: CatalogLevel
    /// The SQL expression returning the stored value (table aliases st, se, i).
    let column: String
    /// The SQL expression a filter compares against, when it differs from `column` (folded PN, normalised TM).
    let matchColumn: String
    /// How filter values are read.
    let matching: Matching

    init(
        _ tag: UInt32, _ keyword: String, _ level: CatalogLevel, _ column: String, _ matching: Matching,
        matchColumn: String? = nil
    ) {
        self.tag = tag
        self.keyword = keyword
        self.level = level
        self.column = column
        self.matchColumn = matchColumn ?? column
        self.matching = matching
    }

    /// "StudyDate (0008,0020)", for messages.
    var name: String { "\(keyword) \(CatalogTag.text(tag))" }

    /// Every indexed attribute, in the order matches list them: study (with its patient), series, instance.
    static let all: [CatalogAttribute] = [
        .init(
            CatalogTag.patientName, "PatientName", .study, "st.patient_name", .personName,
            matchColumn: "st.patient_name_folded"),
        .init(CatalogTag.patientID, "PatientID", .study, "st.patient_id", .text),
        .init(CatalogTag.issuerOfPatientID, "IssuerOfPatientID", .study, "st.issuer_of_patient_id", .text),
        .init(CatalogTag.patientBirthDate, "PatientBirthDate", .study, "st.patient_birth_date", .date),
        .init(CatalogTag.patientSex, "PatientSex", .study, "st.patient_sex", .text),
        .init(CatalogTag.otherPatientIDs, "OtherPatientIDs", .study, "st.other_patient_ids", .text),
        .init(CatalogTag.studyDate, "StudyDate", .study, "st.study_date", .date),
        .init(CatalogTag.studyTime, "StudyTime", .study, "st.study_time", .time, matchColumn: "st.study_time_key"),
        .init(CatalogTag.accessionNumber, "AccessionNumber", .study, "st.accession_number", .text),
        .init(
            CatalogTag.referringPhysicianName, "ReferringPhysicianName", .study, "st.referring_physician_name",
            .personName, matchColumn: "st.referring_physician_name_folded"),
        .init(CatalogTag.studyDescription, "StudyDescription", .study, "st.study_description", .text),
        .init(CatalogTag.studyID, "StudyID", .study, "st.study_id", .text),
        .init(CatalogTag.studyInstanceUID, "StudyInstanceUID", .study, "st.study_instance_uid", .uid),
        .init(CatalogTag.timezoneOffsetFromUTC, "TimezoneOffsetFromUTC", .study, "st.timezone_offset_from_utc", .text),
        .init(
            CatalogTag.modalitiesInStudy, "ModalitiesInStudy", .study, "st.modalities_in_study",
            .modalitiesInStudy),
        .init(
            CatalogTag.numberOfStudyRelatedSeries, "NumberOfStudyRelatedSeries", .study, "st.series_count",
            .integer),
        .init(
            CatalogTag.numberOfStudyRelatedInstances, "NumberOfStudyRelatedInstances", .study,
            "st.instance_count", .integer),
        .init(CatalogTag.modality, "Modality", .series, "se.modality", .text),
        .init(CatalogTag.seriesDescription, "SeriesDescription", .series, "se.series_description", .text),
        .init(CatalogTag.seriesNumber, "SeriesNumber", .series, "se.series_number", .integer),
        .init(CatalogTag.seriesInstanceUID, "SeriesInstanceUID", .series, "se.series_instance_uid", .uid),
        .init(
            CatalogTag.performedProcedureStepStartDate, "PerformedProcedureStepStartDate", .series,
            "se.pps_start_date", .date),
        .init(
            CatalogTag.performedProcedureStepStartTime, "PerformedProcedureStepStartTime", .series,
            "se.pps_start_time", .time, matchColumn: "se.pps_start_time_key"),
        .init(
            CatalogTag.numberOfSeriesRelatedInstances, "NumberOfSeriesRelatedInstances", .series,
            "se.instance_count", .integer),
        .init(CatalogTag.sopClassUID, "SOPClassUID", .instance, "i.sop_class_uid", .uid),
        .init(CatalogTag.sopInstanceUID, "SOPInstanceUID", .instance, "i.sop_instance_uid", .uid),
        .init(CatalogTag.instanceNumber, "InstanceNumber", .instance, "i.instance_number", .integer),
        .init(CatalogTag.rows, "Rows", .instance, "i.row_count", .integer),
        .init(CatalogTag.columns, "Columns", .instance, "i.column_count", .integer),
        .init(CatalogTag.numberOfFrames, "NumberOfFrames", .instance, "i.number_of_frames", .integer),
    ]

    /// The registry by tag.
    static let byTag: [UInt32: CatalogAttribute] = Dictionary(uniqueKeysWithValues: all.map { ($0.tag, $0) })

    /// The attributes a match at `level` carries: that level's and every higher level's.
    static func returned(at level: CatalogLevel) -> [CatalogAttribute] { all.filter { $0.level <= level } }
}
