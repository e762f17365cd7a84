// Removing instances from the catalog: the instance row and its header JSON, its series and study counts (and the
// series or study once empty, else the study's modalities), its outbox entries; with a regional version, the
// tombstone of its instance row, which anti-entropy carries to every node (DESIGN.md, "Regional catalog").
public import Primitives
import SQLite

/// One instance the catalog no longer lists: its store object may now be deleted.
public struct CatalogDeletedInstance: Sendable, Hashable {
    public let sopInstanceUID: String
    public let manifestAddress: ChunkAddress

    public init(sopInstanceUID: String, manifestAddress: ChunkAddress) {
        self.sopInstanceUID = sopInstanceUID
        self.manifestAddress = manifestAddress
    }
}

extension CatalogWriter {
    /// Removes `sopUID`'s rows; nil when the catalog does not list it. With `version`, also writes the tombstone
    /// of its regional instance row, later than `version` and than the row it supersedes.
    func deleteOne(_ sopUID: String, version: HLCTimestamp?, digests: inout RegionalDigestTree) throws
        -> CatalogDeletedInstance?
    {
        var found: (instance: Int64, series: Int64, study: Int64, manifest: ChunkAddress)?
        try statement(
            """
            SELECT i.id, i.series_key, se.study_key, i.manifest FROM instances i JOIN series se ON se.id = i.series_key
            WHERE i.sop_instance_uid = ?1
            """
        ).query([.text(sopUID)]) { row in
            found = (row.int64(at: 0), row.int64(at: 1), row.int64(at: 2), try CatalogReader.address(row.blob(at: 3)))
        }
        if let version { try tombstone(.instance(sopUID), after: version, digests: &digests) }
        guard let found else { return nil }
        try statement("DELETE FROM instance_metadata WHERE instance_key = ?1").run([.integer(found.instance)])
        try statement("DELETE FROM instances WHERE id = ?1").run([.integer(found.instance)])
        try statement("DELETE FROM outbox WHERE instance_uid = ?1").run([.text(sopUID)])
        try statement("UPDATE series SET instance_count = instance_count - 1 WHERE id = ?1").run([
            .integer(found.series)
        ])
        let seriesLeft = try count("SELECT instance_count FROM series WHERE id = ?1", found.series)
        if seriesLeft <= 0 { try statement("DELETE FROM series WHERE id = ?1").run([.integer(found.series)]) }
        try statement(
            """
            UPDATE studies SET instance_count = instance_count - 1, series_count = series_count - ?2 WHERE id = ?1
            """
        ).run([.integer(found.study), .integer(seriesLeft <= 0 ? 1 : 0)])
        if try count("SELECT instance_count FROM studies WHERE id = ?1", found.study) <= 0 {
            try statement("DELETE FROM studies WHERE id = ?1").run([.integer(found.study)])
        } else if seriesLeft <= 0 {
            try refreshModalities(studyKey: found.study)
        }
        return CatalogDeletedInstance(sopInstanceUID: sopUID, manifestAddress: found.manifest)
    }

    /// Writes the tombstone of `key`, versioned after `version` and after the row it supersedes (a row stamped by
    /// a node whose clock is ahead must still lose to the deletion).
    func tombstone(_ key: RegionalKey, after version: HLCTimestamp, digests: inout RegionalDigestTree) throws {
        var stamp = version
        if let held = try regionalRow(key)?.version, held >= version {
            stamp = HLCTimestamp(clockValue: held.clockValue + 1, nodeID: version.nodeID)
        }
        _ = try mergeRegional(.tombstone(key, version: stamp), horizon: 0, digests: &digests)
    }

    private func count(_ sql: String, _ key: Int64) throws -> Int64 {
        var value: Int64 = 0
        try statement(sql).query([.integer(key)]) { value = $0.int64(at: 0) }
        return value
    }
}
