// One SQLite database connection: open, execute, prepare, transactions. The only file in the project, with
// Statement.swift, that touches CSQLite (DESIGN.md: C types do not leak upward).
internal import CSQLite

/// An open SQLite database. Not thread-safe: use it from one thread at a time (own it, or keep it behind a Mutex).
public final class Connection {
    /// The path the connection was opened on, or ":memory:".
    public let path: String
    let handle: OpaquePointer

    /// Opens (and by default creates) the database at `path`, waiting up to `busyTimeoutMilliseconds` on locks.
    public init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5_000) throws(SQLiteError) {
        self.path = path
        var pointer: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite3_open_v2(path, &pointer, flags, nil)
        guard code == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(pointer)
            throw SQLiteError(code: code, message: message, context: path)
        }
        handle = pointer
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    }

    /// BEGIN IMMEDIATE, COMMIT and ROLLBACK, each compiled on first use and kept: a volume's group commit and a
    /// STOW-RS request each run a transaction, and sqlite3_exec would compile the text every time.
    private var transactionSteps: [OpaquePointer?] = Array(repeating: nil, count: TransactionStep.allCases.count)

    /// The statements that frame a transaction.
    private enum TransactionStep: Int, CaseIterable {
        case begin, commit, rollback

        var sql: String {
            switch self {
            case .begin: "BEGIN IMMEDIATE"
            case .commit: "COMMIT"
            case .rollback: "ROLLBACK"
            }
        }
    }

    deinit {
        for statement in transactionSteps { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows (schema, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: code, message: text, context: sql)
        }
    }

    /// Compiles one statement for repeated use.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// Runs `body` inside BEGIN IMMEDIATE … COMMIT, rolling back if it throws.
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try run(.begin)
        do {
            let result = try body()
            try run(.commit)
            return result
        } catch {
            try? run(.rollback)
            throw error
        }
    }

    /// Runs one of the transaction statements, compiling it on first use.
    private func run(_ step: TransactionStep) throws(SQLiteError) {
        if transactionSteps[step.rawValue] == nil {
            var pointer: OpaquePointer?
            let code = sqlite3_prepare_v2(handle, step.sql, -1, &pointer, nil)
            guard code == SQLITE_OK, let pointer else { throw error(code: code, context: step.sql) }
            transactionSteps[step.rawValue] = pointer
        }
        let statement = transactionSteps[step.rawValue]
        let code = sqlite3_step(statement)
        let failure = code == SQLITE_DONE ? nil : error(code: code, context: step.sql)
        sqlite3_reset(statement)
        if let failure { throw failure }
    }

    /// The number of rows the last INSERT, UPDATE or DELETE changed.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last successful INSERT.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    func error(code: Int32, context: String) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), context: context)
    }
}
