// Where each frame of an instance's native pixel data lies in its stored file (PS3.5 §8.1.1, PS3.18 §10.4.1.1.4):
// read from the stored DICOM JSON header (Rows, Columns, Samples per Pixel, Bits Allocated, Number of Frames, and
// the Pixel Data BulkDataURI, which names the value's offset and length in the file). Pure.

/// The frames of one instance's native pixel data.
struct FrameLayout: Equatable {
    /// Where the Pixel Data value starts in the stored file.
    let pixelOffset: UInt64
    /// The Pixel Data value's length.
    let pixelLength: UInt64
    /// Bytes per frame.
    let frameBytes: UInt64
    /// Frames in the instance.
    let frameCount: Int

    /// The layout the header `json` describes, or throws naming what is missing (404: the instance has no pixel
    /// data) or what cannot be served (406: packed bits, or a value shorter than its frames).
    init(header members: HeaderMembers, instance: String) throws(DICOMwebError) {
        func number(_ tag: UInt32, default fallback: UInt64? = nil) throws(DICOMwebError) -> UInt64 {
            if let value = members.values(tag).first.flatMap({ UInt64($0) }) { return value }
            if let fallback { return fallback }
            throw DICOMwebError(
                .notFound, "instance \(instance) has no \(String(tag, radix: 16, uppercase: true)) for its frames")
        }
        guard let pixels = members[0x7FE0_0010], let location = BulkDataLocation.range(inMember: pixels) else {
            throw DICOMwebError(.notFound, "instance \(instance) has no native pixel data to cut into frames")
        }
        let rows = try number(0x0028_0010)
        let columns = try number(0x0028_0011)
        let samples = try number(0x0028_0002, default: 1)
        let bits = try number(0x0028_0100)
        let frames = try number(0x0028_0008, default: 1)
        guard bits % 8 == 0, bits > 0 else {
            throw DICOMwebError(
                .notAcceptable, "instance \(instance) has \(bits)-bit pixels; packed frames are not served")
        }
        let (pixel, pixelOverflow) = columns.multipliedReportingOverflow(by: samples * (bits / 8))
        let (product, overflow) = rows.multipliedReportingOverflow(by: pixel)
        let (total, totalOverflow) = product.multipliedReportingOverflow(by: frames)
        guard !pixelOverflow, !overflow, !totalOverflow, frames > 0, frames <= UInt64(Int32.max), product > 0,
            samples <= 4, bits <= 64, total <= location.length
        else {
            throw DICOMwebError(
                .notAcceptable,
                "instance \(instance): \(frames) frames of \(rows)×\(columns)×\(samples)×\(bits) bits do not fit its "
                    + "\(location.length)-byte pixel data")
        }
        pixelOffset = location.offset
        pixelLength = location.length
        frameBytes = product
        frameCount = Int(frames)
    }

    /// The bytes of frame `number` (1-based) in the stored file.
    func range(ofFrame number: Int) -> Range<UInt64> {
        let start = pixelOffset + UInt64(number - 1) * frameBytes
        return start..<(start + frameBytes)
    }
}
