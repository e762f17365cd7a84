// The replication outbox kept in the catalog's database: entries are written with the instances they name (see
// `CatalogSharing`), taken when due, ended by the target's acknowledgement, and put off with back-off when an
// attempt fails. Blocking like the rest of Catalog.
public import Primitives
import SQLite
import Synchronization

extension Catalog {
    /// The entries due at `nowMilliseconds`, the longest-due first, at most `limit`.
    public func outboxDue(atOrBefore nowMilliseconds: Int64, limit: Int) throws(CatalogError) -> [OutboxEntry] {
        precondition(limit > 0, "a listing of due outbox entries needs a positive limit")
        return try outboxEntries(
            where: "due_ms <= ?1 ORDER BY due_ms, instance_uid, target LIMIT ?2",
            [.integer(nowMilliseconds), .integer(Int64(limit))])
    }

    /// The entries of one instance, by target, due or not.
    public func outboxEntries(instanceUID: String) throws(CatalogError) -> [OutboxEntry] {
        try outboxEntries(where: "instance_uid = ?1 ORDER BY target", [.text(instanceUID)])
    }

    private func outboxEntries(where condition: String, _ values: [SQLValue]) throws(CatalogError) -> [OutboxEntry] {
        try withReader { reader throws(CatalogError) in
            try CatalogFailure.mapping("reading the outbox of \(path)") {
                var entries: [OutboxEntry] = []
                try reader.statement(
                    """
                    SELECT instance_uid, target, study_instance_uid, manifest, length_bytes, enqueued_ms, attempts,
                    due_ms, last_error FROM outbox WHERE \(condition)
                    """
                ).query(values) { row in
                    entries.append(
                        OutboxEntry(
                            instanceUID: row.text(at: 0), target: NodeID(UInt64(bitPattern: row.int64(at: 1))),
                            studyInstanceUID: row.text(at: 2),
                            manifestAddress: try CatalogReader.address(row.blob(at: 3)),
                            lengthBytes: row.int64(at: 4), enqueuedMilliseconds: row.int64(at: 5),
                            attempts: Int(row.int64(at: 6)), dueMilliseconds: row.int64(at: 7),
                            lastError: row.text(at: 8)))
                }
                return entries
            }
        }
    }

    /// Ends the entry of `instanceUID` for `target` (it acknowledged a commit); false if there was none.
    @discardableResult
    public func completeOutbox(instanceUID: String, target: NodeID) throws(CatalogError) -> Bool {
        try writer.withLock { writer throws(CatalogError) in
            try CatalogFailure.mapping("ending the outbox entry of \(instanceUID) for \(target) in \(path)") {
                try writer.statement("DELETE FROM outbox WHERE instance_uid = ?1 AND target = ?2")
                    .run([.text(instanceUID), .integer(Int64(bitPattern: target.rawValue))])
                return writer.connection.changes > 0
            }
        }
    }

    /// Merges the holding rows targets acknowledged and ends those entries, in one transaction (one commit for a
    /// whole replication batch).
    public func recordAcknowledgements(
        _ rows: [RegionalRow], completing entries: [(instanceUID: String, target: NodeID)]
    )
        throws(CatalogError)
    {
        guard !rows.isEmpty || !entries.isEmpty else { return }
        try writer.withLock { writer throws(CatalogError) in
            var digests = writer.regionalDigests
            try CatalogFailure.mapping("recording \(entries.count) replication acknowledgements in \(path)") {
                try writer.connection.transaction {
                    _ = try writer.applyRegional(rows, horizon: 0, digests: &digests)
                    let delete = try writer.statement("DELETE FROM outbox WHERE instance_uid = ?1 AND target = ?2")
                    for entry in entries {
                        try delete.run([.text(entry.instanceUID), .integer(Int64(bitPattern: entry.target.rawValue))])
                    }
                }
            }
            writer.regionalDigests = digests
            publishDigests(writer)
        }
    }

    /// Counts a failed attempt on the entry and makes it due again at `dueMilliseconds`; false if there was none.
    @discardableResult
    public func deferOutbox(
        instanceUID: String, target: NodeID, untilMilliseconds dueMilliseconds: Int64, error: String
    )
        throws(CatalogError) -> Bool
    {
        try writer.withLock { writer throws(CatalogError) in
            try CatalogFailure.mapping("putting off the outbox entry of \(instanceUID) for \(target) in \(path)") {
                try writer.statement(
                    """
                    UPDATE outbox SET attempts = attempts + 1, due_ms = ?3, last_error = ?4
                    WHERE instance_uid = ?1 AND target = ?2
                    """
                ).run([
                    .text(instanceUID), .integer(Int64(bitPattern: target.rawValue)), .integer(dueMilliseconds),
                    .text(String(error.prefix(500))),
                ])
                return writer.connection.changes > 0
            }
        }
    }

    /// How many entries wait, and the enqueue time of the oldest (nil when none): the outbox depth and, against
    /// now, the replication lag an operator sees.
    public func outboxSummary() throws(CatalogError) -> (depth: Int, oldestEnqueuedMilliseconds: Int64?) {
        try withReader { reader throws(CatalogError) in
            try CatalogFailure.mapping("summing up the outbox of \(path)") {
                var summary: (depth: Int, oldestEnqueuedMilliseconds: Int64?) = (0, nil)
                try reader.statement("SELECT count(*), min(enqueued_ms) FROM outbox").query { row in
                    summary = (Int(row.int64(at: 0)), row.isNull(at: 1) ? nil : row.int64(at: 1))
                }
                return summary
            }
        }
    }
}
