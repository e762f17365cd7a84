// Maps a request path to the DICOMweb resource it names (PS3.18 §10.4 retrieve, §10.5 store, §10.6 search) and
// says which methods each resource takes. Pure: no catalog, no store; UIDs are checked for syntax only.

/// The level of the information model a resource or query addresses.
public enum ResourceLevel: String, Sendable, Equatable {
    case study
    case series
    case instance
}

/// One resource of the DICOMweb URL space under the responder's prefix.
public enum DICOMwebRoute: Sendable, Equatable {
    /// `/studies`: QIDO-RS study search (GET) and STOW-RS (POST).
    case studies
    /// `/studies/{study}`: WADO-RS study retrieve (GET), STOW-RS into one study (POST), deletion (DELETE).
    case study(String)
    /// `/studies/{study}/series/{series}`: WADO-RS series retrieve, or its deletion.
    case series(String, String)
    /// `/studies/{study}/series/{series}/instances/{instance}`: WADO-RS instance retrieve, or its deletion.
    case instance(String, String, String)
    /// `…/metadata` of a study, series or instance: DICOM JSON.
    case metadata(study: String, series: String?, instance: String?)
    /// `/studies/{study}/series/{series}/instances/{instance}/bulkdata/{offset}/{length}`: one bulk data value.
    case bulkData(study: String, series: String, instance: String, offset: UInt64, length: UInt64)
    /// QIDO-RS searches other than `/studies`: the level searched and the UIDs that scope it.
    case search(level: ResourceLevel, study: String?, series: String?)
    /// `/wado`: WADO-URI (PS3.18 §9), the instance named by its query parameters.
    case wadoURI
    /// `…/instances/{instance}/frames/{list}`: frames of native pixel data, 1-based, in the order asked.
    case frames(study: String, series: String, instance: String, numbers: [Int])
    /// `…/instances/{instance}/rendered` (`frame` nil) or `…/frames/{n}/rendered`: a JPEG or PNG image.
    case rendered(study: String, series: String, instance: String, frame: Int?)

    /// The methods the resource answers.
    public var allowedMethods: [String] {
        switch self {
        case .studies: ["GET", "POST"]
        case .study: ["GET", "POST", "DELETE"]
        case .series, .instance: ["GET", "DELETE"]
        default: ["GET"]
        }
    }

    /// Parses `path`, which MUST already have the prefix removed ("" or "/studies/…").
    ///
    /// Throws 404 for a path that names no resource and 400 for a malformed UID or bulk data range.
    public static func parse(_ path: String) throws(DICOMwebError) -> DICOMwebRoute {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if segments.first == "" { segments.removeFirst() }
        if segments.last == "" && segments.count > 1 { segments.removeLast() }
        guard let first = segments.first else { throw notFound(path) }
        switch first {
        case "studies": return try parseStudies(Array(segments.dropFirst()), path: path)
        case "series" where segments.count == 1: return .search(level: .series, study: nil, series: nil)
        case "instances" where segments.count == 1: return .search(level: .instance, study: nil, series: nil)
        case "wado" where segments.count == 1: return .wadoURI
        default: throw notFound(path)
        }
    }

    private static func parseStudies(_ rest: [String], path: String) throws(DICOMwebError) -> DICOMwebRoute {
        guard let study = rest.first else { return .studies }
        try UID.validate(study, name: "study")
        let tail = Array(rest.dropFirst())
        switch tail.count {
        case 0: return .study(study)
        case 1 where tail[0] == "metadata": return .metadata(study: study, series: nil, instance: nil)
        case 1 where tail[0] == "series": return .search(level: .series, study: study, series: nil)
        case 1 where tail[0] == "instances": return .search(level: .instance, study: study, series: nil)
        case 1...: break
        default: throw notFound(path)
        }
        guard tail[0] == "series" else { throw notFound(path) }
        let series = tail[1]
        try UID.validate(series, name: "series")
        let more = Array(tail.dropFirst(2))
        switch more.count {
        case 0: return .series(study, series)
        case 1 where more[0] == "metadata": return .metadata(study: study, series: series, instance: nil)
        case 1 where more[0] == "instances": return .search(level: .instance, study: study, series: series)
        case 2 where more[0] == "instances":
            try UID.validate(more[1], name: "instance")
            return .instance(study, series, more[1])
        case 3 where more[0] == "instances" && more[2] == "metadata":
            try UID.validate(more[1], name: "instance")
            return .metadata(study: study, series: series, instance: more[1])
        case 3 where more[0] == "instances" && more[2] == "rendered":
            try UID.validate(more[1], name: "instance")
            return .rendered(study: study, series: series, instance: more[1], frame: nil)
        case 4 where more[0] == "instances" && more[2] == "frames":
            try UID.validate(more[1], name: "instance")
            return .frames(study: study, series: series, instance: more[1], numbers: try frameNumbers(more[3]))
        case 5 where more[0] == "instances" && more[2] == "frames" && more[4] == "rendered":
            try UID.validate(more[1], name: "instance")
            let numbers = try frameNumbers(more[3])
            guard numbers.count == 1 else {
                throw DICOMwebError(
                    .badRequest, "a rendered frame is one frame number, not the list '\(more[3].prefix(40))'")
            }
            return .rendered(study: study, series: series, instance: more[1], frame: numbers[0])
        case 5 where more[0] == "instances" && more[2] == "bulkdata":
            try UID.validate(more[1], name: "instance")
            guard let offset = UInt64(more[3]), let length = UInt64(more[4]), offset <= UInt64.max - length else {
                throw DICOMwebError(.badRequest, "bulk data offset and length must be integers: \(path)")
            }
            return .bulkData(study: study, series: series, instance: more[1], offset: offset, length: length)
        default: throw notFound(path)
        }
    }

    /// The most frames one request may list.
    static let frameCountMax = 10_000

    /// A frame list, "1" or "1,3,5": positive integers, at most `frameCountMax` of them.
    static func frameNumbers(_ text: String) throws(DICOMwebError) -> [Int] {
        let pieces = text.split(separator: ",", omittingEmptySubsequences: false)
        guard pieces.count <= frameCountMax else {
            throw DICOMwebError(.badRequest, "the frame list names more than \(frameCountMax) frames")
        }
        var numbers: [Int] = []
        for piece in pieces {
            guard piece.count <= 9, let number = Int(piece), number > 0 else {
                throw DICOMwebError(
                    .badRequest, "the frame list '\(text.prefix(100))' holds '\(piece.prefix(20))', not a frame number")
            }
            numbers.append(number)
        }
        return numbers
    }

    private static func notFound(_ path: String) -> DICOMwebError {
        DICOMwebError(.notFound, "no DICOMweb resource at \(path)")
    }
}
