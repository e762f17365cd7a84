// What a frame of native pixel data is (PS3.3 §C.7.6.3 Image Pixel Module, §C.11.1 Modality LUT, §C.11.2 VOI LUT):
// size, samples, bit layout, photometric interpretation, rescale and the windows the instance recommends. Checked
// once here so the renderer can trust it. Pure.

/// The layout and meaning of one frame of native (uncompressed, little-endian) pixel data.
public struct PixelFormat: Equatable, Sendable {
    /// The photometric interpretations this renderer handles (PS3.3 §C.7.6.3.1.2).
    public enum Photometric: String, Sendable, CaseIterable {
        case monochrome1 = "MONOCHROME1"
        case monochrome2 = "MONOCHROME2"
        case rgb = "RGB"
        case ybrFull = "YBR_FULL"

        /// Samples per pixel the interpretation has.
        var samples: Int { self == .monochrome1 || self == .monochrome2 ? 1 : 3 }
    }

    /// The most pixels one frame may have: 8192², four times a large mammogram, so rendering one frame holds at
    /// most a few hundred MiB however hostile the header.
    public static let pixelCountMax = 8192 * 8192

    public let rows: Int
    public let columns: Int
    public let photometric: Photometric
    public let bitsAllocated: Int
    public let bitsStored: Int
    public let highBit: Int
    public let isSigned: Bool
    /// Colour planes stored one after the other (Planar Configuration 1) rather than interleaved.
    public let isPlanar: Bool
    public let rescaleSlope: Double
    public let rescaleIntercept: Double
    /// The windows the instance recommends (Window Center and Width), first preferred.
    public let windows: [VOIWindow]

    /// A checked format; throws naming the attribute that is missing, inconsistent or not handled.
    public init(
        rows: Int, columns: Int, samplesPerPixel: Int, photometric: String, bitsAllocated: Int, bitsStored: Int?,
        highBit: Int?, pixelRepresentation: Int, planarConfiguration: Int = 0, rescaleSlope: Double = 1,
        rescaleIntercept: Double = 0, windows: [VOIWindow] = []
    ) throws(ImagingError) {
        let name = photometric.trimmingSpaces
        guard let interpretation = Photometric(rawValue: name) else {
            throw ImagingError(
                .unrenderable,
                "photometric interpretation '\(name.prefix(32))' is not rendered (rendered: "
                    + Photometric.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        guard rows > 0, columns > 0, rows <= Self.pixelCountMax / columns else {
            throw ImagingError(.unrenderable, "a frame of \(rows) × \(columns) pixels is not rendered")
        }
        guard samplesPerPixel == interpretation.samples else {
            throw ImagingError(
                .unrenderable, "\(name) needs \(interpretation.samples) samples per pixel, not \(samplesPerPixel)")
        }
        guard [8, 16, 32].contains(bitsAllocated) else {
            throw ImagingError(.unrenderable, "\(bitsAllocated) bits allocated is not rendered (8, 16 or 32 are)")
        }
        let stored = bitsStored ?? bitsAllocated
        let high = highBit ?? stored - 1
        guard stored >= 1, stored <= bitsAllocated, high >= stored - 1, high < bitsAllocated else {
            throw ImagingError(
                .unrenderable,
                "bits stored \(stored) with high bit \(high) do not fit \(bitsAllocated) bits allocated")
        }
        guard pixelRepresentation == 0 || pixelRepresentation == 1 else {
            throw ImagingError(.unrenderable, "pixel representation \(pixelRepresentation) is neither 0 nor 1")
        }
        guard rescaleSlope.isFinite, rescaleIntercept.isFinite, rescaleSlope != 0 else {
            throw ImagingError(.unrenderable, "rescale slope \(rescaleSlope) and intercept \(rescaleIntercept)")
        }
        self.rows = rows
        self.columns = columns
        self.photometric = interpretation
        self.bitsAllocated = bitsAllocated
        self.bitsStored = stored
        self.highBit = high
        self.isSigned = pixelRepresentation == 1
        self.isPlanar = interpretation.samples > 1 && planarConfiguration == 1
        self.rescaleSlope = rescaleSlope
        self.rescaleIntercept = rescaleIntercept
        self.windows = windows
    }

    /// Samples per pixel.
    public var samples: Int { photometric.samples }

    /// The bytes one frame takes.
    public var frameBytes: Int { rows * columns * samples * bitsAllocated / 8 }

    /// Whether the image is grey (windowing applies) rather than colour.
    public var isMonochrome: Bool { samples == 1 }
}

extension String {
    /// The string without leading or trailing spaces (DICOM pads values with them).
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " || $0 == "\0" }.reversed())
    }
}
