// The `dimse` section of a node's config: the AE title and address the node answers DIMSE on, who may associate,
// the peers C-MOVE may send to, and the limits per association. Without the section a node speaks DICOMweb only.
public import DIMSE

extension NodeConfiguration {
    /// A node's DIMSE settings. Limits carry their unit in their name; every one has a default.
    public struct DIMSESettings: Sendable, Equatable {
        /// The node's AE title, which requests must call.
        public var aeTitle: String
        /// Where the node listens for associations, "IPv4:PORT"; port 0 picks a free one (printed at start).
        public var listen: String
        /// The AE titles allowed to associate; nil lets any in, allowed only when `listen` is loopback (the demo
        /// mode of `tessera node --data`). An unknown caller is rejected at association (PS3.8 Table 9-21).
        public var allowedCallers: [String]?
        /// The AEs C-MOVE may send to, by title: a destination not listed is refused (status A801H).
        public var peers: [Peer]
        /// Associations at once; one more is rejected as a transient local limit.
        public var associationCountMax: Int
        /// Associations at once from one client address.
        public var associationsPerAddressMax: Int
        /// How long an association may send and receive nothing before it is aborted.
        public var idleTimeoutSeconds: Int
        /// The ARTIM timer: how long a connection may take to send its request, and a closing one to close.
        public var artimTimeoutSeconds: Int
        /// The largest P-DATA-TF the node accepts, announced as its maximum length.
        public var dataPDUBytesMax: Int
        /// The most operations (C-STORE, C-FIND…) one association may run before it is released by the peer.
        public var operationsPerAssociationMax: Int
        /// The most matches one C-FIND answers.
        public var findMatchCountMax: Int
        /// The most instances one C-GET or C-MOVE sends: at most 65,535, since its responses count in 16 bits.
        public var retrieveInstanceCountMax: Int

        /// One AE the node may send to.
        public struct Peer: Sendable, Equatable, Codable {
            /// Its AE title.
            public var aeTitle: String
            /// Its host name or IPv4 address.
            public var host: String
            /// Its DIMSE port.
            public var port: Int

            /// Makes a peer.
            public init(aeTitle: String, host: String, port: Int) {
                self.aeTitle = aeTitle
                self.host = host
                self.port = port
            }
        }

        /// The default AE title.
        public static let aeTitleDefault = "TESSERA"
        /// The default address: loopback, port 4242.
        public static let listenDefault = "127.0.0.1:4242"

        /// Settings with `aeTitle`, `listen`, any caller allowed, no peers, and the default limits.
        public init(aeTitle: String = aeTitleDefault, listen: String = listenDefault) {
            self.aeTitle = aeTitle
            self.listen = listen
            allowedCallers = nil
            peers = []
            associationCountMax = 32
            associationsPerAddressMax = 8
            idleTimeoutSeconds = 300
            artimTimeoutSeconds = 30
            dataPDUBytesMax = DIMSELimits().dataPDUBytesMax
            operationsPerAssociationMax = 1_000_000
            findMatchCountMax = 10_000
            retrieveInstanceCountMax = 65_535
        }

        /// The listen address, parsed; valid after `validate()`.
        public var listenAddress: ListenAddress {
            get throws(NodeError) { try ListenAddress.parse(listen, key: "dimse.listen") }
        }

        /// The association policy these settings make; valid after `validate()`.
        public var policy: AssociationPolicy {
            get throws(NodeError) {
                var callers: Set<AETitle>?
                if let allowedCallers {
                    callers = []
                    for (index, title) in allowedCallers.enumerated() {
                        callers?.insert(try Self.title(title, key: "dimse.allowedCallers[\(index)]"))
                    }
                }
                return AssociationPolicy(
                    aeTitle: try Self.title(aeTitle, key: "dimse.aeTitle"), allowedCallers: callers,
                    dataPDUBytesMax: dataPDUBytesMax)
            }
        }

        /// The peer whose AE title is `title`, if listed.
        public func peer(_ title: AETitle) -> Peer? {
            peers.first { (try? AETitle($0.aeTitle)) == title }
        }

        /// Checks every setting, naming the first bad one.
        public func validate() throws(NodeError) {
            let address = try listenAddress
            _ = try policy
            guard allowedCallers != nil || address.isLoopback else {
                throw NodeError(
                    .configuration,
                    "'dimse.allowedCallers' must list the AE titles allowed to associate, since 'dimse.listen' "
                        + "\(listen) is not loopback")
            }
            var seen = Set<AETitle>()
            for (index, peer) in peers.enumerated() {
                let key = "dimse.peers[\(index)]"
                let title = try Self.title(peer.aeTitle, key: key + ".aeTitle")
                guard seen.insert(title).inserted else {
                    throw NodeError(.configuration, "'\(key).aeTitle' \(title) is listed twice")
                }
                let isHostName = peer.host.utf8.allSatisfy {
                    $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0)
                        || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
                }
                guard !peer.host.isEmpty, peer.host.utf8.count <= 253, isHostName else {
                    throw NodeError(.configuration, "'\(key).host' \"\(peer.host.prefix(64))\" is not a host name")
                }
                guard (1...65535).contains(peer.port) else {
                    throw NodeError(.configuration, "'\(key).port' is \(peer.port); it must be from 1 to 65535")
                }
            }
            let checks: [(String, Int, ClosedRange<Int>)] = [
                ("associationCountMax", associationCountMax, 1...10_000),
                ("associationsPerAddressMax", associationsPerAddressMax, 1...10_000),
                ("idleTimeoutSeconds", idleTimeoutSeconds, 1...86_400),
                ("artimTimeoutSeconds", artimTimeoutSeconds, 1...600),
                ("dataPDUBytesMax", dataPDUBytesMax, 4096...(16 << 20)),
                ("operationsPerAssociationMax", operationsPerAssociationMax, 1...100_000_000),
                ("findMatchCountMax", findMatchCountMax, 1...100_000),
                ("retrieveInstanceCountMax", retrieveInstanceCountMax, 1...65_535),
            ]
            for (name, value, range) in checks where !range.contains(value) {
                throw NodeError(
                    .configuration,
                    "'dimse.\(name)' is \(value); it must be from \(range.lowerBound) to \(range.upperBound)")
            }
        }

        private static func title(_ text: String, key: String) throws(NodeError) -> AETitle {
            do {
                return try AETitle(text)
            } catch {
                throw NodeError(.configuration, "'\(key)': \(error.message)")
            }
        }
    }
}
