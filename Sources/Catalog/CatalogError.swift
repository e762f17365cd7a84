// The one error type of the Catalog module. Each message names what was wrong (the attribute and value, the UID, the
// path) so DICOMweb can answer with it and an operator can act on it without reading code.

/// A failed catalog operation.
public struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure, for callers that map errors to statuses (DICOMweb) or exit codes.
    public enum Code: Sendable, Equatable {
        /// The database's schema is missing, damaged or newer than this build understands.
        case schema
        /// The database's schema is older than this build and cannot be migrated in place: rebuild the catalog
        /// from the store (`CatalogRebuild`).
        case outdated
        /// SQLite or the file system failed (a full disk, an unreadable file).
        case io
        /// The database file is damaged or is not a catalog.
        case corrupt
        /// A query value is malformed: a bad date range, a UID with a wildcard, a limit out of range.
        case badQuery
        /// A query names an attribute the catalog does not index at that level. DICOMweb may ignore it with a
        /// warning (PS3.18 §8.3.4).
        case unsupportedAttribute
        /// An instance cannot be catalogued: a required UID is missing, a value is too long.
        case badInstance
        /// The instance contradicts what is stored: its series belongs to another study.
        case conflict
        /// A remote timestamp is further ahead of the local physical clock than the clock accepts.
        case clockSkew
    }

    /// What kind of failure.
    public let code: Code
    /// The message for people, naming the attribute, value, UID or path involved.
    public let message: String
    /// The attribute at fault (0xGGGGEEEE) for `.badQuery` and `.unsupportedAttribute` on a filter, so DICOMweb
    /// can name it in a warning; nil otherwise.
    public let tag: UInt32?

    /// Makes an error.
    public init(_ code: Code, _ message: String, tag: UInt32? = nil) {
        self.code = code
        self.message = message
        self.tag = tag
    }

    public var description: String { "catalog: \(message)" }
}
