// A cluster's own certificate authority: `tessera cluster certs` makes one (P-256, self-signed) and issues each node
// a certificate naming its node name and addresses, good for both ends of a TLS connection, so nodes authenticate
// each other with nothing but the CA certificate. The CA's key stays with the operator, never on a node.
import COpenSSL
import Glibc

/// A CA certificate and its key, able to issue node certificates.
public struct TLSCertificateAuthority: Sendable {
    /// The CA's certificate and key, PEM.
    public let identity: TLSIdentity

    /// Takes an existing CA; throws TransportError(.tls) when the PEM does not load or the key does not match.
    public init(identity: TLSIdentity) throws(TransportError) {
        _ = try TLSContext.server(identity: identity)
        self.identity = identity
    }

    /// Makes a new CA named `name`, valid from an hour before `now` (seconds since the epoch) for `validDays`.
    public static func make(name: String, now: Int64, validDays: Int) throws(TransportError) -> TLSCertificateAuthority
    {
        let key = try Self.generateKey()
        defer { EVP_PKEY_free(key) }
        let certificate = try Self.certificate(
            commonName: name, publicKey: key, issuer: nil, now: now, validDays: validDays,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ],
            signingKey: key)
        defer { X509_free(certificate) }
        return try TLSCertificateAuthority(
            identity: TLSIdentity(certificatePEM: try pem(of: certificate), privateKeyPEM: try pem(ofKey: key)))
    }

    /// Issues a certificate for `commonName` (a node's name) that names every one of `addresses` (IP addresses)
    /// and `dnsNames`, for servers and clients alike, with a new key.
    public func issue(
        commonName: String, addresses: [String], dnsNames: [String] = [], now: Int64, validDays: Int
    ) throws(TransportError) -> TLSIdentity {
        guard let issuer = TLSContext.certificates(in: identity.certificatePEM).first else {
            throw TransportError(.tls, "the CA certificate does not load")
        }
        defer { X509_free(issuer) }
        guard let signingKey = TLSContext.privateKey(in: identity.privateKeyPEM) else {
            throw TransportError(.tls, "the CA key does not load")
        }
        defer { EVP_PKEY_free(signingKey) }
        let names = dnsNames.map { "DNS:" + $0 } + addresses.map { "IP:" + $0 }
        guard !names.isEmpty, names.allSatisfy({ !$0.contains(",") }) else {
            throw TransportError(.tls, "a node certificate needs at least one address or DNS name, without commas")
        }
        let key = try Self.generateKey()
        defer { EVP_PKEY_free(key) }
        let certificate = try Self.certificate(
            commonName: commonName, publicKey: key, issuer: issuer, now: now, validDays: validDays,
            extensions: [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature"),
                (NID_ext_key_usage, "serverAuth,clientAuth"),
                (NID_subject_alt_name, names.joined(separator: ",")),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid"),
            ],
            signingKey: signingKey)
        defer { X509_free(certificate) }
        return TLSIdentity(certificatePEM: try Self.pem(of: certificate), privateKeyPEM: try Self.pem(ofKey: key))
    }

    // MARK: - OpenSSL

    private static func generateKey() throws(TransportError) -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw TLSContext.failure("no EC key support")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
            EVP_PKEY_generate(context, &key) == 1, let key
        else { throw TLSContext.failure("cannot generate a P-256 key") }
        return key
    }

    /// A signed X.509 v3 certificate; self-signed when `issuer` is nil.
    private static func certificate(
        commonName: String, publicKey: OpaquePointer, issuer: OpaquePointer?, now: Int64, validDays: Int,
        extensions: [(Int32, String)], signingKey: OpaquePointer
    ) throws(TransportError) -> OpaquePointer {
        guard let certificate = X509_new() else { throw TLSContext.failure("out of memory") }
        var serial = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&serial, Int32(serial.count)) == 1 else {
            X509_free(certificate)
            throw TLSContext.failure("no random serial number")
        }
        serial[0] &= 0x7f  // Positive, as RFC 5280 asks.
        let number = BN_bin2bn(serial, Int32(serial.count), nil)
        defer { BN_free(number) }
        let subject = X509_get_subject_name(certificate)
        var isMade =
            X509_set_version(certificate, 2) == 1
            && BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil
            && ASN1_TIME_set(X509_getm_notBefore(certificate), time_t(now - 3_600)) != nil
            && ASN1_TIME_set(X509_getm_notAfter(certificate), time_t(now + Int64(validDays) * 86_400)) != nil
            && X509_set_pubkey(certificate, publicKey) == 1
            && X509_NAME_add_entry_by_txt(subject, "O", tessera_mbstring_asc(), "Tessera", -1, -1, 0) == 1
            && X509_NAME_add_entry_by_txt(subject, "CN", tessera_mbstring_asc(), commonName, -1, -1, 0) == 1
            && X509_set_issuer_name(certificate, issuer.map { X509_get_subject_name($0) } ?? subject) == 1
        var context = X509V3_CTX()
        tessera_x509v3_set_ctx_nodb(&context)
        X509V3_set_ctx(&context, issuer ?? certificate, certificate, nil, nil, 0)
        for (nid, value) in extensions where isMade {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                isMade = false
                break
            }
            isMade = X509_add_ext(certificate, ext, -1) == 1
            X509_EXTENSION_free(ext)
        }
        guard isMade, X509_sign(certificate, signingKey, EVP_sha256()) > 0 else {
            X509_free(certificate)
            throw TLSContext.failure("cannot make the certificate for \(commonName)")
        }
        return certificate
    }

    private static func pem(of certificate: OpaquePointer) throws(TransportError) -> [UInt8] {
        try written { PEM_write_bio_X509($0, certificate) }
    }

    private static func pem(ofKey key: OpaquePointer) throws(TransportError) -> [UInt8] {
        try written { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
    }

    /// What `write` puts into a memory BIO.
    private static func written(_ write: (OpaquePointer) -> Int32) throws(TransportError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSContext.failure("out of memory") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw TLSContext.failure("cannot write PEM") }
        var bytes = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
        let count = BIO_read(bio, &bytes, Int32(bytes.count))
        return Array(bytes.prefix(Int(max(0, count))))
    }
}
