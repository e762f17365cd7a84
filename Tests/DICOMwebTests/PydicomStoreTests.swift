// Goal: every Part-10 file pydicom ships stores through STOW-RS and comes back bit-exact through WADO-RS, with the
// QIDO attributes pydicom reads; files we refuse are refused with the right Failure Reason. Method: the DICOM
// tests' helper script (../DICOMTests/pydicom_testdata.py) lists the files and what pydicom reads; each file is
// posted to an archive where its SOP Instance UID is new, on a thread we own.
import Foundation
import HTTP
import TestSupport
import Testing

@testable import DICOMweb

/// One file as pydicom reads it: its path and text or integer attributes by keyword.
struct PydicomFile: Sendable {
    let path: String
    let texts: [String: String]
    let integers: [String: Int]

    var name: String { (path as NSString).lastPathComponent }
}

/// Runs the DICOM tests' helper; nil with a message when python3 or pydicom is missing.
func pydicomFiles() -> Result<[PydicomFile], TestFailure> {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DICOMTests/pydicom_testdata.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = Pipe()
    do {
        try process.run()
    } catch {
        return .failure(TestFailure("python3 could not be started: \(error)"))
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        return .failure(
            TestFailure("pydicom_testdata.py exited with \(process.terminationStatus): pip install pydicom"))
    }
    return .success(
        String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let fields = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                let path = fields["path"] as? String
            else { return nil }
            return PydicomFile(
                path: path, texts: fields.compactMapValues { $0 as? String },
                integers: fields.compactMapValues { $0 as? Int })
        })
}

@Suite struct PydicomStoreTests {
    /// Files pydicom reads lazily although they are malformed (see DICOMTests' knownMalformed).
    static let malformed: Set<String> = ["MR_truncated.dcm", "rtplan_truncated.dcm", "DICOMDIR-nooffset"]

    /// Stores one file and checks the answer; returns a sentence per mismatch.
    static func check(_ file: PydicomFile, in fixture: DICOMwebFixture) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: file.path) else { return ["\(file.name): unreadable"] }
        let bytes = [UInt8](data)
        let client = fixture.client
        let response = try client.post("/dicom-web/studies", contentType: "application/dicom", body: bytes)
        let uids = ["SOPInstanceUID", "SOPClassUID", "StudyInstanceUID", "SeriesInstanceUID"].map { file.texts[$0] }
        // The file meta group naming another instance or SOP class than the data set is refused like a missing UID.
        let pairs = [("mediaStorageSOPInstanceUID", "SOPInstanceUID"), ("mediaStorageSOPClassUID", "SOPClassUID")]
        let metaDiffers = pairs.contains { meta, own in
            file.texts[meta].map { !$0.isEmpty && $0 != file.texts[own] } ?? false
        }
        let expectedFailure: UInt16? =
            malformed.contains(file.name)
            ? StoreStatusCode.cannotUnderstand
            : uids.allSatisfy { $0.map { UID.isValid($0) } ?? false } && !metaDiffers
                ? nil : StoreStatusCode.dataSetDoesNotMatchSOPClass
        if let expectedFailure {
            let reasons = try StoreBodies.failureReasons(response)
            return response.status == 409 && reasons == ["\(expectedFailure)"]
                ? [] : ["\(file.name): expected failure \(expectedFailure), got \(response.status) \(response.text)"]
        }
        guard response.status == 200 else { return ["\(file.name): \(response.status) \(response.text.prefix(300))"] }
        var mismatches: [String] = []
        let study = uids[2]!
        let series = uids[3]!
        let sop = uids[0]!
        let path = "/dicom-web/studies/\(study)/series/\(series)/instances/\(sop)"
        let parts = try Answer.parts(try client.get(path))
        if parts.map(\.body) != [bytes] { mismatches.append("\(file.name): WADO-RS bytes differ") }
        let found = try Answer.objects(try client.get("/dicom-web/instances?SOPInstanceUID=\(sop)&includefield=all"))
        guard found.count == 1 else { return mismatches + ["\(file.name): QIDO found \(found.count)"] }
        for (keyword, tag) in [("PatientID", "00100020"), ("StudyDate", "00080020"), ("Modality", "00080060")] {
            let ours = Answer.value(found[0], tag) ?? ""
            // Legacy ACR-NEMA dates ("1997.04.24") are kept by the catalog in the DA form "19970424".
            let theirs =
                keyword == "StudyDate" ? (file.texts[keyword] ?? "").filter { $0 != "." } : file.texts[keyword] ?? ""
            if ours != theirs { mismatches.append("\(file.name): \(keyword) \"\(ours)\" vs pydicom \"\(theirs)\"") }
        }
        for (keyword, tag) in [("InstanceNumber", "00200013"), ("Rows", "00280010"), ("Columns", "00280011")] {
            if let theirs = file.integers[keyword], Answer.value(found[0], tag) != "\(theirs)" {
                mismatches.append("\(file.name): \(keyword) \(Answer.value(found[0], tag) ?? "absent") vs \(theirs)")
            }
        }
        if try client.get(path + "/metadata").status != 200 { mismatches.append("\(file.name): no metadata") }
        return mismatches
    }

    @Test("every Part-10 file pydicom ships: stored and returned bit-exact, or refused with the right reason")
    func pydicomFiles() async throws {
        let result = await runOnOwnedThread { () -> Result<(count: Int, mismatches: [String]), TestFailure> in
            let files: [PydicomFile]
            switch DICOMwebTests.pydicomFiles() {
            case .success(let found): files = found
            case .failure(let error): return .failure(error)
            }
            var mismatches: [String] = []
            // One archive for as long as SOP Instance UIDs stay unique: several pydicom files share UIDs with
            // different content, which would be conflicts, so such a file starts a fresh archive.
            var fixture: DICOMwebFixture?
            var seen: Set<String> = []
            for file in files {
                do {
                    let uid = file.texts["SOPInstanceUID"] ?? ""
                    if fixture == nil || !seen.insert(uid).inserted {
                        fixture = try DICOMwebFixture(hasTinyChunks: false)
                        seen = [uid]
                    }
                    mismatches += try Self.check(file, in: fixture!)
                } catch {
                    mismatches.append("\(file.name): \(error)")
                }
            }
            return .success((files.count, mismatches))
        }
        let outcome = try result.get()
        #expect(outcome.count > 100)
        #expect(outcome.mismatches == [])
    }
}
