// Rendered images (PS3.18 §10.4.1.1.3 `…/instances/{uid}/rendered`, `…/frames/{n}/rendered`; WADO-URI with an image
// contentType): one frame of native pixel data cut from the stored file by byte range, rendered to 8-bit (window,
// rescale, MONOCHROME1, colour), fitted to the viewport and encoded as JPEG or PNG. The instance's first frame
// stands for a multi-frame instance.
import Catalog
import DICOM
import HTTP
import Imaging
import ObjectStore
import Primitives

extension RetrieveService {
    /// Answers `…/rendered` of an instance (`frame` nil) or of one frame.
    func rendered(
        _ request: HTTPRequestHead, study: String, series: String, instance: String, frame: Int?,
        response: inout some HTTPResponseWriter
    ) throws {
        var parameters = try RenderParameters(
            renderedQuery: request.queryItems, accept: request.headers.values("Accept").joined(separator: ", "))
        parameters.frame = frame ?? 1
        let stored = try find(study: study, series: series, instance: instance, includesMetadata: true)[0]
        try answerRendered(stored, parameters: parameters, response: &response)
    }

    /// The rendered image of `stored` as `parameters` ask.
    func answerRendered(
        _ stored: CatalogStoredInstance, parameters: RenderParameters, response: inout some HTTPResponseWriter
    ) throws {
        let instance = stored.sopInstanceUID
        let header = try nativeHeader(of: stored)
        let format = try PixelFormat(header: header, instance: instance)
        let layout = try FrameLayout(header: header, instance: instance)
        guard UInt64(format.frameBytes) == layout.frameBytes else {
            throw DICOMwebError(
                .notAcceptable,
                "instance \(instance): \(format.photometric.rawValue) frames of \(format.frameBytes) bytes do not "
                    + "match the pixel data's \(layout.frameBytes)-byte frames")
        }
        guard parameters.frame <= layout.frameCount else {
            throw DICOMwebError(
                .notFound,
                "instance \(instance) has \(layout.frameCount) frame(s); there is no frame \(parameters.frame)")
        }
        var frame = MemorySink()
        try read(stored, range: layout.range(ofFrame: parameters.frame), into: &frame)
        let encoded: [UInt8]
        do throws(ImagingError) {
            let image = try FrameRenderer.render(frame.bytes, format: format, window: parameters.window)
            let shown = parameters.viewport.apply(to: image)
            encoded =
                switch parameters.media {
                case .jpeg: try JPEGEncoder.encode(shown, quality: parameters.quality)
                case .png: try PNGEncoder.encode(shown)
                }
        } catch {
            context.log("rendering instance \(instance) failed: \(error.reason)")
            throw DICOMwebError(
                error.kind == .unrenderable ? .notAcceptable : .internalFailure,
                "instance \(instance) could not be rendered: \(error.reason)")
        }
        var headers = HTTPHeaders()
        headers.add("Content-Type", parameters.media.rawValue)
        headers.add("Content-Length", "\(encoded.count)")
        try response.writeHead(HTTPResponseHead(status: 200, headers: headers))
        try encoded.withUnsafeBytes { try response.writeBody($0) }
        try response.finish()
    }

    /// The header of an instance whose pixel data is native little endian, or 406 naming the stored transfer
    /// syntax (frames of compressed, deflated or big-endian data cannot be cut by byte range).
    func nativeHeader(of stored: CatalogStoredInstance) throws -> HeaderMembers {
        guard let syntax = TransferSyntax(uid: stored.record.transferSyntaxUID), !syntax.isEncapsulated,
            !syntax.isDeflated, !syntax.isBigEndian
        else {
            throw DICOMwebError(
                .notAcceptable,
                "instance \(stored.sopInstanceUID) is stored in transfer syntax \(stored.record.transferSyntaxUID); "
                    + "only frames of uncompressed little-endian pixel data are served")
        }
        return HeaderMembers(json: try header(of: stored))
    }
}
