// Reading segment files back as records: the recovery scan on open (re-index what the index missed, truncate a
// torn tail, step over damaged records) and the full rebuild of a lost index.
import Coding
import Primitives

/// What a scan of one segment found.
struct SegmentScan {
    /// Valid records in order.
    var entries: [IndexEntry] = []
    /// The offset just past the last valid record.
    var validEnd: Int64 = 0
    /// Bytes stepped over because they did not form valid records.
    var skippedBytes: Int64 = 0

    /// Scans `segment` from `start` to `length`, verifying header and payload CRCs.
    ///
    /// A damaged stretch is stepped over by searching for the next valid record; `validEnd` tells the caller where
    /// the good records stop, so it can cut a torn tail off the last segment.
    static func scan(
        disk: some DiskIO, file: DiskFile, segment: UInt32, from start: Int64, length: Int64
    ) throws(SystemError) -> SegmentScan {
        var result = SegmentScan(validEnd: start)
        var offset = start
        var payload = [UInt8]()
        while offset + Int64(RecordHeader.byteCount) <= length {
            if let header = try validRecord(disk: disk, file: file, at: offset, length: length, payload: &payload) {
                result.entries.append(
                    IndexEntry(header: header, location: RecordLocation(segment: segment, offset: offset)))
                offset += Int64(RecordHeader.byteCount) + Int64(header.payloadLength)
                result.validEnd = offset
                continue
            }
            guard let next = try nextValidRecord(disk: disk, file: file, after: offset, length: length) else { break }
            result.skippedBytes += next - offset
            offset = next
        }
        return result
    }

    /// The header at `offset` if a whole valid record (header and payload CRC) starts there.
    static func validRecord(
        disk: some DiskIO, file: DiskFile, at offset: Int64, length: Int64, payload: inout [UInt8]
    ) throws(SystemError) -> RecordHeader? {
        var headerBytes = [UInt8](repeating: 0, count: RecordHeader.byteCount)
        let count = try read(disk, file, at: offset, into: &headerBytes)
        guard count == RecordHeader.byteCount, let header = RecordHeader.decode(headerBytes) else { return nil }
        let payloadLength = Int(header.payloadLength)
        guard offset + Int64(RecordHeader.byteCount) + Int64(payloadLength) <= length else { return nil }
        if payload.count < payloadLength { payload = [UInt8](repeating: 0, count: payloadLength) }
        let payloadResult = payload.withUnsafeMutableBytes { buffer in
            Result { () throws(SystemError) in
                try disk.read(
                    file, at: offset + Int64(RecordHeader.byteCount),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<payloadLength]))
            }
        }
        let payloadRead = try payloadResult.get()
        guard payloadRead == payloadLength else { return nil }
        let crc = payload.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[..<payloadLength])) }
        return crc == header.payloadCRC32C ? header : nil
    }

    /// The offset of the next valid record after a damaged one at `offset`, searching for the magic word.
    static func nextValidRecord(disk: some DiskIO, file: DiskFile, after offset: Int64, length: Int64)
        throws(SystemError) -> Int64?
    {
        let windowBytes = 1 << 20
        var window = [UInt8](repeating: 0, count: windowBytes + 3)
        var payload = [UInt8]()
        var base = offset + 1
        while base + Int64(RecordHeader.byteCount) <= length {
            let count = try read(disk, file, at: base, into: &window)
            guard count >= 4 else { return nil }
            for index in 0..<(count - 3) {
                let word = window.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: index, as: UInt32.self) }
                guard UInt32(littleEndian: word) == RecordHeader.magic else { continue }
                let candidate = base + Int64(index)
                if try validRecord(disk: disk, file: file, at: candidate, length: length, payload: &payload) != nil {
                    return candidate
                }
            }
            base += Int64(windowBytes)
        }
        return nil
    }

    private static func read(_ disk: some DiskIO, _ file: DiskFile, at offset: Int64, into bytes: inout [UInt8])
        throws(SystemError) -> Int
    {
        let result = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(SystemError) in try disk.read(file, at: offset, into: buffer) }
        }
        return try result.get()
    }
}
