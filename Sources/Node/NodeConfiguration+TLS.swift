// TLS in a node's config: `tls` makes the client-facing HTTP port speak HTTPS; `cluster.tls` moves the internal API
// to its own port, mutual TLS against the cluster CA (`tessera cluster certs` writes every file). Paths relative to
// the config file's folder; the files are read at start, so a missing one stops the node with its name.
import Transport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension NodeConfiguration {
    /// A certificate and its key for the client-facing port (HTTPS).
    public struct TLSFiles: Sendable, Equatable, Codable {
        /// The certificate (PEM).
        public var certificate: String
        /// Its private key (PEM).
        public var privateKey: String

        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }

        public init(from decoder: any Decoder) throws {
            let container = try strictContainer(decoder, known: ["certificate", "privateKey"])
            guard let certificate = try container.optional("certificate", String.self),
                let privateKey = try container.optional("privateKey", String.self)
            else { throw NodeError(.configuration, "'tls' needs 'certificate' and 'privateKey' (PEM files)") }
            self.init(certificate: certificate, privateKey: privateKey)
        }

        /// The certificate and key, read; `.configuration` naming the file that cannot be read.
        func identity(key: String) throws(NodeError) -> TLSIdentity {
            try NodeConfiguration.identity(certificate: certificate, privateKey: privateKey, key: key)
        }

        /// The same files with relative paths taken from `folder`.
        func resolved(from folder: String) -> TLSFiles {
            TLSFiles(
                certificate: NodeConfiguration.path(certificate, from: folder),
                privateKey: NodeConfiguration.path(privateKey, from: folder))
        }
    }

    /// Mutual TLS for node-to-node traffic.
    public struct ClusterTLS: Sendable, Equatable, Codable {
        /// Where the internal API listens, "IPv4:PORT": this node's own address as the others reach it.
        public var listen: String
        /// The cluster CA's certificate (PEM); peers' certificates must chain to it. It may hold two CAs while one
        /// replaces the other.
        public var certificateAuthority: String
        /// This node's certificate, issued by the cluster CA for its internal address.
        public var certificate: String
        /// Its private key.
        public var privateKey: String

        public init(listen: String, certificateAuthority: String, certificate: String, privateKey: String) {
            self.listen = listen
            self.certificateAuthority = certificateAuthority
            self.certificate = certificate
            self.privateKey = privateKey
        }

        public init(from decoder: any Decoder) throws {
            let keys = ["listen", "certificateAuthority", "certificate", "privateKey"]
            let container = try strictContainer(decoder, known: keys)
            var values: [String] = []
            for key in keys {
                guard let value = try container.optional(key, String.self), !value.isEmpty else {
                    throw NodeError(
                        .configuration, "'cluster.tls.\(key)' is required (`tessera cluster certs` writes the files)")
                }
                values.append(value)
            }
            self.init(listen: values[0], certificateAuthority: values[1], certificate: values[2], privateKey: values[3])
        }

        /// The internal listen address, parsed.
        public var internalAddress: ListenAddress {
            get throws(NodeError) { try ListenAddress.parse(listen, key: "cluster.tls.listen") }
        }

        /// The server and client contexts of the internal API, from the files.
        func contexts() throws(NodeError) -> (server: TLSContext, client: TLSContext) {
            let authority = try NodeConfiguration.read(certificateAuthority, key: "cluster.tls.certificateAuthority")
            let identity = try NodeConfiguration.identity(
                certificate: certificate, privateKey: privateKey, key: "cluster.tls")
            do {
                return (
                    try TLSContext.server(identity: identity, clientAuthorityPEM: authority),
                    try TLSContext.client(authorityPEM: authority, identity: identity)
                )
            } catch {
                throw NodeError(.configuration, "'cluster.tls': \(error.message)")
            }
        }

        /// The same settings with relative paths taken from `folder`.
        func resolved(from folder: String) -> ClusterTLS {
            var copy = self
            copy.certificateAuthority = NodeConfiguration.path(certificateAuthority, from: folder)
            copy.certificate = NodeConfiguration.path(certificate, from: folder)
            copy.privateKey = NodeConfiguration.path(privateKey, from: folder)
            return copy
        }
    }

    /// The client-facing server context, when `tls` is set.
    func clientFacingTLS() throws(NodeError) -> TLSContext? {
        guard let tls else { return nil }
        do {
            return try TLSContext.server(identity: try tls.identity(key: "tls"))
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError(.configuration, "'tls': \(error)")
        }
    }

    /// The certificate and key files of `key` ("tls", "cluster.tls"), read.
    static func identity(certificate: String, privateKey: String, key: String) throws(NodeError) -> TLSIdentity {
        TLSIdentity(
            certificatePEM: try read(certificate, key: key + ".certificate"),
            privateKeyPEM: try read(privateKey, key: key + ".privateKey"))
    }

    /// `path` taken from `folder` unless absolute.
    static func path(_ path: String, from folder: String) -> String {
        path.hasPrefix("/") ? path : folder + "/" + path
    }

    /// The bytes of the file at `path`; `.configuration` naming `key` and the file when it cannot be read.
    static func read(_ path: String, key: String) throws(NodeError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeError(.configuration, "'\(key)': cannot read \(path)")
        }
        return Array(data)
    }
}
