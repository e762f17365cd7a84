// TLS 1.3 over a connected Socket, as a ConnectionStream: OpenSSL works on two memory BIOs and this file moves
// their bytes through the socket, so every wait is the socket's poll with its deadline and `shutdown()` from another
// thread wakes a blocked receive exactly as it does for plain TCP. HTTP above sees decrypted bytes only.
import COpenSSL
import Glibc
public import Posix
public import Primitives
import Synchronization

/// One TLS connection; made by TLSContext's `accept` or `connect`, which run the handshake.
///
/// Contract (ConnectionStream's): receive and send from one thread at a time, `close()` by the owner, `shutdown()`
/// from any thread (it reaches the socket only).
// SAFETY: `ssl`, its BIOs and `buffer` are used only by the owning thread (receive, send, close: the
// ConnectionStream contract); other threads call only `shutdown`, which touches the socket alone, and `isFreed`
// is under a lock so a close and the deinit free OpenSSL's objects once.
public final class TLSStream: ConnectionStream, @unchecked Sendable {
    private let socket: Socket
    private let ssl: OpaquePointer
    /// Ciphertext received from the socket, waiting for OpenSSL.
    private let incoming: OpaquePointer
    /// Ciphertext OpenSSL wrote, waiting for the socket.
    private let outgoing: OpaquePointer
    /// Ciphertext on its way from the socket to `incoming`.
    private let buffer: UnsafeMutableRawBufferPointer
    private let isFreed = Mutex(false)

    public var peerAddress: String { socket.peerAddress }

    /// Bytes of plaintext handed to OpenSSL per write.
    static let writePieceBytes = 64 << 10
    /// Ciphertext gathered before one send: as few sends (each a wake-up of the receiver) as plain TCP makes for
    /// the same writes, with what waits in memory bounded.
    static let sendBatchBytes = 256 << 10
    /// Ciphertext received per system call.
    static let receiveBytes = 128 << 10

    /// Which end of the handshake this stream runs.
    enum Role {
        /// The server's.
        case accept
        /// The client's, expecting the server's certificate to name `host`.
        case connect(host: String)
    }

    init(socket: Socket, context: OpaquePointer, role: Role) throws(TransportError) {
        guard let ssl = SSL_new(context) else {
            throw TransportError(.tls, "TLS with \(socket.peerAddress): \(TLSStream.errorText("out of memory"))")
        }
        let incoming = BIO_new(BIO_s_mem())
        let outgoing = BIO_new(BIO_s_mem())
        guard let incoming, let outgoing else {
            BIO_free(incoming)
            BIO_free(outgoing)
            SSL_free(ssl)
            throw TransportError(.tls, "TLS with \(socket.peerAddress): out of memory")
        }
        SSL_set_bio(ssl, incoming, outgoing)  // The SSL object owns both BIOs from here.
        switch role {
        case .accept:
            SSL_set_accept_state(ssl)
        case .connect(let host):
            SSL_set_connect_state(ssl)
            let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            let parameters = SSL_get0_param(ssl)
            if X509_VERIFY_PARAM_set1_ip_asc(parameters, name) != 1 {
                ERR_clear_error()  // Not an IP address: a DNS name, also sent as SNI.
                _ = X509_VERIFY_PARAM_set1_host(parameters, name, 0)
                _ = tessera_ssl_set_server_name(ssl, name)
            }
        }
        self.socket = socket
        self.ssl = ssl
        self.incoming = incoming
        self.outgoing = outgoing
        buffer = .allocate(byteCount: Self.receiveBytes, alignment: 16)
    }

    deinit {
        free()
        buffer.deallocate()
    }

    /// Runs the handshake to its end or throws TransportError(.tls) naming the peer and OpenSSL's reason (an unknown
    /// CA, no client certificate, a name that does not match), after sending the peer OpenSSL's alert.
    func handshake(deadline: Instant?) throws(TransportError) {
        while true {
            ERR_clear_error()
            let status = SSL_do_handshake(ssl)
            let error = SSL_get_error(ssl, status)
            // Read before the flush: OpenSSL's reasons are queued per thread and the alert must still go out.
            let reason =
                status == 1
                ? "" : [Self.errorText("handshake failed"), verifyReason()].compactMap { $0 }.joined(separator: ": ")
            do {
                try flush(deadline: deadline)
                if status == 1 { return }
                guard error == SSL_ERROR_WANT_READ else {
                    throw TransportError(.tls, "TLS handshake with \(peerAddress): \(reason)")
                }
                guard try fill(deadline: deadline) else {
                    throw TransportError(.tls, "TLS handshake with \(peerAddress): the peer closed the connection")
                }
            } catch let failure as SystemError {
                throw TransportError(failure, peer: peerAddress, activity: "TLS handshake with")
            } catch let failure as TransportError {
                throw failure
            } catch {
                throw TransportError(.tls, "TLS handshake with \(peerAddress): \(error)")
            }
        }
    }

    // MARK: - ConnectionStream

