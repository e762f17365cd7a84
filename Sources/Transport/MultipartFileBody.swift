// The body of one STOW-RS request: files as the parts of a multipart/related message (RFC 2387, PS3.18 §10.5),
// each streamed from disk as it is sent, so a batch of large files never sits in memory.
import HTTP
import Posix
public import Primitives

/// A multipart/related body over files, with its exact length known before the first byte is sent.
public final class MultipartFileBody: ByteSource {
    /// The whole body's length in bytes (framing and files).
    public let length: Int64
    /// The value of the request's Content-Type header.
    public let contentType: String

    private let files: [(path: String, length: Int64)]
    private let onFileBytes: (Int64) -> Void
    private var writer: MultipartWriter
    /// What is sent next: framing bytes, then the current file.
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private var fileIndex = -1
    private var source: FileSource?
    private var sourceRemaining: Int64 = 0

    /// Frames `files` (their lengths as found when listed) between boundaries made from `boundarySeed` (the caller
    /// draws it, so Transport draws no randomness); `onFileBytes` hears how many file bytes were sent.
    public init(
        files: [(path: String, length: Int64)], boundarySeed: UInt64, onFileBytes: @escaping (Int64) -> Void
    ) throws {
        self.files = files
        self.onFileBytes = onFileBytes
        writer = try MultipartWriter(boundary: MultipartWriter.makeBoundary(seed: boundarySeed))
        contentType = writer.mediaType(type: "application/dicom").description
        // A copy of the writer frames the parts once ahead of time, to learn the length.
        var probe = writer
        var total: Int64 = 0
        for file in files { total += Int64(try probe.partHead(Self.headers(file.length)).count) + file.length }
        length = total + Int64(try probe.close().count)
    }

    private static func headers(_ length: Int64) -> HTTPHeaders {
        HTTPHeaders([("Content-Type", "application/dicom"), ("Content-Length", String(length))])
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
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
                        throw TransportError(
                            .invalidRequest, "\(current.path) became shorter while it was being sent")
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
        guard !writer.isClosed else { return false }
        fileIndex += 1
        pendingOffset = 0
        if fileIndex == files.count {
            pending = try writer.close()
            return true
        }
        let file = files[fileIndex]
        pending = try writer.partHead(Self.headers(file.length))
        let opened = try FileSource(path: file.path)
        guard opened.length == file.length else {
            throw TransportError(
                .invalidRequest,
                "\(file.path) changed size while being stored (\(file.length) → \(opened.length) bytes)")
        }
        source = opened
        sourceRemaining = file.length
        return true
    }
}
