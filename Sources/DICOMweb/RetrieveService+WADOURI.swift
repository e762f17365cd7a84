// WADO-URI (PS3.18 §9): `GET …/wado?requestType=WADO&studyUID=…&seriesUID=…&objectUID=…&contentType=…`, the form
// report links and many viewers still use. application/dicom is answered with the instance's Part-10 file, in the
// transfer syntax `transferSyntax` names when the stored one is native and it is too (transcoded); image/jpeg (the
// default) and image/png with a rendered frame. Every parameter error is a 400 naming it.
import Catalog
import DICOM
import HTTP
import Imaging
import ObjectStore
import Primitives

extension RetrieveService {
    /// The parameters WADO-URI defines (PS3.18 §9.1.2); one not listed here is an error, since a client asking
    /// for something we would silently ignore (a region, an anonymization) must learn it is not done.
    static let wadoURIParameters = Set([
        "requestType", "studyUID", "seriesUID", "objectUID", "contentType", "transferSyntax", "charset",
    ]).union(renderingParameters)

    /// The parameters that only make sense for a rendered image (PS3.18 §9.1.2.1: not present with
    /// application/dicom).
    static let renderingParameters: Set<String> = [
        "windowCenter", "windowWidth", "rows", "columns", "region", "frameNumber", "imageQuality",
    ]

    /// Answers one WADO-URI request.
    func wadoURI(_ request: HTTPRequestHead, response: inout some HTTPResponseWriter) throws {
        var values: [String: String] = [:]
        for (name, value) in request.queryItems {
            guard Self.wadoURIParameters.contains(name) else {
                throw DICOMwebError(
                    .badRequest,
                    "WADO-URI parameter '\(name)' is not supported here (supported: "
                        + Self.wadoURIParameters.sorted().joined(separator: ", ") + ")")
            }
            guard values.updateValue(value, forKey: name) == nil else {
                throw DICOMwebError(.badRequest, "WADO-URI parameter '\(name)' is given twice")
            }
        }
        guard values["requestType"] == "WADO" else {
            throw DICOMwebError(.badRequest, "WADO-URI needs requestType=WADO (got '\(values["requestType"] ?? "")')")
        }
        var uids: [String] = []
        for name in ["studyUID", "seriesUID", "objectUID"] {
            guard let uid = values[name], !uid.isEmpty else {
                throw DICOMwebError(.badRequest, "WADO-URI needs the parameter '\(name)'")
            }
            try UID.validate(uid, name: name)
            uids.append(uid)
        }
        if let media = try Self.wadoURIContent(values["contentType"], accept: request.headers["Accept"]) {
            if let syntax = values["transferSyntax"] {
                throw DICOMwebError(
                    .badRequest, "transferSyntax=\(syntax.prefix(64)) is for application/dicom, not \(media.rawValue)")
            }
            let parameters = try RenderParameters(wadoURI: values, media: media)
            let stored = try find(study: uids[0], series: uids[1], instance: uids[2], includesMetadata: true)[0]
            return try answerRendered(stored, parameters: parameters, response: &response)
        }
        if let name = Self.renderingParameters.sorted().first(where: { values[$0] != nil }) {
            throw DICOMwebError(.badRequest, "\(name) is for rendered images and cannot go with application/dicom")
        }
        let stored = try find(study: uids[0], series: uids[1], instance: uids[2], includesMetadata: false)[0]
        let storedSyntax = stored.record.transferSyntaxUID
        let asked = values["transferSyntax"] ?? storedSyntax
        try UID.validate(asked, name: "transferSyntax")
        guard asked == storedSyntax else {
            guard let source = TransferSyntax(uid: storedSyntax), let target = TransferSyntax(uid: asked),
                DataSetTranscoder.canTranscode(from: source, to: target)
            else {
                throw DICOMwebError(
                    .notAcceptable,
                    "instance \(stored.sopInstanceUID) is stored in transfer syntax \(storedSyntax) and cannot be "
                        + "converted to \(asked)")
            }
            return try answerTranscoded(stored, source: source, target: target, response: &response)
        }
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/dicom")
        headers.add("Content-Length", "\(stored.record.lengthBytes)")
        try response.writeHead(HTTPResponseHead(status: 200, headers: headers))
        var sink = CountingResponseSink(writer: response)
        defer { response = sink.writer }
        try read(stored, into: &sink)
        try Self.check(stored, served: sink.count)
        try sink.writer.finish()
    }

    /// The file in `target`, transcoded as it streams; its length is not known beforehand (chunked).
    private func answerTranscoded(
        _ stored: CatalogStoredInstance, source: TransferSyntax, target: TransferSyntax,
        response: inout some HTTPResponseWriter
    ) throws {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/dicom")
        try response.writeHead(HTTPResponseHead(status: 200, headers: headers))
        var sink = TranscodingFileSink(
            inner: ResponseSink(writer: response), instance: stored,
            transcoder: DataSetTranscoder(from: source, to: target))
        defer { response = sink.inner.writer }
        try read(stored, into: &sink)
        try sink.finish()
        try sink.inner.writer.finish()
    }

    /// What `contentType` (a list, PS3.18 §9.1.2.1.5) or, without it, the Accept header asks for first: nil for
    /// application/dicom, else the rendered format; image/jpeg when neither is given. 406 when it admits none.
    static func wadoURIContent(_ contentType: String?, accept: String?) throws(DICOMwebError) -> RenderedMedia? {
        let asked = contentType ?? accept ?? "image/jpeg"
        let ranges: [MediaRange]
        do {
            ranges = try MediaRange.parseList(asked)
        } catch {
            throw DICOMwebError(.badRequest, "WADO-URI contentType '\(asked)' is malformed: \(error.reason)")
        }
        let dicom = MediaType(type: "application", subtype: "dicom")
        for range in MediaRange.preferenceOrdered(ranges) {
            if range.mediaType.type == "application" && range.mediaType.matches(dicom) { return nil }
            if let media = RenderedMedia(admittedBy: range.mediaType) { return media }
        }
        throw DICOMwebError(
            .notAcceptable,
            "WADO-URI here answers application/dicom, image/jpeg or image/png, not \(asked.prefix(200))")
    }
}
