// WADO-RS instances answered in another native transfer syntax than stored, as the Accept header asked: each part
// is a new Part-10 file (a meta group naming the answered syntax, then the data set transcoded as it streams from
// the store or a holder). Lengths are not known beforehand, so the response and its parts go without one (chunked).
import Catalog
import DICOM
import HTTP
import ObjectStore
import Primitives

extension RetrieveService {
    /// Streams `instances`, each in the syntax `plan` gives for its stored one.
    func retrieveTranscoded(
        _ instances: [CatalogStoredInstance], plan: [String: String], response: inout some HTTPResponseWriter
    ) throws {
        let boundary = MultipartFraming.boundary(for: instances[0].record.manifestAddress)
        var headers = HTTPHeaders()
        headers.add("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=\(boundary)")
        try response.writeHead(HTTPResponseHead(status: 200, headers: headers))
        var sink = ResponseSink(writer: response)
        defer { response = sink.writer }
        for (index, stored) in instances.enumerated() {
            let syntax = plan[stored.record.transferSyntaxUID] ?? stored.record.transferSyntaxUID
            let head = MultipartFraming.partHead(
                boundary: boundary, isFirst: index == 0, contentType: "application/dicom; transfer-syntax=\(syntax)",
                length: nil)
            try head.withUnsafeBytes { try sink.writer.writeBody($0) }
            guard let source = TransferSyntax(uid: stored.record.transferSyntaxUID),
                let target = TransferSyntax(uid: syntax), syntax != stored.record.transferSyntaxUID
            else {
                try read(stored, into: &sink)
                continue
            }
            var transcoding = TranscodingFileSink(
                inner: sink, instance: stored, transcoder: DataSetTranscoder(from: source, to: target))
            try read(stored, into: &transcoding)
            try transcoding.finish()
            sink = transcoding.inner
        }
        try MultipartFraming.close(boundary: boundary).withUnsafeBytes { try sink.writer.writeBody($0) }
        try sink.writer.finish()
    }
}

/// A ByteSink that turns a stored Part-10 file into one in another native syntax: a new meta group, then the data
/// set transcoded.
struct TranscodingFileSink<Inner: ByteSink>: ByteSink {
    var inner: Inner
    let instance: CatalogStoredInstance
    private var transcoder: DataSetTranscoder
    private var splitter = Part10HeadSplitter()
    private var output: [UInt8] = []

    init(inner: Inner, instance: CatalogStoredInstance, transcoder: DataSetTranscoder) {
        self.inner = inner
        self.instance = instance
        self.transcoder = transcoder
    }

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws {
        output.removeAll(keepingCapacity: true)
        let wasInDataSet = splitter.meta != nil
        var dataSet: [UInt8] = []
        if wasInDataSet {
            try transcoder.feed(buffer, into: &output)
        } else {
            try splitter.take(buffer) { dataSet.append(contentsOf: $0) }
            guard splitter.meta != nil else { return }
            output = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
            output += Part10Writer.metaGroup(
                sopClassUID: instance.sopClassUID, sopInstanceUID: instance.sopInstanceUID,
                transferSyntax: transcoder.target)
            try dataSet.withUnsafeBytes { try transcoder.feed($0, into: &output) }
        }
        try output.withUnsafeBytes { try inner.write($0) }
    }

    /// Ends the file: throws when the stored one ended before its data set, or inside an element.
    mutating func finish() throws {
        guard splitter.meta != nil else {
            throw DICOMwebError(.internalFailure, "instance \(instance.sopInstanceUID) has no data set")
        }
        output.removeAll(keepingCapacity: true)
        try transcoder.finish(into: &output)
        try output.withUnsafeBytes { try inner.write($0) }
    }
}
