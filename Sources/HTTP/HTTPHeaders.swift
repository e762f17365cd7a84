// Ordered HTTP header fields with case-insensitive name lookup (RFC 9110 §5). Owns storage and lookup only; syntax
// checks live in HTTPFieldSyntax and parsing in the parsers.

/// Header fields in the order received or added; names compare case-insensitively, values are kept as given.
public struct HTTPHeaders: Sendable, Sequence, Equatable, CustomStringConvertible {
    /// One field: a name and its value, without surrounding whitespace.
    public typealias Field = (name: String, value: String)

    /// The fields in order.
    public private(set) var fields: [Field]

    /// Makes headers holding `fields` in order.
    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    /// How many fields there are (a repeated name counts once per field).
    public var count: Int { fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// The value of the first field named `name`, or nil.
    public subscript(name: String) -> String? {
        for field in fields where HTTPHeaders.namesEqual(field.name, name) { return field.value }
        return nil
    }

    /// The values of every field named `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { HTTPHeaders.namesEqual($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// The comma-separated elements of every field named `name` (RFC 9110 §5.6.1), trimmed, empty ones dropped.
    ///
    /// Commas inside quoted strings are not split, so this suits Connection, Transfer-Encoding and Accept alike.
    public func listValues(_ name: String) -> [String] {
        values(name).flatMap { HTTPFieldSyntax.splitList($0) }
    }

    /// Adds a field after the existing ones.
    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    /// Removes every field named `name`, then adds one with `value`.
    public mutating func replace(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) { fields.removeAll { HTTPHeaders.namesEqual($0.name, name) } }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public var description: String { fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n") }

    /// ASCII case-insensitive equality of two field names, without allocating.
    static func namesEqual(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case (let a?, let b?): if HTTPFieldSyntax.lowercased(a) != HTTPFieldSyntax.lowercased(b) { return false }
            default: return false
            }
        }
    }
}
