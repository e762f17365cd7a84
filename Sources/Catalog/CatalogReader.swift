// One read-only connection of the catalog's reader pool, with its statement cache: runs searches and retrievals.
// WAL lets it read the last committed state while the writer holds a transaction open.
import Primitives
import SQLite

/// A reader connection. Used by one thread at a time: Catalog takes it out of its pool for one call.
// SAFETY: a reader is only reachable by the thread that took it out of the pool (under the pool's Mutex) until it
// puts it back, so its connection and statements are never used by two threads at once.
final class CatalogReader: @unchecked Sendable {
    let connection: Connection
    private let statementCache: StatementCache

    /// Opens a read-only connection on the catalog at `path`, whose writer has already created and migrated it.
    init(path: String) throws(CatalogError) {
        connection = try CatalogFailure.mapping("opening a reader on \(path)") {
            let connection = try Connection(path: path, readOnly: true)
            try connection.execute(Catalog.connectionPragmas)
            return connection
        }
        statementCache = StatementCache(connection: connection)
    }

    /// The cached prepared statement for `sql`.
    func statement(_ sql: String) throws(SQLiteError) -> Statement { try statementCache.statement(sql) }

    /// The matches of a planned query.
    func matches(_ plan: CatalogQueryPlan, level: CatalogLevel) throws(CatalogError) -> [CatalogMatch] {
        try CatalogFailure.mapping("searching \(connection.path)") {
            var matches: [CatalogMatch] = []
            let recordColumn = Int32(plan.returned.count)
            try statementCache.statement(plan.sql).query(plan.bindings) { row in
                var attributes: [UInt32: String] = [:]
                attributes.reserveCapacity(plan.returned.count)
                for (index, attribute) in plan.returned.enumerated() {
                    attributes[attribute.tag] = row.text(at: Int32(index))
                }
                let record = level == .instance ? try Self.record(row, from: recordColumn) : nil
                matches.append(CatalogMatch(level: level, attributes: attributes, record: record))
            }
            return matches
        }
    }

    /// The instances of a study, series or single instance, for WADO-RS.
    func instances(studyUID: String, seriesUID: String?, sopUID: String?, includingMetadata: Bool, limit: Int?)
        throws(CatalogError) -> [CatalogStoredInstance]
    {
        var sql = """
            SELECT st.study_instance_uid, se.series_instance_uid, i.sop_class_uid, i.sop_instance_uid,
            i.manifest, i.length_bytes, i.transfer_syntax_uid, i.origin_site, i.version,
            \(includingMetadata ? "m.metadata" : "NULL") FROM studies st
            JOIN series se ON se.study_key = st.id JOIN instances i ON i.series_key = se.id
            LEFT JOIN instance_metadata m ON m.instance_key = i.id WHERE st.study_instance_uid = ?
            """
        var bindings: [SQLValue] = [.text(studyUID)]
        if let seriesUID {
            sql += " AND se.series_instance_uid = ?"
            bindings.append(.text(seriesUID))
        }
        if let sopUID {
            sql += " AND i.sop_instance_uid = ?"
            bindings.append(.text(sopUID))
        }
        sql += """
             ORDER BY se.series_number IS NULL, se.series_number, se.series_instance_uid,
            i.instance_number IS NULL, i.instance_number, i.sop_instance_uid
            """
        if let limit {
            sql += " LIMIT ?"
            bindings.append(.integer(Int64(limit)))
        }
        return try CatalogFailure.mapping("reading instances of study \(studyUID) from \(connection.path)") {
            var instances: [CatalogStoredInstance] = []
            try statementCache.statement(sql).query(bindings) { row in
                instances.append(
                    CatalogStoredInstance(
                        studyInstanceUID: row.text(at: 0), seriesInstanceUID: row.text(at: 1),
                        sopClassUID: row.text(at: 2), sopInstanceUID: row.text(at: 3),
                        record: try Self.record(row, from: 4), metadata: row.blob(at: 9)))
            }
            return instances
        }
    }

