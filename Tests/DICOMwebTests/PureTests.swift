// Goal: the pure pieces of DICOMweb decide as PS3.18 and RFC 6750 say: routes and UIDs in paths, bearer tokens and
// roles, Accept negotiation, DICOM JSON encoding, STOW-RS statuses and BulkDataURI rewriting. Method: direct calls
// with hand-made inputs, including malformed ones; no store, no catalog.
import Catalog
import HTTP
import Testing

@testable import DICOMweb

@Suite struct RouteTests {
    @Test("every documented path maps to its resource")
    func documentedPaths() throws {
        #expect(try DICOMwebRoute.parse("/studies") == .studies)
        #expect(try DICOMwebRoute.parse("/studies/1.2") == .study("1.2"))
        #expect(try DICOMwebRoute.parse("/studies/1.2/") == .study("1.2"))
        #expect(try DICOMwebRoute.parse("/series") == .search(level: .series, study: nil, series: nil))
        #expect(try DICOMwebRoute.parse("/instances") == .search(level: .instance, study: nil, series: nil))
        #expect(try DICOMwebRoute.parse("/studies/1.2/series") == .search(level: .series, study: "1.2", series: nil))
        #expect(
            try DICOMwebRoute.parse("/studies/1.2/instances") == .search(level: .instance, study: "1.2", series: nil))
        #expect(
            try DICOMwebRoute.parse("/studies/1.2/series/3.4/instances")
                == .search(level: .instance, study: "1.2", series: "3.4"))
        #expect(try DICOMwebRoute.parse("/studies/1.2/series/3.4") == .series("1.2", "3.4"))
        #expect(try DICOMwebRoute.parse("/studies/1.2/series/3.4/instances/5.6") == .instance("1.2", "3.4", "5.6"))
        #expect(try DICOMwebRoute.parse("/studies/1.2/metadata") == .metadata(study: "1.2", series: nil, instance: nil))
        #expect(
            try DICOMwebRoute.parse("/studies/1.2/series/3.4/metadata")
                == .metadata(study: "1.2", series: "3.4", instance: nil))
        #expect(
            try DICOMwebRoute.parse("/studies/1.2/series/3.4/instances/5.6/metadata")
                == .metadata(study: "1.2", series: "3.4", instance: "5.6"))
        #expect(
            try DICOMwebRoute.parse("/studies/1.2/series/3.4/instances/5.6/bulkdata/100/20")
                == .bulkData(study: "1.2", series: "3.4", instance: "5.6", offset: 100, length: 20))
        #expect(
            try DICOMwebRoute.parse("/studies/1.2/series/3.4/instances/5.6/rendered")
                == .rendered(study: "1.2", series: "3.4", instance: "5.6", frame: nil))
        #expect(
            try DICOMwebRoute.parse("/studies/1.2/series/3.4/instances/5.6/frames/7/rendered")
                == .rendered(study: "1.2", series: "3.4", instance: "5.6", frame: 7))
        #expect(throws: DICOMwebError.self) {
            try DICOMwebRoute.parse("/studies/1.2/series/3.4/instances/5.6/frames/1,2/rendered")
        }
    }

    @Test("unknown paths are 404 and malformed UIDs or ranges are 400")
    func badPaths() {
        for path in ["", "/", "/patients", "/studies/1.2/frames", "/studies/1.2/series/3.4/instances/5.6/thumbnail"] {
            #expect(throws: DICOMwebError.self) { try DICOMwebRoute.parse(path) }
            #expect((try? DICOMwebRoute.parse(path)) == nil)
            do {
                _ = try DICOMwebRoute.parse(path)
            } catch {
                #expect(error.status == 404, "\(path)")
            }
        }
        for path in [
            "/studies/1.2a", "/studies/.1", "/studies/1..2", "/studies/" + String(repeating: "1", count: 65),
            "/studies/1/series/x", "/studies/1/series/2/instances/3./metadata",
            "/studies/1/series/2/instances/3/bulkdata/x/1",
            "/studies/1/series/2/instances/3/bulkdata/18446744073709551615/2",
        ] {
            do {
                _ = try DICOMwebRoute.parse(path)
                Issue.record("\(path) was accepted")
            } catch {
                #expect(error.status == 400, "\(path)")
                #expect(!error.reason.isEmpty)
            }
        }
    }

    @Test("only a plain host name and port from the Host header goes into links")
    func hosts() {
        for host in ["archive.test", "10.0.0.1:8042", "[::1]:80", "node_a"] {
            #expect(DICOMwebResponder.isPlainHost(host), "\(host)")
        }
        for host in ["", "a\"b", "a/b", "a b", "a\\b", "a{b}", String(repeating: "a", count: 300)] {
            #expect(!DICOMwebResponder.isPlainHost(host), "\(host)")
        }
    }

    @Test("the prefix is stripped only at a segment boundary")
    func prefixes() {
        #expect(DICOMwebResponder.relativePath("/dicom-web/studies", prefix: "/dicom-web") == "/studies")
        #expect(DICOMwebResponder.relativePath("/dicom-web", prefix: "/dicom-web") == "")
        #expect(DICOMwebResponder.relativePath("/dicom-webx/studies", prefix: "/dicom-web") == nil)
        #expect(DICOMwebResponder.relativePath("/studies", prefix: "") == "/studies")
    }
}

