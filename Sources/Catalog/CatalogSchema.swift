// The catalog's SQLite schema and its migrations, versioned in a `schema_version` table. A migration is frozen once
// released: a new version appends one; a database newer than this build is refused rather than guessed at.
import SQLite

/// Creates and migrates the catalog schema.
enum CatalogSchema {
    /// The schema version this build writes.
    static var version: Int { migrations.count }

    /// Migration n (0-based) takes a database from version n to n + 1.
    ///
    /// Text attributes are NOT NULL ("" when absent) so fill-if-empty updates and equality stay simple; integer
    /// attributes are NULL when absent or not a number. `*_folded` columns hold person names lowercased for
    /// case-insensitive matching; `*_key` columns hold times as HHMMSS.FFFFFF for range matching. Every matched
    /// column has an index. Metadata sits in its own table so the instance B-tree stays small for searches.
    static let migrations: [String] = [
        """
        CREATE TABLE patients (
            id INTEGER PRIMARY KEY,
            patient_id TEXT NOT NULL, issuer_of_patient_id TEXT NOT NULL,
            patient_name TEXT NOT NULL, patient_name_folded TEXT NOT NULL,
            patient_birth_date TEXT NOT NULL, patient_sex TEXT NOT NULL,
            version TEXT NOT NULL,
            UNIQUE (patient_id, issuer_of_patient_id));
        CREATE INDEX patients_by_name ON patients (patient_name_folded);
        CREATE INDEX patients_by_issuer ON patients (issuer_of_patient_id);
        CREATE INDEX patients_by_birth_date ON patients (patient_birth_date);
        CREATE INDEX patients_by_sex ON patients (patient_sex);
        CREATE TABLE studies (
            id INTEGER PRIMARY KEY,
            study_instance_uid TEXT NOT NULL UNIQUE,
            patient_key INTEGER NOT NULL REFERENCES patients (id),
            study_date TEXT NOT NULL, study_time TEXT NOT NULL, study_time_key TEXT NOT NULL,
            accession_number TEXT NOT NULL,
            referring_physician_name TEXT NOT NULL, referring_physician_name_folded TEXT NOT NULL,
            study_description TEXT NOT NULL, study_id TEXT NOT NULL, timezone_offset_from_utc TEXT NOT NULL,
            modalities_in_study TEXT NOT NULL,
            series_count INTEGER NOT NULL, instance_count INTEGER NOT NULL,
            version TEXT NOT NULL);
        CREATE INDEX studies_by_patient ON studies (patient_key);
        CREATE INDEX studies_by_date ON studies (study_date, study_time_key);
        CREATE INDEX studies_by_time ON studies (study_time_key);
        CREATE INDEX studies_by_accession ON studies (accession_number);
        CREATE INDEX studies_by_referring ON studies (referring_physician_name_folded);
        CREATE INDEX studies_by_description ON studies (study_description);
        CREATE INDEX studies_by_study_id ON studies (study_id);
        CREATE INDEX studies_by_timezone ON studies (timezone_offset_from_utc);
        CREATE INDEX studies_by_series_count ON studies (series_count);
        CREATE INDEX studies_by_instance_count ON studies (instance_count);
        CREATE TABLE series (
            id INTEGER PRIMARY KEY,
            series_instance_uid TEXT NOT NULL UNIQUE,
            study_key INTEGER NOT NULL REFERENCES studies (id),
            modality TEXT NOT NULL, series_description TEXT NOT NULL, series_number INTEGER,
            pps_start_date TEXT NOT NULL, pps_start_time TEXT NOT NULL, pps_start_time_key TEXT NOT NULL,
            instance_count INTEGER NOT NULL,
            version TEXT NOT NULL);
        CREATE INDEX series_by_study ON series (study_key, modality);
        CREATE INDEX series_by_modality ON series (modality);
        CREATE INDEX series_by_description ON series (series_description);
        CREATE INDEX series_by_number ON series (series_number);
        CREATE INDEX series_by_pps_start ON series (pps_start_date, pps_start_time_key);
        CREATE INDEX series_by_pps_start_time ON series (pps_start_time_key);
        CREATE INDEX series_by_instance_count ON series (instance_count);
        CREATE TABLE instances (
            id INTEGER PRIMARY KEY,
            sop_instance_uid TEXT NOT NULL UNIQUE,
            series_key INTEGER NOT NULL REFERENCES series (id),
            sop_class_uid TEXT NOT NULL, instance_number INTEGER,
            row_count INTEGER, column_count INTEGER, number_of_frames INTEGER,
            transfer_syntax_uid TEXT NOT NULL, manifest BLOB NOT NULL, length_bytes INTEGER NOT NULL,
            origin_site TEXT NOT NULL, version TEXT NOT NULL);
        CREATE INDEX instances_by_series ON instances (series_key, instance_number);
        CREATE INDEX instances_by_class ON instances (sop_class_uid);
        CREATE INDEX instances_by_number ON instances (instance_number);
        CREATE INDEX instances_by_size ON instances (row_count, column_count);
        CREATE INDEX instances_by_columns ON instances (column_count);
        CREATE INDEX instances_by_frames ON instances (number_of_frames);
        CREATE INDEX instances_by_version ON instances (version);
        CREATE TABLE instance_metadata (
            instance_key INTEGER PRIMARY KEY REFERENCES instances (id),
            metadata BLOB NOT NULL);
        """,
        // Version 2: patient attributes belong to each study, never shared through a patient row (a study shows
        // the patient its own instances name). Only ever runs on a catalog without studies: see `rebuildBelow`.
        """
        CREATE TABLE studies_v2 (
            id INTEGER PRIMARY KEY,
            study_instance_uid TEXT NOT NULL UNIQUE,
            patient_id TEXT NOT NULL, issuer_of_patient_id TEXT NOT NULL,
            patient_name TEXT NOT NULL, patient_name_folded TEXT NOT NULL,
            patient_birth_date TEXT NOT NULL, patient_sex TEXT NOT NULL, other_patient_ids TEXT NOT NULL,
            study_date TEXT NOT NULL, study_time TEXT NOT NULL, study_time_key TEXT NOT NULL,
            accession_number TEXT NOT NULL,
            referring_physician_name TEXT NOT NULL, referring_physician_name_folded TEXT NOT NULL,
            study_description TEXT NOT NULL, study_id TEXT NOT NULL, timezone_offset_from_utc TEXT NOT NULL,
            modalities_in_study TEXT NOT NULL,
            series_count INTEGER NOT NULL, instance_count INTEGER NOT NULL,
            version TEXT NOT NULL);
        DROP TABLE studies;
        DROP TABLE patients;
        ALTER TABLE studies_v2 RENAME TO studies;
        CREATE INDEX studies_by_patient_id ON studies (patient_id, issuer_of_patient_id);
        CREATE INDEX studies_by_patient_name ON studies (patient_name_folded);
        CREATE INDEX studies_by_issuer ON studies (issuer_of_patient_id);
        CREATE INDEX studies_by_birth_date ON studies (patient_birth_date);
        CREATE INDEX studies_by_sex ON studies (patient_sex);
        CREATE INDEX studies_by_other_ids ON studies (other_patient_ids);
        CREATE INDEX studies_by_date ON studies (study_date, study_time_key, study_instance_uid);
        CREATE INDEX studies_by_time ON studies (study_time_key);
        CREATE INDEX studies_by_accession ON studies (accession_number);
        CREATE INDEX studies_by_referring ON studies (referring_physician_name_folded);
        CREATE INDEX studies_by_description ON studies (study_description);
        CREATE INDEX studies_by_study_id ON studies (study_id);
        CREATE INDEX studies_by_timezone ON studies (timezone_offset_from_utc);
        CREATE INDEX studies_by_series_count ON studies (series_count);
        CREATE INDEX studies_by_instance_count ON studies (instance_count);
        """,
        // Version 3: the regional catalog's rows (with their anti-entropy bucket and fingerprint, so the digest tree
        // is rebuilt at open without reading payloads) and the replication outbox, written in the same transaction
        // as the instance they are about. Node ids are stored as their 64-bit pattern.
        """
        CREATE TABLE regional_rows (
            instance_uid TEXT NOT NULL, kind INTEGER NOT NULL, holder INTEGER NOT NULL,
            version_clock INTEGER NOT NULL, version_node INTEGER NOT NULL, tombstone INTEGER NOT NULL,
            payload BLOB NOT NULL, bucket INTEGER NOT NULL,
            fingerprint_high INTEGER NOT NULL, fingerprint_low INTEGER NOT NULL,
            PRIMARY KEY (instance_uid, kind, holder)) WITHOUT ROWID;
        CREATE INDEX regional_rows_by_bucket ON regional_rows (bucket);
        CREATE INDEX regional_rows_by_tombstone ON regional_rows (tombstone, version_clock);
        CREATE TABLE outbox (
            instance_uid TEXT NOT NULL, target INTEGER NOT NULL, study_instance_uid TEXT NOT NULL,
            manifest BLOB NOT NULL, length_bytes INTEGER NOT NULL, enqueued_ms INTEGER NOT NULL,
            attempts INTEGER NOT NULL, due_ms INTEGER NOT NULL, last_error TEXT NOT NULL,
            PRIMARY KEY (instance_uid, target)) WITHOUT ROWID;
        CREATE INDEX outbox_by_due ON outbox (due_ms);
        """,
    ]

