// Goal: the ConnectionStream seam carries whole exchanges, so a TLS stream can later wrap sockets on both sides
// without touching the server or client. Method: a counting stream wrapped around each socket by the server's and
// the client's makeStream hooks; the counts must cover every byte exchanged.
import HTTP
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing
import Transport

/// A stream that forwards to a socket and counts the bytes received through it.
final class CountingStream: ConnectionStream {
    let socket: Socket
    let received: Atomic<Int>

    init(_ socket: Socket) {
        self.socket = socket
        received = Atomic(0)
    }

    var peerAddress: String { socket.peerAddress }

    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Instant?) throws(SystemError) -> Int {
        let count = try socket.receive(into: buffer, deadline: deadline)
        received.add(count, ordering: .relaxed)
        return count
    }

    func receiveAvailable(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        let count = try socket.receiveAvailable(into: buffer)
        received.add(count, ordering: .relaxed)
        return count
    }

    func sendAll(_ buffers: [UnsafeRawBufferPointer], deadline: Instant?) throws(SystemError) {
        try socket.sendAll(buffers, deadline: deadline)
    }

    func waitUntilReadable(deadline: Instant?) throws(SystemError) -> Bool {
        try socket.waitUntilReadable(deadline: deadline)
    }

    func shutdown(_ direction: Socket.ShutdownDirection) { socket.shutdown(direction) }

    func close() { socket.close() }
}

@Suite(.serialized) struct ConnectionStreamTests {
    @Test("server and client run every byte through the streams their makeStream hooks return")
    func wrappedStreams() async throws {
        try await blocking {
            let serverStreams = Mutex<[CountingStream]>([])
            let clientStreams = Mutex<[CountingStream]>([])
            let server = try HTTPServer(
                configuration: HTTPServerConfiguration(), responder: TestResponder(), clock: MonotonicClock(),
                wallClock: RealTimeClock(),
                makeStream: { socket in
                    let stream = CountingStream(socket)
                    serverStreams.withLock { $0.append(stream) }
                    return stream
                })
            try server.start()
            defer { server.stop() }
            let client = try HTTPClient(
                baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock(),
                makeStream: { socket, host in
                    #expect(host == "127.0.0.1")
                    let stream = CountingStream(socket)
                    clientStreams.withLock { $0.append(stream) }
                    return stream
                })
            let payload = TestBytes.random(count: 500_000, seed: 9)
            var response = try client.send(method: "POST", target: "/echo", bytes: payload)
            #expect(try response.readAll() == payload)
            let serverReceived = serverStreams.withLock { $0.map { $0.received.load(ordering: .relaxed) } }
            let clientReceived = clientStreams.withLock { $0.map { $0.received.load(ordering: .relaxed) } }
            #expect(serverReceived.count == 1 && serverReceived[0] > payload.count)
            #expect(clientReceived.count == 1 && clientReceived[0] > payload.count)
        }
    }
}

@Suite(.serialized) struct SplitInvarianceTests {
    /// Pipelined requests of every framing, as one byte stream.
    static let requests =
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world"
        + "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
        + "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n3;x=y\r\nfgh\r\n0\r\nT: 1\r\n\r\n"
        + "PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "z", count: 5000)
        + "GET /generate?bytes=20000&chunked=1 HTTP/1.1\r\nHost: t\r\n\r\n"

    /// Sends `requests` in pieces of the sizes `sizes` yields and returns the status and body of each answer.
    static func exchange(port: Int, sizes: @escaping @Sendable (Int) -> Int) throws -> [String] {
        let raw = try RawClient(port: port)
        let socket = raw.socket
        let bytes = Array(requests.utf8)
        let sender = OwnedThread(name: "split-sender") {
            var offset = 0
            var index = 0
            while offset < bytes.count {
                let count = min(max(1, sizes(index)), bytes.count - offset)
                guard (try? sendBytes(Array(bytes[offset..<(offset + count)]), on: socket)) != nil else { return }
                offset += count
                index += 1
            }
        }
        defer { sender.join() }
        return try (0..<5).map { _ in
            let response = try #require(try raw.readResponse())
            return "\(response.head.status) \(response.body.count) \(response.body.prefix(16))"
        }
    }

    @Test("pipelined requests sent whole, byte by byte, or in seeded random pieces get identical answers")
    func splits() async throws {
        try await blocking {
            try withServer { server in
                let whole = try Self.exchange(port: server.port) { _ in Int.max }
                #expect(whole.count == 5)
                #expect(whole[0] == "200 11 \(Array("hello world".utf8))")
                #expect(whole[3].hasPrefix("200 4 "))
                #expect(try Self.exchange(port: server.port) { _ in 1 } == whole)
                let pieces = (0..<4096).map { index in
                    var random = SeededRandom(seed: UInt64(index) &+ 77)
                    return Int(random.next() % 97) + 1
                }
                #expect(try Self.exchange(port: server.port) { pieces[$0 % pieces.count] } == whole)
            }
        }
    }
}
