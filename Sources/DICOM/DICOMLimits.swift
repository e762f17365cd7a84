// Bounds on what the Part-10 reader accepts (STYLE.md, "A limit on everything"). Each one has its own error code,
// and the message names the limit, so an operator can tell which one to raise.

/// Limits for `Part10Reader`.
public struct DICOMLimits: Sendable, Equatable {
    /// The most bytes of element headers and inline values the header may hold: bounds the memory of one parse.
    public var headerBytesMax: Int
    /// Values at most this long are kept in the header; longer ones are recorded as bulk data (offset, length).
    public var inlineValueBytesMax: Int
    /// The largest defined length accepted for any element, pixel data included. Below 0xFFFFFFFF (undefined),
    /// so a declared length near 4 GiB is refused at once rather than waited for.
    public var elementValueBytesMax: Int64
    /// How deep sequences may nest; nesting is tracked on an explicit stack, never the call stack.
    public var sequenceDepthMax: Int
    /// The most elements, nested ones included, outside pixel data.
    public var elementCountMax: Int
    /// The most bytes the whole stream may have.
    public var inputBytesMax: Int64

    /// Makes limits; the defaults suit STOW-RS ingest of instances up to a few GiB.
    public init(
        headerBytesMax: Int = 16 << 20, inlineValueBytesMax: Int = 64 << 10, elementValueBytesMax: Int64 = 3 << 30,
        sequenceDepthMax: Int = 64, elementCountMax: Int = 200_000, inputBytesMax: Int64 = 16 << 30
    ) {
        precondition(headerBytesMax > 0 && inlineValueBytesMax >= 0 && elementValueBytesMax >= 0)
        precondition(sequenceDepthMax > 0 && elementCountMax > 0 && inputBytesMax > 0)
        self.headerBytesMax = headerBytesMax
        self.inlineValueBytesMax = inlineValueBytesMax
        self.elementValueBytesMax = elementValueBytesMax
        self.sequenceDepthMax = sequenceDepthMax
        self.elementCountMax = elementCountMax
        self.inputBytesMax = inputBytesMax
    }

    /// The defaults.
    public static let standard = DICOMLimits()
}
