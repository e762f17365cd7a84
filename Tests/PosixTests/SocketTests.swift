// Goal: the socket layer connects, moves bytes intact, honours deadlines, names peers in errors, and survives a
// peer that vanishes. Method: real TCP sockets on 127.0.0.1 with port 0, blocking work on owned threads.
import Glibc
import Posix
import Primitives
import TestSupport
import Testing

/// A deadline `milliseconds` from now on the monotonic clock.
func deadline(milliseconds: Int64) -> Instant {
    MonotonicClock().now().advanced(byTicks: milliseconds * 1000)
}

/// Receives exactly `count` bytes or until the peer closes.
func receiveAll(_ socket: Socket, count: Int) throws -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while bytes.count < count {
        let got = try buffer.withUnsafeMutableBytes {
            try socket.receive(into: $0, deadline: deadline(milliseconds: 10_000))
        }
        if got == 0 { break }
        bytes.append(contentsOf: buffer[0..<got])
    }
    return bytes
}

@Suite(.serialized) struct SocketTests {
    @Test("a listener on port 0 reports the port the kernel chose, and a connection carries bytes both ways")
    func roundTrip() async throws {
        let outcome: Result<Bool, any Error> = await runOnOwnedThread {
            Result {
                let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
                #expect(listener.boundPort > 0)
                let client = try Socket.connect(host: "127.0.0.1", port: listener.boundPort)
                let server = try #require(try listener.accept(deadline: deadline(milliseconds: 10_000)))
                #expect(client.peerAddress == "127.0.0.1:\(listener.boundPort)")
                #expect(server.peerAddress.hasPrefix("127.0.0.1:"))
                let message = Array("hello, socket".utf8)
                try message.withUnsafeBytes { try client.sendAll($0) }
                #expect(try receiveAll(server, count: message.count) == message)
                try message.withUnsafeBytes { try server.sendAll($0) }
                #expect(try receiveAll(client, count: message.count) == message)
                client.close()
                client.close()
                #expect(client.isClosed)
                #expect(try receiveAll(server, count: 1) == [])
                server.close()
                listener.close()
                return true
            }
        }
        #expect(try outcome.get())
    }

