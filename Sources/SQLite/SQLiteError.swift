// The one error type of the SQLite module: a result code, SQLite's own message, and the statement or path involved.

/// A failed SQLite call.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The extended result code, e.g. SQLITE_CORRUPT (11) or SQLITE_FULL (13).
    public let code: Int32
    /// SQLite's message for the failure.
    public let message: String
    /// The SQL text or database path the call was about.
    public let context: String

    /// Makes an error from a result code and message.
    public init(code: Int32, message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// Whether the database file is damaged or is not a database at all (SQLITE_CORRUPT, SQLITE_NOTADB).
    public var isCorrupt: Bool { code & 0xFF == 11 || code & 0xFF == 26 }

    /// Whether the disk is full (SQLITE_FULL).
    public var isFull: Bool { code & 0xFF == 13 }

    public var description: String { "SQLite error \(code) (\(message)) in \(context)" }
}
