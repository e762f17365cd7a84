// The rule that merges the values instances give for one study or series attribute: the lowest non-empty value
// (byte order) wins. It is commutative, associative and idempotent, so a study's row is a function of the instances
// catalogued, whatever order they came in: a catalog rebuilt from the store, or another node's, answers alike.

/// SQL for the lowest-non-empty-value merge of catalog columns.
enum LowestValueRule {
    /// The SET assignments that merge parameter `?value` into text column `column`, and, when it wins, the
    /// companion columns derived from it (a folded name, a time key) from their parameters.
    ///
    /// SQLite evaluates every SET expression against the row as it was, so the order of the assignments does not
    /// matter.
    static func assignments(_ column: String, _ value: Int, companions: [(column: String, value: Int)] = [])
        -> [String]
    {
        let wins = "?\(value) <> '' AND (\(column) = '' OR ?\(value) < \(column))"
        let targets = [(column: column, value: value)] + companions
        return targets.map { target in "\(target.column) = iif(\(wins), ?\(target.value), \(target.column))" }
    }

    /// The SET assignment that merges integer parameter `?value` into nullable integer column `column`.
    static func integerAssignment(_ column: String, _ value: Int) -> String {
        "\(column) = iif(?\(value) IS NOT NULL AND (\(column) IS NULL OR ?\(value) < \(column)), ?\(value), \(column))"
    }

    /// Whether merging `new` into a column holding `current` changes it: the same decision as `assignments` makes
    /// in SQL (SQLite's BINARY collation compares UTF-8 bytes), so a caller can skip an UPDATE that changes
    /// nothing, and the index writes it would cost.
    static func wins(_ new: String, over current: String) -> Bool {
        !new.isEmpty && (current.isEmpty || new.utf8.lexicographicallyPrecedes(current.utf8))
    }

    /// `wins` for a nullable integer column.
    static func wins(_ new: Int64?, over current: Int64?) -> Bool {
        guard let new else { return false }
        return current.map { new < $0 } ?? true
    }
}
