// A response as HTTPClient returns it: the head at once, the body streamed as the caller reads it. Reading to the
// end gives the connection back for reuse; dropping the response early closes it.
public import HTTP
public import Primitives

/// The answer to one request: status, headers, and the body as a ByteSource.
public struct HTTPClientResponse: ByteSource {
    /// The final response head.
    public let head: HTTPResponseHead
    /// The exchange that reads the body and returns the connection.
    let exchange: ClientExchange

    /// The status code.
    public var status: Int { head.status }
    /// The header fields.
    public var headers: HTTPHeaders { head.headers }

    /// Reads the next body bytes (de-chunked); 0 once the body ended, after which the connection is reused.
    ///
    /// Throws TransportError on a timeout, a dropped connection or a malformed body.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try exchange.read(into: buffer)
    }

    /// Reads the whole body into memory; for small answers (JSON, errors). Throws if it exceeds `bytesMax`.
    public mutating func readAll(bytesMax: Int = 64 << 20) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try read(into: $0) }
            if count == 0 { return bytes }
            guard bytes.count + count <= bytesMax else {
                throw TransportError(
                    .malformedResponse, "the response body is longer than the \(bytesMax) bytes the caller allowed")
            }
            bytes += buffer[0..<count]
        }
    }

    /// Streams the rest of the body into `sink` (a file being fetched, a checksum) through one reusable buffer;
    /// returns how many bytes it wrote.
    @discardableResult
    public mutating func write(to sink: inout some ByteSink, bufferBytes: Int = 256 << 10) throws -> Int {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferBytes, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let count = try read(into: buffer)
            if count == 0 { return total }
            try sink.write(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            total += count
        }
    }

    /// Reads the whole body as UTF-8 text.
    public mutating func readText(bytesMax: Int = 64 << 20) throws -> String {
        String(decoding: try readAll(bytesMax: bytesMax), as: UTF8.self)
    }
}

/// One request's hold on a connection, from the request to the end of the response body.
final class ClientExchange {
    /// The connection, until it is given back or dropped.
    private var connection: ClientConnection?
    /// Whether the connection may be reused once the body ended.
    private let isReusable: Bool
    /// Where to give the connection back.
    private let client: HTTPClient

    /// Takes `connection` for one exchange.
    init(connection: ClientConnection, isReusable: Bool, client: HTTPClient) {
        self.connection = connection
        self.isReusable = isReusable
        self.client = client
    }

    /// Reads body bytes; at the end, gives the connection back when it can carry another exchange.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let connection else { return 0 }
        let count: Int
        do {
            count = try connection.readBody(into: buffer)
        } catch {
            self.connection = nil
            throw error
        }
        if count == 0 || (connection.isResponseComplete && connection.pendingStart == connection.pendingEnd) {
            finish()
        }
        return count
    }

    /// Gives the connection back (or drops it) once its response ended.
    private func finish() {
        guard let connection, connection.isResponseComplete, connection.pendingStart == connection.pendingEnd else {
            return
        }
        self.connection = nil
        if isReusable && connection.head?.keepAlive == true && connection.isReusable {
            client.giveBack(connection)
        }
    }
}
