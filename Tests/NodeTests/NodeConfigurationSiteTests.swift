// Goal: a node's `site` follows the region's site-name rules (SiteID), so what the catalog stores as an origin site
// always reads back as one. Method: validate configurations with good and bad names and read the error.
import Node
import Primitives
import Testing

@Suite struct NodeConfigurationSiteTests {
    @Test("site names with lowercase letters, digits, '-', '_' and '.' are accepted as SiteIDs")
    func goodNames() throws {
        for name in ["local", "nancy-chru", "site_2.b"] {
            var configuration = NodeConfiguration(dataDirectory: "/tmp/unused")
            configuration.site = name
            try configuration.validate()
            #expect(try configuration.siteID == SiteID(name))
        }
    }

    @Test(
        "other site names are refused naming the key and the value (or its emptiness)",
        arguments: ["", "Nancy", "a b", "ñancy"])
    func badNames(name: String) {
        var configuration = NodeConfiguration(dataDirectory: "/tmp/unused")
        configuration.site = name
        #expect {
            try configuration.validate()
        } throws: { error in
            "\(error)".contains("'site'") && "\(error)".contains(name.isEmpty ? "must not be empty" : "'\(name)'")
        }
    }
}