    /// The PatientIDs whose studies disagree on a non-empty name, birth date or sex, by PatientID and issuer; at
    /// most `limit` of them.
    func patientConflicts(limit: Int) throws(CatalogError) -> [PatientConflictSummary] {
        let sql = """
            SELECT st.patient_id, st.issuer_of_patient_id, st.study_instance_uid, st.patient_name,
            st.patient_birth_date, st.patient_sex, st.study_date, st.accession_number FROM studies st
            JOIN (SELECT patient_id, issuer_of_patient_id FROM studies WHERE patient_id <> ''
                GROUP BY patient_id, issuer_of_patient_id
                HAVING count(DISTINCT nullif(patient_name_folded, '')) > 1
                OR count(DISTINCT nullif(patient_birth_date, '')) > 1 OR count(DISTINCT nullif(patient_sex, '')) > 1
                ORDER BY patient_id, issuer_of_patient_id LIMIT ?) c
            ON c.patient_id = st.patient_id AND c.issuer_of_patient_id = st.issuer_of_patient_id
            ORDER BY st.patient_id, st.issuer_of_patient_id, st.id
            """
        return try CatalogFailure.mapping("listing patient conflicts in \(connection.path)") {
            var summaries: [PatientConflictSummary] = []
            try statementCache.statement(sql).query([.integer(Int64(limit))]) { row in
                let (patientID, issuer) = (row.text(at: 0), row.text(at: 1))
                let study = PatientConflictSummary.Study(
                    studyInstanceUID: row.text(at: 2), patientName: row.text(at: 3), patientBirthDate: row.text(at: 4),
                    patientSex: row.text(at: 5), studyDate: row.text(at: 6), accessionNumber: row.text(at: 7))
                if let last = summaries.last, last.patientID == patientID, last.issuerOfPatientID == issuer {
                    summaries[summaries.count - 1].studies.append(study)
                } else {
                    summaries.append(
                        PatientConflictSummary(patientID: patientID, issuerOfPatientID: issuer, studies: [study]))
                }
            }
            return summaries
        }
    }

    /// The integer the one-row, one-column `sql` returns.
    func integer(_ sql: String) throws(CatalogError) -> Int64 {
        try CatalogFailure.mapping("running \(sql) on \(connection.path)") {
            var value: Int64 = 0
            try statementCache.statement(sql).query { value = $0.int64(at: 0) }
            return value
        }
    }

    /// The greatest instance version stored, nil when the catalog is empty.
    func versionMax() throws(CatalogError) -> HLCTimestamp? {
        try CatalogFailure.mapping("reading the newest version from \(connection.path)") {
            var text = ""
            try statementCache.statement("SELECT max(version) FROM instances").query { text = $0.text(at: 0) }
            var regional: HLCTimestamp?
            try statementCache.statement(
                "SELECT version_clock, version_node FROM regional_rows ORDER BY version_clock DESC LIMIT 1"
            ).query {
                regional = HLCTimestamp(
                    clockValue: $0.int64(at: 0), nodeID: NodeID(UInt64(bitPattern: $0.int64(at: 1))))
            }
            guard !text.isEmpty else { return regional }
            guard let version = HLCTimestamp(sortableText: text) else {
                throw CatalogError(.corrupt, "stored version \"\(text)\" in \(connection.path) is not an HLC timestamp")
            }
            return max(version, regional ?? version)
        }
    }

    /// The instance record in columns `first`…`first + 4`: manifest, length, transfer syntax, origin, version.
    static func record(_ row: Statement, from first: Int32) throws(CatalogError) -> CatalogInstanceRecord {
        let versionText = row.text(at: first + 4)
        guard let version = HLCTimestamp(sortableText: versionText) else {
            throw CatalogError(.corrupt, "stored version \"\(versionText)\" is not an HLC timestamp")
        }
        let siteText = row.text(at: first + 3)
        let originSite: SiteID
        do {
            originSite = try SiteID(siteText)
        } catch {
            throw CatalogError(.corrupt, "stored origin site \"\(siteText.prefix(80))\" is not a site name: \(error)")
        }
        return CatalogInstanceRecord(
            manifestAddress: try address(row.blob(at: first)), lengthBytes: row.int64(at: first + 1),
            transferSyntaxUID: row.text(at: first + 2), originSite: originSite, version: version)
    }

    /// A stored manifest address, or `.corrupt` when it is not 32 bytes.
    static func address(_ bytes: [UInt8]) throws(CatalogError) -> ChunkAddress {
        guard bytes.count == ChunkAddress.byteCount else {
            throw CatalogError(.corrupt, "a stored manifest address has \(bytes.count) bytes, not 32")
        }
        return ChunkAddress(bytes: bytes)
    }
}
