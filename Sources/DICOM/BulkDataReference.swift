// Where a value the reader did not keep lies in the stream: large values and pixel data stay in the object store,
// and WADO-RS serves them by this offset and length.

/// The position of an unbuffered value in the Part-10 stream.
public struct BulkDataReference: Sendable, Equatable {
    /// The stream offset of the value's first byte (the first item tag for encapsulated pixel data).
    public var offset: Int64
    /// The value's length in bytes; for encapsulated pixel data, the bytes from the first item tag through the
    /// sequence delimiter, nil until the reader has walked them.
    public var length: Int64?
    /// Whether the value is encapsulated pixel data: Basic Offset Table and fragments as items (PS3.5 §A.4).
    public var isEncapsulated: Bool
    /// How many items (offset table plus fragments) the encapsulated value holds; 0 for a plain value.
    public var itemCount: Int

    /// Makes a reference.
    public init(offset: Int64, length: Int64?, isEncapsulated: Bool = false, itemCount: Int = 0) {
        self.offset = offset
        self.length = length
        self.isEncapsulated = isEncapsulated
        self.itemCount = itemCount
    }
}
