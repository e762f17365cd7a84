// JPEG frames decoded by libjpeg-turbo (8-bit baseline and extended, which is what CR, DX, US and secondary capture
// send compressed): grey or RGB samples the renderer takes as 8-bit native pixels. Lossless and 12-bit JPEG are
// not decoded here; the caller says so with a 406.
import CTurboJPEG

/// JPEG decoding.
public enum JPEGDecoder {
    /// A decoded frame: `channels` 8-bit samples per pixel, interleaved, rows top to bottom.
    public struct Frame: Sendable {
        public let width: Int
        public let height: Int
        public let channels: Int
        public let samples: [UInt8]
    }

    /// Decodes `jpeg` into grey samples (`channels` 1) or RGB (3; YCbCr is converted). `isStoredRGB` (Photometric
    /// Interpretation RGB, PS3.5 §8.2.1) means the stream's components are R, G and B already, whatever its markers
    /// suggest: they are taken as they are, without colour conversion.
    public static func decode(
        _ jpeg: [UInt8], channels: Int, isStoredRGB: Bool = false
    ) throws(ImagingError) -> Frame {
        precondition(channels == 1 || channels == 3, "decoding gives grey or RGB")
        guard let handle = tjInitDecompress() else {
            throw ImagingError(.encoderFailure, "libjpeg-turbo could not start a decompressor")
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colourspace: Int32 = 0
        let header = jpeg.withUnsafeBufferPointer { bytes in
            tjDecompressHeader3(
                handle, bytes.baseAddress, UInt(bytes.count), &width, &height, &subsampling, &colourspace)
        }
        guard header == 0, width > 0, height > 0, Int(width) <= PixelFormat.pixelCountMax / Int(height) else {
            throw ImagingError(.unrenderable, "the JPEG frame cannot be decoded: \(reason(handle))")
        }
        if channels == 3 && isStoredRGB && colourspace == Int32(TJCS_YCbCr.rawValue) {
            return try componentsAsRGB(handle, jpeg, width: Int(width), height: Int(height), subsampling: subsampling)
        }
        var samples = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
        let format = channels == 1 ? TJPF_GRAY : TJPF_RGB
        let status = jpeg.withUnsafeBufferPointer { bytes in
            samples.withUnsafeMutableBufferPointer { out in
                tjDecompress2(
                    handle, bytes.baseAddress, UInt(bytes.count), out.baseAddress, width, 0, height,
                    Int32(format.rawValue), 0)
            }
        }
        guard status == 0 else {
            throw ImagingError(.unrenderable, "the JPEG frame cannot be decoded: \(reason(handle))")
        }
        return Frame(width: Int(width), height: Int(height), channels: channels, samples: samples)
    }

    /// The three components of a stream libjpeg-turbo would take for YCbCr, decoded without conversion and
    /// interleaved as R, G, B; only full-resolution (4:4:4) components, as an RGB stream has.
    private static func componentsAsRGB(
        _ handle: tjhandle, _ jpeg: [UInt8], width: Int, height: Int, subsampling: Int32
    ) throws(ImagingError) -> Frame {
        guard subsampling == Int32(TJSAMP_444.rawValue) else {
            throw ImagingError(.unrenderable, "an RGB JPEG frame with subsampled components cannot be decoded")
        }
        let plane = width * height
        var planes = [UInt8](repeating: 0, count: 3 * plane)
        let status = jpeg.withUnsafeBufferPointer { bytes in
            planes.withUnsafeMutableBufferPointer { out in
                tjDecompressToYUV2(
                    handle, bytes.baseAddress, UInt(bytes.count), out.baseAddress, Int32(width), 1, Int32(height), 0)
            }
        }
        guard status == 0 else {
            throw ImagingError(.unrenderable, "the JPEG frame cannot be decoded: \(reason(handle))")
        }
        var samples = [UInt8](repeating: 0, count: 3 * plane)
        for index in 0..<plane {
            for channel in 0..<3 { samples[index * 3 + channel] = planes[channel * plane + index] }
        }
        return Frame(width: width, height: height, channels: 3, samples: samples)
    }

    private static func reason(_ handle: tjhandle) -> String {
        tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error"
    }
}