@Suite struct AccessPolicyTests {
    let policy = AccessPolicy(
        tokens: [
            AccessToken(token: "r", role: .read), AccessToken(token: "w", role: .write),
            AccessToken(token: "a", role: .admin),
        ], allowsAnonymous: false)

    @Test("roles nest: admin can do what write can, write what read can")
    func rolesNest() throws {
        #expect(try policy.authorize(authorization: "Bearer r", required: .read) == .read)
        #expect(try policy.authorize(authorization: "bearer  w ", required: .read) == .write)
        #expect(try policy.authorize(authorization: "Bearer a", required: .write) == .admin)
        #expect(try policy.authorize(authorization: "Bearer a", required: .admin) == .admin)
    }

    @Test("a missing, malformed or unknown token is 401 with WWW-Authenticate; a weak role is 403")
    func refusals() {
        let cases: [(String?, AccessRole, Int)] = [
            (nil, .read, 401), ("Basic cjpy", .read, 401), ("Bearer", .read, 401), ("Bearer x", .read, 401),
            ("Bearer rr", .read, 401), ("Bearer r", .write, 403), ("Bearer w", .admin, 403),
        ]
        for (header, role, status) in cases {
            do {
                try policy.authorize(authorization: header, required: role)
                Issue.record("\(header ?? "nil") was allowed to \(role)")
            } catch {
                #expect(error.status == status, "\(header ?? "nil")")
                #expect(error.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
            }
        }
    }

    @Test("anonymous access grants read and write but not admin, and never excuses a wrong token")
    func anonymous() throws {
        let open = AccessPolicy(tokens: [AccessToken(token: "a", role: .admin)], allowsAnonymous: true)
        #expect(try open.authorize(authorization: nil, required: .write) == .write)
        #expect(throws: DICOMwebError.self) { try open.authorize(authorization: nil, required: .admin) }
        #expect(throws: DICOMwebError.self) { try open.authorize(authorization: "Bearer nope", required: .read) }
    }
}

@Suite struct NegotiationTests {
    func check(_ accept: String?, _ stored: Set<String>) -> Int {
        do {
            _ = try RetrieveNegotiation.plan(accept: accept, storedSyntaxes: stored)
            return 200
        } catch {
            return error.status
        }
    }

    @Test("the stored syntax, transfer-syntax=* and wildcards are accepted; another syntax is 406")
    func acceptRules() {
        let explicit = "1.2.840.10008.1.2.1"
        let jpeg = "1.2.840.10008.1.2.4.50"
        #expect(check(nil, [explicit]) == 200)
        #expect(check("*/*", [explicit]) == 200)
        #expect(check("multipart/related; type=\"application/dicom\"", [explicit]) == 200)
        #expect(check("multipart/related; type=\"application/dicom\"; transfer-syntax=*", [explicit, jpeg]) == 200)
        #expect(check("multipart/related; type=application/dicom; transfer-syntax=\(explicit)", [explicit]) == 200)
        #expect(check("multipart/related; type=\"application/dicom\"; transfer-syntax=\(jpeg)", [explicit]) == 406)
        #expect(
            check(
                "multipart/related; type=\"application/dicom\"; transfer-syntax=\(jpeg), "
                    + "multipart/related; type=\"application/dicom\"; transfer-syntax=\(explicit)", [explicit, jpeg])
                == 200)
        #expect(check("application/json", [explicit]) == 406)
        #expect(check("multipart/related; type=\"application/dicom\"; q=0", [explicit]) == 406)
        #expect(check("multipart/related; type=\"image/jpeg\"", [explicit]) == 406)
        #expect(check("multipart/related; =x", [explicit]) == 400)
        #expect(
            check(#"multipart/related; type="application/dicom"; transfer-syntax="\#(explicit)""#, [explicit]) == 200)
    }

