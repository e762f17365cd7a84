// Goal: an instance's regional payload carries exactly what another node needs to catalogue it, encodes the same
// instance to the same bytes whatever order its attributes came in, and refuses every malformed payload by name.
// Method: fixture instances through the codec, then hand-broken and seeded-mutated payloads.
import Catalog
import Primitives
import Testing

@Suite struct RegionalInstanceRecordTests {
    static let instance = makeInstance(
        study: "1.2.3", series: "1.2.3.4", sop: "1.2.3.4.5",
        extra: [
            CatalogTag.patientName: "Müller^Jürgen ", CatalogTag.studyDate: "20251204", CatalogTag.modality: "CT",
            CatalogTag.numberOfStudyRelatedInstances: "99", CatalogTag.accessionNumber: "",
            0x0009_1001: "private, not carried",
        ])

    @Test("a record carries the indexed attributes without padding, computed and private ones left out")
    func carriesWhatCataloguingNeeds() throws {
        let record = RegionalInstanceRecord(Self.instance)
        #expect(record.attributes[CatalogTag.patientName] == "Müller^Jürgen")
        #expect(record.attributes[CatalogTag.numberOfStudyRelatedInstances] == nil)
        #expect(record.attributes[CatalogTag.accessionNumber] == nil)
        #expect(record.attributes[0x0009_1001] == nil)
        let decoded = try RegionalInstanceRecord.decode(record.encoded())
        #expect(decoded == record)
        let again = decoded.catalogInstance
        #expect(again.manifestAddress == Self.instance.manifestAddress && again.metadata.isEmpty)
        #expect(again.originSite == Self.instance.originSite && again.lengthBytes == Self.instance.lengthBytes)
        #expect(try RegionalInstanceRecord(again).encoded() == record.encoded())
    }

    @Test("an instance whose attributes would not fit a regional row is refused with the sizes")
    func oversizeIsRefused() {
        var extra: [UInt32: String] = [:]
        for tag in [
            CatalogTag.patientName, CatalogTag.studyDescription, CatalogTag.seriesDescription, CatalogTag.studyID,
        ] {
            extra[tag] = String(repeating: "é", count: 10_000)
        }
        let big = makeInstance(study: "1.2", series: "1.2.1", sop: "1.2.1.1", extra: extra)
        do {
            let bytes = try RegionalInstanceRecord(big).encoded()
            Issue.record("encoded to \(bytes.count) bytes")
        } catch {
            #expect(error.code == .badInstance)
            #expect(error.message.contains("take 80"), "\(error.message)")
            #expect(error.message.contains("over the regional row's 65536"), "\(error.message)")
        }
    }

    @Test("malformed payloads are refused naming the fault")
    func malformedPayloads() throws {
        let good = try RegionalInstanceRecord(Self.instance).encoded()
        let attributesAt = 1 + 1 + 19 + 32 + 8 + 1 + 10
        #expect(good[attributesAt] == UInt8(RegionalInstanceRecord(Self.instance).attributes.count))
        let first = attributesAt + 1
        func with(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var bytes = good
            edit(&bytes)
            return bytes
        }
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "truncated"),
            ("version", with { $0[0] = 9 }, "unknown instance record version 9"),
            ("no transfer syntax", [1, 0], "empty transfer syntax UID"),
            ("negative length", with { $0[1 + 1 + 19 + 32 + 7] = 0x80 }, "negative length"),
            ("bad site", with { $0[1 + 1 + 19 + 32 + 8 + 1] = UInt8(ascii: " ") }, "origin site"),
            ("unknown tag", with { $0.replaceSubrange(first..<first + 4, with: [1, 0x10, 0x09, 0x00]) }, "not one"),
            (
                "computed tag", with { $0.replaceSubrange(first..<first + 4, with: [0x08, 0x12, 0x20, 0x00]) },
                "not one"
            ),
            ("trailing", good + [0], "1 bytes past the end"),
            ("cut", Array(good.dropLast()), "truncated"),
            ("too long", good + [UInt8](repeating: 0, count: 70_000), "exceeds 64 KiB"),
        ]
        for (name, bytes, reason) in cases {
            do {
                _ = try RegionalInstanceRecord.decode(bytes)
                Issue.record("\(name): accepted")
            } catch {
                #expect(error.reason.contains(reason), "\(name): \(error.reason)")
            }
        }
    }

    @Test("seeded mutations never crash, and what decodes re-encodes to the same bytes")
    func seededMutations() throws {
        let good = try RegionalInstanceRecord(Self.instance).encoded()
        var random = SeededRandom(seed: 7)
        for _ in 0..<3_000 {
            var bytes = good
            for _ in 0...(random.next() % 3) {
                bytes[Int(random.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            }
            if let record = try? RegionalInstanceRecord.decode(bytes) {
                #expect(try record.encoded() == bytes)
            }
        }
    }
}
