// What the fabric needs from the machine, found before anything is made: root, and iproute2's `ip` and `tc` and
// nftables' `nft` with their paths. A missing piece stops the runner with a message naming it and the Debian
// package that brings it; nothing falls back to a weaker fabric.
import Glibc
import Posix

/// The paths of the tools the fabric runs.
struct FabricTools: Sendable {
    /// iproute2's `ip`: namespaces, veths, the bridge, addresses.
    let ip: String
    /// iproute2's `tc`: queueing for delay, jitter and rate caps.
    let tc: String
    /// nftables' `nft`: the packet filter for cuts and loss.
    let nft: String

    /// Finds every tool and checks for root, or throws naming everything that is missing.
    static func locate() throws(ChaosError) -> FabricTools {
        var missing: [String] = []
        if geteuid() != 0 {
            missing.append("root (network namespaces, veths, tc and nftables need CAP_NET_ADMIN and CAP_SYS_ADMIN)")
        }
        let ip = ChildProcess.executablePath(named: "ip")
        let tc = ChildProcess.executablePath(named: "tc")
        let nft = ChildProcess.executablePath(named: "nft")
        if ip == nil { missing.append("the `ip` command (Debian package iproute2)") }
        if tc == nil { missing.append("the `tc` command (Debian package iproute2)") }
        if nft == nil { missing.append("the `nft` command (Debian package nftables)") }
        guard let ip, let tc, let nft, missing.isEmpty else {
            throw ChaosError(
                .missingPrerequisite,
                "the chaos network cannot be made here; missing: \(missing.joined(separator: "; "))")
        }
        return FabricTools(ip: ip, tc: tc, nft: nft)
    }
}
