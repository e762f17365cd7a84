// The nftables ruleset of the fabric namespace, rendered from the faults in force. Cuts and loss act on the bridge's
// forward path: a packet leaves its sender and vanishes in transit, as on a real cut or lossy link, instead of the
// sender's own stack refusing it (a blackhole route fails the send at once, which no real partition does). Loss is
// drawn here rather than by netem so it works on kernels built without netem. Traffic to and from the fabric's own
// address (the observer) does not cross the forward path, so it is never cut.

/// Renders the fabric's packet filter.
enum PacketFilterRules {
    /// The table the fabric owns in its namespace.
    static let tableName = "tessera_chaos"

    /// The whole ruleset for `faults`, as an `nft -f` script that replaces the table atomically.
    static func script(for faults: FaultState, layout: FabricLayout) throws(ChaosError) -> String {
        var lines = [
            // Declaring the table first makes the delete succeed whether or not it existed.
            "table bridge \(tableName)",
            "delete table bridge \(tableName)",
            "table bridge \(tableName) {",
            "  chain forward {",
            "    type filter hook forward priority 0; policy accept;",
        ]
        for link in faults.cutLinks.sorted() {
            lines.append("    \(try match(link, layout)) drop")
        }
        for (link, shape) in faults.shapes.sorted(by: { $0.key < $1.key }) where shape.lossBasisPoints > 0 {
            // numgen draws 0 to 9999, so total loss is a plain drop.
            let draw = shape.lossBasisPoints >= 10_000 ? "" : " numgen random mod 10000 < \(shape.lossBasisPoints)"
            lines.append("    \(try match(link, layout))\(draw) drop")
        }
        lines += ["  }", "}"]
        return lines.joined(separator: "\n") + "\n"
    }

    private static func match(_ link: DirectedLink, _ layout: FabricLayout) throws(ChaosError) -> String {
        "ip saddr \(try layout.address(of: link.source)) ip daddr \(try layout.address(of: link.target))"
    }
}
