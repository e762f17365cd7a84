// Goal: node ids print and parse as 16 hex digits and are drawn from the injected source; site and territory names
// refuse what cannot travel safely in paths, URLs and gossip. Method: fixed values and a fixed seed.
import Primitives
import Testing

@Suite struct RegionIdentityTests {
    @Test("a node id prints as 16 hex digits and parses back; anything else does not parse")
    func nodeIDText() {
        let id = NodeID(0xAB)
        #expect(id.description == "00000000000000ab")
        #expect(NodeID(hex: id.description) == id)
        #expect(NodeID(hex: "FFFFFFFFFFFFFFFF") == NodeID(.max))
        for bad in ["", "ab", "00000000000000abc", "00000000000000ag", "-0000000000000ab", "+0000000000000ab"] {
            #expect(NodeID(hex: bad) == nil, "\(bad)")
        }
    }

    @Test("a node id drawn from a seeded source is the same for the same seed")
    func nodeIDFromSeed() {
        var first = SeededRandom(seed: 7)
        var second = SeededRandom(seed: 7)
        #expect(NodeID.random(using: &first) == NodeID.random(using: &second))
        #expect(NodeID.random(using: &first) != NodeID.random(using: &first))
    }

    @Test("site and territory names: lowercase letters, digits, - _ . and at most 64 bytes")
    func names() throws {
        #expect(try SiteID("strasbourg-hautepierre").name == "strasbourg-hautepierre")
        #expect(try TerritoryID("alsace").description == "alsace")
        _ = try SiteID(String(repeating: "a", count: RegionName.lengthMax))
        for bad in ["", "Alsace", "nancy brabois", "reims/chu", "metz\u{0}", String(repeating: "a", count: 65), "é"] {
            #expect(throws: RegionNameError.self, "\(bad)") { try SiteID(bad) }
            #expect(throws: RegionNameError.self, "\(bad)") { try TerritoryID(bad) }
        }
        let error = #expect(throws: RegionNameError.self) { try SiteID("Reims") }
        #expect(error?.description.contains("site name 'Reims'") == true)
    }
}