    @Test("vectored sends of many buffers arrive whole and in order, larger than the kernel's socket buffers")
    func vectoredSend() async throws {
        let outcome: Result<Bool, any Error> = await runOnOwnedThread {
            Result {
                let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
                let client = try Socket.connect(host: "127.0.0.1", port: listener.boundPort)
                let server = try #require(try listener.accept(deadline: deadline(milliseconds: 10_000)))
                let parts: [[UInt8]] = (0..<5).map { index in
                    (0..<(1 << 20) + index * 7).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
                }
                let expected = parts.flatMap { $0 }
                let sender = OwnedThread(name: "sender") {
                    let pointers = parts.map { part in
                        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: part.count, alignment: 1)
                        part.withUnsafeBytes { copy.copyMemory(from: $0) }
                        return UnsafeRawBufferPointer(copy)
                    }
                    try? client.sendAll(pointers + [UnsafeRawBufferPointer(start: nil, count: 0)])
                    for pointer in pointers { pointer.deallocate() }
                    client.shutdown(.write)
                }
                let received = try receiveAll(server, count: expected.count + 1)
                sender.join()
                #expect(received == expected)
                return true
            }
        }
        #expect(try outcome.get())
    }

    @Test("a receive with a deadline and nothing to read throws ETIMEDOUT naming the peer")
    func receiveTimeout() async throws {
        let outcome: Result<SystemError?, any Error> = await runOnOwnedThread {
            Result {
                let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
                let client = try Socket.connect(host: "127.0.0.1", port: listener.boundPort)
                var buffer = [UInt8](repeating: 0, count: 16)
                do {
                    _ = try buffer.withUnsafeMutableBytes { buffer throws(SystemError) in
                        try client.receive(into: buffer, deadline: deadline(milliseconds: 50))
                    }
                    return nil
                } catch let error as SystemError {
                    return error
                }
            }
        }
        let error = try #require(try outcome.get())
        #expect(error.errno == ETIMEDOUT)
        #expect(error.description.contains("127.0.0.1:"))
    }

    @Test("connecting to a port nobody listens on is refused, and the error names host and port")
    func connectionRefused() async throws {
        let outcome: Result<SystemError?, any Error> = await runOnOwnedThread {
            Result {
                let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
                let port = listener.boundPort
                listener.close()
                do {
                    _ = try Socket.connect(host: "127.0.0.1", port: port, deadline: deadline(milliseconds: 5000))
                    return nil
                } catch let error as SystemError {
                    #expect(error.description.contains("127.0.0.1:\(port)"))
                    return error
                }
            }
        }
        let error = try #require(try outcome.get())
        #expect(error.errno == ECONNREFUSED)
        #expect(error.operation == "connect")
    }

    @Test("sending to a peer that closed is an error, not a SIGPIPE that kills the process")
    func vanishedPeer() async throws {
        let outcome: Result<Bool, any Error> = await runOnOwnedThread {
            Result {
                let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
                let client = try Socket.connect(host: "127.0.0.1", port: listener.boundPort)
                let server = try #require(try listener.accept(deadline: deadline(milliseconds: 10_000)))
                server.close()
                let block = [UInt8](repeating: 7, count: 1 << 20)
                var failed = false
                for _ in 0..<64 where !failed {
                    do {
                        try block.withUnsafeBytes { try client.sendAll($0, deadline: deadline(milliseconds: 5000)) }
                    } catch let error as SystemError {
                        failed = error.errno == EPIPE || error.errno == ECONNRESET
                    }
                }
                return failed
            }
        }
        #expect(try outcome.get())
    }

    @Test("shutdown from another thread wakes a receive blocked without a deadline")
    func shutdownWakesReceiver() async throws {
        let outcome: Result<Int, any Error> = await runOnOwnedThread {
            Result {
                let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
                let client = try Socket.connect(host: "127.0.0.1", port: listener.boundPort)
                let server = try #require(try listener.accept(deadline: deadline(milliseconds: 10_000)))
                let waker = OwnedThread(name: "waker") {
                    _ = try? client.waitUntilReadable(deadline: deadline(milliseconds: 100))
                    server.shutdown()
                }
                var buffer = [UInt8](repeating: 0, count: 16)
                let got = try buffer.withUnsafeMutableBytes { try server.receive(into: $0) }
                waker.join()
                server.close()
                server.shutdown()
                return got
            }
        }
        #expect(try outcome.get() == 0)
    }

    @Test("accept returns nil once its wakeup signal fires, even with no deadline")
    func acceptWakeup() async throws {
        let outcome: Result<Bool, any Error> = await runOnOwnedThread {
            Result {
                let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
                let wakeup = try WakeupSignal()
                let signaller = OwnedThread(name: "signaller") { wakeup.signal() }
                let accepted = try listener.accept(wakeup: wakeup)
                signaller.join()
                wakeup.signal()
                #expect(wakeup.isSignalled)
                return accepted == nil
            }
        }
        #expect(try outcome.get())
    }

    @Test("a listener on another loopback address (127.0.0.2) accepts there and names it")
    func otherLoopbackAddress() async throws {
        let outcome: Result<String, any Error> = await runOnOwnedThread {
            Result {
                let listener = try ListeningSocket(host: "127.0.0.2", port: 0)
                defer { listener.close() }
                #expect(listener.address.description == "127.0.0.2:\(listener.boundPort)")
                let client = try Socket.connect(host: "127.0.0.2", port: listener.boundPort)
                defer { client.close() }
                let server = try #require(try listener.accept(deadline: deadline(milliseconds: 10_000)))
                defer { server.close() }
                return client.peerAddress
            }
        }
        #expect(try outcome.get().hasPrefix("127.0.0.2:"))
    }

    @Test("addresses resolve from IPv4 and bracketed IPv6 literals and print as host:port")
    func addresses() throws {
        let ipv4 = try SocketAddress.resolve(host: "127.0.0.7", port: 8080)
        #expect(ipv4.map(\.description) == ["127.0.0.7:8080"])
        let ipv6 = try SocketAddress.resolve(host: "[::1]", port: 443)
        #expect(ipv6.map(\.description) == ["[::1]:443"])
        #expect(ipv6[0].family == AF_INET6)
        #expect(throws: SystemError.self) { try SocketAddress.resolve(host: "no-such-host.invalid", port: 1) }
    }
}
