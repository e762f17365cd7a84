// Goal: a study stored under a PatientID that another study names with a different patient is answered, searched
// and retrieved with its own patient, and the STOW-RS answer warns about the conflict. Method: two studies of one
// PatientID with two names through STOW-RS, then QIDO by each name at every level; the same body runs in-process
// and over a live socket.
import DICOMweb
import HTTP
import Testing

/// Patient-conflict test bodies, independent of how requests reach the responder.
enum PatientBodies {
    static let first = "1.2.826.0.1.3680043.10.71"
    static let second = "1.2.826.0.1.3680043.10.72"
    static let stow = "/dicom-web/studies"

    static func ownPatientPerStudy(_ client: some TestClient) throws {
        let john = TestPart10.instance(
            study: first, series: "\(first).1", sop: "\(first).1.1", patientID: "PX", patientName: "Doe^John")
        let stored = try client.post(stow, contentType: "application/dicom", body: john)
        #expect(stored.status == 200 && stored.headers["Warning"] == nil, "\(stored.text)")
        let jon = TestPart10.instance(
            study: second, series: "\(second).1", sop: "\(second).1.1", patientID: "PX", patientName: "Doe^Jon")
        let warned = try client.post(stow, contentType: "application/dicom", body: jon)
        #expect(warned.status == 202, "stored with a warning: \(warned.text)")
        let warning = warned.headers["Warning"] ?? ""
        #expect(warning.hasPrefix("299 tessera \"patient conflict: PatientID PX"), "\(warning)")
        #expect(warning.contains(first) && warning.contains("PatientName"))
        let referenced = try StoreBodies.items(warned, "00081199")
        #expect(referenced.first.flatMap { Answer.value($0, "00000902") }?.contains("patient conflict") == true)

        for (study, name) in [(first, "Doe^John"), (second, "Doe^Jon")] {
            for level in ["studies", "series", "instances"] {
                let url = "/dicom-web/\(level)?PatientName=\(name)&includefield=0020000D&includefield=00100010"
                let found = try Answer.objects(try client.get(url))
                #expect(found.map { Answer.value($0, "0020000D") } == [study], "\(url)")
                #expect(found.allSatisfy { personName($0) == name }, "\(url)")
            }
        }
        let both = try Answer.objects(try client.get(stow + "?PatientID=PX&includefield=00100010"))
        #expect(Set(both.compactMap { personName($0) }) == ["Doe^John", "Doe^Jon"])
        let again = try client.post(stow, contentType: "application/dicom", body: john)
        #expect(
            again.status == 202 && again.headers["Warning"] == nil,
            "a re-store of the first is a 202 for the instance already stored, with no patient warning")
    }

    /// The Alphabetic PatientName of a DICOM JSON object.
    static func personName(_ object: [String: Any]) -> String? {
        ((object["00100010"] as? [String: Any])?["Value"] as? [[String: Any]])?.first?["Alphabetic"] as? String
    }
}

@Suite struct PatientTests {
    @Test("each study answers with its own patient; STOW-RS warns of a PatientID naming another patient")
    func ownPatientPerStudy() throws {
        let fixture = try DICOMwebFixture(allowsAnonymous: true)
        try PatientBodies.ownPatientPerStudy(fixture.client)
    }

    @Test("live: each study answers with its own patient, with the STOW-RS warning")
    func liveOwnPatientPerStudy() throws {
        let fixture = try DICOMwebFixture(allowsAnonymous: true)
        try PatientBodies.ownPatientPerStudy(try LiveClient(responder: fixture.responder))
    }
}
