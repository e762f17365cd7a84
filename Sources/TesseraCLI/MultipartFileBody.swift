// The body of one STOW-RS request: files as the parts of a multipart/related message (RFC 2387, PS3.18 §10.5),
// each streamed from disk as it is sent, so a batch of large files never sits in memory.
import Posix
import Primitives

/// A multipart/related body over files, with its exact length known before the first byte is sent.
final class MultipartFileBody: ByteSource {
    /// The boundary between parts.
    let boundary: String
    /// The whole body's length in bytes (framing and files).
    let length: Int64
    /// The value of the request's Content-Type header.
    var contentType: String { "multipart/related; type=\"application/dicom\"; boundary=\(boundary)" }

    private let files: [(path: String, length: Int64)]
    private let onFileBytes: (Int64) -> Void
    /// What is sent next: framing bytes, then the current file.
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private var fileIndex = -1
    private var source: FileSource?
    private var sourceRemaining: Int64 = 0
    private var isClosed = false

    /// Frames `files` (their lengths as found when listed); `onFileBytes` hears how many file bytes were sent.
    init(files: [(path: String, length: Int64)], boundary: String, onFileBytes: @escaping (Int64) -> Void) {
        self.files = files
        self.boundary = boundary
        self.onFileBytes = onFileBytes
        var total: Int64 = 0
        for file in files { total += Int64(Self.partHead(boundary: boundary, length: file.length).count) + file.length }
        // Every part but the first, and the close delimiter, start with a CRLF.
        length = total + Int64(Self.closing(boundary: boundary).count) + 2 * Int64(files.count)
        pending = []
    }

    private static func partHead(boundary: String, length: Int64) -> [UInt8] {
        Array("--\(boundary)\r\nContent-Type: application/dicom\r\nContent-Length: \(length)\r\n\r\n".utf8)
    }

    /// The CRLF that ends the last part's body (it belongs to the delimiter), then the close delimiter.
    private static func closing(boundary: String) -> [UInt8] { Array("--\(boundary)--\r\n".utf8) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            if pendingOffset < pending.count {
                let count = min(buffer.count, pending.count - pendingOffset)
                pending.withUnsafeBytes { bytes in
                    buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + pendingOffset, byteCount: count)
                }
                pendingOffset += count
                return count
            }
            if let current = source {
                if sourceRemaining > 0 {
                    let wanted = Int(min(Int64(buffer.count), sourceRemaining))
                    let count = try current.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]))
                    guard count > 0 else {
                        throw ClientError("\(current.path) became shorter while it was being sent")
                    }
                    sourceRemaining -= Int64(count)
                    onFileBytes(Int64(count))
                    return count
                }
                source = nil
            }
            guard try advance() else { return 0 }
        }
    }

    /// Queues the framing for the next part (or the close delimiter); false once everything was sent.
    private func advance() throws -> Bool {
        guard !isClosed else { return false }
        fileIndex += 1
        pendingOffset = 0
        // Each delimiter after the first starts with the CRLF ending the previous part (RFC 2046 §5.1.1).
        let separator: [UInt8] = fileIndex == 0 ? [] : [13, 10]
        if fileIndex == files.count {
            pending = separator + Self.closing(boundary: boundary)
            isClosed = true
            return true
        }
        let file = files[fileIndex]
        pending = separator + Self.partHead(boundary: boundary, length: file.length)
        let opened = try FileSource(path: file.path)
        guard opened.length == file.length else {
            throw ClientError("\(file.path) changed size while being stored (\(file.length) → \(opened.length) bytes)")
        }
        source = opened
        sourceRemaining = file.length
        return true
    }
}
