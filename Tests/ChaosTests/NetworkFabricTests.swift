// Goal: the namespace fabric acts on real packets: hosts reach each other and the observer reaches them all; a
// partition stops traffic both ways and heal restores it; a one-way partition drops one direction only; 100 %
// loss drops everything; netem delay raises the round trip (or, on a kernel without netem, delay is refused naming
// it); a rate cap becomes an htb class; every operation is logged; teardown and `tessera chaos net down` leave no
// namespace behind. Method: small fabrics with fresh run ids, a Python UDP echo in the namespaces. Needs root,
// iproute2, nftables and python3. Every test removes its fabric, even when an expectation fails.
import Chaos
import Foundation
import Posix
import TestSupport
import Testing

@Suite(.serialized) struct NetworkFabricTests {
    @Test("hosts reach each other and the observer reaches every host")
    func reach() async throws {
        let directory = TemporaryDirectory()
        let fabric = try await FabricHarness.up(try FabricHarness.nodes(["a", "b", "c"]), in: directory)
        defer { try? fabric.down() }
        let server = try await FabricHarness.startEcho(fabric, in: "c", logs: directory)
        defer { server.stop(graceSeconds: 0) }
        let address = try fabric.layout.address(of: "c")
        #expect(try await FabricHarness.echo(fabric, from: "a", to: address).received == 5)
        #expect(try await FabricHarness.echo(fabric, from: "b", to: address).received == 5)
        #expect(try await FabricHarness.echo(fabric, from: nil, to: address).received == 5)
        #expect(FabricHarness.receivedCount(server) == 15)
    }

    @Test("a partition stops traffic both ways, the observer still gets through, heal restores it; all logged")
    func partitionAndHeal() async throws {
        let directory = TemporaryDirectory()
        let fabric = try await FabricHarness.up(try FabricHarness.nodes(["a", "b"]), in: directory)
        defer { try? fabric.down() }
        let servers = [
            try await FabricHarness.startEcho(fabric, in: "a", logs: directory),
            try await FabricHarness.startEcho(fabric, in: "b", logs: directory),
        ]
        defer { for server in servers { server.stop(graceSeconds: 0) } }
        let (addressA, addressB) = (try fabric.layout.address(of: "a"), try fabric.layout.address(of: "b"))
        try await onOwnedThread { try fabric.partition(["a"], ["b"]) }
        #expect(try await FabricHarness.echo(fabric, from: "a", to: addressB).received == 0)
        #expect(try await FabricHarness.echo(fabric, from: "b", to: addressA).received == 0)
        #expect(try await FabricHarness.echo(fabric, from: nil, to: addressB).received == 5)
        try await onOwnedThread { try fabric.heal(["a"], ["b"]) }
        #expect(fabric.faults.isClear)
        #expect(try await FabricHarness.echo(fabric, from: "a", to: addressB).received == 5)
        #expect(try await FabricHarness.echo(fabric, from: "b", to: addressA).received == 5)
        let log = try FabricOperation.readLog(stateDirectory: fabric.stateDirectory)
        #expect(log.map(\.operation) == ["up", "start", "start", "partition", "heal"])
        #expect(log.allSatisfy { $0.runID == fabric.layout.runID && $0.timeMilliseconds > 0 })
    }

    @Test("a one-way partition drops what a sends to b and delivers what b sends to a")
    func oneWay() async throws {
        let directory = TemporaryDirectory()
        let fabric = try await FabricHarness.up(try FabricHarness.nodes(["a", "b"]), in: directory)
        defer { try? fabric.down() }
        let serverA = try await FabricHarness.startEcho(fabric, in: "a", logs: directory)
        defer { serverA.stop(graceSeconds: 0) }
        let serverB = try await FabricHarness.startEcho(fabric, in: "b", logs: directory)
        defer { serverB.stop(graceSeconds: 0) }
        try await onOwnedThread { try fabric.partitionOneWay(from: ["a"], to: ["b"]) }
        // a → b: nothing arrives at b.
        #expect(try await FabricHarness.echo(fabric, from: "a", to: try fabric.layout.address(of: "b")).received == 0)
        #expect(FabricHarness.receivedCount(serverB) == 0)
        // b → a: every datagram arrives at a, whose echoes back to b are the ones dropped.
        #expect(try await FabricHarness.echo(fabric, from: "b", to: try fabric.layout.address(of: "a")).received == 0)
        #expect(FabricHarness.receivedCount(serverA) == 5)
    }

    @Test("100 % loss drops everything; clearing the shape restores the link")
    func totalLoss() async throws {
        let directory = TemporaryDirectory()
        let fabric = try await FabricHarness.up(try FabricHarness.nodes(["a", "b"]), in: directory)
        defer { try? fabric.down() }
        let server = try await FabricHarness.startEcho(fabric, in: "b", logs: directory)
        defer { server.stop(graceSeconds: 0) }
        let address = try fabric.layout.address(of: "b")
        try await onOwnedThread { try fabric.shape(from: ["a"], to: ["b"], as: LinkShape(lossPercent: 100)) }
        #expect(try await FabricHarness.echo(fabric, from: "a", to: address, count: 10).received == 0)
        try await onOwnedThread { try fabric.shape(from: ["a"], to: ["b"], as: .clear) }
        #expect(try await FabricHarness.echo(fabric, from: "a", to: address).received == 5)
    }

