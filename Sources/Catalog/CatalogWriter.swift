// The catalog's one writer connection and its prepared statements: inserts an instance with its patient, study and
// series, keeping counts and ModalitiesInStudy current. Lives behind the Catalog's Mutex, so one thread at a time.
import Primitives
import SQLite

/// Writes to the catalog. Not thread-safe: Catalog keeps it behind a Mutex.
///
/// Attribute rule: the first instance of a study or series creates its row; each later one merges its values in by
/// LowestValueRule (the lowest non-empty value wins), so the row does not depend on the order instances arrive in
/// and a re-store changes nothing. Patient attributes are kept per study, never shared between studies through
/// their PatientID: a study shows the patient its own instances name, and a disagreement with another study is
/// reported (`PatientConflict`).
final class CatalogWriter {
    let connection: Connection
    private let statementCache: StatementCache
    /// The digests of the regional rows as committed (a rolled-back transaction leaves them as they were).
    var regionalDigests = RegionalDigestTree()

    init(connection: Connection) {
        self.connection = connection
        statementCache = StatementCache(connection: connection)
    }

    /// The cached prepared statement for `sql`.
    func statement(_ sql: String) throws(SQLiteError) -> Statement { try statementCache.statement(sql) }

    /// Inserts every element of `batch` in one transaction, committed only if `shouldCommit` (called with every
    /// row in) returns true, else rolled back (nil); throws on the first invalid instance and stores none. With
    /// `sharing`, the regional rows and outbox entries go in the same transaction.
    func insert(
        _ batch: [(instance: CatalogInstance, version: HLCTimestamp)], sharing: CatalogSharing?,
        committingIf shouldCommit: () -> Bool
    ) throws(CatalogError) -> [CatalogInsertOutcome]? {
        var changed = regionalDigests
        let outcomes: [CatalogInsertOutcome]? = try CatalogFailure.mapping(
            "inserting \(batch.count) instances into \(connection.path)"
        ) {
            do {
                return try connection.transaction {
                    var outcomes: [CatalogInsertOutcome] = []
                    outcomes.reserveCapacity(batch.count)
                    for (instance, version) in batch {
                        let outcome = try insertOne(instance, version: version)
                        if let sharing {
                            try share(instance, outcome: outcome, version: version, sharing: sharing, digests: &changed)
                        }
                        outcomes.append(outcome)
                    }
                    guard shouldCommit() else { throw Withdrawn() }
                    return outcomes
                }
            } catch is Withdrawn {
                return nil
            }
        }
        if outcomes != nil { regionalDigests = changed }
        return outcomes
    }

    /// A transaction its caller chose not to commit (rolled back).
    private struct Withdrawn: Error {}

    func insertOne(_ instance: CatalogInstance, version: HLCTimestamp) throws -> CatalogInsertOutcome {
        try Self.validate(instance)
        let studyUID = instance.value(CatalogTag.studyInstanceUID)
        let seriesUID = instance.value(CatalogTag.seriesInstanceUID)
        let sopUID = instance.value(CatalogTag.sopInstanceUID)
        let versionText = SQLValue.text(version.sortableText)
        if let existing = try existingInstance(sopUID) {
            let isSame =
                existing.manifest == instance.manifestAddress && existing.seriesUID == seriesUID
                && existing.studyUID == studyUID
            return isSame ? .alreadyStored : .conflict(existingManifest: existing.manifest)
        }
        let series = try existingSeries(seriesUID)
        if let series, series.studyUID != studyUID {
            throw CatalogError(
                .conflict, "series \(seriesUID) is catalogued under study \(series.studyUID), not \(studyUID)")
        }
        let (studyKey, patientConflict) = try study(of: instance, version: versionText)
        let seriesKey: Int64
        if let series {
            seriesKey = series.key
            if series.current.isChanged(by: instance) {
                try mergeSeries(instance, key: seriesKey, version: versionText)
                if LowestValueRule.wins(instance.value(CatalogTag.modality), over: series.current.modality) {
                    try refreshModalities(studyKey: studyKey)
                }
            }
        } else {
            seriesKey = try insertSeries(instance, studyKey: studyKey, version: versionText)
            try refreshModalities(studyKey: studyKey)
        }
        try insertInstance(instance, seriesKey: seriesKey, version: versionText)
        try statement(
            """
            UPDATE studies SET instance_count = instance_count + 1, series_count = series_count + ?2,
            version = max(version, ?3) WHERE id = ?1
            """
        ).run([.integer(studyKey), .integer(series == nil ? 1 : 0), versionText])
        try statement("UPDATE series SET instance_count = instance_count + 1, version = max(version, ?2) WHERE id = ?1")
            .run([.integer(seriesKey), versionText])
        return .stored(patientConflict: patientConflict)
    }

