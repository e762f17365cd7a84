// Which part of a rendered image to show and at what size (PS3.18 §8.3.5.1.3 "viewport=vw,vh,sx,sy,sw,sh"; WADO-URI
// §9.1.2 rows, columns and region): the source region is scaled to fit the viewport keeping its aspect ratio, each
// output pixel the mean of the source pixels it covers (so thumbnails do not alias); a negative region width or
// height flips the image. Pure.

/// A source region and the largest size to show it at.
public struct Viewport: Equatable, Sendable {
    /// A part of the source image.
    public enum Region: Equatable, Sendable {
        /// `x`, `y` of the corner where the region starts, in source pixels; `width` and `height` negative to flip.
        case pixels(x: Double, y: Double, width: Double, height: Double)
        /// Top-left and bottom-right corners as fractions of the image, 0...1 (WADO-URI `region`).
        case fractions(left: Double, top: Double, right: Double, bottom: Double)
    }

    /// The most pixels on one side of a rendered image.
    public static let sideMax = 8192

    /// The largest width, or nil to follow the height (or the region's own size).
    public let width: Int?
    /// The largest height, or nil to follow the width (or the region's own size).
    public let height: Int?
    /// The part shown, nil for the whole image.
    public let region: Region?

    /// A viewport; throws when a size is not 1...`sideMax` or the region is empty or not finite.
    public init(width: Int? = nil, height: Int? = nil, region: Region? = nil) throws(ImagingError) {
        for side in [width, height].compactMap({ $0 }) where side < 1 || side > Self.sideMax {
            throw ImagingError(.unrenderable, "a viewport side of \(side) pixels is not 1 to \(Self.sideMax)")
        }
        switch region {
        case .pixels(let x, let y, let regionWidth, let regionHeight):
            guard [x, y, regionWidth, regionHeight].allSatisfy(\.isFinite), regionWidth != 0, regionHeight != 0 else {
                throw ImagingError(.unrenderable, "the source region \(x),\(y),\(regionWidth),\(regionHeight) is empty")
            }
        case .fractions(let left, let top, let right, let bottom):
            guard [left, top, right, bottom].allSatisfy({ (0...1).contains($0) }), left < right, top < bottom else {
                throw ImagingError(
                    .unrenderable,
                    "the region \(left),\(top),\(right),\(bottom) is not 0 ≤ left < right ≤ 1, "
                        + "0 ≤ top < bottom ≤ 1")
            }
        case nil: break
        }
        self.width = width
        self.height = height
        self.region = region
    }

    /// The whole image at its own size.
    public static let whole = Viewport(checkedWidth: nil, height: nil, region: nil)

    private init(checkedWidth width: Int?, height: Int?, region: Region?) {
        self.width = width
        self.height = height
        self.region = region
    }

    /// The region in source pixels of an image `width` × `height`: origin and signed extent.
    func sourceRegion(width: Int, height: Int) -> (x: Double, y: Double, width: Double, height: Double) {
        switch region {
        case .pixels(let x, let y, let regionWidth, let regionHeight): (x, y, regionWidth, regionHeight)
        case .fractions(let left, let top, let right, let bottom):
            (
                left * Double(width), top * Double(height), (right - left) * Double(width),
                (bottom - top) * Double(height)
            )
        case nil: (0, 0, Double(width), Double(height))
        }
    }

    /// The output size for a region `regionWidth` × `regionHeight` (absolute values), aspect ratio kept.
    func outputSize(regionWidth: Double, regionHeight: Double) -> (width: Int, height: Int) {
        let scale: Double
        switch (width, height) {
        case (let width?, let height?): scale = min(Double(width) / regionWidth, Double(height) / regionHeight)
        case (let width?, nil): scale = Double(width) / regionWidth
        case (nil, let height?): scale = Double(height) / regionHeight
        case (nil, nil): scale = 1
        }
        let side = { (length: Double) in min(max(Int((length * scale).rounded()), 1), Self.sideMax) }
        return (side(regionWidth), side(regionHeight))
    }

    /// `image` cut to the region and scaled to fit; the image itself when the viewport asks for no change.
    public func apply(to image: RenderedImage) -> RenderedImage {
        let source = sourceRegion(width: image.width, height: image.height)
        let size = outputSize(regionWidth: abs(source.width), regionHeight: abs(source.height))
        if source == (0, 0, Double(image.width), Double(image.height)) && size == (image.width, image.height) {
            return image
        }
        let columns = Self.spans(
            start: source.x, extent: source.width, count: size.width, limit: image.width)
        let rows = Self.spans(start: source.y, extent: source.height, count: size.height, limit: image.height)
        let channels = image.channels
        var pixels = [UInt8](repeating: 0, count: size.width * size.height * channels)
        image.pixels.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { output in
                for (outY, rowSpan) in rows.enumerated() where !rowSpan.isEmpty {
                    for (outX, columnSpan) in columns.enumerated() where !columnSpan.isEmpty {
                        let area = rowSpan.count * columnSpan.count
                        for channel in 0..<channels {
                            var sum = 0
                            for y in rowSpan {
                                let rowStart = y * image.width
                                for x in columnSpan { sum += Int(input[(rowStart + x) * channels + channel]) }
                            }
                            output[(outY * size.width + outX) * channels + channel] = UInt8((sum + area / 2) / area)
                        }
                    }
                }
            }
        }
        return RenderedImage(width: size.width, height: size.height, channels: channels, pixels: pixels)
    }

    /// For each of `count` output pixels along one axis, the source pixels it covers, clamped to `0..<limit`
    /// (empty where the region lies outside the image, which stays black).
    static func spans(start: Double, extent: Double, count: Int, limit: Int) -> [Range<Int>] {
        (0..<count).map { index in
            let a = start + Double(index) * extent / Double(count)
            let b = start + Double(index + 1) * extent / Double(count)
            // Clamped before the conversion, so that a far-away region cannot overflow Int.
            let bound = { (value: Double) in min(max(value, -1), Double(limit) + 1) }
            let low = Int(bound(min(a, b)).rounded(.down))
            let high = max(Int(bound(max(a, b)).rounded(.up)), low + 1)
            return max(low, 0)..<max(min(high, limit), max(low, 0))
        }
    }
}