    public func receive(into destination: UnsafeMutableRawBufferPointer, deadline: Instant?) throws(SystemError)
        -> Int
    {
        precondition(destination.count > 0, "receive needs room for at least one byte")
        while true {
            if let count = try read(into: destination) { return count }
            try flush(deadline: deadline)
            if try !fill(deadline: deadline) { return 0 }
        }
    }

    public func receiveAvailable(into destination: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        while true {
            if let count = try read(into: destination) { return count }
            let count = try socket.receiveAvailable(into: buffer)
            if count == 0 { return 0 }
            _ = BIO_write(incoming, buffer.baseAddress, Int32(count))
        }
    }

    public func sendAll(_ buffers: [UnsafeRawBufferPointer], deadline: Instant?) throws(SystemError) {
        for piece in buffers where !piece.isEmpty {
            var offset = 0
            while offset < piece.count {
                let length = min(piece.count - offset, Self.writePieceBytes)
                var written = 0
                ERR_clear_error()
                let status = SSL_write_ex(ssl, piece.baseAddress! + offset, length, &written)
                if status == 1 {
                    offset += written
                } else if SSL_get_error(ssl, status) == SSL_ERROR_WANT_READ {
                    try flush(deadline: deadline)
                    if try !fill(deadline: deadline) { throw closedError("send") }
                } else if SSL_get_error(ssl, status) != SSL_ERROR_WANT_WRITE {
                    throw protocolError("send")
                }
                if BIO_ctrl_pending(outgoing) >= Self.sendBatchBytes { try flush(deadline: deadline) }
            }
        }
        try flush(deadline: deadline)
    }

    public func waitUntilReadable(deadline: Instant?) throws(SystemError) -> Bool {
        if SSL_pending(ssl) > 0 || BIO_ctrl_pending(incoming) > 0 { return true }
        return try socket.waitUntilReadable(deadline: deadline)
    }

    public func shutdown(_ direction: Socket.ShutdownDirection) { socket.shutdown(direction) }

    /// Sends close_notify when it fits without waiting, frees OpenSSL's objects and closes the socket.
    public func close() {
        if !socket.isClosed && isFreed.withLock({ !$0 }) {
            ERR_clear_error()
            _ = SSL_shutdown(ssl)
            try? flush(deadline: Instant(ticks: 0))
        }
        free()
        socket.close()
    }

    // MARK: - Moving bytes

    /// Decrypts what OpenSSL can without more ciphertext: the byte count (0 at close_notify), nil when it needs more.
    private func read(into destination: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        var total = 0
        while total < destination.count {
            var count = 0
            ERR_clear_error()
            let status = SSL_read_ex(ssl, destination.baseAddress! + total, destination.count - total, &count)
            if status == 1 {
                total += count
                continue
            }
            let error = SSL_get_error(ssl, status)
            if total > 0 { break }
            if error == SSL_ERROR_ZERO_RETURN { return 0 }
            if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return nil }
            throw protocolError("receive")
        }
        return total
    }

    /// Sends every byte OpenSSL has written, in one send straight from the BIO's memory, then empties the BIO.
    private func flush(deadline: Instant?) throws(SystemError) {
        var data: UnsafeMutablePointer<CChar>?
        let count = BIO_ctrl(outgoing, BIO_CTRL_INFO, 0, &data)
        guard count > 0, let data else { return }
        try socket.sendAll([UnsafeRawBufferPointer(start: data, count: count)], deadline: deadline)
        _ = BIO_ctrl(outgoing, BIO_CTRL_RESET, 0, nil)
    }

    /// Receives ciphertext into OpenSSL's input; false when the peer ended the stream.
    private func fill(deadline: Instant?) throws(SystemError) -> Bool {
        let count = try socket.receive(into: buffer, deadline: deadline)
        guard count > 0 else { return false }
        _ = BIO_write(incoming, buffer.baseAddress, Int32(count))
        return true
    }

    private func free() {
        let isFirst = isFreed.withLock { isFreed in
            defer { isFreed = true }
            return !isFreed
        }
        if isFirst { SSL_free(ssl) }
    }

    // MARK: - Errors

    private func protocolError(_ operation: String) -> SystemError {
        SystemError(errno: EPROTO, operation: "TLS \(operation)", path: peerAddress, reason: Self.errorText("failed"))
    }

    private func closedError(_ operation: String) -> SystemError {
        SystemError(errno: ECONNRESET, operation: "TLS \(operation)", path: peerAddress, reason: "the peer closed")
    }

    /// Why certificate verification failed, when it did.
    private func verifyReason() -> String? {
        let result = SSL_get_verify_result(ssl)
        guard result != X509_V_OK else { return nil }
        return String(cString: X509_verify_cert_error_string(result))
    }

    /// OpenSSL's queued reasons, oldest first ("tlsv13 alert certificate required"), or `fallback` when none.
    static func errorText(_ fallback: String) -> String {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            if let reason = ERR_reason_error_string(code) { reasons.append(String(cString: reason)) }
        }
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }
}