    // MARK: - Lookups

    private func existingInstance(_ sopUID: String) throws
        -> (manifest: ChunkAddress, seriesUID: String, studyUID: String)?
    {
        let select = try statement(
            """
            SELECT i.manifest, se.series_instance_uid, st.study_instance_uid FROM instances i
            JOIN series se ON se.id = i.series_key JOIN studies st ON st.id = se.study_key
            WHERE i.sop_instance_uid = ?
            """)
        var found: (manifest: ChunkAddress, seriesUID: String, studyUID: String)?
        try select.query([.text(sopUID)]) { row in
            found = (try CatalogReader.address(row.blob(at: 0)), row.text(at: 1), row.text(at: 2))
        }
        return found
    }

    private func existingSeries(_ seriesUID: String) throws -> (key: Int64, studyUID: String, current: SeriesValues)? {
        let select = try statement(
            """
            SELECT se.id, st.study_instance_uid, se.modality, se.series_description, se.series_number,
            se.pps_start_date, se.pps_start_time FROM series se JOIN studies st ON st.id = se.study_key
            WHERE se.series_instance_uid = ?
            """)
        var found: (key: Int64, studyUID: String, current: SeriesValues)?
        try select.query([.text(seriesUID)]) { row in
            found = (
                row.int64(at: 0), row.text(at: 1),
                SeriesValues(
                    modality: row.text(at: 2), description: row.text(at: 3),
                    number: row.isNull(at: 4) ? nil : row.int64(at: 4), ppsStartDate: row.text(at: 5),
                    ppsStartTime: row.text(at: 6))
            )
        }
        return found
    }

    private func key(_ sql: String, _ values: [SQLValue]) throws -> Int64? {
        var key: Int64?
        try statement(sql).query(values) { key = $0.int64(at: 0) }
        return key
    }

    // MARK: - Studies and their patients

    /// The key of the instance's study, inserting it or filling its empty values, with the patient conflict the
    /// instance brings, if any.
    ///
    /// Patient attributes are the study's own, merged from its instances like its other values, and no other
    /// study's values ever reach it. An instance whose non-empty patient values differ
    /// from its study's, or from another study of the same non-empty PatientID, is reported, not refused.
    private func study(of instance: CatalogInstance, version: SQLValue) throws
        -> (key: Int64, patientConflict: PatientConflict?)
    {
        let studyUID = instance.value(CatalogTag.studyInstanceUID)
        let patient = PatientValues(instance)
        let values = Self.patientColumns(instance) + Self.studyValues(instance)
        var found: (key: Int64, patient: PatientValues, changes: Bool)?
        try statement(
            """
            SELECT id, patient_id, issuer_of_patient_id, patient_name_folded, patient_birth_date, patient_sex,
            \(Self.studyMergedColumns.map(\.column).joined(separator: ", ")) FROM studies WHERE study_instance_uid = ?
            """
        ).query([.text(studyUID)]) { row in
            let changes = Self.studyMergedColumns.enumerated().contains { index, merged in
                guard case .text(let new) = values[merged.value] else { return false }
                return LowestValueRule.wins(new, over: row.text(at: Int32(6 + index)))
            }
            found = (row.int64(at: 0), PatientValues(row, from: 1), changes)
        }
        var conflict: PatientConflict?
        if let found {
            let differing = patient.differences(from: found.patient)
            if !differing.isEmpty {
                conflict = PatientConflict(
                    patientID: found.patient.patientID, issuerOfPatientID: found.patient.issuer,
                    studyInstanceUID: studyUID, otherStudyInstanceUID: studyUID, attributes: differing)
            }
        }
        if conflict == nil { conflict = try otherStudyConflict(patient, studyUID: studyUID) }
        guard let found else {
            try statement(
                """
                INSERT INTO studies (study_instance_uid, patient_id, issuer_of_patient_id, patient_name,
                patient_name_folded, patient_birth_date, patient_sex, other_patient_ids, study_date, study_time,
                study_time_key, accession_number, referring_physician_name, referring_physician_name_folded,
                study_description, study_id, timezone_offset_from_utc, modalities_in_study, series_count,
                instance_count, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, 0, ?)
                """
            ).run([.text(studyUID)] + values + [version])
            return (connection.lastInsertRowID, conflict)
        }
        if found.changes { try statement(Self.studyMerge).run([.integer(found.key)] + values + [version]) }
        return (found.key, conflict)
    }

