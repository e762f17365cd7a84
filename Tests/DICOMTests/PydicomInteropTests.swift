// Goal: our reader reads every Part-10 file pydicom ships as test data and agrees with pydicom on the attributes
// the catalog uses, and its DICOM JSON parses, deflated files included (inflated as read). Method: a Python
// helper (pydicom_testdata.py, next to this file) prints what pydicom reads, one JSON line per file; we read each
// file in seeded random splits and compare. The Python process runs on a thread we own, not the cooperative pool.
import DICOM
import Foundation
import TestSupport
import Testing

/// One file as pydicom reads it.
struct PydicomRecord: Sendable {
    /// The string fields (path, transferSyntax, text attributes); absent attributes are missing keys.
    let texts: [String: String]
    /// The integer fields.
    let integers: [String: Int]

    init(_ fields: [String: Any]) {
        texts = fields.compactMapValues { $0 as? String }
        integers = fields.compactMapValues { $0 as? Int }
    }

    var path: String { texts["path"] ?? "" }
    var name: String { (path as NSString).lastPathComponent }
}

/// Runs the helper script and returns its records, or a message saying what to install.
func pydicomRecords() -> Result<[PydicomRecord], PydicomUnavailable> {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("pydicom_testdata.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    do {
        try process.run()
    } catch {
        return .failure(
            PydicomUnavailable(message: "python3 could not be started (\(error)): install python3 and pydicom"))
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        return .failure(
            PydicomUnavailable(
                message: "pydicom_testdata.py exited with \(process.terminationStatus): \(errorText) "
                    + "(install pydicom with `pip install pydicom`, as .ci/test does)"))
    }
    let records = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }
    return .success(records.map(PydicomRecord.init))
}

/// Why the interop test could not run.
struct PydicomUnavailable: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Files pydicom reads lazily although they are malformed, with the error we give instead: two are cut short,
/// and in DICOMDIR-nooffset the last directory record runs 24 bytes past its defined-length sequence and the file.
let knownMalformed: [String: DICOMParseError.Code] = [
    "MR_truncated.dcm": .truncated, "rtplan_truncated.dcm": .truncated, "DICOMDIR-nooffset": .lengthPastEnd,
]

/// The text keywords compared, with their tags.
let comparedTexts: [(String, DICOMTag)] = [
    ("SOPInstanceUID", .sopInstanceUID), ("SOPClassUID", .sopClassUID), ("StudyInstanceUID", .studyInstanceUID),
    ("SeriesInstanceUID", .seriesInstanceUID), ("PatientID", .patientID), ("PatientName", .patientName),
    ("StudyDate", .studyDate), ("Modality", .modality),
]

/// The integer keywords compared, with their tags.
let comparedIntegers: [(String, DICOMTag)] = [
    ("InstanceNumber", .instanceNumber), ("Rows", .rows), ("Columns", .columns),
]

@Suite struct PydicomInteropTests {
    @Test("every Part-10 file pydicom ships reads, and agrees with pydicom on the catalog attributes")
    func pydicomTestFiles() async throws {
        let result = await runOnOwnedThread { pydicomRecords() }
        let records = try result.get()
        #expect(records.count > 100, "pydicom should ship well over 100 Part-10 test files")
        var mismatches: [String] = []
        var readCount = 0
        for (index, record) in records.enumerated() {
            guard let data = FileManager.default.contents(atPath: record.path) else {
                mismatches.append("\(record.name): cannot read the file")
                continue
            }
            let bytes = [UInt8](data)
            let split = FeedSplit.random(seed: UInt64(index), sizeMax: 4096)
            let header: Part10Header
            do throws(DICOMParseError) {
                header = try GeneratedDICOM.read(bytes, split: split)
            } catch {
                if knownMalformed[record.name] != error.code {
                    mismatches.append("\(record.name): \(error)")
                }
                continue
            }
            readCount += 1
            let json = DICOMJSON.encode(header.dataSet) { path, _ in "bulk/\(path)" }
            if (try? JSONSerialization.jsonObject(with: Data(json))) == nil {
                mismatches.append("\(record.name): DICOM JSON does not parse")
            }
            if let code = knownMalformed[record.name] { mismatches.append("\(record.name): read, expected \(code)") }
            mismatches += compare(header, with: record)
        }
        #expect(mismatches == [], "\(mismatches.count) mismatches")
        #expect(readCount + knownMalformed.count == records.count)
    }

    private func compare(_ header: Part10Header, with record: PydicomRecord) -> [String] {
        var mismatches: [String] = []
        if header.transferSyntax.uid != record.texts["transferSyntax"] {
            mismatches.append("\(record.name): transfer syntax \(header.transferSyntax.uid)")
        }
        let isDecodable: Bool
        switch header.dataSet.characterSet {
        case .other: isDecodable = false
        default: isDecodable = true
        }
        for (keyword, tag) in comparedTexts {
            let theirs = record.texts[keyword].map(TextDecoding.trimSpaces)
            let ours = header.dataSet.string(tag)
            let isASCII = theirs?.unicodeScalars.allSatisfy(\.isASCII) ?? true
            guard isDecodable || isASCII else { continue }
            if (theirs ?? "") != (ours ?? "") || (theirs == nil) != (ours == nil) {
                mismatches.append("\(record.name): \(keyword) ours \(ours ?? "nil") pydicom \(theirs ?? "nil")")
            }
        }
        for (keyword, tag) in comparedIntegers {
            let theirs = record.integers[keyword]
            let ours = header.dataSet.integer(tag)
            if theirs != ours {
                mismatches.append(
                    "\(record.name): \(keyword) ours \(ours.map(String.init) ?? "nil") pydicom \(theirs.map(String.init) ?? "nil")"
                )
            }
        }
        return mismatches
    }
}
