// The pixel format of an instance read from its stored DICOM JSON header: the Image Pixel attributes, rescale and
// the recommended windows, the renderer's reasons for refusing one turned into a 406 naming the instance.
import Imaging

extension PixelFormat {
    /// The format `header` describes; 406 when the instance cannot be rendered. `isInterleaved`: the pixels are
    /// interleaved whatever Planar Configuration says (a decoder's output).
    init(header: HeaderMembers, instance: String, isInterleaved: Bool = false) throws(DICOMwebError) {
        func integer(_ tag: UInt32, _ name: String) throws(DICOMwebError) -> Int {
            guard let value = header.integer(tag) else {
                throw DICOMwebError(.notAcceptable, "instance \(instance) has no \(name) and cannot be rendered")
            }
            return value
        }
        let rows = try integer(0x0028_0010, "Rows")
        let columns = try integer(0x0028_0011, "Columns")
        let bitsAllocated = try integer(0x0028_0100, "Bits Allocated")
        do {
            try self.init(
                rows: rows, columns: columns,
                samplesPerPixel: header.integer(0x0028_0002) ?? 1,
                photometric: header.values(0x0028_0004).first ?? "MONOCHROME2",
                bitsAllocated: bitsAllocated, bitsStored: header.integer(0x0028_0101),
                highBit: header.integer(0x0028_0102), pixelRepresentation: header.integer(0x0028_0103) ?? 0,
                planarConfiguration: isInterleaved ? 0 : header.integer(0x0028_0006) ?? 0,
                rescaleSlope: header.numbers(0x0028_1053)?.first ?? 1,
                rescaleIntercept: header.numbers(0x0028_1052)?.first ?? 0, windows: Self.windows(header))
        } catch {
            throw DICOMwebError(.notAcceptable, "instance \(instance) cannot be rendered: \(error.reason)")
        }
    }

    /// The format of a JPEG frame libjpeg-turbo decoded into 8-bit samples: its size and channels, grey with the
    /// header's photometric interpretation, rescale and windows, colour as RGB (the decoder converts YCbCr).
    init(header: HeaderMembers, decoded frame: JPEGDecoder.Frame, instance: String) throws(DICOMwebError) {
        let isGrey = frame.channels == 1
        do {
            try self.init(
                rows: frame.height, columns: frame.width, samplesPerPixel: frame.channels,
                photometric: isGrey ? header.values(0x0028_0004).first ?? "MONOCHROME2" : "RGB", bitsAllocated: 8,
                bitsStored: 8, highBit: 7, pixelRepresentation: 0,
                rescaleSlope: isGrey ? header.numbers(0x0028_1053)?.first ?? 1 : 1,
                rescaleIntercept: isGrey ? header.numbers(0x0028_1052)?.first ?? 0 : 0,
                windows: isGrey ? Self.windows(header) : [])
        } catch {
            throw DICOMwebError(.notAcceptable, "instance \(instance) cannot be rendered: \(error.reason)")
        }
    }

    /// The windows the header recommends (Window Center and Width, with the VOI LUT Function); one that is not
    /// valid is skipped: the frame's own range is a better default than a 406.
    static func windows(_ header: HeaderMembers) -> [VOIWindow] {
        let centers = header.numbers(0x0028_1050) ?? []
        let widths = header.numbers(0x0028_1051) ?? []
        let function: VOIWindow.Function =
            switch header.values(0x0028_1056).first {
            case "LINEAR_EXACT": .linearExact
            case "SIGMOID": .sigmoid
            default: .linear
            }
        return zip(centers, widths).compactMap { try? VOIWindow(center: $0, width: $1, function: function) }
    }
}
