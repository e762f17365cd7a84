// The series and instance half of CatalogWriter: inserting them, merging series values, recomputing
// ModalitiesInStudy, and checking an instance before anything is written.
import Primitives
import SQLite

extension CatalogWriter {
    /// The longest UID-like identifier accepted. PS3.5 §9.1 allows 64 characters; some real files carry longer or
    /// malformed UIDs, which are catalogued as given rather than refused.
    static let identifierCharacterCountMax = 256

    /// Throws `.badInstance` when `instance` lacks a required UID or carries an oversized value.
    static func validate(_ instance: CatalogInstance) throws(CatalogError) {
        let required: [(UInt32, String)] = [
            (CatalogTag.studyInstanceUID, "StudyInstanceUID"), (CatalogTag.seriesInstanceUID, "SeriesInstanceUID"),
            (CatalogTag.sopInstanceUID, "SOPInstanceUID"), (CatalogTag.sopClassUID, "SOPClassUID"),
        ]
        for (tag, keyword) in required {
            let value = instance.value(tag)
            guard !value.isEmpty else {
                throw CatalogError(.badInstance, "instance has no \(keyword) \(CatalogTag.text(tag))")
            }
            guard value.count <= identifierCharacterCountMax else {
                throw CatalogError(
                    .badInstance, "\(keyword) \(CatalogTag.text(tag)) is over \(identifierCharacterCountMax) characters"
                )
            }
        }
        for attribute in CatalogAttribute.all {
            guard let value = instance.attributes[attribute.tag], value.count > StoredValue.characterCountMax else {
                continue
            }
            throw CatalogError(
                .badInstance, "\(attribute.name) value is over \(StoredValue.characterCountMax) characters")
        }
        guard instance.metadata.count <= CatalogInstance.metadataBytesMax else {
            throw CatalogError(
                .badInstance,
                "metadata of \(instance.metadata.count) bytes exceeds \(CatalogInstance.metadataBytesMax) bytes")
        }
        guard instance.lengthBytes >= 0 else {
            throw CatalogError(.badInstance, "length \(instance.lengthBytes) bytes is negative")
        }
    }

    /// An IS or US value as an integer column, NULL when absent or not a number.
    static func integer(_ instance: CatalogInstance, _ tag: UInt32) -> SQLValue {
        Int64(instance.value(tag)).map { .integer($0) } ?? .null
    }

    func insertSeries(_ instance: CatalogInstance, studyKey: Int64, version: SQLValue) throws -> Int64 {
        let time = instance.value(CatalogTag.performedProcedureStepStartTime)
        try statement(
            """
            INSERT INTO series (series_instance_uid, study_key, modality, series_description, series_number,
            pps_start_date, pps_start_time, pps_start_time_key, instance_count, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
            """
        ).run([
            .text(instance.value(CatalogTag.seriesInstanceUID)), .integer(studyKey),
            .text(instance.value(CatalogTag.modality)), .text(instance.value(CatalogTag.seriesDescription)),
            Self.integer(instance, CatalogTag.seriesNumber),
            .text(StoredValue.date(instance.value(CatalogTag.performedProcedureStepStartDate))), .text(time),
            .text(StoredValue.timeKey(time) ?? time), version,
        ])
        return connection.lastInsertRowID
    }

    func mergeSeries(_ instance: CatalogInstance, key: Int64, version: SQLValue) throws {
        let time = instance.value(CatalogTag.performedProcedureStepStartTime)
        try statement(Self.seriesMerge).run([
            .integer(key), .text(instance.value(CatalogTag.modality)),
            .text(instance.value(CatalogTag.seriesDescription)), Self.integer(instance, CatalogTag.seriesNumber),
            .text(StoredValue.date(instance.value(CatalogTag.performedProcedureStepStartDate))), .text(time),
            .text(StoredValue.timeKey(time) ?? time), version,
        ])
    }

    /// The UPDATE merging one instance's values into its series row (LowestValueRule): key, modality,
    /// description, number, PPS start date, time and time key, version.
    static let seriesMerge: String = {
        let rule = LowestValueRule.self
        let assignments =
            rule.assignments("modality", 2) + rule.assignments("series_description", 3)
            + [rule.integerAssignment("series_number", 4)] + rule.assignments("pps_start_date", 5)
            + rule.assignments("pps_start_time", 6, companions: [("pps_start_time_key", 7)])
            + ["version = max(version, ?8)"]
        return "UPDATE series SET " + assignments.joined(separator: ", ") + " WHERE id = ?1"
    }()

    /// Recomputes the study's ModalitiesInStudy from its series: distinct, sorted, joined with "\\". Runs only when
    /// a series is added or gains a modality, so searches read a stored column instead of aggregating.
    func refreshModalities(studyKey: Int64) throws {
        var modalities: [String] = []
        try statement("SELECT DISTINCT modality FROM series WHERE study_key = ? AND modality <> '' ORDER BY modality")
            .query([.integer(studyKey)]) { modalities.append($0.text(at: 0)) }
        try statement("UPDATE studies SET modalities_in_study = ? WHERE id = ?").run([
            .text(modalities.joined(separator: "\\")), .integer(studyKey),
        ])
    }

    func insertInstance(_ instance: CatalogInstance, seriesKey: Int64, version: SQLValue) throws {
        try statement(
            """
            INSERT INTO instances (sop_instance_uid, series_key, sop_class_uid, instance_number, row_count,
            column_count, number_of_frames, transfer_syntax_uid, manifest, length_bytes, origin_site, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).run([
            .text(instance.value(CatalogTag.sopInstanceUID)), .integer(seriesKey),
            .text(instance.value(CatalogTag.sopClassUID)), Self.integer(instance, CatalogTag.instanceNumber),
            Self.integer(instance, CatalogTag.rows), Self.integer(instance, CatalogTag.columns),
            Self.integer(instance, CatalogTag.numberOfFrames), .text(instance.transferSyntaxUID),
            .blob(instance.manifestAddress.bytes), .integer(instance.lengthBytes), .text(instance.originSite.name),
            version,
        ])
        let instanceKey = connection.lastInsertRowID
        try statement("INSERT INTO instance_metadata (instance_key, metadata) VALUES (?, ?)").run([
            .integer(instanceKey), .blob(instance.metadata),
        ])
    }
}

/// The merged values of a series row, to tell whether an instance changes any (LowestValueRule).
struct SeriesValues {
    var modality: String
    var description: String
    var number: Int64?
    var ppsStartDate: String
    var ppsStartTime: String

    /// Whether merging `instance` into the row changes a value.
    func isChanged(by instance: CatalogInstance) -> Bool {
        let rule = LowestValueRule.self
        return rule.wins(instance.value(CatalogTag.modality), over: modality)
            || rule.wins(instance.value(CatalogTag.seriesDescription), over: description)
            || rule.wins(Int64(instance.value(CatalogTag.seriesNumber)), over: number)
            || rule.wins(
                StoredValue.date(instance.value(CatalogTag.performedProcedureStepStartDate)), over: ppsStartDate)
            || rule.wins(instance.value(CatalogTag.performedProcedureStepStartTime), over: ppsStartTime)
    }
}
