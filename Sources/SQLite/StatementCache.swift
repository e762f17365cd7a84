// A bounded cache of prepared statements keyed by SQL text, for connections that run a few query shapes many times
// (the catalog's QIDO searches). It owns its connection's statements, not the connection's lifetime rules.

/// Prepared statements of one connection, reused by SQL text. Not thread-safe: it belongs to its connection's thread.
///
/// The cache holds the connection, never the reverse, so there is no reference cycle. When full it drops the least
/// recently used statement; a dropped statement is finalised once no caller holds it.
public final class StatementCache {
    /// The connection the statements are prepared on.
    public let connection: Connection
    /// The most statements kept prepared at once.
    public let statementCountMax: Int
    private var statements: [String: Statement] = [:]
    private var lastUse: [String: UInt64] = [:]
    private var useCount: UInt64 = 0

    /// Makes an empty cache over `connection` keeping at most `statementCountMax` statements.
    public init(connection: Connection, statementCountMax: Int = 64) {
        precondition(statementCountMax > 0, "a statement cache needs room for one statement")
        self.connection = connection
        self.statementCountMax = statementCountMax
    }

    /// The number of statements held now.
    public var count: Int { statements.count }

    /// The prepared statement for `sql`, compiled on first use. The caller MUST finish with it (run, query or
    /// reset) before asking for the same SQL again.
    public func statement(_ sql: String) throws(SQLiteError) -> Statement {
        useCount += 1
        if let statement = statements[sql] {
            lastUse[sql] = useCount
            return statement
        }
        let statement = try connection.prepare(sql)
        if statements.count >= statementCountMax, let oldest = lastUse.min(by: { $0.value < $1.value })?.key {
            statements[oldest] = nil
            lastUse[oldest] = nil
        }
        statements[sql] = statement
        lastUse[sql] = useCount
        return statement
    }
}
