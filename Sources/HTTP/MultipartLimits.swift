// The bounds a multipart body is read within (STYLE.md, "A limit on everything"). Owns the numbers only.

/// Limits on one multipart body; exceeding one is an HTTPParseError naming the limit.
public struct MultipartLimits: Sendable, Equatable {
    /// Most bytes in one part's header section, its empty line included.
    public var partHeadBytesMax: Int
    /// Most parts in one body.
    public var partCountMax: Int
    /// The opening delimiter must start within this many bytes of the body.
    public var preambleBytesMax: Int
    /// Most bytes of transport padding (spaces and tabs) after a boundary.
    public var paddingBytesMax: Int

    /// Makes limits; the defaults suit STOW-RS bodies of thousands of DICOM instances.
    public init(
        partHeadBytesMax: Int = 16 * 1024, partCountMax: Int = 100_000, preambleBytesMax: Int = 64 * 1024,
        paddingBytesMax: Int = 256
    ) {
        precondition(partHeadBytesMax > 2 && partCountMax >= 0, "limits too small")
        precondition(preambleBytesMax >= 0 && paddingBytesMax >= 0, "limits must not be negative")
        self.partHeadBytesMax = partHeadBytesMax
        self.partCountMax = partCountMax
        self.preambleBytesMax = preambleBytesMax
        self.paddingBytesMax = paddingBytesMax
    }
}
