// Goal: the real DatagramIO binds where asked, reports its port, carries datagrams whole with their source, refuses
// datagrams over its limit, flags ones cut short, and honours receive deadlines. Method: UDP sockets on 127.0.0.x
// (and ::1) with port 0, each test on its own address, blocking calls on an owned thread.
import Glibc
import Posix
import Primitives
import TestSupport
import Testing

/// Receives one datagram within a few seconds and returns its bytes and receipt.
func receiveDatagram(_ socket: UDPSocket, bufferByteCount: Int = 2048) throws -> ([UInt8], DatagramReceipt)? {
    var buffer = [UInt8](repeating: 0, count: bufferByteCount)
    let receipt = try buffer.withUnsafeMutableBytes {
        try socket.receive(into: $0, deadline: deadline(milliseconds: 5000))
    }
    return receipt.map { (Array(buffer[..<$0.byteCount]), $0) }
}

@Suite(.serialized) struct UDPSocketTests {
    @Test(
        "two sockets on port 0 exchange datagrams whole, and the receipt names the sender",
        arguments: ["127.0.0.31", "::1"])
    func exchange(host: String) async throws {
        let outcome: Result<Bool, any Error> = await runOnOwnedThread {
            Result {
                let first = try UDPSocket(bindingTo: DatagramAddress(host: host, port: 0))
                let second = try UDPSocket(bindingTo: DatagramAddress(host: host, port: 0))
                defer {
                    first.close()
                    second.close()
                }
                #expect(first.localAddress.port > 0 && first.localAddress.port != second.localAddress.port)
                #expect(first.localAddress.host == host)
                #expect(first.receiveBufferByteCount >= UDPSocket.receiveBufferByteCountDefault / 2)
                let message = TestBytes.random(count: first.datagramByteCountMax, seed: 1)
                try first.send(message, to: second.localAddress)
                try first.send([1, 2, 3], to: second.localAddress)
                let received = try #require(try receiveDatagram(second))
                #expect(received.0 == message)
                #expect(
                    received.1
                        == DatagramReceipt(byteCount: message.count, source: first.localAddress, isTruncated: false))
                #expect(try receiveDatagram(second)?.0 == [1, 2, 3])
                try second.send([], to: first.localAddress)
                #expect(try receiveDatagram(first)?.1.byteCount == 0)
                return true
            }
        }
        #expect(try outcome.get())
    }

    @Test("a datagram over the limit is refused before sending, naming the target and both sizes")
    func oversizedRefused() async throws {
        let outcome: Result<Bool, any Error> = await runOnOwnedThread {
            Result {
                let socket = try UDPSocket(
                    bindingTo: DatagramAddress(host: "127.0.0.32", port: 0), datagramByteCountMax: 100)
                defer { socket.close() }
                let target = DatagramAddress(host: "127.0.0.32", port: socket.localAddress.port)
                let error = try #require(throws: SystemError.self) {
                    try socket.send([UInt8](repeating: 0, count: 101), to: target)
                }
                #expect(error.errno == EMSGSIZE)
                #expect(error.description.contains("127.0.0.32:\(target.port)"))
                #expect(error.description.contains("101 bytes, the datagram limit is 100"))
                var buffer = [UInt8](repeating: 0, count: 1)
                let nothing = try buffer.withUnsafeMutableBytes {
                    try socket.receive(into: $0, deadline: deadline(milliseconds: 0))
                }
                #expect(nothing == nil)
                return true
            }
        }
        #expect(try outcome.get())
    }

    @Test("a datagram longer than the receive buffer is flagged as truncated")
    func truncatedFlagged() async throws {
        let outcome: Result<Bool, any Error> = await runOnOwnedThread {
            Result {
                let first = try UDPSocket(bindingTo: DatagramAddress(host: "127.0.0.33", port: 0))
                let second = try UDPSocket(bindingTo: DatagramAddress(host: "127.0.0.33", port: 0))
                defer {
                    first.close()
                    second.close()
                }
                try first.send([UInt8](repeating: 7, count: 64), to: second.localAddress)
                let received = try #require(try receiveDatagram(second, bufferByteCount: 16))
                #expect(received.1.isTruncated)
                #expect(received.1.byteCount == 16)
                #expect(received.0 == [UInt8](repeating: 7, count: 16))
                return true
            }
        }
        #expect(try outcome.get())
    }

    @Test("a receive deadline with nothing sent returns nothing, in about the time asked")
    func deadlinePasses() async throws {
        let outcome: Result<Bool, any Error> = await runOnOwnedThread {
            Result {
                let socket = try UDPSocket(bindingTo: DatagramAddress(host: "127.0.0.34", port: 0))
                defer { socket.close() }
                let start = MonotonicClock().now()
                var buffer = [UInt8](repeating: 0, count: 64)
                let receipt = try buffer.withUnsafeMutableBytes {
                    try socket.receive(into: $0, deadline: deadline(milliseconds: 200))
                }
                let waited = MonotonicClock().now().ticks(since: start)
                #expect(receipt == nil)
                #expect(waited >= 190_000 && waited < 5_000_000)
                return true
            }
        }
        #expect(try outcome.get())
    }

    @Test("binding a name or a taken port fails with an error naming the address")
    func bindErrors() async throws {
        let outcome: Result<Bool, any Error> = await runOnOwnedThread {
            Result {
                let name = try #require(throws: SystemError.self) {
                    try UDPSocket(bindingTo: DatagramAddress(host: "localhost", port: 0))
                }
                #expect(name.description.contains("localhost:0"))
                let taken = try UDPSocket(bindingTo: DatagramAddress(host: "127.0.0.35", port: 0))
                defer { taken.close() }
                let again = try #require(throws: SystemError.self) { try UDPSocket(bindingTo: taken.localAddress) }
                #expect(again.errno == EADDRINUSE)
                #expect(again.description.contains(taken.localAddress.description))
                return true
            }
        }
        #expect(try outcome.get())
    }
}
