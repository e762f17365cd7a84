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
                configuration: HTTPServerConfiguration(), responder: TestResponder(),
                makeStream: { socket in
                    let stream = CountingStream(socket)
                    serverStreams.withLock { $0.append(stream) }
                    return stream
                })
            try server.start()
            defer { server.stop() }
            let client = try HTTPClient(
                baseURL: "http://127.0.0.1:\(server.port)",
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
