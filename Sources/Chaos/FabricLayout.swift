// Where every host of one fabric run lives: its network namespace's name and its address, derived from the run id
// and the host's position only, so `down` and the fault commands find them again from the state file. No system
// calls here.

/// The namespaces and addresses of one fabric run.
public struct FabricLayout: Sendable, Equatable, Codable {
    /// What every namespace this runner makes starts with; `chaos net down` removes every namespace with it.
    public static let namespacePrefix = "tsr-"
    /// The first two octets of the private range hosts get addresses from (10.77.0.0/16).
    public static let addressPrefix = "10.77."
    /// The prefix length of the fabric's network.
    public static let prefixLength = 16
    /// The fabric's own address on the bridge: it reaches every host whatever the partitions, so operators and
    /// tests can observe a partitioned region from outside it.
    public static let observerAddress = "10.77.0.1"
    /// The bridge's name inside the fabric namespace.
    public static let bridgeName = "br0"
    /// The interface each host sees inside its namespace.
    public static let hostInterface = "eth0"
    /// The most hosts one fabric may hold (addresses 10.77.0.2 upwards).
    public static let hostCountMax = 1000

    /// The run's id, a few lowercase hex digits, unique among runs on this machine.
    public let runID: String
    /// The hosts, in topology order.
    public let nodes: [TopologyNode]

    /// Makes the layout of run `runID` for `nodes`; the run id must be 1 to 8 lowercase hex digits, so namespace
    /// names of concurrent or leftover runs never collide and stay short.
    public init(runID: String, nodes: [TopologyNode]) throws(ChaosError) {
        let isHex = runID.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        guard isHex, (1...8).contains(runID.utf8.count) else {
            throw ChaosError(.argument, "the run id '\(runID)' must be 1 to 8 lowercase hex digits")
        }
        guard (1...Self.hostCountMax).contains(nodes.count) else {
            throw ChaosError(.argument, "a fabric holds 1 to \(Self.hostCountMax) hosts, not \(nodes.count)")
        }
        self.runID = runID
        self.nodes = nodes
    }

    /// The namespace of the bridge that joins the hosts (a name no host can have: host names hold no '.').
    public var fabricNamespace: String { Self.namespacePrefix + runID + ".fabric" }

    /// Every namespace of this run, the fabric's last.
    public var namespaces: [String] { nodes.map { namespace(of: $0.name) } + [fabricNamespace] }

    /// The namespace of the host `name`.
    public func namespace(of name: String) -> String { Self.namespacePrefix + runID + "-" + name }

    /// The position of the host `name`, or an error naming it.
    public func index(of name: String) throws(ChaosError) -> Int {
        guard let index = nodes.firstIndex(where: { $0.name == name }) else {
            throw ChaosError(.argument, "no host '\(name)' in this fabric")
        }
        return index
    }

    /// The IPv4 address of the host at `index`: 10.77.0.2 for the first, counting up.
    public func address(ofIndex index: Int) -> String {
        let number = index + 2
        return Self.addressPrefix + "\(number >> 8).\(number & 0xFF)"
    }

    /// The IPv4 address of the host `name`.
    public func address(of name: String) throws(ChaosError) -> String { address(ofIndex: try index(of: name)) }

    /// The bridge port of the host at `index`, inside the fabric namespace.
    public func bridgePort(ofIndex index: Int) -> String { "v\(index)" }
}