    @Test("a native stored syntax the Accept header does not admit is answered in the native one it prefers")
    func transcodingPlan() throws {
        let explicit = "1.2.840.10008.1.2.1"
        let implicit = "1.2.840.10008.1.2"
        let big = "1.2.840.10008.1.2.2"
        let jpeg = "1.2.840.10008.1.2.4.50"
        let asked =
            "multipart/related; type=\"application/dicom\"; transfer-syntax=\(implicit); q=0.5, "
            + "multipart/related; type=\"application/dicom\"; transfer-syntax=\(big); q=0.9"
        #expect(try RetrieveNegotiation.plan(accept: asked, storedSyntaxes: [explicit]) == [explicit: big])
        #expect(
            try RetrieveNegotiation.plan(accept: asked, storedSyntaxes: [explicit, implicit])
                == [explicit: big, implicit: implicit])
        #expect(check(asked, [jpeg]) == 406)
    }
}

@Suite struct EncodingTests {
    @Test("DICOM JSON: tags sorted, VRs kept, PN as Alphabetic, numbers bare, strings escaped, empty without Value")
    func encoding() {
        var object = DICOMJSONObject()
        object.set(0x0010_0010, vr: "PN", dicomString: "Doe^John")
        object.set(0x0008_0020, vr: "DA", dicomString: "")
        object.set(0x0020_1208, vr: "IS", dicomString: " 12 ")
        object.set(0x0008_0061, vr: "CS", dicomString: "CT\\MR")
        object.set(0x0008_1030, vr: "LO", dicomString: "a \"quoted\"\\b\u{1}")
        #expect(
            object.encoded()
                == #"{"00080020":{"vr":"DA"},"00080061":{"vr":"CS","Value":["CT","MR"]},"#
                + #""00081030":{"vr":"LO","Value":["a \"quoted\"","b\u0001"]},"#
                + #""00100010":{"vr":"PN","Value":[{"Alphabetic":"Doe^John"}]},"#
                + #""00201208":{"vr":"IS","Value":[12]}}"#)
    }

    @Test("STOW-RS status: 200 all stored, 202 with warnings (a duplicate) or some failed, 409 none stored")
    func statuses() {
        var outcome = StoreOutcome()
        outcome.parts = [StoredPart(sopInstanceUID: "1", retrieveURL: "u")]
        #expect(outcome.status == 200)
        outcome.parts.append(StoredPart(sopInstanceUID: "2", retrieveURL: "u", warningReason: 0x0111))
        #expect(outcome.status == 202)
        outcome.parts[1].warningReason = nil
        outcome.parts[1].isAwaitingOtherSite = true
        #expect(outcome.status == 202)
        outcome.parts.append(StoredPart(failureReason: 0xC000, comment: "not DICOM"))
        #expect(outcome.status == 202)
        outcome.parts = [StoredPart(failureReason: 0xC000), StoredPart(failureReason: 0x0111)]
        #expect(outcome.status == 409)
        let text = outcome.response.encoded()
        #expect(text.contains(#""00081198":{"vr":"SQ","Value":[{"00081197":{"vr":"US","Value":[49152]}}"#))
        #expect(!text.contains("00081199"))
    }

    @Test("host-relative BulkDataURIs get the request's origin; other strings are untouched")
    func bulkDataURIs() {
        let stored = Array(
            #"{"7FE00010":{"vr":"OW","BulkDataURI":"/dicom-web/studies/1/x"},"x":"\"BulkDataURI\":\"/"}"#.utf8)
        let served = BulkDataLocation.absolutize(stored, origin: "http://h:1")
        #expect(
            String(decoding: served, as: UTF8.self)
                == #"{"7FE00010":{"vr":"OW","BulkDataURI":"http://h:1/dicom-web/studies/1/x"},"x":"\"BulkDataURI\":\"/"}"#
        )
        #expect(BulkDataLocation.origin(of: "http://h:1/dicom-web") == "http://h:1")
        #expect(BulkDataLocation.origin(of: "/dicom-web") == "")
    }

    @Test("UID syntax")
    func uids() {
        #expect(UID.isValid("1.2.840.10008.1.2.1"))
        #expect(UID.isValid("0"))
        #expect(!UID.isValid(""))
        #expect(!UID.isValid("1.2."))
        #expect(!UID.isValid("1.a"))
        #expect(!UID.isValid("1.2*"))
    }
}

