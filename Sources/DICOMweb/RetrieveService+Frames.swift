// WADO-RS frames (PS3.18 §10.4.1.1.4): `…/instances/{uid}/frames/1,3`, each frame a part of a multipart/related
// answer with its exact length, cut from the stored file by byte range (from this node's store or a holder), never
// read whole. Native pixel data is answered as application/octet-stream bytes; compressed pixel data as stored, in
// its syntax's media type, each frame the fragments the offset table (or the codestream markers) give it.
import Catalog
import DICOM
import HTTP
import ObjectStore
import Primitives

extension RetrieveService {
    /// Streams frames `numbers` of one instance.
    func frames(
        _ request: HTTPRequestHead, study: String, series: String, instance: String, numbers: [Int],
        response: inout some HTTPResponseWriter
    ) throws {
        let joined = request.headers.values("Accept").joined(separator: ", ")
        let accept = joined.isEmpty ? nil : joined
        let stored = try find(study: study, series: series, instance: instance, includesMetadata: true)[0]
        let storedSyntax = stored.record.transferSyntaxUID
        if TransferSyntax(uid: storedSyntax)?.isEncapsulated == true {
            let contentType = try RetrieveNegotiation.frameContentType(
                accept: accept, storedSyntax: storedSyntax, isNative: false)
            let header = HeaderMembers(json: try header(of: stored))
            let ranges = try encapsulatedFrameRanges(of: stored, header: header, numbers: numbers)
            return try answerFrames(stored, ranges: ranges, contentType: contentType, response: &response)
        }
        let contentType = try RetrieveNegotiation.frameContentType(
            accept: accept, storedSyntax: storedSyntax, isNative: true)
        let layout = try FrameLayout(header: try nativeHeader(of: stored), instance: instance)
        try Self.check(numbers, frameCount: layout.frameCount, instance: instance)
        let ranges = numbers.map { [layout.range(ofFrame: $0)] }
        try answerFrames(stored, ranges: ranges, contentType: contentType, response: &response)
    }

    /// The file ranges of frames `numbers` of compressed pixel data: the encapsulated value is walked once (its
    /// item headers; fragments are passed over) to find its offset table and fragments. `header` is the
    /// instance's, read once by the caller (from a holder, for an instance held elsewhere).
    func encapsulatedFrameRanges(
        of stored: CatalogStoredInstance, header: HeaderMembers, numbers: [Int]
    ) throws -> [[Range<UInt64>]] {
        let instance = stored.sopInstanceUID
        guard let pixels = header[0x7FE0_0010], let location = BulkDataLocation.range(inMember: pixels) else {
            throw DICOMwebError(.notFound, "instance \(instance) has no pixel data to cut into frames")
        }
        let frameCount = header.integer(0x0028_0008) ?? 1
        try Self.check(numbers, frameCount: frameCount, instance: instance)
        var scanner = FragmentScanner()
        try read(stored, range: location.offset..<(location.offset + location.length), into: &scanner)
        guard scanner.isComplete,
            let frames = EncapsulatedFrames.ranges(
                frameCount: frameCount, offsetTable: scanner.offsetTable, fragments: scanner.fragments)
        else {
            throw DICOMwebError(
                .notAcceptable,
                "instance \(instance): which of its \(scanner.fragments.count) fragments make each of its "
                    + "\(frameCount) frames cannot be told (no offset table, and no frame-start markers)")
        }
        return numbers.map { number in
            frames[number - 1].map { (location.offset + $0.lowerBound)..<(location.offset + $0.upperBound) }
        }
    }

    /// The bytes of compressed frame `number`: its fragments, in order.
    func encapsulatedFrame(
        of stored: CatalogStoredInstance, header: HeaderMembers, number: Int
    ) throws -> [UInt8] {
        var frame = MemorySink()
        for range in try encapsulatedFrameRanges(of: stored, header: header, numbers: [number])[0] {
            try read(stored, range: range, into: &frame)
        }
        return frame.bytes
    }

    /// 404 naming the first of `numbers` past the last frame.
    private static func check(_ numbers: [Int], frameCount: Int, instance: String) throws(DICOMwebError) {
        if let missing = numbers.first(where: { $0 > frameCount }) {
            throw DICOMwebError(
                .notFound, "instance \(instance) has \(frameCount) frame(s); there is no frame \(missing)")
        }
    }

    /// One part per frame, each the bytes of its file ranges in order.
    private func answerFrames(
        _ stored: CatalogStoredInstance, ranges: [[Range<UInt64>]], contentType: String,
        response: inout some HTTPResponseWriter
    ) throws {
        let boundary = MultipartFraming.boundary(for: stored.record.manifestAddress)
        let lengths = ranges.map { $0.reduce(Int64(0)) { $0 + Int64($1.count) } }
        let heads = lengths.indices.map { index in
            MultipartFraming.partHead(
                boundary: boundary, isFirst: index == 0, contentType: contentType, length: lengths[index])
        }
        let close = MultipartFraming.close(boundary: boundary)
        let total = heads.reduce(Int64(close.count)) { $0 + Int64($1.count) } + lengths.reduce(0, +)
        let partType = String(contentType.prefix { $0 != ";" })
        var headers = HTTPHeaders()
        headers.add("Content-Type", "multipart/related; type=\"\(partType)\"; boundary=\(boundary)")
        headers.add("Content-Length", "\(total)")
        try response.writeHead(HTTPResponseHead(status: 200, headers: headers))
        var sink = ResponseSink(writer: response)
        defer { response = sink.writer }
        for (index, frame) in ranges.enumerated() {
            try heads[index].withUnsafeBytes { try sink.writer.writeBody($0) }
            for range in frame { try read(stored, range: range, into: &sink) }
        }
        try close.withUnsafeBytes { try sink.writer.writeBody($0) }
        try sink.writer.finish()
    }
}
