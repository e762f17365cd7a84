// `tessera fetch --study UID --out DIR --node URL`: a WADO-RS study retrieve streamed to DIR/SERIES/SOP.dcm. The
// instance list (QIDO-RS) says which series each SOP instance belongs to and how many to expect; each part is
// written to a .partial file and renamed once complete, so an interrupted fetch leaves no half file under a name.
import DICOM
import HTTP
import Posix
import Primitives
import Transport

/// The `fetch` subcommand.
enum FetchCommand {
    /// Bytes read from the response per call.
    static let bufferBytes = 1 << 20

    /// Retrieves one study into the output folder.
    static func run(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["study", "out", "node", "token"])
        guard arguments.positionals.isEmpty else {
            throw UsageError(description: "fetch takes no positional words, got '\(arguments.positionals[0])'")
        }
        let study = try arguments.required("study")
        let output = try arguments.required("out")
        let client = try NodeClient(arguments)
        let encoded = HTTPRequestHead.percentEncoded(study)
        guard !study.isEmpty else { throw UsageError(description: "--study needs a Study Instance UID") }

        let seriesBySOP = try instanceSeries(study: study, client: client)
        var response = try client.open(
            "/studies/\(encoded)", accept: "multipart/related; type=\"application/dicom\"; transfer-syntax=*")
        guard response.status == 200 else {
            let body = (try? response.readAll(bytesMax: 1 << 20)) ?? []
            throw ClientError(
                "retrieving the study failed: "
                    + BufferedResponse(
                        status: response.status, reason: response.head.reason, headers: response.headers, body: body
                    ).summary)
        }
        let contentType = response.headers["Content-Type"] ?? ""
        guard let type = try? MediaType.parse(contentType), type.essence == "multipart/related",
            let boundary = type.parameter("boundary")
        else { throw ClientError("the node answered \(contentType), not multipart/related with a boundary") }

        try PosixDisk().makeDirectory(output)
        let contentLength = response.headers["Content-Length"].flatMap { Int64($0) }
        let progress = Progress("fetching \(seriesBySOP.count) instances", totalBytes: contentLength)
        var writer = InstanceFileWriter(directory: output, seriesBySOP: seriesBySOP)
        var reader = MultipartReader(boundary: boundary, limits: MultipartLimits())
        var buffer = [UInt8](repeating: 0, count: bufferBytes)
        do {
            while true {
                let count = try buffer.withUnsafeMutableBytes { try response.read(into: $0) }
                if count == 0 { break }
                progress.advance(by: Int64(count))
                try buffer.withUnsafeBytes { bytes in
                    try reader.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<count])) { try writer.handle($0) }
                }
            }
            try reader.finish()
        } catch {
            writer.abandon()
            throw ClientError("the retrieve broke off after \(writer.written.count) instances: \(error)")
        }
        progress.finish()
        let missing = Set(seriesBySOP.keys).subtracting(writer.written)
        Console.output(
            "fetched \(writer.written.count) instances (\(Console.bytes(writer.writtenBytes))) into \(output)\n")
        guard missing.isEmpty else {
            throw ClientError(
                "\(missing.count) instances of the study were not in the answer: "
                    + missing.sorted().prefix(5).joined(separator: ", "))
        }
    }
}

extension FetchCommand {
    /// Instances asked per QIDO-RS page: within any node's default limit.
    static let pageSize = 1000

    /// The series of every instance of `study`, from QIDO-RS pages of `pageSize`.
    static func instanceSeries(study: String, client: NodeClient) throws -> [String: String] {
        var seriesBySOP: [String: String] = [:]
        var offset = 0
        // A study of more than 10 million instances is not a study this command can fetch anyway.
        for _ in 0..<10_000 {
            let page = try client.get(
                "/studies/\(HTTPRequestHead.percentEncoded(study))/instances?includefield=0020000E"
                    + "&limit=\(pageSize)&offset=\(offset)",
                accept: "application/dicom+json")
            if page.status == 404 || (page.status == 204 && offset == 0) {
                throw ClientError("no study \(study) on \(client.origin)")
            }
            guard page.status == 200 || page.status == 204 else {
                throw ClientError("listing the study failed: \(page.summary)")
            }
            let instances = try DICOMJSONDataSet.list(from: page.body, what: "the instance list")
            for instance in instances {
                seriesBySOP[instance.string(.sopInstanceUID)] = instance.string(.seriesInstanceUID)
            }
            if instances.count < pageSize { break }
            offset += instances.count
        }
        if seriesBySOP.isEmpty { throw ClientError("no study \(study) on \(client.origin)") }
        return seriesBySOP
    }
}
