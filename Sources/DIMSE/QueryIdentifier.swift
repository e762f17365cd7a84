// The identifier of a C-FIND, C-GET or C-MOVE request (PS3.4 C.4.1.1.3, C.6): its query/retrieve level and its keys,
// read from the data set the request carried. Matching is relational, not strictly hierarchical (C.4.1.2.2.2):
// keys of higher levels are filters when given, never required, as viewers and PACS send them.
public import DICOM

/// A query or retrieve identifier.
public struct QueryIdentifier: Sendable, Equatable {
    /// The level of the entities asked for (0008,0052).
    public enum Level: String, Sendable, Equatable, CaseIterable {
        case patient = "PATIENT"
        case study = "STUDY"
        case series = "SERIES"
        case image = "IMAGE"
    }

    /// The level asked for.
    public var level: Level
    /// The keys: every element of the identifier but the level, with its matching value (empty: return only).
    public var keys: DataSet

    /// Makes an identifier.
    public init(level: Level, keys: DataSet) {
        self.level = level
        self.keys = keys
    }

    /// The most bytes an identifier may have: keys and matching values, never pixel data.
    public static let bytesMax = 64 << 10

    /// Reads an identifier sent in `transferSyntax` for a request in `model`; throws `invalidIdentifier` naming
    /// what is wrong (PS3.4 status A900H or C000H).
    public static func decode(
        _ bytes: [UInt8], transferSyntax: TransferSyntax, model: ServiceClass.QueryModel
    ) throws(DIMSEError) -> QueryIdentifier {
        guard bytes.count <= bytesMax else {
            throw DIMSEError(.invalidIdentifier, "the identifier is longer than \(bytesMax) bytes")
        }
        // The Part-10 reader reads data sets behind a file meta group: give it one, so one parser reads them all.
        var file = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        file += Part10Writer.metaGroup(sopClassUID: "", sopInstanceUID: "", transferSyntax: transferSyntax)
        file += bytes
        let dataSet: DataSet
        do {
            dataSet = try file.withUnsafeBytes { raw in
                try Part10Reader.read(raw, limits: limits).dataSet
            }
        } catch {
            throw DIMSEError(.invalidIdentifier, "the identifier cannot be read: \(error)")
        }
        guard let text = dataSet.string(.queryRetrieveLevel) else {
            throw DIMSEError(.invalidIdentifier, "the identifier has no Query/Retrieve Level (0008,0052)")
        }
        guard let level = Level(rawValue: text) else {
            throw DIMSEError(
                .invalidIdentifier, "Query/Retrieve Level '\(text)' is not PATIENT, STUDY, SERIES or IMAGE")
        }
        guard model == .patientRoot || level != .patient else {
            throw DIMSEError(.invalidIdentifier, "the Study Root model has no PATIENT level")
        }
        var keys = dataSet
        keys.remove(.queryRetrieveLevel)
        return QueryIdentifier(level: level, keys: keys)
    }

    /// Limits for identifiers: small, since they hold keys only.
    static let limits = DICOMLimits(
        headerBytesMax: bytesMax + 1024, inlineValueBytesMax: bytesMax, elementValueBytesMax: Int64(bytesMax),
        sequenceDepthMax: 4, elementCountMax: 1000, inputBytesMax: Int64(bytesMax + 1024))
}
