// Goal: an operator learns when two studies name different patients under one PatientID: `tessera store` shows the
// node's warning, `/healthz` counts it, `GET /admin/patient-conflicts` (admin token only) and `tessera
// patient-conflicts` list it, and each study still shows its own patient. Method: a real node with tokens on
// 127.0.0.1, two generated instances of two studies sharing a PatientID, stored with `tessera store`.
import DICOM
import Foundation
import Samples
import TestSupport
import Testing

@Suite(.serialized) struct PatientConflictProcessTests {
    @Test("a PatientID naming two patients is warned about, counted and listed for an admin")
    func warnedCountedListed() async throws {
        let directory = TemporaryDirectory()
        let config = directory.appending("node.json")
        try write(
            """
            {"dataDirectory": "data", "http": "127.0.0.1:0", "tokens": [
              {"name": "viewer", "token": "read-0123456789abcdef", "role": "read"},
              {"name": "modality", "token": "write-0123456789abcdef", "role": "write"},
              {"name": "operator", "token": "admin-0123456789abcdef", "role": "admin"}]}
            """, to: config)
        let node = try await NodeProcess.start(["--config", config])
        var paths: [String] = []
        for (seed, name) in [(UInt64(31), "Martin^Paul"), (UInt64(32), "Martin^Pierre")] {
            var instance = SyntheticInstance(seed: seed, rows: 8, columns: 8)
            instance.patientID = "PX-31"
            instance.patientName = name
            let path = directory.appending("\(seed).dcm")
            try Data(instance.part10(transferSyntax: .explicitVRLittleEndian)).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let first = try await runCaptured(
            ["store", paths[0], "--node", node.url, "--token", "write-0123456789abcdef"], in: directory)
        #expect(first.status == 0 && !first.errorOutput.contains("patient conflict"), "\(first.errorOutput)")
        let second = try await runCaptured(
            ["store", paths[1], "--node", node.url, "--token", "write-0123456789abcdef"], in: directory)
        #expect(second.status == 0 && second.output.contains("stored 1"), "\(second.output)")
        #expect(second.errorOutput.contains("warning: 299 tessera \"patient conflict: PatientID PX-31"))

        let health = try await httpGet(
            port: node.port, path: "/healthz", headers: [("Authorization", "Bearer read-0123456789abcdef")])
        let figures = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any]
        #expect(figures?["patientConflictCount"] as? Int == 1, "\(health)")

        let path = "/admin/patient-conflicts"
        #expect(try await httpGet(port: node.port, path: path).status == 401)
        let reader = try await httpGet(
            port: node.port, path: path, headers: [("Authorization", "Bearer read-0123456789abcdef")])
        #expect(reader.status == 403, "\(reader)")
        let admin = try await httpGet(
            port: node.port, path: path, headers: [("Authorization", "Bearer admin-0123456789abcdef")])
        #expect(admin.status == 200, "\(admin)")
        let report = try JSONSerialization.jsonObject(with: Data(admin.body.utf8)) as? [String: Any]
        let patients = report?["patients"] as? [[String: Any]]
        #expect(report?["noticedSinceStart"] as? Int == 1 && report?["isTruncated"] as? Bool == false, "\(admin)")
        #expect(patients?.first?["patientID"] as? String == "PX-31")
        let names = (patients?.first?["studies"] as? [[String: Any]])?.compactMap { $0["patientName"] as? String }
        #expect(names.map(Set.init) == ["Martin^Paul", "Martin^Pierre"], "\(admin)")
        let badLimit = try await httpGet(
            port: node.port, path: path + "?limit=0", headers: [("Authorization", "Bearer admin-0123456789abcdef")])
        #expect(badLimit.status == 400, "\(badLimit)")

        let offline = try await runCaptured(
            ["patient-conflicts", "--data", directory.appending("data")], in: directory)
        #expect(offline.status == 0, "\(offline.errorOutput)")
        #expect(offline.output.contains("PatientID PX-31: 2 studies"), "\(offline.output)")
        #expect(offline.output.contains("Martin^Paul") && offline.output.contains("Martin^Pierre"))

        let found = try await runCaptured(
            [
                "find", "--patient-name", "Martin^Pierre", "--node", node.url, "--token", "read-0123456789abcdef",
                "--json",
            ], in: directory)
        let studies = try JSONSerialization.jsonObject(with: Data(found.output.utf8)) as? [[String: Any]]
        #expect(studies?.count == 1, "\(found.output)")
        #expect(await node.stop().status == 0)
    }
}
