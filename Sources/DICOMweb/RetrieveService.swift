// WADO-RS (PS3.18 §10.4): instances of a study, series or one instance as multipart/related application/dicom,
// streamed from the object store chunk by chunk, the next instances read ahead on the store's threads (every
// chunk's SHA-256 checked by the store before a byte is sent); metadata as a DICOM JSON array; and single bulk
// data values by byte range.
import Catalog
import HTTP
import ObjectStore
import Primitives

/// Answers WADO-RS retrieve, metadata and bulk data requests.
struct RetrieveService {
    let context: ServiceContext

    /// Streams the instances of a study, series or one instance (PS3.18 §10.4.1.1.1).
    func retrieve(
        _ request: HTTPRequestHead, study: String, series: String?, instance: String?,
        response: inout some HTTPResponseWriter
    ) throws {
        // The store looks every chunk up in every volume's index: have the drives read them while the catalog
        // answers, so a cold read does not wait for them one page at a time.
        if instance == nil { context.store.prefetchIndexes() }
        let instances = try find(study: study, series: series, instance: instance, includesMetadata: false)
        let accept = request.headers.values("Accept").joined(separator: ", ")
        let plan = try RetrieveNegotiation.plan(
            accept: accept.isEmpty ? nil : accept, storedSyntaxes: Set(instances.map(\.record.transferSyntaxUID)))
        if plan.contains(where: { $0.key != $0.value }) {
            return try retrieveTranscoded(instances, plan: plan, response: &response)
        }
        let boundary = MultipartFraming.boundary(for: instances[0].record.manifestAddress)
        let heads = instances.enumerated().map { index, stored in
            MultipartFraming.partHead(
                boundary: boundary, isFirst: index == 0,
                contentType: "application/dicom; transfer-syntax=\(stored.record.transferSyntaxUID)",
                length: stored.record.lengthBytes)
        }
        let close = MultipartFraming.close(boundary: boundary)
        let total =
            heads.reduce(Int64(close.count)) { $0 + Int64($1.count) }
            + instances.reduce(Int64(0)) { $0 + $1.record.lengthBytes }
        var headers = HTTPHeaders()
        headers.add("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=\(boundary)")
        headers.add("Content-Length", "\(total)")
        try response.writeHead(HTTPResponseHead(status: 200, headers: headers))
        // The store reads and verifies the next instances on its own thread while this one sends; a part head is
        // small, so the connection buffers it and sends it with the first chunk of its body in one vectored send.
        if let remote = context.remote, !instances.allSatisfy(isHeldHere) {
            try streamFromHolders(instances, heads: heads, remote: remote, response: &response)
            try close.withUnsafeBytes { try response.writeBody($0) }
            try response.finish()
            return
        }
        var sink = MultipartRetrieveSink(writer: response, instances: instances, heads: heads)
        defer { response = sink.writer }
        try context.store.get(instances.map(\.record.manifestAddress), into: &sink)
        try close.withUnsafeBytes { try sink.writer.writeBody($0) }
        try sink.writer.finish()
    }

    /// Answers the stored DICOM JSON of every instance of a study, series or one instance (PS3.18 §10.4.1.1.2).
    func metadata(
        _ request: HTTPRequestHead, study: String, series: String?, instance: String?,
        response: inout some HTTPResponseWriter
    ) throws {
        let accept = request.headers.values("Accept").joined(separator: ", ")
        try RetrieveNegotiation.checkJSON(accept: accept.isEmpty ? nil : accept)
        let instances = try find(study: study, series: series, instance: instance, includesMetadata: true)
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        let origin = BulkDataLocation.origin(of: context.baseURL)
        for (index, stored) in instances.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += BulkDataLocation.absolutize(try header(of: stored), origin: origin)
        }
        bytes.append(UInt8(ascii: "]"))
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/dicom+json")
        try ResponseBody.write(bytes, status: 200, headers: headers, to: &response)
    }

    /// Streams bytes `range` of one instance's Part-10 file: the value a BulkDataURI of its metadata names
    /// (PS3.18 §10.4.1.1.5), as a one-part multipart/related application/octet-stream.
    func bulkData(
        study: String, series: String, instance: String, range: Range<UInt64>,
        response: inout some HTTPResponseWriter
    ) throws {
        let stored = try find(study: study, series: series, instance: instance, includesMetadata: false)[0]
        guard range.upperBound <= UInt64(stored.record.lengthBytes) else {
            throw DICOMwebError(
                .notFound,
                "bytes \(range.lowerBound)..<\(range.upperBound) lie past the end of instance \(instance) "
                    + "(\(stored.record.lengthBytes) bytes)")
        }
        let boundary = MultipartFraming.boundary(for: stored.record.manifestAddress)
        let head = MultipartFraming.partHead(
            boundary: boundary, isFirst: true, contentType: "application/octet-stream",
            length: Int64(range.count))
        let close = MultipartFraming.close(boundary: boundary)
        var headers = HTTPHeaders()
        headers.add("Content-Type", "multipart/related; type=\"application/octet-stream\"; boundary=\(boundary)")
        headers.add("Content-Length", "\(head.count + range.count + close.count)")
        try response.writeHead(HTTPResponseHead(status: 200, headers: headers))
        var sink = ResponseSink(writer: response)
        defer { response = sink.writer }
        try head.withUnsafeBytes { try sink.writer.writeBody($0) }
        try read(stored, range: range, into: &sink)
        try close.withUnsafeBytes { try sink.writer.writeBody($0) }
        try sink.writer.finish()
    }

    /// The catalogued instances under the path's UIDs, or 404 naming what is unknown.
    func find(study: String, series: String?, instance: String?, includesMetadata: Bool)
        throws(DICOMwebError) -> [CatalogStoredInstance]
    {
        let instances: [CatalogStoredInstance]
        do {
            instances = try context.catalog.instances(
                studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: instance,
                includingMetadata: includesMetadata)
        } catch {
            throw SearchService.map(error)
        }
        guard !instances.isEmpty else {
            let what =
                instance.map { "instance \($0) in series \(series ?? "") of study \(study)" }
                ?? series.map { "series \($0) in study \(study)" } ?? "study \(study)"
            throw DICOMwebError(.notFound, "this node has no \(what)")
        }
        guard instances.count <= context.configuration.retrieveInstanceCountMax else {
            throw DICOMwebError(
                .payloadTooLarge,
                "the request names more than \(context.configuration.retrieveInstanceCountMax) instances; "
                    + "retrieve series by series")
        }
        return instances
    }
}

/// A ByteSink that forwards the store's verified chunks to the response.
struct ResponseSink<Writer: HTTPResponseWriter>: ByteSink {
    var writer: Writer

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws { try writer.writeBody(buffer) }
}

/// Writes the instances of a retrieve as the parts of its multipart response, each after its part head.
struct MultipartRetrieveSink<Writer: HTTPResponseWriter>: ObjectSequenceSink {
    var writer: Writer
    let instances: [CatalogStoredInstance]
    let heads: [[UInt8]]

    mutating func begin(object index: Int, length: UInt64) throws {
        let stored = instances[index]
        // The response's Content-Length was computed from the catalogue, so a mismatch must stop it before a byte.
        guard length == UInt64(stored.record.lengthBytes) else {
            throw DICOMwebError(
                .internalFailure,
                "instance \(stored.sopInstanceUID) is catalogued with \(stored.record.lengthBytes) bytes but "
                    + "its object has \(length)")
        }
        try heads[index].withUnsafeBytes { try writer.writeBody($0) }
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws { try writer.writeBody(bytes) }
}