@Suite struct CatalogAgreementTests {
    @Test("the search attributes are exactly those the catalog indexes, at the same levels")
    func sameAttributes() {
        for level in [ResourceLevel.study, .series, .instance] {
            let ours = Set(SearchAttribute.all.filter { $0.level.depth <= level.depth }.map(\.tag))
            #expect(ours == Set(Catalog.returnedTags(at: level.catalogLevel)), "\(level)")
            for tag in ours { #expect(Catalog.canMatch(tag: tag, at: level.catalogLevel), "\(tag) at \(level)") }
        }
    }
}

@Suite struct StoredJSONMembersTests {
    @Test("members of a stored header: tags with their value text; nested strings and brackets do not confuse it")
    func members() {
        let json =
            Array(
                #"{"00080018":{"vr":"UI","Value":["1.2"]},"00091001":{"vr":"LO","Value":["a}\"]["]},"x":1,"#.utf8)
            + Array(#""7FE00010":{"vr":"OW","BulkDataURI":"/b"}}"#.utf8)
        let found = StoredJSONMembers.members(of: json)
        #expect(found.map(\.tag) == [0x0008_0018, 0x0009_1001, 0x7FE0_0010])
        #expect(String(decoding: found[1].value, as: UTF8.self) == #"{"vr":"LO","Value":["a}\"]["]}"#)
    }

    @Test("hostile or cut text ends the scan with what was found, never a crash")
    func hostile() {
        let whole = Array(#"{"00080018":{"vr":"UI","Value":["1.2"]},"00100010":{"vr":"PN"}}"#.utf8)
        for length in 0...whole.count { _ = StoredJSONMembers.members(of: Array(whole.prefix(length))) }
        #expect(StoredJSONMembers.members(of: Array(whole.prefix(30))).isEmpty)
        #expect(StoredJSONMembers.members(of: Array("[1,2]".utf8)).isEmpty)
        #expect(StoredJSONMembers.members(of: Array(#"{"0008":"\"#.utf8)).isEmpty)
    }
}

@Suite struct FrameLayoutTests {
    static func header(rows: String, frames: String = "1", length: Int = 32, bits: String = "16") -> HeaderMembers {
        HeaderMembers(json: json(rows: rows, frames: frames, length: length, bits: bits))
    }

    static func json(rows: String, frames: String = "1", length: Int = 32, bits: String = "16") -> [UInt8] {
        Array(
            (#"{"00280008":{"vr":"IS","Value":["\#(frames)"]},"00280010":{"vr":"US","Value":[\#(rows)]},"#
                + #""00280011":{"vr":"US","Value":[4]},"00280100":{"vr":"US","Value":[\#(bits)]},"#
                + #""7FE00010":{"vr":"OW","BulkDataURI":"/dicom-web/studies/1/series/2/instances/3/bulkdata/200/\#(length)"}}"#)
                .utf8)
    }

    @Test("frames from the header: offsets from the BulkDataURI; too short, packed or missing is refused")
    func layout() throws {
        let layout = try FrameLayout(header: Self.header(rows: "4"), instance: "3")
        #expect(layout.frameBytes == 32 && layout.frameCount == 1 && layout.range(ofFrame: 1) == 200..<232)
        let two = try FrameLayout(header: Self.header(rows: "2", frames: "2"), instance: "3")
        #expect(two.range(ofFrame: 2) == 216..<232)
        func status(_ json: [UInt8]) -> Int? {
            do {
                _ = try FrameLayout(header: HeaderMembers(json: json), instance: "3")
                return nil
            } catch {
                return error.status
            }
        }
        #expect(status(Self.json(rows: "4", frames: "2")) == 406)
        #expect(status(Self.json(rows: "4", bits: "1")) == 406)
        #expect(status(Self.json(rows: "99999999999", frames: "99999999999")) == 406)
        #expect(status(Array(#"{"00280010":{"vr":"US","Value":[4]}}"#.utf8)) == 404)
        #expect(status(Array("{".utf8)) == 404)
    }

    @Test("header values: strings unescaped, numbers as text, person names and cut text stop the list")
    func headerValues() {
        let json = Array(
            (#"{"00280004":{"vr":"CS","Value":["MONO\"CHROME2"]},"00281050":{"vr":"DS","Value":[40, -1.5e2]},"#
                + #""00100010":{"vr":"PN","Value":[{"Alphabetic":"A^B"}]}}"#).utf8)
        let members = HeaderMembers(json: json)
        #expect(members.values(0x0028_0004) == [#"MONO"CHROME2"#])
        #expect(members.numbers(0x0028_1050) == [40, -150])
        #expect(members.values(0x0010_0010).isEmpty)
        #expect(members.integer(0x0028_0010) == nil)
        for length in 0...json.count {
            let cut = HeaderMembers(json: Array(json.prefix(length)))
            _ = cut.values(0x0028_0004)
            _ = cut.numbers(0x0028_1050)
        }
        let many = Array((#"{"00281050":{"vr":"DS","Value":["# + String(repeating: "1,", count: 1000) + "1]}}").utf8)
        #expect(HeaderMembers(json: many).values(0x0028_1050).count == HeaderMembers.valueCountMax)
    }
}
