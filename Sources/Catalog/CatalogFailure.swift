// Turns SQLite's errors into CatalogError at the module's edge, naming what the catalog was doing.
import SQLite

/// Maps errors thrown by SQLite calls into CatalogError.
enum CatalogFailure {
    /// Runs `body`, passing CatalogError through and mapping any other error to `.corrupt` or `.io` with `context`.
    static func mapping<Result>(_ context: @autoclosure () -> String, _ body: () throws -> Result)
        throws(CatalogError) -> Result
    {
        do {
            return try body()
        } catch let error as CatalogError {
            throw error
        } catch let error as SQLiteError {
            throw CatalogError(error.isCorrupt ? .corrupt : .io, "\(context()): \(error)")
        } catch {
            throw CatalogError(.io, "\(context()): \(error)")
        }
    }
}
