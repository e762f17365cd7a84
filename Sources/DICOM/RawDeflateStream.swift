// Streaming raw deflate (RFC 1951, no zlib or gzip wrapper) through Debian's zlib: what Deflated Explicit VR Little
// Endian puts after the file meta group (PS3.5 §A.5). Inflating is checked against a limit on what comes out, so a
// small hostile body cannot expand without bound.
import CZlib

/// One deflate or inflate stream; feed it input in pieces of any size, then finish it.
///
/// A class, because zlib keeps a pointer back to its z_stream, which must therefore not move.
// SAFETY: one reader or transcoder owns each stream and uses it from one thread at a time; the values holding it
// are not copied while in use (a copied Part10Reader or DataSetTranscoder would share it, and none is).
final class RawDeflateStream: @unchecked Sendable {
    enum Direction {
        case inflate
        case deflate
    }

    let direction: Direction
    private let stream: UnsafeMutablePointer<z_stream>
    /// Whether the compressed stream's final block has been read, or written.
    private(set) var hasEnded = false
    /// The size of the pieces output is produced in.
    static let outputPieceBytes = 64 << 10

    /// A new stream; throws when zlib cannot start one (out of memory).
    init(_ direction: Direction) throws(DICOMParseError) {
        self.direction = direction
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let size = Int32(MemoryLayout<z_stream>.size)
        let status =
            switch direction {
            case .inflate: inflateInit2_(stream, -15, zlibVersion(), size)
            case .deflate: deflateInit2_(stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), size)
            }
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw DICOMParseError(
                .corruptDeflate, "zlib could not start a \(direction) stream (status \(status))", offset: 0)
        }
    }

    deinit {
        switch direction {
        case .inflate: inflateEnd(stream)
        case .deflate: deflateEnd(stream)
        }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Passes `input` through, handing each piece of output to `output`; `isLast` ends a deflate stream.
    ///
    /// Inflating, corrupt data throws; `offset` is what the error names (where the compressed stream starts).
    func process(
        _ input: UnsafeRawBufferPointer, isLast: Bool = false, offset: Int64 = 0,
        output: (UnsafeRawBufferPointer) throws(DICOMParseError) -> Void
    ) throws(DICOMParseError) {
        // Bytes after the compressed stream's end are passed over, as pydicom and dcmtk do: some writers append
        // a gzip trailer (CRC-32 and length) there.
        if hasEnded { return }
        var piece = [UInt8](repeating: 0, count: Self.outputPieceBytes)
        let base = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.pointee.next_in = base
        stream.pointee.avail_in = uInt(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        while true {
            let (status, produced) = piece.withUnsafeMutableBufferPointer { buffer in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(buffer.count)
                let status =
                    switch direction {
                    case .inflate: inflate(stream, Z_NO_FLUSH)
                    case .deflate: deflate(stream, isLast ? Z_FINISH : Z_NO_FLUSH)
                    }
                stream.pointee.next_out = nil
                return (status, buffer.count - Int(stream.pointee.avail_out))
            }
            if produced > 0 {
                let handed = piece.withUnsafeBytes { bytes in
                    Result { () throws(DICOMParseError) in
                        try output(UnsafeRawBufferPointer(rebasing: bytes[..<produced]))
                    }
                }
                try handed.get()
            }
            switch status {
            case Z_STREAM_END:
                hasEnded = true
                return
            case Z_OK, Z_BUF_ERROR:
                // More output may be waiting while the piece was filled; otherwise all input is taken.
                if produced == Self.outputPieceBytes { continue }
                if direction == .deflate && isLast { continue }
                return
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                throw DICOMParseError(.corruptDeflate, "the deflated data set is corrupt: \(reason)", offset: offset)
            }
        }
    }
}