    /// A catalog below this version that holds studies cannot be migrated in place, because what it stored is
    /// not enough to derive the new schema: version 1 kept one patient row per PatientID, so a later study's own
    /// patient name was lost. Such a catalog is refused with `.outdated` and rebuilt from the store.
    static let rebuildBelow = 2

    /// Brings the database on `connection` to `version`, creating it when empty. Throws `.schema` when the
    /// database is newer than this build or a migration fails.
    static func migrate(_ connection: Connection, path: String) throws(CatalogError) {
        let stored = try CatalogFailure.mapping("reading the schema version of \(path)") {
            try connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            var versions: [Int64] = []
            try connection.prepare("SELECT version FROM schema_version").query { versions.append($0.int64(at: 0)) }
            return versions
        }
        guard stored.count <= 1 else {
            throw CatalogError(.schema, "\(path) holds \(stored.count) schema_version rows; expected one")
        }
        let current = Int(stored.first ?? 0)
        guard current <= version else {
            throw CatalogError(
                .schema, "\(path) has catalog schema version \(current), newer than this build's \(version)")
        }
        guard current < version else { return }
        if current > 0 && current < rebuildBelow {
            let studyCount = try CatalogFailure.mapping("counting the studies of \(path)") {
                var count: Int64 = 0
                try connection.prepare("SELECT count(*) FROM studies").query { count = $0.int64(at: 0) }
                return count
            }
            guard studyCount == 0 else {
                throw CatalogError(
                    .outdated,
                    "\(path) has catalog schema version \(current), which cannot be migrated to \(version) in place "
                        + "(it kept one patient's name for every study of a PatientID); rebuild it from the store")
            }
        }
        do {
            try connection.transaction {
                for migration in migrations[current...] { try connection.execute(migration) }
                try connection.execute("DELETE FROM schema_version")
                try connection.prepare("INSERT INTO schema_version VALUES (?)").run([.integer(Int64(version))])
            }
        } catch {
            throw CatalogError(.schema, "migrating \(path) from schema version \(current) to \(version): \(error)")
        }
    }
}
