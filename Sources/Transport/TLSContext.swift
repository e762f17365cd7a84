// TLS settings shared by every connection of one listener or one client: TLS 1.3 only, this node's certificate and
// key, and the certificate authority peers must chain to. Internal links use it both ways (mutual TLS against the
// cluster CA); client-facing HTTPS uses the server side without client certificates.
import COpenSSL
public import Posix
public import Primitives

/// A certificate and its private key, PEM-encoded (what `tessera cluster certs` writes).
public struct TLSIdentity: Sendable {
    /// The certificate, PEM.
    public var certificatePEM: [UInt8]
    /// Its private key, PEM (PKCS #8).
    public var privateKeyPEM: [UInt8]

    public init(certificatePEM: [UInt8], privateKeyPEM: [UInt8]) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }
}

/// An OpenSSL context for servers or clients; `accept` and `connect` turn sockets into TLSStreams.
// SAFETY: an SSL_CTX is configured only in `init`, then only read by SSL_new, which OpenSSL 3 locks itself.
public final class TLSContext: @unchecked Sendable {
    private let context: OpaquePointer
    /// Whether this context makes client connections (and so checks the server's name).
    private let isClient: Bool

    /// A server context presenting `identity`; with `clientAuthorityPEM` it demands a client certificate that
    /// chains to one of those CA certificates and refuses the handshake otherwise (mutual TLS).
    public static func server(identity: TLSIdentity, clientAuthorityPEM: [UInt8]? = nil) throws(TransportError)
        -> TLSContext
    {
        let context = try TLSContext(method: TLS_server_method(), isClient: false)
        try context.use(identity)
        if let clientAuthorityPEM {
            try context.trust(clientAuthorityPEM)
            SSL_CTX_set_verify(context.context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        }
        return context
    }

    /// A client context that accepts only servers whose certificate chains to `authorityPEM` and names the host
    /// connected to; presents `identity` when a server asks for a client certificate.
    public static func client(authorityPEM: [UInt8], identity: TLSIdentity? = nil) throws(TransportError)
        -> TLSContext
    {
        let context = try TLSContext(method: TLS_client_method(), isClient: true)
        try context.trust(authorityPEM)
        SSL_CTX_set_verify(context.context, SSL_VERIFY_PEER, nil)
        if let identity { try context.use(identity) }
        return context
    }

    private init(method: OpaquePointer?, isClient: Bool) throws(TransportError) {
        guard let context = SSL_CTX_new(method) else { throw Self.failure("cannot make a TLS context") }
        self.context = context
        self.isClient = isClient
        _ = tessera_ssl_ctx_set_min_tls13(context)
        // Connections are long-lived and kept alive; resumption would only add state to reason about.
        _ = tessera_ssl_ctx_set_session_cache_off(context)
        _ = SSL_CTX_set_num_tickets(context, 0)
        // AES-128-GCM first: 10 rounds instead of 14 on every byte of image data between sites, with the same
        // 128-bit security level as the P-256 keys that authenticate the connection.
        _ = SSL_CTX_set_ciphersuites(context, Self.cipherSuites)
    }

    /// TLS 1.3 suites, preferred first.
    static let cipherSuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

    deinit { SSL_CTX_free(context) }

    /// Runs the server side of the handshake on `socket`, waiting until `deadline`.
    public func accept(_ socket: Socket, deadline: Instant?) throws(TransportError) -> TLSStream {
        precondition(!isClient, "accept needs a server context")
        let stream = try TLSStream(socket: socket, context: context, role: .accept)
        try stream.handshake(deadline: deadline)
        return stream
    }

    /// Runs the client side on `socket`, checking that the server's certificate names `host` (an IP address or a
    /// DNS name), waiting until `deadline`.
    public func connect(_ socket: Socket, host: String, deadline: Instant?) throws(TransportError) -> TLSStream {
        precondition(isClient, "connect needs a client context")
        let stream = try TLSStream(socket: socket, context: context, role: .connect(host: host))
        try stream.handshake(deadline: deadline)
        return stream
    }

    // MARK: - Loading PEM

    private func use(_ identity: TLSIdentity) throws(TransportError) {
        guard let certificate = Self.certificates(in: identity.certificatePEM).first else {
            throw Self.failure("the certificate file holds no PEM certificate")
        }
        defer { X509_free(certificate) }
        guard let key = Self.privateKey(in: identity.privateKeyPEM) else {
            throw Self.failure("the private key file holds no PEM private key")
        }
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_certificate(context, certificate) == 1, SSL_CTX_use_PrivateKey(context, key) == 1,
            SSL_CTX_check_private_key(context) == 1
        else { throw Self.failure("the private key does not belong to the certificate") }
    }

    private func trust(_ authorityPEM: [UInt8]) throws(TransportError) {
        let certificates = Self.certificates(in: authorityPEM)
        guard !certificates.isEmpty else { throw Self.failure("the CA file holds no PEM certificate") }
        let store = SSL_CTX_get_cert_store(context)
        for certificate in certificates {
            _ = X509_STORE_add_cert(store, certificate)
            X509_free(certificate)
        }
    }

    /// Every certificate in `pem`, in order (a CA file may hold the old and the new CA during a rotation).
    static func certificates(in pem: [UInt8]) -> [OpaquePointer] {
        pem.withUnsafeBytes { bytes in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return [] }
            defer { BIO_free(bio) }
            var certificates: [OpaquePointer] = []
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) { certificates.append(certificate) }
            ERR_clear_error()  // The read that ends the loop queues "no start line".
            return certificates
        }
    }

    /// The first private key in `pem`, nil when there is none; the caller frees it (EVP_PKEY_free).
    static func privateKey(in pem: [UInt8]) -> OpaquePointer? {
        pem.withUnsafeBytes { bytes in
            let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count))
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
    }

    /// A TransportError(.tls) saying `what` failed, with OpenSSL's queued reasons when it has any.
    static func failure(_ what: String) -> TransportError {
        let detail = TLSStream.errorText("")
        return TransportError(.tls, detail.isEmpty ? what : "\(what): \(detail)")
    }
}
