// An 8-bit image ready to encode: grey (one byte per pixel) or RGB (three, interleaved), rows top to bottom.

/// Pixels after rendering, before encoding.
public struct RenderedImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// 1 for grey, 3 for RGB.
    public let channels: Int
    /// `width × height × channels` bytes, row by row.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3, "a rendered image is grey or RGB")
        precondition(pixels.count == width * height * channels, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}