    @Test("netem delay raises the round trip by at least the delay; without netem, delay is refused naming it")
    func delay() async throws {
        let directory = TemporaryDirectory()
        let fabric = try await FabricHarness.up(try FabricHarness.nodes(["a", "b"]), in: directory)
        defer { try? fabric.down() }
        let server = try await FabricHarness.startEcho(fabric, in: "b", logs: directory)
        defer { server.stop(graceSeconds: 0) }
        let address = try fabric.layout.address(of: "b")
        let delayed = LinkShape(delayMilliseconds: 40, jitterMilliseconds: 2)
        guard fabric.hasNetem else {
            await #expect {
                try await onOwnedThread { try fabric.shape(from: ["a"], to: ["b"], as: delayed) }
            } throws: { error in
                let chaos = error as? ChaosError
                return chaos?.code == .missingPrerequisite
                    && chaos?.description.contains("CONFIG_NET_SCH_NETEM") == true
            }
            #expect(fabric.faults.isClear)
            return
        }
        let before = try await FabricHarness.echo(fabric, from: "a", to: address, count: 9)
        try await onOwnedThread { try fabric.shape(from: ["a"], to: ["b"], as: delayed) }
        let after = try await FabricHarness.echo(fabric, from: "a", to: address, count: 9)
        #expect(after.received == 9)
        // A lower bound only: the delay minus its jitter, over the undelayed round trip.
        #expect(after.medianMilliseconds >= before.medianMilliseconds + 35)
    }

    @Test("a rate cap becomes an htb class for that destination on the sender")
    func rateCap() async throws {
        let directory = TemporaryDirectory()
        let fabric = try await FabricHarness.up(try FabricHarness.nodes(["a", "b"]), in: directory)
        defer { try? fabric.down() }
        try await onOwnedThread {
            try fabric.shape(from: ["a"], to: ["b"], as: LinkShape(rateKilobitsPerSecond: 800))
        }
        let tc = ChildProcess.executablePath(named: "tc") ?? "/usr/sbin/tc"
        let classes = try await onOwnedThread {
            try fabric.run(in: "a", executable: tc, arguments: ["class", "show", "dev", "eth0"])
        }
        #expect(classes.output.contains("rate 800Kbit"), "\(classes.output)")
        let filters = try await onOwnedThread {
            try fabric.run(in: "a", executable: tc, arguments: ["filter", "show", "dev", "eth0"])
        }
        #expect(filters.output.contains("flowid 1:3"), "\(filters.output)")
    }

    @Test("down removes every namespace of the run; a second down is harmless; attach finds no fabric after")
    func teardown() async throws {
        let directory = TemporaryDirectory()
        let fabric = try await FabricHarness.up(try FabricHarness.nodes(["a", "b"]), in: directory)
        let made = fabric.layout.namespaces
        #expect(Set(made).isSubset(of: Set(try await FabricHarness.namespaces())))
        try await onOwnedThread { try fabric.down() }
        #expect(Set(made).isDisjoint(with: Set(try await FabricHarness.namespaces())))
        try await onOwnedThread { try fabric.down() }
        #expect(throws: ChaosError.self) {
            try NetworkFabric.attach(stateDirectory: fabric.stateDirectory, clock: RealTimeClock())
        }
    }

    @Test("`tessera chaos net down` removes its run and the leftovers of other runs, from any state folder")
    func commandDown() async throws {
        let directory = TemporaryDirectory()
        let first = try await FabricHarness.up(try FabricHarness.nodes(["a"]), in: directory)
        let second = try await FabricHarness.up(try FabricHarness.nodes(["b"]), in: directory)
        defer {
            try? first.down()
            try? second.down()
        }
        let outcome = try await TesseraBinary.run(["chaos", "net", "down", "--state", first.stateDirectory])
        #expect(outcome.status == 0, "\(outcome.errorOutput)")
        #expect(outcome.output.contains("fabric \(first.layout.runID) down"), "\(outcome.output)")
        #expect(outcome.output.contains(second.layout.fabricNamespace), "\(outcome.output)")
        let left = Set(try await FabricHarness.namespaces())
        #expect(left.isDisjoint(with: Set(first.layout.namespaces + second.layout.namespaces)))

        // From a state folder that does not exist yet (a fresh checkout): leftovers still go.
        let third = try await FabricHarness.up(try FabricHarness.nodes(["c"]), in: directory)
        defer { try? third.down() }
        let fresh = try await TesseraBinary.run(["chaos", "net", "down", "--state", directory.appending("fresh")])
        #expect(fresh.status == 0, "\(fresh.errorOutput)")
        #expect(fresh.output.contains(third.layout.namespace(of: "c")), "\(fresh.output)")
        #expect(Set(try await FabricHarness.namespaces()).isDisjoint(with: Set(third.layout.namespaces)))
    }
}
