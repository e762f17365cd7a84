// `tessera find`: a QIDO-RS search on a node, printed as an aligned table (or the raw DICOM JSON with --json).
// Builds the query from the options; the matching itself is the node's.
import DICOM
import HTTP
import Posix

/// The `find` subcommand.
enum FindCommand {
    /// Search levels and the QIDO-RS resource each one asks.
    enum Level: String {
        case study, series, instance
    }

    /// Runs one search and prints the table or the JSON.
    static func run(_ words: [String]) throws {
        let arguments = try Arguments(
            words,
            valued: [
                "patient-id", "patient-name", "modality", "since", "until", "accession", "study", "level", "limit",
                "node", "token",
            ], switches: ["json"])
        guard arguments.positionals.isEmpty else {
            throw UsageError(description: "find takes no positional words, got '\(arguments.positionals[0])'")
        }
        let levelText = arguments.value("level") ?? "study"
        guard let level = Level(rawValue: levelText) else {
            throw UsageError(description: "--level must be study, series or instance, got '\(levelText)'")
        }
        let target = try query(arguments, level: level)
        let client = try NodeClient(arguments)
        let response = try client.get(target, accept: "application/dicom+json")
        guard response.status == 200 || response.status == 204 else {
            throw ClientError("search failed: \(response.summary)")
        }
        if arguments.flag("json") {
            Console.output(
                response.status == 204 ? "[]\n" : String(decoding: response.body, as: UTF8.self) + "\n")
            return
        }
        let results = try DICOMJSONDataSet.list(from: response.body, what: "the search answer")
        Console.output(table(results, level: level))
        let noun: String =
            switch level {
            case .study: results.count == 1 ? "study" : "studies"
            case .series: "series"
            case .instance: results.count == 1 ? "instance" : "instances"
            }
        Console.error("\(results.count) \(noun) found")
    }

    /// The QIDO-RS request target for the options: "/studies?PatientID=…&limit=…".
    static func query(_ arguments: Arguments, level: Level) throws(UsageError) -> String {
        var items: [(String, String)] = []
        if let id = arguments.value("patient-id") { items.append(("PatientID", id)) }
        if let name = arguments.value("patient-name") { items.append(("PatientName", name)) }
        if let modality = arguments.value("modality") {
            items.append((level == .study ? "ModalitiesInStudy" : "Modality", modality))
        }
        let since = try date(arguments, "since")
        let until = try date(arguments, "until")
        if since != nil || until != nil { items.append(("StudyDate", (since ?? "") + "-" + (until ?? ""))) }
        if let accession = arguments.value("accession") { items.append(("AccessionNumber", accession)) }
        let study = arguments.value("study")
        if let limit = try arguments.integer("limit", in: 1...1_000_000) { items.append(("limit", String(limit))) }
        let included: [DICOMTag] =
            switch level {
            case .study: [.numberOfStudyRelatedSeries, .numberOfStudyRelatedInstances, .studyDescription]
            case .series: [.numberOfSeriesRelatedInstances, .seriesDescription]
            case .instance: []
            }
        for tag in included { items.append(("includefield", tag.hexString)) }
        var path: String
        switch level {
        case .study:
            if let study { items.append(("StudyInstanceUID", study)) }
            path = "/studies"
        case .series:
            path = study.map { "/studies/\(HTTPRequestHead.percentEncoded($0))/series" } ?? "/series"
        case .instance:
            path = study.map { "/studies/\(HTTPRequestHead.percentEncoded($0))/instances" } ?? "/instances"
        }
        if !items.isEmpty {
            path += "?" + items.map { "\($0.0)=\(HTTPRequestHead.percentEncoded($0.1))" }.joined(separator: "&")
        }
        return path
    }

    private static func date(_ arguments: Arguments, _ name: String) throws(UsageError) -> String? {
        guard let text = arguments.value(name) else { return nil }
        guard text.count == 8, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else {
            throw UsageError(description: "--\(name) must be a date as YYYYMMDD, got '\(text)'")
        }
        return text
    }

    // MARK: - Table

    /// The results as aligned columns with a header line.
    static func table(_ results: [DICOMJSONDataSet], level: Level) -> String {
        let header: [String]
        let rows: [[String]]
        switch level {
        case .study:
            header = ["DATE", "PATIENT", "ID", "MODALITIES", "DESCRIPTION", "SERIES", "INSTANCES", "STUDY UID"]
            rows = results.map { study in
                [
                    formattedDate(study.string(.studyDate)), study.string(.patientName),
                    study.string(.patientID), study.string(.modalitiesInStudy).replacing("\\", with: ","),
                    study.string(.studyDescription), count(study, .numberOfStudyRelatedSeries),
                    count(study, .numberOfStudyRelatedInstances), study.string(.studyInstanceUID),
                ]
            }
        case .series:
            header = ["NUMBER", "MODALITY", "DESCRIPTION", "INSTANCES", "SERIES UID"]
            rows = results.map { series in
                [
                    series.string(.seriesNumber), series.string(.modality),
                    series.string(.seriesDescription), count(series, .numberOfSeriesRelatedInstances),
                    series.string(.seriesInstanceUID),
                ]
            }
        case .instance:
            header = ["NUMBER", "MODALITY", "SOP CLASS", "SERIES UID", "SOP INSTANCE UID"]
            rows = results.map { instance in
                [
                    instance.string(.instanceNumber), instance.string(.modality),
                    instance.string(.sopClassUID), instance.string(.seriesInstanceUID),
                    instance.string(.sopInstanceUID),
                ]
            }
        }
        return aligned([header] + rows)
    }

    private static func count(_ dataSet: DICOMJSONDataSet, _ tag: DICOMTag) -> String {
        dataSet.integer(tag).map(String.init) ?? "-"
    }

    /// "20240131" as "2024-01-31"; anything else unchanged.
    static func formattedDate(_ text: String) -> String {
        guard text.count == 8, text.allSatisfy(\.isNumber) else { return text.isEmpty ? "-" : text }
        let characters = Array(text)
        return String(characters[0..<4]) + "-" + String(characters[4..<6]) + "-" + String(characters[6..<8])
    }

    /// Rows padded to the widest cell of each column, two spaces apart; long cells are cut at 40 characters,
    /// except the last column (a UID a user may copy).
    static func aligned(_ rows: [[String]]) -> String {
        let cellMax = 40
        let cut = rows.map { row in
            row.enumerated().map { index, cell in
                let clean = cell.isEmpty ? "-" : cell
                let isCut = index < row.count - 1 && clean.count > cellMax
                return isCut ? String(clean.prefix(cellMax - 1)) + "…" : clean
            }
        }
        guard let columnCount = cut.first?.count else { return "" }
        let widths = (0..<columnCount).map { column in cut.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for row in cut {
            var line = ""
            for (column, cell) in row.enumerated() {
                line +=
                    column == columnCount - 1
                    ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }
            text += line + "\n"
        }
        return text
    }
}
