// Rendered images as baseline JPEG through libjpeg-turbo's TurboJPEG API (Debian's libturbojpeg0-dev): grey or RGB,
// quality 1...100; chroma at full resolution from quality 90 up so fine colour detail survives.
import CTurboJPEG

/// JPEG encoding.
public enum JPEGEncoder {
    /// The quality used when the request names none.
    public static let defaultQuality = 90

    /// `image` as a JFIF file at `quality` (1...100).
    public static func encode(_ image: RenderedImage, quality: Int = defaultQuality) throws(ImagingError) -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw ImagingError(.unrenderable, "JPEG quality \(quality) is not 1 to 100")
        }
        guard let handle = tjInitCompress() else {
            throw ImagingError(.encoderFailure, "libjpeg-turbo could not start a compressor")
        }
        defer { tjDestroy(handle) }
        let isGrey = image.channels == 1
        let format = isGrey ? TJPF_GRAY : TJPF_RGB
        let subsampling = isGrey ? TJSAMP_GRAY : (quality >= 90 ? TJSAMP_444 : TJSAMP_420)
        var output: UnsafeMutablePointer<UInt8>? = nil
        var length: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(
                handle, pixels.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(format.rawValue),
                &output, &length, Int32(subsampling.rawValue), Int32(quality), 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            let reason = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error"
            throw ImagingError(.encoderFailure, "libjpeg-turbo could not encode the image: \(reason)")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }
}
