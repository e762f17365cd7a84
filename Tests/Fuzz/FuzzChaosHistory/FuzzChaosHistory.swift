// libFuzzer target for the chaos runner's readers (STYLE.md, pitfall 11): arbitrary bytes as a history file and as a
// scenario file. A history that reads back must write out to lines that read back the same; a scenario is read and
// checked against a small topology; neither may trap on the way.
import Chaos
import Primitives

/// Two territories of two sites, a node each: what fuzzed scenarios are checked against.
let topology: Topology? = try? Topology(
    name: "fuzz",
    nodes: [("a-1", "a", "x"), ("b-1", "b", "x"), ("c-1", "c", "y"), ("d-1", "d", "y")].compactMap { node in
        guard let territory = try? TerritoryID(node.2), let site = try? SiteID(node.1) else { return nil }
        return TopologyNode(name: node.0, territory: territory, site: site, volumeCount: 4)
    })

/// libFuzzer's entry point: traps when a history read back does not survive being written and read again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let topology { _ = try? ChaosScenario.decode(bytes, topology: topology) }
    guard let operations = try? ChaosHistory.decode(bytes) else { return 0 }
    var written: [UInt8] = []
    for operation in operations {
        guard let line = try? ChaosHistory.line(operation) else {
            preconditionFailure("an operation read back cannot be written")
        }
        written += line + [UInt8(ascii: "\n")]
    }
    precondition((try? ChaosHistory.decode(written)) == operations, "a history written out reads back differently")
    return 0
}
