// Goal: `tessera node` with `tessera store/find/fetch` keeps its promises to an operator: what is stored is found
// and comes back byte for byte, re-storing is "already present", a non-DICOM file is rejected with its reason, a
// bad config is one clear line and exit 1, and SIGTERM stops the node cleanly with everything readable after a
// restart. Method: real child processes on 127.0.0.1 with port 0 and temporary data folders; generated studies
// from `tessera samples`.
import Foundation
import TestSupport
import Testing

/// The studies `tessera samples` wrote: "STUDY_UID  PATIENT_ID  MODALITY  N instances" lines.
struct SampleStudy {
    let studyUID: String
    let patientID: String
    let modality: String
    let instanceCount: Int

    static func parse(_ output: String) -> [SampleStudy] {
        output.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard parts.count >= 4, let count = Int(parts[3]) else { return nil }
            return SampleStudy(studyUID: parts[0], patientID: parts[1], modality: parts[2], instanceCount: count)
        }
    }
}

@Suite(.serialized) struct NodeProcessTests {
    @Test("store a folder, find it with filters, fetch it bit-exact, re-store, reject junk, restart after SIGTERM")
    func storeFindFetchRestart() async throws {
        let directory = TemporaryDirectory()
        let samples = directory.appending("samples")
        let generated = try await runCaptured(
            ["samples", "--out", samples, "--studies", "3", "--seed", "7"], in: directory)
        #expect(generated.status == 0, "\(generated.errorOutput)")
        let studies = SampleStudy.parse(generated.output)
        try #require(studies.count == 3, "\(generated.output)")
        let sampleFiles = files(under: samples)
        #expect(sampleFiles.count == studies.reduce(0) { $0 + $1.instanceCount })

        let data = directory.appending("data")
        var node: NodeProcess? = try await NodeProcess.start(["--data", data, "--http", "127.0.0.1:0"])
        let url = try #require(node?.url)
        #expect(url.hasPrefix("http://127.0.0.1:") && url.hasSuffix("/dicom-web") && node!.port > 0)
        let startLines = node!.process.outputLines.joined(separator: "\n")
        #expect(startLines.lowercased().contains("anonymous"), "\(startLines)")

        // Store the folder: everything is new.
        let stored = try await runCaptured(["store", samples, "--node", url], in: directory)
        #expect(stored.status == 0, "\(stored.errorOutput)")
        #expect(
            stored.output.contains("stored \(sampleFiles.count), already present 0, rejected 0"), "\(stored.output)")

