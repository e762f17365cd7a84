// WADO-RS frames (PS3.18 §10.4.1.1.4): `…/instances/{uid}/frames/1,3` of native pixel data, each frame a part of a
// multipart/related application/octet-stream answer with its exact length, cut from the stored file by byte range
// (from this node's store or a holder), never read whole. Compressed pixel data is 406 until it can be split.
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
        let accept = request.headers.values("Accept").joined(separator: ", ")
        try RetrieveNegotiation.checkFrames(accept: accept.isEmpty ? nil : accept)
        let stored = try find(study: study, series: series, instance: instance, includesMetadata: true)[0]
        let layout = try FrameLayout(header: try nativeHeader(of: stored), instance: instance)
        if let missing = numbers.first(where: { $0 > layout.frameCount }) {
            throw DICOMwebError(
                .notFound, "instance \(instance) has \(layout.frameCount) frame(s); there is no frame \(missing)")
        }
        let boundary = MultipartFraming.boundary(for: stored.record.manifestAddress)
        let heads = numbers.indices.map { index in
            MultipartFraming.partHead(
                boundary: boundary, isFirst: index == 0,
                contentType: "application/octet-stream; transfer-syntax=\(TransferSyntax.explicitVRLittleEndian.uid)",
                length: Int64(layout.frameBytes))
        }
        let close = MultipartFraming.close(boundary: boundary)
        let total =
            heads.reduce(Int64(close.count)) { $0 + Int64($1.count) } + Int64(numbers.count) * Int64(layout.frameBytes)
        var headers = HTTPHeaders()
        headers.add("Content-Type", "multipart/related; type=\"application/octet-stream\"; boundary=\(boundary)")
        headers.add("Content-Length", "\(total)")
        try response.writeHead(HTTPResponseHead(status: 200, headers: headers))
        var sink = ResponseSink(writer: response)
        defer { response = sink.writer }
        for (index, number) in numbers.enumerated() {
            try heads[index].withUnsafeBytes { try sink.writer.writeBody($0) }
            try read(stored, range: layout.range(ofFrame: number), into: &sink)
        }
        try close.withUnsafeBytes { try sink.writer.writeBody($0) }
        try sink.writer.finish()
    }
}
