// The streaming seams between a body of bytes and the code that stores or serves it: a source to pull from and a
// sink to push into, so a 2 GiB instance never has to sit in memory.

/// Bytes pulled in buffers of the reader's choosing: a file, a socket body, a generator in a bench.
public protocol ByteSource {
    /// Fills up to `buffer.count` bytes and returns how many; 0 means the source is exhausted.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Bytes pushed in buffers of the writer's choosing: a file, a socket, a checksum in a test.
public protocol ByteSink {
    /// Consumes all of `buffer`; the buffer is only valid during the call.
    mutating func write(_ buffer: UnsafeRawBufferPointer) throws
}

/// A source over bytes already in memory, for tests and small objects.
public struct MemorySource: ByteSource, Sendable {
    private let bytes: [UInt8]
    private var offset = 0

    /// Makes a source that yields `bytes` once.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// A sink that keeps everything written to it, for tests and small objects.
public struct MemorySink: ByteSink, Sendable {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// Makes an empty sink.
    public init() {}

    public mutating func write(_ buffer: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: buffer) }
}