        // The node's own routes.
        let health = try await httpGet(port: node!.port, path: "/healthz")
        #expect(health.status == 200, "\(health)")
        let report = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any]
        #expect(report?["status"] as? String == "ok" && report?["volumesAvailable"] as? Int == 6, "\(health)")
        #expect(report?["instanceCount"] as? Int == sampleFiles.count, "\(health)")
        let page = try await httpGet(port: node!.port, path: "/")
        #expect(page.status == 200 && page.body.contains("/dicom-web"), "\(page)")

        // Find with filters.
        let first = studies[0]
        let byPatient = try await runCaptured(["find", "--patient-id", first.patientID, "--node", url], in: directory)
        #expect(byPatient.status == 0, "\(byPatient.errorOutput)")
        #expect(byPatient.output.contains(first.studyUID), "\(byPatient.output)")
        #expect(!byPatient.output.contains(studies[1].studyUID))
        let all = try await runCaptured(["find", "--node", url, "--json"], in: directory)
        let array = try JSONSerialization.jsonObject(with: Data(all.output.utf8)) as? [Any]
        #expect(array?.count == studies.count, "\(all.output)")
        let byModality = try await runCaptured(["find", "--modality", first.modality, "--node", url], in: directory)
        let withModality = studies.filter { $0.modality == first.modality }
        for study in studies {
            #expect(
                byModality.output.contains(study.studyUID) == withModality.contains { $0.studyUID == study.studyUID })
        }
        let none = try await runCaptured(["find", "--since", "29990101", "--node", url], in: directory)
        #expect(none.status == 0 && !none.output.contains(first.studyUID), "\(none.output) \(none.errorOutput)")
        let series = try await runCaptured(
            [
                "find", "--study", first.studyUID, "--level", "series", "--node", url,
            ], in: directory)
        #expect(series.status == 0 && series.output.contains(first.modality), "\(series.output) \(series.errorOutput)")

        let byName = try await runCaptured(["find", "--patient-name", "Sample*", "--node", url], in: directory)
        #expect(studies.allSatisfy { byName.output.contains($0.studyUID) }, "\(byName.output) \(byName.errorOutput)")
        let instances = try await runCaptured(
            ["find", "--study", first.studyUID, "--level", "instance", "--node", url, "--json"], in: directory)
        let instanceList = try JSONSerialization.jsonObject(with: Data(instances.output.utf8)) as? [Any]
        #expect(instanceList?.count == first.instanceCount, "\(instances.errorOutput)")
        let unknown = try await runCaptured(
            ["fetch", "--study", "1.2.3.4.5", "--out", directory.appending("none"), "--node", url], in: directory)
        #expect(unknown.status == 1 && unknown.errorOutput.contains("no study 1.2.3.4.5"), "\(unknown.errorOutput)")

        // Fetch the study: every instance comes back bit-exact under SERIES/SOP.dcm. Fetched three times, the third
        // comes from the read cache (chunks are kept from their second read), still bit-exact.
        for round in 0..<3 {
            try await expectFetch(
                first, from: url, samples: samples, into: directory.appending("fetched-\(round)"), in: directory)
        }
        let cached = try await httpGet(port: node!.port, path: "/healthz")
        let cache = try JSONSerialization.jsonObject(with: Data(cached.body.utf8)) as? [String: Any]
        #expect(cache?["readCacheBytesMax"] as? Int == 512 << 20, "\(cached)")
        #expect((cache?["readCacheHitCount"] as? Int ?? 0) >= first.instanceCount, "\(cached)")
        #expect((cache?["readCacheBytes"] as? Int ?? 0) > 0, "\(cached)")

        // Re-store: already present; a non-DICOM file is rejected with its reason and a non-zero exit.
        let again = try await runCaptured(["store", samples, "--node", url], in: directory)
        #expect(
            again.status == 0 && again.output.contains("stored 0, already present \(sampleFiles.count)"),
            "\(again.output)")
        let junk = directory.appending("notes.txt")
        try write(String(repeating: "not an image\n", count: 50), to: junk)
        let mixed = try await runCaptured(
            ["store", junk, samples + "/" + first.studyUID, "--node", url], in: directory)
        #expect(mixed.status == 1 && !mixed.showsCrash, "\(mixed.errorOutput)")
        #expect(mixed.output.contains("rejected 1") && mixed.output.contains("rejected \(junk): "), "\(mixed.output)")
        #expect(mixed.output.contains("DICM"), "\(mixed.output)")

        // SIGTERM: a clean exit 0; a restart on the same data reads everything back.
        let ended = await node!.stop()
        #expect(ended.status == 0 && !ended.showsCrash, "\(ended.errorOutput)")
        node = nil
        let restarted = try await NodeProcess.start(["--data", data, "--http", "127.0.0.1:0"])
        let found = try await runCaptured(["find", "--node", restarted.url, "--json"], in: directory)
        #expect((try JSONSerialization.jsonObject(with: Data(found.output.utf8)) as? [Any])?.count == studies.count)
        try await expectFetch(
            studies[2], from: restarted.url, samples: samples, into: directory.appending("again"), in: directory)
        #expect(await restarted.stop(signal: SIGINT).status == 0)
    }

    /// Fetches `study` into `target` and compares every file with the sample it came from.
    func expectFetch(
        _ study: SampleStudy, from url: String, samples: String, into target: String, in directory: TemporaryDirectory
    ) async throws {
        let fetched = try await runCaptured(
            ["fetch", "--study", study.studyUID, "--out", target, "--node", url], in: directory)
        #expect(fetched.status == 0, "\(fetched.errorOutput)")
        let expected = files(under: samples + "/" + study.studyUID)
        #expect(files(under: target) == expected)
        for relative in expected {
            #expect(
                FileManager.default.contentsEqual(
                    atPath: target + "/" + relative, andPath: samples + "/" + study.studyUID + "/" + relative),
                "\(relative)")
        }
    }

    @Test("SIGTERM during an upload: exit 0, and every instance the client was told is stored reads back")
    func signalDuringUpload() async throws {
        let directory = TemporaryDirectory()
        let samples = directory.appending("samples")
        let generated = try await runCaptured(
            [
                "samples", "--out", samples, "--studies", "2", "--slices", "15", "--size", "512", "--seed", "5",
            ], in: directory)
        try #require(generated.status == 0, "\(generated.errorOutput)")
        let data = directory.appending("data")
        let node = try await NodeProcess.start(["--data", data, "--http", "127.0.0.1:0"])
        async let upload = runCaptured(["store", samples, "--node", node.url, "--batch-mb", "8"], in: directory)
        // Stop the node once the upload is under way.
        _ = await runOnOwnedThread { usleep(300_000) }
        let ended = await node.stop()
        #expect(ended.status == 0 && !ended.showsCrash, "\(ended.errorOutput)")
        let told = try await upload
        #expect(!told.showsCrash, "\(told.errorOutput)")
        let summary = told.output.split(separator: "\n").first { $0.hasPrefix("stored ") } ?? ""
        let storedCount = Int(summary.dropFirst("stored ".count).prefix { $0.isNumber }) ?? -1
        #expect(storedCount >= 0, "\(told.output)")
        let restarted = try await NodeProcess.start(["--data", data, "--http", "127.0.0.1:0"])
        let found = try await runCaptured(
            ["find", "--level", "instance", "--node", restarted.url, "--json"], in: directory)
        try #require(found.status == 0, "\(found.errorOutput)")
        let instances = try? JSONSerialization.jsonObject(with: Data(found.output.utf8)) as? [Any]
        #expect(instances != nil, "\(found.output.count) \(found.output.suffix(300)) \(found.errorOutput)")
        #expect((instances?.count ?? -1) >= storedCount, "\(found.output.prefix(200))")
        let again = try await runCaptured(["store", samples, "--node", restarted.url], in: directory)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.output.contains("already present \(instances?.count ?? -1)"), "\(again.output)")
        #expect(await restarted.stop().status == 0)
    }

    @Test("a bad config or start-up problem is one clear line, exit code 1 and no stack trace")
    func badConfigurations() async throws {
        let directory = TemporaryDirectory()
        let data = directory.appending("data")
        let token = #"{"name": "viewer", "token": "0123456789abcdef", "role": "read"}"#
        let other = token.replacingOccurrences(of: "viewer", with: "other")
        let cases: [(String, String)] = [
            (#"{"dataDirectory": "\#(data)", "volumCount": 6, "tokens": [\#(token)]}"#, "unknown key 'volumCount'"),
            (
                #"{"dataDirectory": "\#(data)", "tokens": [{"name": "a", "token": "short", "role": "read"}]}"#,
                "at least 16"
            ),
            (
                #"{"dataDirectory": "\#(data)", "tokens": [{"name": "a", "token": "0123456789abcdefg", "role": "x"}]}"#,
                "tokens[0].role"
            ),
            (
                #"{"dataDirectory": "\#(data)", "tokens": [\#(token), \#(other)]}"#,
                "same secret"
            ),
            (#"{"dataDirectory": "\#(data)", "http": "0.0.0.0:0", "allowAnonymous": true}"#, "loopback"),
            (
                #"{"dataDirectory": "\#(data)", "volumeCount": "six", "tokens": [\#(token)]}"#,
                "'volumeCount' must be a whole number"
            ),
            (
                #"{"dataDirectory": "\#(directory.appending("missing/deeper"))", "tokens": [\#(token)]}"#,
                "does not exist"
            ),
            (
                #"{"dataDirectory": "\#(data)", "tokens": [\#(token)], "limits": {"bodyBytes": 1}}"#,
                "unknown key 'bodyBytes' in limits"
            ),
            (
                #"{"dataDirectory": "\#(data)", "tokens": [\#(token)], "limits": {"connectionsPerAddressMax": 0}}"#,
                "'limits.connectionsPerAddressMax' is 0; it must be from 1"
            ),
            (#"{"tokens": [\#(token)]}"#, "'dataDirectory' is required"),
            (
                #"{"dataDirectory": "\#(data)", "tokens": [\#(token)], "publicURL": "pacs.example.org"}"#,
                "'publicURL' \"pacs.example.org\" must be http://HOST[:PORT]"
            ),
            ("{not json", "not valid JSON"),
            (#"{"dataDirectory": "\#(data)", "tokens": [\#(token)], "readCacheBytes": -1}"#, "'readCacheBytes' is -1"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let path = directory.appending("config-\(index).json")
            try write(text, to: path)
            let outcome = try await runCaptured(["node", "--config", path], in: directory, seconds: 60)
            #expect(outcome.status == 1, "\(text): \(outcome.status) \(outcome.errorOutput)")
            #expect(!outcome.showsCrash, "\(text): \(outcome.errorOutput)")
            #expect(outcome.errorOutput.contains(expected), "\(text): \(outcome.errorOutput)")
            #expect(outcome.errorOutput.split(separator: "\n").count == 1, "\(text): \(outcome.errorOutput)")
        }
        // A good config passes --check, printed with its defaults and without the secret; nothing is created.
        let good = directory.appending("good.json")
        try write(#"{"dataDirectory": "\#(data)", "tokens": [\#(token)]}"#, to: good)
        let checked = try await runCaptured(["node", "--config", good, "--check"], in: directory, seconds: 60)
        #expect(checked.status == 0, "\(checked.errorOutput)")
        #expect(checked.output.contains("shutdownTimeoutSeconds") && !checked.output.contains("0123456789abcdef"))
        #expect(checked.output.contains("\"connectionsPerAddressMax\" : 64"), "\(checked.output)")
        #expect(!FileManager.default.fileExists(atPath: data))
        #expect(!checked.errorOutput.contains("chmod 600"), "mode 600 is silent: \(checked.errorOutput)")
        // Any permission for group or others is warned about, not only reading by others.
        for mode in [0o644, 0o640, 0o660, 0o604, 0o700 | 0o010] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: good)
            let shared = try await runCaptured(["node", "--config", good, "--check"], in: directory, seconds: 60)
            #expect(
                shared.status == 0 && shared.errorOutput.contains("chmod 600")
                    && shared.errorOutput.contains("mode \(String(mode, radix: 8))"),
                "mode \(String(mode, radix: 8)): \(shared.errorOutput)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: good)
        let ownerOnly = try await runCaptured(["node", "--config", good, "--check"], in: directory, seconds: 60)
        #expect(ownerOnly.status == 0 && ownerOnly.errorOutput.isEmpty, "mode 400: \(ownerOnly.errorOutput)")

        // A port in use, a data path that is a file, a missing config file.
        let running = try await NodeProcess.start(["--data", data, "--http", "127.0.0.1:0"])
        let file = directory.appending("a-file")
        try write("x", to: file)
        let more: [([String], String)] = [
            (
                [
                    "node", "--data", directory.appending("other"), "--http", "127.0.0.1:\(running.port)", "--dimse",
                    "off",
                ],
                "in use"
            ),
            (["node", "--data", file, "--http", "127.0.0.1:0", "--dimse", "off"], "not a directory"),
            (["node", "--data", file, "--http", "127.0.0.1:0", "--dimse", "10.0.0.1:104"], "--dimse 10.0.0.1:104"),
            (["node", "--config", directory.appending("nothing.json")], "cannot read config file"),
            (["node", "--data", data, "--http", "127.0.0.1:99999"], "65535"),
        ]
        for (arguments, expected) in more {
            let outcome = try await runCaptured(arguments, in: directory, seconds: 60)
            #expect(outcome.status != 0 && !outcome.showsCrash, "\(arguments): \(outcome.errorOutput)")
            #expect(outcome.errorOutput.contains(expected), "\(arguments): \(outcome.errorOutput)")
        }
        #expect(await running.stop().status == 0)

        // A store made with another layout is adopted when the node names none, and refused when it names another.
        let four = directory.appending("four")
        let made = try await runCaptured(["put", file, "--data", four, "--volumes", "4"], in: directory)
        #expect(made.status == 0, "\(made.errorOutput)")
        let adopted = try await NodeProcess.start(["--data", four, "--http", "127.0.0.1:0"])
        #expect(adopted.process.outputLines.contains { $0.contains("(4 volumes") }, "\(adopted.process.outputLines)")
        #expect(await adopted.stop().status == 0)
        let refused = try await runCaptured(
            ["node", "--data", four, "--http", "127.0.0.1:0", "--dimse", "off", "--volumes", "6"], in: directory,
            seconds: 60)
        #expect(refused.status == 1 && refused.errorOutput.contains("cannot change"), "\(refused.errorOutput)")
    }

    @Test("a node with an unusable volume starts degraded, says which volume, and still stores and serves")
    func degradedVolume() async throws {
        let directory = TemporaryDirectory()
        let data = directory.appending("data")
        let first = try await NodeProcess.start(["--data", data, "--http", "127.0.0.1:0"])
        #expect(await first.stop().status == 0)
        try FileManager.default.removeItem(atPath: data + "/volumes/5")
        try write("not a volume", to: data + "/volumes/5")
        let node = try await NodeProcess.start(["--data", data, "--http", "127.0.0.1:0"])
        let health = try await httpGet(port: node.port, path: "/healthz")
        let report = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any]
        #expect(report?["status"] as? String == "degraded" && report?["volumesAvailable"] as? Int == 5, "\(health)")
        let samples = directory.appending("samples")
        _ = try await runCaptured(["samples", "--out", samples, "--studies", "1", "--seed", "3"], in: directory)
        let stored = try await runCaptured(["store", samples, "--node", node.url], in: directory)
        #expect(stored.status == 0, "\(stored.output) \(stored.errorOutput)")
        let ended = await node.stop()
        #expect(ended.status == 0)
        #expect(ended.errorOutput.contains("volume 5 is unavailable"), "\(ended.errorOutput)")
        #expect(!ended.errorOutput.contains("volume 5 was missing"), "\(ended.errorOutput)")
    }

    @Test("a node with tokens refuses requests without one and accepts the right token; /healthz figures need one")
    func tokens() async throws {
        let directory = TemporaryDirectory()
        let config = directory.appending("node.json")
        try write(
            """
            {"dataDirectory": "data", "http": "127.0.0.1:0", "tokens": [
              {"name": "viewer", "token": "read-0123456789abcdef", "role": "read"},
              {"name": "modality", "token": "write-0123456789abcdef", "role": "write"}]}
            """, to: config)
        let node = try await NodeProcess.start(["--config", config])
        let samples = directory.appending("samples")
        _ = try await runCaptured(["samples", "--out", samples, "--studies", "1", "--seed", "2"], in: directory)
        let anonymous = try await runCaptured(["find", "--node", node.url], in: directory)
        #expect(anonymous.status == 1 && anonymous.errorOutput.contains("401"), "\(anonymous.errorOutput)")
        let reader = try await runCaptured(
            [
                "store", samples, "--node", node.url, "--token", "read-0123456789abcdef",
            ], in: directory)
        #expect(reader.status == 1 && reader.output.contains("403"), "\(reader.output)")
        let writer = try await runCaptured(
            [
                "store", samples, "--node", node.url, "--token", "write-0123456789abcdef",
            ], in: directory)
        #expect(writer.status == 0, "\(writer.output) \(writer.errorOutput)")
        let found = try await runCaptured(
            [
                "find", "--node", node.url, "--token", "read-0123456789abcdef", "--json",
            ], in: directory)
        #expect((try JSONSerialization.jsonObject(with: Data(found.output.utf8)) as? [Any])?.count == 1)
        #expect(FileManager.default.fileExists(atPath: directory.appending("data/catalog.sqlite")))

        // /healthz: the status alone without a token, the figures for a reader, 401 for a wrong token.
        let bare = try await httpGet(port: node.port, path: "/healthz")
        let summary = try JSONSerialization.jsonObject(with: Data(bare.body.utf8)) as? [String: Any]
        #expect(bare.status == 200 && summary?.keys.sorted() == ["status"], "\(bare)")
        #expect(summary?["status"] as? String == "ok", "\(bare)")
        let read = try await httpGet(
            port: node.port, path: "/healthz", headers: [("Authorization", "Bearer read-0123456789abcdef")])
        let figures = try JSONSerialization.jsonObject(with: Data(read.body.utf8)) as? [String: Any]
        #expect(read.status == 200 && figures?["instanceCount"] as? Int == files(under: samples).count, "\(read)")
        #expect(figures?["version"] != nil && figures?["volumesAvailable"] as? Int == 6, "\(read)")
        #expect(figures?["readCacheBytesMax"] != nil, "\(read)")
        let wrong = try await httpGet(
            port: node.port, path: "/healthz", headers: [("Authorization", "Bearer not-a-token-of-this-node")])
        #expect(wrong.status == 401 && !wrong.body.contains("instanceCount"), "\(wrong)")
        #expect(await node.stop().status == 0)
    }
}
