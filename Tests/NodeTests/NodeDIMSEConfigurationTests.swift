// Goal: the `dimse` section decodes strictly with its defaults, round-trips through the written config, and refuses
// bad values naming the key: AE titles, an open listener without allowed callers, peers, limits.
// Method: parse config JSON texts, good and hostile, validate, and read the values or the error.
import DIMSE
import Foundation
import Node
import Testing

@Suite struct NodeDIMSEConfigurationTests {
    static func parse(_ dimse: String) throws -> NodeConfiguration {
        let text = """
            {"dataDirectory": "/tmp/unused", "allowAnonymous": true, "dimse": \(dimse)}
            """
        let configuration = try NodeConfiguration.parse(Array(text.utf8), source: "test.json")
        try configuration.validate()
        return configuration
    }

    static func expectError(_ dimse: String, mentioning parts: [String]) {
        #expect {
            _ = try parse(dimse)
        } throws: { error in
            let text = "\(error)"
            return parts.allSatisfy { text.contains($0) }
        }
    }

    @Test("an empty section takes the defaults: TESSERA on 127.0.0.1:4242, any caller, no peers")
    func defaults() throws {
        let settings = try #require(try Self.parse("{}").dimse)
        #expect(settings == NodeConfiguration.DIMSESettings())
        #expect(settings.aeTitle == "TESSERA" && settings.listen == "127.0.0.1:4242")
        let policy = try settings.policy
        #expect(policy.aeTitle.value == "TESSERA")
        #expect(policy.allowedCallers == nil)
        let lone = #"{"dataDirectory": "/d", "allowAnonymous": true}"#
        #expect(try NodeConfiguration.parse(Array(lone.utf8), source: "t").dimse == nil)
    }

    @Test("a full section decodes, and encodes back to the same settings")
    func roundTrip() throws {
        let configuration = try Self.parse(
            """
            {"aeTitle": "ARCHIVE_A", "listen": "10.1.2.3:11112", "allowedCallers": ["CT1", "PACS"],
             "peers": [{"aeTitle": "VIEWER", "host": "viewer.chu.local", "port": 104}],
             "associationCountMax": 8, "idleTimeoutSeconds": 60, "dataPDUBytesMax": 65536}
            """)
        let settings = try #require(configuration.dimse)
        #expect(try settings.policy.allowedCallers == Set([try AETitle("CT1"), try AETitle("PACS")]))
        #expect(settings.peer(try AETitle("VIEWER"))?.port == 104)
        #expect(settings.peer(try AETitle("OTHER")) == nil)
        let written = try JSONEncoder().encode(configuration)
        #expect(try NodeConfiguration.parse(Array(written), source: "written").dimse == settings)
    }

    @Test("bad values are refused naming the key")
    func refusals() {
        Self.expectError(#"{"aeTitle": ""}"#, mentioning: ["'dimse.aeTitle'", "empty"])
        Self.expectError(#"{"aeTitle": "MUCH_TOO_LONG_TITLE"}"#, mentioning: ["'dimse.aeTitle'", "16"])
        Self.expectError(#"{"listen": "0.0.0.0:104"}"#, mentioning: ["'dimse.allowedCallers'", "not loopback"])
        Self.expectError(#"{"listen": "localhost"}"#, mentioning: ["'dimse.listen'"])
        Self.expectError(#"{"allowedCallers": ["A\\B"]}"#, mentioning: ["'dimse.allowedCallers[0]'"])
        Self.expectError(
            #"{"peers": [{"aeTitle": "V", "host": "h", "port": 1}, {"aeTitle": "V", "host": "i", "port": 2}]}"#,
            mentioning: ["'dimse.peers[1].aeTitle'", "twice"])
        Self.expectError(
            #"{"peers": [{"aeTitle": "V", "host": "bad host", "port": 104}]}"#, mentioning: ["'dimse.peers[0].host'"])
        Self.expectError(
            #"{"peers": [{"aeTitle": "V", "host": "h", "port": 0}]}"#, mentioning: ["'dimse.peers[0].port'"])
        Self.expectError(#"{"dataPDUBytesMax": 100}"#, mentioning: ["'dimse.dataPDUBytesMax' is 100"])
        Self.expectError(#"{"idleTimeout": 5}"#, mentioning: ["idleTimeout"])
    }
}