    /// The study columns merged by LowestValueRule with the index of their value in `patientColumns +
    /// studyValues` (the companions derived from them are not compared).
    static let studyMergedColumns: [(column: String, value: Int)] = [
        ("patient_id", 0), ("issuer_of_patient_id", 1), ("patient_name", 2), ("patient_birth_date", 4),
        ("patient_sex", 5), ("other_patient_ids", 6), ("study_date", 7), ("study_time", 8), ("accession_number", 10),
        ("referring_physician_name", 11), ("study_description", 13), ("study_id", 14),
        ("timezone_offset_from_utc", 15),
    ]

    /// The UPDATE merging one instance's values into its study row (LowestValueRule); parameters as INSERT's, the
    /// study's key first and the version last.
    static let studyMerge: String = {
        let rule = LowestValueRule.self
        let assignments =
            rule.assignments("patient_id", 2) + rule.assignments("issuer_of_patient_id", 3)
            + rule.assignments("patient_name", 4, companions: [("patient_name_folded", 5)])
            + rule.assignments("patient_birth_date", 6) + rule.assignments("patient_sex", 7)
            + rule.assignments("other_patient_ids", 8) + rule.assignments("study_date", 9)
            + rule.assignments("study_time", 10, companions: [("study_time_key", 11)])
            + rule.assignments("accession_number", 12)
            + rule.assignments("referring_physician_name", 13, companions: [("referring_physician_name_folded", 14)])
            + rule.assignments("study_description", 15) + rule.assignments("study_id", 16)
            + rule.assignments("timezone_offset_from_utc", 17) + ["version = max(version, ?18)"]
        return "UPDATE studies SET " + assignments.joined(separator: ", ") + " WHERE id = ?1"
    }()

    /// Another study of the instance's (non-empty) PatientID whose non-empty patient values differ from the
    /// instance's, as a conflict; nil when there is none. An empty PatientID identifies nobody and groups nothing.
    private func otherStudyConflict(_ patient: PatientValues, studyUID: String) throws -> PatientConflict? {
        guard !patient.patientID.isEmpty else { return nil }
        var conflict: PatientConflict?
        try statement(
            """
            SELECT study_instance_uid, patient_id, issuer_of_patient_id, patient_name_folded, patient_birth_date,
            patient_sex FROM studies
            WHERE patient_id = ?1 AND issuer_of_patient_id = ?2 AND study_instance_uid <> ?3
            AND ((?4 <> '' AND patient_name_folded NOT IN ('', ?4)) OR (?5 <> '' AND patient_birth_date NOT IN ('', ?5))
            OR (?6 <> '' AND patient_sex NOT IN ('', ?6)))
            ORDER BY id LIMIT 1
            """
        ).query([
            .text(patient.patientID), .text(patient.issuer), .text(studyUID), .text(patient.nameFolded),
            .text(patient.birthDate), .text(patient.sex),
        ]) { row in
            conflict = PatientConflict(
                patientID: patient.patientID, issuerOfPatientID: patient.issuer, studyInstanceUID: studyUID,
                otherStudyInstanceUID: row.text(at: 0),
                attributes: patient.differences(from: PatientValues(row, from: 1)))
        }
        return conflict
    }

    /// The study's patient columns from patient_id to other_patient_ids, in schema order.
    private static func patientColumns(_ instance: CatalogInstance) -> [SQLValue] {
        let name = instance.value(CatalogTag.patientName)
        return [
            .text(instance.value(CatalogTag.patientID)), .text(instance.value(CatalogTag.issuerOfPatientID)),
            .text(name), .text(StoredValue.foldedPersonName(name)),
            .text(StoredValue.date(instance.value(CatalogTag.patientBirthDate))),
            .text(instance.value(CatalogTag.patientSex)), .text(instance.value(CatalogTag.otherPatientIDs)),
        ]
    }

    /// The study columns from study_date to timezone_offset_from_utc, in schema order.
    private static func studyValues(_ instance: CatalogInstance) -> [SQLValue] {
        let time = instance.value(CatalogTag.studyTime)
        let physician = instance.value(CatalogTag.referringPhysicianName)
        return [
            .text(StoredValue.date(instance.value(CatalogTag.studyDate))), .text(time),
            .text(StoredValue.timeKey(time) ?? time), .text(instance.value(CatalogTag.accessionNumber)),
            .text(physician), .text(StoredValue.foldedPersonName(physician)),
            .text(instance.value(CatalogTag.studyDescription)), .text(instance.value(CatalogTag.studyID)),
            .text(instance.value(CatalogTag.timezoneOffsetFromUTC)),
        ]
    }
}
