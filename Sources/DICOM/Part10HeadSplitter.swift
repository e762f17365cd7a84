// Splits a Part-10 file streaming through into its file meta information and its data set (PS3.10 §7.1): what a
// sender needs to put the data set on the wire (DIMSE) or behind another meta group (a transcoded retrieve)
// without holding the file. The head is read by Part10Reader, so any file the store accepted splits the same way.

/// Finds where the data set of a Part-10 stream starts and passes the bytes from there on.
public struct Part10HeadSplitter: Sendable {
    /// The most bytes a preamble and meta group may take before the data set must have started.
    public let headBytesMax: Int
    /// The file meta information, once the data set has started.
    public private(set) var meta: FileMetaInformation?
    private var reader = Part10Reader()
    private var head: [UInt8] = []

    /// Makes a splitter that gives up when no data set starts within `headBytesMax` bytes.
    public init(headBytesMax: Int = 64 << 10) {
        self.headBytesMax = headBytesMax
    }

    /// Takes the next bytes of the file; hands `body` the data set bytes among them (none until the meta group has
    /// been read, then the held-back start of the data set at once). Throws the reader's error, or `.headerTooLarge`.
    public mutating func take(
        _ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        if meta != nil { return try body(bytes) }
        head.append(contentsOf: bytes)
        try reader.feed(bytes)
        guard let found = reader.meta else {
            guard head.count <= headBytesMax else {
                throw DICOMParseError(
                    .headerTooLarge, "no data set starts in the first \(headBytesMax) bytes",
                    offset: Int64(headBytesMax))
            }
            return
        }
        meta = found
        let whole = head
        head = []
        try whole.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[Int(found.dataSetOffset)...])) }
    }
}
