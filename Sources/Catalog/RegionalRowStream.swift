// Rows on a stream between nodes (a bucket pull's answer, a replication's catalog rows): each a length-prefixed
// frame, read as bytes arrive in any pieces, split-invariant, the length bounded before anything is buffered and
// the number of rows bounded per stream, so a peer cannot make a node hold more than one row's bytes at once.

/// An incremental reader of framed regional rows.
public struct RegionalRowStream: Sendable {
    /// Most rows one stream may carry.
    public let rowsMax: Int
    /// Rows decoded so far.
    public private(set) var rowCount = 0
    private var buffer: [UInt8] = []

    /// Makes a reader of at most `rowsMax` rows.
    public init(rowsMax: Int) {
        precondition(rowsMax > 0, "a row stream carries at least one row")
        self.rowsMax = rowsMax
    }

    /// `row` as one frame: its length (4 bytes, little-endian) and its bytes.
    public static func frame(_ row: RegionalRow) -> [UInt8] {
        let body = RegionalWire.encode(row)
        let length = UInt32(body.count)
        return [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
            + body
    }

    /// Bytes received but not yet part of a whole frame.
    public var bufferedByteCount: Int { buffer.count }

    /// Appends `bytes` and returns the rows they complete, in order. After a throw the stream is unusable.
    public mutating func append(_ bytes: some Collection<UInt8>) throws(RegionalWireError) -> [RegionalRow] {
        buffer.append(contentsOf: bytes)
        var rows: [RegionalRow] = []
        var start = 0
        while buffer.count - start >= 4 {
            let length =
                Int(buffer[start]) | Int(buffer[start + 1]) << 8 | Int(buffer[start + 2]) << 16
                | Int(buffer[start + 3]) << 24
            guard length <= RegionalWire.rowBytesMax else {
                throw RegionalWireError(
                    offset: 0, reason: "row frame of \(length) bytes exceeds \(RegionalWire.rowBytesMax)")
            }
            guard buffer.count - start - 4 >= length else { break }
            guard rowCount < rowsMax else {
                throw RegionalWireError(offset: 0, reason: "more than \(rowsMax) rows on one stream")
            }
            rows.append(try RegionalWire.decodeRow(Array(buffer[start + 4..<start + 4 + length])))
            rowCount += 1
            start += 4 + length
        }
        buffer.removeFirst(start)
        return rows
    }

    /// Throws unless the stream ended on a frame boundary.
    public func finish() throws(RegionalWireError) {
        guard buffer.isEmpty else {
            throw RegionalWireError(offset: 0, reason: "the stream ended inside a row (\(buffer.count) bytes)")
        }
    }
}
