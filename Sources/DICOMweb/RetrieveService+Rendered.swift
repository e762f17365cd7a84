// Rendered images (PS3.18 §10.4.1.1.3 `…/instances/{uid}/rendered`, `…/frames/{n}/rendered`; WADO-URI with an image
// contentType): one frame of native pixel data cut from the stored file by byte range (or an 8-bit JPEG frame,
// decoded), rendered to 8-bit (window, rescale, MONOCHROME1, colour), fitted to the viewport and encoded as JPEG or
// PNG. The instance's first frame stands for a multi-frame instance.
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
        let (pixels, format) = try renderableFrame(of: stored, number: parameters.frame)
        let encoded: [UInt8]
        do throws(ImagingError) {
            let image = try FrameRenderer.render(pixels, format: format, window: parameters.window)
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

    /// The 8-bit-ready pixels of frame `number` and their format: a native frame cut from the stored file by byte
    /// range, or an 8-bit JPEG frame (baseline or extended) decoded by libjpeg-turbo.
    private func renderableFrame(
        of stored: CatalogStoredInstance, number: Int
    ) throws -> (pixels: [UInt8], format: PixelFormat) {
        let instance = stored.sopInstanceUID
        if Self.decodableJPEG.contains(stored.record.transferSyntaxUID) {
            let header = HeaderMembers(json: try header(of: stored))
            guard header.integer(0x0028_0100) == 8 else {
                throw DICOMwebError(
                    .notAcceptable,
                    "instance \(instance) holds \(header.integer(0x0028_0100) ?? 0)-bit JPEG frames; only 8-bit "
                        + "ones are decoded for rendering")
            }
            let jpeg = try encapsulatedFrame(of: stored, header: header, number: number)
            let channels = (header.integer(0x0028_0002) ?? 1) == 1 ? 1 : 3
            let decoded: JPEGDecoder.Frame
            do {
                let photometric = header.values(0x0028_0004).first ?? ""
                decoded = try JPEGDecoder.decode(jpeg, channels: channels, isStoredRGB: photometric == "RGB")
            } catch {
                throw DICOMwebError(.notAcceptable, "frame \(number) of instance \(instance): \(error.reason)")
            }
            return (decoded.samples, try PixelFormat(header: header, decoded: decoded, instance: instance))
        }
        if stored.record.transferSyntaxUID == TransferSyntax.rleLossless.uid {
            return try rleFrame(of: stored, number: number)
        }
        let header = try nativeHeader(of: stored)
        let format = try PixelFormat(header: header, instance: instance)
        let layout = try FrameLayout(header: header, instance: instance)
        guard UInt64(format.frameBytes) == layout.frameBytes else {
            throw DICOMwebError(
                .notAcceptable,
                "instance \(instance): \(format.photometric.rawValue) frames of \(format.frameBytes) bytes do not "
                    + "match the pixel data's \(layout.frameBytes)-byte frames")
        }
        guard number <= layout.frameCount else {
            throw DICOMwebError(
                .notFound, "instance \(instance) has \(layout.frameCount) frame(s); there is no frame \(number)")
        }
        var frame = MemorySink()
        try read(stored, range: layout.range(ofFrame: number), into: &frame)
        return (frame.bytes, format)
    }

    /// Frame `number` of RLE Lossless pixel data, decoded into interleaved native pixels.
    private func rleFrame(
        of stored: CatalogStoredInstance, number: Int
    ) throws -> (pixels: [UInt8], format: PixelFormat) {
        let instance = stored.sopInstanceUID
        let header = HeaderMembers(json: try header(of: stored))
        let format = try PixelFormat(header: header, instance: instance, isInterleaved: true)
        let encoded = try encapsulatedFrame(of: stored, header: header, number: number)
        do {
            let pixels = try RLEDecoder.decode(
                encoded, rows: format.rows, columns: format.columns, samples: format.samples,
                bytesPerSample: format.bitsAllocated / 8)
            return (pixels, format)
        } catch {
            throw DICOMwebError(.notAcceptable, "frame \(number) of instance \(instance): \(error.reason)")
        }
    }

    /// The JPEG syntaxes whose 8-bit frames libjpeg-turbo decodes: Baseline and Extended (Process 2 & 4).
    static let decodableJPEG: Set<String> = ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"]

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
