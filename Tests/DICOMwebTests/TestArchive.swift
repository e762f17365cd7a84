// Test data put straight into the store and catalog (no STOW-RS), so searches and retrieves can be checked against
// known values; plus small readers for the answers (JSON arrays, multipart bodies).
import Catalog
import Foundation
import HTTP
import ObjectStore
import Primitives
import TestSupport

/// One instance seeded into the archive.
struct SeededInstance {
    let study: String
    let series: String
    let sopInstanceUID: String
    let bytes: [UInt8]
    let attributes: [UInt32: String]
}

extension DICOMwebFixture {
    static let studyA = "1.2.826.0.1.3680043.10.1.1"
    static let studyB = "1.2.826.0.1.3680043.10.1.2"
    static let explicitLittle = "1.2.840.10008.1.2.1"

    /// Seeds two studies: A (P1, Doe^Jane, 2024-01-05, a CT series of 3 and an MR series of 2) and B (P2,
    /// Roe^Richard, 2023-11-20, one CT instance). Returns the instances in catalog order.
    @discardableResult
    func seed() throws -> [SeededInstance] {
        var seeded: [SeededInstance] = []
        let plan: [(study: String, patient: String, name: String, date: String, series: [(String, Int)])] = [
            (Self.studyA, "P1", "Doe^Jane", "20240105", [("CT", 3), ("MR", 2)]),
            (Self.studyB, "P2", "Roe^Richard", "20231120", [("CT", 1)]),
        ]
        var tick: Int64 = 0
        for (studyIndex, study) in plan.enumerated() {
            for (seriesIndex, (modality, count)) in study.series.enumerated() {
                let series = "\(study.study).\(seriesIndex + 1)"
                for number in 1...count {
                    let uid = "\(series).\(number)"
                    let bytes = TestBytes.random(
                        count: 300 + 97 * number + 1000 * seriesIndex,
                        seed: UInt64(studyIndex * 1000 + seriesIndex * 100 + number))
                    var source = MemorySource(bytes)
                    let receipt = try store.put(from: &source)
                    let attributes: [UInt32: String] = [
                        CatalogTag.studyInstanceUID: study.study, CatalogTag.seriesInstanceUID: series,
                        CatalogTag.sopInstanceUID: uid, CatalogTag.sopClassUID: "1.2.840.10008.5.1.4.1.1.2",
                        CatalogTag.patientID: study.patient, CatalogTag.patientName: study.name,
                        CatalogTag.studyDate: study.date, CatalogTag.studyTime: "101500",
                        CatalogTag.studyDescription: "Study \(studyIndex)", CatalogTag.modality: modality,
                        CatalogTag.seriesNumber: "\(seriesIndex + 1)", CatalogTag.instanceNumber: "\(number)",
                        CatalogTag.accessionNumber: "ACC\(studyIndex)",
                    ]
                    let metadata =
                        #"{"00080018":{"vr":"UI","Value":["\#(uid)"]},"7FE00010":{"vr":"OW","BulkDataURI":"/dicom-web/studies/\#(study.study)/series/\#(series)/instances/\#(uid)/bulkdata/10/20"}}"#
                    tick += 1
                    _ = try catalog.insert(
                        CatalogInstance(
                            attributes: attributes, transferSyntaxUID: Self.explicitLittle,
                            manifestAddress: receipt.address, lengthBytes: Int64(bytes.count),
                            originSite: try SiteID("s"),
                            metadata: Array(metadata.utf8)),
                        version: HLCTimestamp(physicalMilliseconds: tick, logical: 0, nodeID: NodeID(9)))
                    seeded.append(
                        SeededInstance(
                            study: study.study, series: series, sopInstanceUID: uid, bytes: bytes,
                            attributes: attributes))
                }
            }
        }
        return seeded
    }
}

/// Reads answers.
enum Answer {
    /// The body as an array of DICOM JSON objects.
    static func objects(_ response: TestResponse) throws -> [[String: Any]] {
        guard let array = try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] else {
            throw TestFailure("not a JSON array of objects: \(response.text.prefix(200))")
        }
        return array
    }

    /// The first value of `tag` in a DICOM JSON object, as text.
    static func value(_ object: [String: Any], _ tag: String) -> String? {
        guard let attribute = object[tag] as? [String: Any], let values = attribute["Value"] as? [Any],
            let first = values.first
        else { return nil }
        if let name = first as? [String: Any] { return name["Alphabetic"] as? String }
        return "\(first)"
    }

    /// The parts of a multipart/related body: headers and bytes.
    static func parts(_ response: TestResponse) throws -> [(headers: HTTPHeaders, body: [UInt8])] {
        let type = try MediaType.parse(response.headers["Content-Type"] ?? "")
        guard type.essence == "multipart/related", let boundary = type.parameter("boundary") else {
            throw TestFailure("not multipart/related: \(type)")
        }
        var reader = MultipartReader(boundary: boundary, limits: MultipartLimits())
        var parts: [(headers: HTTPHeaders, body: [UInt8])] = []
        try response.body.withUnsafeBytes { bytes in
            try reader.parse(bytes) { event in
                switch event {
                case .partHead(let headers): parts.append((headers, []))
                case .partBody(let chunk): parts[parts.count - 1].body += chunk
                case .partEnd, .end: break
                }
            }
        }
        try reader.finish()
        return parts
    }
}
