// One frame of native pixel data to 8-bit pixels, the PS3.4 §N.2 pipeline for grey images (stored value → Modality
// LUT as rescale → VOI LUT as a window → MONOCHROME1 inverted so that low is dark) and, for colour, RGB or YBR_FULL
// converted to 8-bit RGB. Grey frames of up to 16 stored bits go through a lookup table built once per frame. Pure.

/// Renders frames.
public enum FrameRenderer {
    /// The 8-bit image of `frame` (at least `format.frameBytes` little-endian bytes).
    ///
    /// `window` replaces the instance's own for grey images; without either, the frame's range of values is
    /// spread over the grey levels. Colour images are not windowed.
    public static func render(
        _ frame: UnsafeRawBufferPointer, format: PixelFormat, window: VOIWindow? = nil
    ) throws(ImagingError) -> RenderedImage {
        guard frame.count >= format.frameBytes else {
            throw ImagingError(
                .unrenderable, "the frame holds \(frame.count) bytes; its attributes need \(format.frameBytes)")
        }
        let pixels =
            format.isMonochrome
            ? grey(frame, format: format, window: window) : colour(frame, format: format)
        return RenderedImage(width: format.columns, height: format.rows, channels: format.samples, pixels: pixels)
    }

    /// The 8-bit image of the frame in `frame`.
    public static func render(
        _ frame: [UInt8], format: PixelFormat, window: VOIWindow? = nil
    ) throws(ImagingError) -> RenderedImage {
        try frame.withUnsafeBytes { bytes in
            Result { () throws(ImagingError) in try render(bytes, format: format, window: window) }
        }.get()
    }

    /// How to read stored codes: the raw sample shifted down to its low bit and masked to the bits stored.
    struct SampleReader {
        let bytesPerSample: Int
        let shift: UInt64
        let mask: UInt64
        let signBit: UInt64
        let isSigned: Bool

        init(_ format: PixelFormat) {
            bytesPerSample = format.bitsAllocated / 8
            shift = UInt64(format.highBit + 1 - format.bitsStored)
            mask = format.bitsStored == 64 ? .max : (1 << UInt64(format.bitsStored)) - 1
            signBit = 1 << UInt64(format.bitsStored - 1)
            isSigned = format.isSigned
        }

        /// The stored code of sample `index`: the bits stored, unsigned.
        @inline(__always)
        func code(_ frame: UnsafeRawBufferPointer, _ index: Int) -> UInt64 {
            let raw: UInt64
            switch bytesPerSample {
            case 1: raw = UInt64(frame[index])
            case 2: raw = UInt64(UInt16(littleEndian: frame.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
            default: raw = UInt64(UInt32(littleEndian: frame.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
            return (raw >> shift) & mask
        }

        /// The value a code stands for: two's complement in the bits stored when the pixels are signed.
        @inline(__always)
        func value(ofCode code: UInt64) -> Int64 {
            isSigned && code & signBit != 0 ? Int64(code) - Int64(signBit << 1) : Int64(code)
        }
    }

    private static func grey(_ frame: UnsafeRawBufferPointer, format: PixelFormat, window: VOIWindow?) -> [UInt8] {
        let reader = SampleReader(format)
        let count = format.rows * format.columns
        let modality = { (value: Int64) in Double(value) * format.rescaleSlope + format.rescaleIntercept }
        let chosen = window ?? format.windows.first ?? fullRange(frame, count: count, reader: reader, modality)
        let invert = format.photometric == .monochrome1
        let level = { (code: UInt64) -> UInt8 in
            let grey = chosen.level(modality(reader.value(ofCode: code)))
            return invert ? 255 - grey : grey
        }
        var pixels = [UInt8](repeating: 0, count: count)
        pixels.withUnsafeMutableBufferPointer { out in
            if format.bitsStored <= 16 {
                let table = (0..<(UInt64(1) << UInt64(format.bitsStored))).map(level)
                table.withUnsafeBufferPointer { lookup in
                    for index in 0..<count { out[index] = lookup[Int(reader.code(frame, index))] }
                }
            } else {
                for index in 0..<count { out[index] = level(reader.code(frame, index)) }
            }
        }
        return pixels
    }

    /// A window spanning the frame's lowest to highest modality value.
    private static func fullRange(
        _ frame: UnsafeRawBufferPointer, count: Int, reader: SampleReader, _ modality: (Int64) -> Double
    ) -> VOIWindow {
        var low = Int64.max
        var high = Int64.min
        for index in 0..<count {
            let value = reader.value(ofCode: reader.code(frame, index))
            low = min(low, value)
            high = max(high, value)
        }
        let (bottom, top) = (min(modality(low), modality(high)), max(modality(low), modality(high)))
        return VOIWindow(checkedCenter: (bottom + top) / 2, width: max(top - bottom, 1), function: .linearExact)
    }

    private static func colour(_ frame: UnsafeRawBufferPointer, format: PixelFormat) -> [UInt8] {
        let reader = SampleReader(format)
        let count = format.rows * format.columns
        let top = reader.mask
        let eightBit = { (code: UInt64) -> Int in
            format.bitsStored == 8 ? Int(code) : Int((code * 255 + top / 2) / top)
        }
        var pixels = [UInt8](repeating: 0, count: count * 3)
        let isYBR = format.photometric == .ybrFull
        for index in 0..<count {
            var sample = (0, 0, 0)
            if format.isPlanar {
                sample = (
                    eightBit(reader.code(frame, index)), eightBit(reader.code(frame, count + index)),
                    eightBit(reader.code(frame, 2 * count + index))
                )
            } else {
                sample = (
                    eightBit(reader.code(frame, index * 3)), eightBit(reader.code(frame, index * 3 + 1)),
                    eightBit(reader.code(frame, index * 3 + 2))
                )
            }
            let rgb = isYBR ? rgbOfYBR(sample) : sample
            pixels[index * 3] = UInt8(clamping: rgb.0)
            pixels[index * 3 + 1] = UInt8(clamping: rgb.1)
            pixels[index * 3 + 2] = UInt8(clamping: rgb.2)
        }
        return pixels
    }

    /// YBR_FULL to RGB (PS3.3 §C.7.6.3.1.2: the ITU-R BT.601 full-range equations, inverted).
    static func rgbOfYBR(_ ybr: (Int, Int, Int)) -> (Int, Int, Int) {
        let (y, cb, cr) = (Double(ybr.0), Double(ybr.1) - 128, Double(ybr.2) - 128)
        return (
            Int((y + 1.402 * cr).rounded()), Int((y - 0.344136 * cb - 0.714136 * cr).rounded()),
            Int((y + 1.772 * cb).rounded())
        )
    }
}
