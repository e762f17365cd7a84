// Goal: the SQLite wrapper's contracts the catalog relies on: statements reused from the cache, WAL readers that see
// committed rows while a writer holds its transaction open, and rollback on a thrown error. Method: real databases
// in temp directories.
import SQLite
import TestSupport
import Testing

@Suite struct SQLiteTests {
    @Test("the statement cache returns one statement per SQL text and evicts the least recently used")
    func statementCache() throws {
        let directory = TemporaryDirectory()
        let connection = try Connection(path: directory.appending("cache.sqlite"))
        try connection.execute("CREATE TABLE t (x INTEGER)")
        let cache = StatementCache(connection: connection, statementCountMax: 2)
        let insert = try cache.statement("INSERT INTO t VALUES (?)")
        #expect(try cache.statement("INSERT INTO t VALUES (?)") === insert)
        try insert.run([.integer(7)])
        let count = try cache.statement("SELECT count(*) FROM t")
        _ = try cache.statement("INSERT INTO t VALUES (?)")
        _ = try cache.statement("SELECT x FROM t")
        #expect(cache.count == 2)
        #expect(try cache.statement("INSERT INTO t VALUES (?)") === insert)
        #expect(try cache.statement("SELECT count(*) FROM t") !== count)
    }

    @Test("a WAL reader sees the last commit while the writer's transaction is still open")
    func walReaderDoesNotWait() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("wal.sqlite")
        let writer = try Connection(path: path)
        try writer.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        let reader = try Connection(path: path, readOnly: true, busyTimeoutMilliseconds: 0)
        let count = try reader.prepare("SELECT count(*) FROM t")
        try writer.execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (2);")
        var seen: [Int64] = []
        try count.query { seen.append($0.int64(at: 0)) }
        try writer.execute("COMMIT")
        try count.query { seen.append($0.int64(at: 0)) }
        #expect(seen == [1, 2])
    }

    @Test("a transaction whose body throws leaves nothing behind")
    func transactionRollsBack() throws {
        struct Abort: Error {}
        let directory = TemporaryDirectory()
        let connection = try Connection(path: directory.appending("tx.sqlite"))
        try connection.execute("CREATE TABLE t (x INTEGER)")
        #expect(throws: Abort.self) {
            try connection.transaction {
                try connection.prepare("INSERT INTO t VALUES (1)").run()
                throw Abort()
            }
        }
        let count = try connection.prepare("SELECT count(*) FROM t")
        var rows: [Int64] = []
        try count.query { rows.append($0.int64(at: 0)) }
        #expect(rows == [0])
    }

    @Test("transactions run back to back reuse their framing: commits keep rows, a rollback between them drops its own")
    func transactionsBackToBack() throws {
        struct Abort: Error {}
        let directory = TemporaryDirectory()
        let path = directory.appending("many.sqlite")
        let connection = try Connection(path: path)
        try connection.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)")
        let insert = try connection.prepare("INSERT INTO t VALUES (?)")
        for round in 0..<50 as Range<Int64> {
            if round % 10 == 5 {
                #expect(throws: Abort.self) {
                    try connection.transaction {
                        try insert.run([.integer(-1)])
                        throw Abort()
                    }
                }
            } else {
                try connection.transaction { try insert.run([.integer(round)]) }
            }
        }
        let reader = try Connection(path: path, readOnly: true)
        var rows: [Int64] = []
        try reader.prepare("SELECT count(*), min(x) FROM t").query {
            rows = [$0.int64(at: 0), $0.int64(at: 1)]
        }
        #expect(rows == [45, 0])
        // A writer busy elsewhere makes BEGIN IMMEDIATE fail, and the next transaction still works.
        let other = try Connection(path: path, busyTimeoutMilliseconds: 0)
        try other.execute("BEGIN IMMEDIATE")
        let busy = try Connection(path: path, busyTimeoutMilliseconds: 0)
        #expect(throws: SQLiteError.self) { try busy.transaction { try busy.execute("INSERT INTO t VALUES (99)") } }
        try other.execute("ROLLBACK")
        try busy.transaction { try busy.execute("INSERT INTO t VALUES (99)") }
        try reader.prepare("SELECT count(*) FROM t").query { rows = [$0.int64(at: 0)] }
        #expect(rows == [46])
    }
}
