// The WADO-RS rows of `tessera bench dicomweb`: the study read warm and cold by our own client (every part
// checked), then by an outside client (python `requests`, OutsideClient.swift), both servers alternating, each
// cold read preceded by a restart of the server that reads next and a page-cache drop.
import Foundation
import Posix

extension DICOMwebBench {
    /// Adds the warm and cold retrieve rows, ours and the outside client's, with their notes.
    func retrieveRows(_ study: BenchStudy, servers: inout BenchServers, table: inout BenchTable, notes: inout [String])
        throws
    {
        Console.error("WADO-RS: first read of each, then \(Self.warmReadCount) warm reads…")
        let warm = try retrieveWarm(study, servers: &servers, notes: &notes)
        table.add(
            Self.rateRows(
                "WADO-RS study retrieve, warm", bytes: study.totalBytes, rounds: warm, ratioMin: Self.warmRatioMin))
        Console.error(
            "WADO-RS: \(Self.coldReadCount) cold reads, each server restarted and the page cache dropped before each…")
        var method = PageCache.Method.fadvise
        let cold = try rounds(of: Self.coldReadCount, study, servers: &servers) { servers, isReference in
            method = try Self.restartCold(&servers, isReference: isReference)
        }
        table.add(
            Self.rateRows(
                "WADO-RS study retrieve, cold", bytes: study.totalBytes, rounds: cold, ratioMin: Self.coldRatioMin))
        notes.append(
            "cold reads: the server restarted (nothing in its memory), then \(method.rawValue), before each")
        try outsideRows(study, servers: &servers, table: &table, notes: &notes)
    }

    /// Restarts the server that reads next and drops the page cache; how it was dropped.
    private static func restartCold(_ servers: inout BenchServers, isReference: Bool) throws -> PageCache.Method {
        if isReference { try servers.restartReference() } else { try servers.restartNode() }
        return PageCache.drop(folders: servers.dataFolders)
    }

    /// The outside client's warm and cold rows (medians of `outsideRoundCount` rounds), or a note saying why there
    /// are none.
    private func outsideRows(
        _ study: BenchStudy, servers: inout BenchServers, table: inout BenchTable, notes: inout [String]
    ) throws {
        let (made, problem) = OutsideClient.make(directory: directory)
        guard let client = made else {
            notes.append(problem ?? "the outside client could not run")
            return
        }
        let count = settings.outsideRoundCount
        let uid = study.studyInstanceUID
        func read(_ servers: inout BenchServers, _ isReference: Bool) throws -> Double {
            guard let peer = isReference ? servers.reference : servers.ours else { return 0 }
            return try client.retrieve(origin: peer.origin, study: uid, bytesMin: study.totalBytes)
        }
        Console.error("WADO-RS, outside client: \(count) warm and \(count) cold reads of each server…")
        var warm = BenchRounds()
        var cold = BenchRounds()
        // One untimed read of each first, so the warm rounds find both servers warm.
        _ = try read(&servers, false)
        if servers.reference != nil { _ = try read(&servers, true) }
        for round in 0..<count {
            for isReference in Self.order(round: round, hasReference: servers.reference != nil) {
                let seconds = try read(&servers, isReference)
                if isReference { warm.addReference(seconds) } else { warm.addOurs(seconds) }
            }
        }
        for round in 0..<count {
            for isReference in Self.order(round: round, hasReference: servers.reference != nil) {
                _ = try Self.restartCold(&servers, isReference: isReference)
                let seconds = try read(&servers, isReference)
                if isReference { cold.addReference(seconds) } else { cold.addOurs(seconds) }
            }
        }
        let name = "python requests \(OutsideClient.packageVersion)"
        table.add(
            Self.rateRow(
                "  outside client (\(name)), warm, median of \(count)", bytes: study.totalBytes,
                seconds: warm.median, ratioMin: Self.warmRatioMin))
        table.add(
            Self.rateRow(
                "  outside client (\(name)), cold, median of \(count)", bytes: study.totalBytes,
                seconds: cold.median, ratioMin: Self.coldRatioMin))
        notes.append(
            "outside client: python3 \(OutsideClient.package) streaming the study's WADO-RS response "
                + "(iter_content of \(OutsideClient.readBytes >> 20) MiB) and counting its bytes, a child process per "
                + "read timed from request to last byte; servers alternate (which goes first alternates too); "
                + "each cold read after a restart of that server and a page-cache drop; seconds per round, ours "
                + Self.listed(cold.ours) + ", Orthanc " + Self.listed(cold.reference) + " (cold)")
    }

    /// Which server reads first in `round`: ours in even rounds, Orthanc in odd ones (true means Orthanc).
    private static func order(round: Int, hasReference: Bool) -> [Bool] {
        guard hasReference else { return [false] }
        return round % 2 == 0 ? [false, true] : [true, false]
    }

    /// Seconds as "0.41 0.39 …".
    private static func listed(_ seconds: [Double]) -> String {
        seconds.isEmpty ? "-" : seconds.map { Console.fixed($0, digits: 2) }.joined(separator: " ")
    }

    /// Reads the study once from each server (checking it), then `warmReadCount` more times, alternating; returns
    /// the seconds of the later reads.
    private func retrieveWarm(_ study: BenchStudy, servers: inout BenchServers, notes: inout [String]) throws
        -> BenchRounds
    {
        try checkedRetrieve(study, from: servers.ours, hashes: true)
        if let reference = servers.reference {
            let first = try reference.retrieve(study: study.studyInstanceUID, hashes: true)
            try Self.checkLength(first, of: study, from: reference)
            notes.append(
                "Orthanc's parts are " + (first.digests == study.digests ? "byte-identical" : "NOT byte-identical")
                    + " to the files sent (SHA-256 of each, first read)")
        }
        notes.append(
            "WADO-RS reads of ours are checked against the files sent: SHA-256 of every part on the first read, "
                + "CRC32C of every part on the timed ones (which checksum Orthanc's parts alike, so both pay the same)")
        return try rounds(of: Self.warmReadCount, study, servers: &servers)
    }

    /// Reads the study `count` times from each server with our client, alternating, with `before` run ahead of
    /// every read (told whether Orthanc reads next); the seconds of every read.
    private func rounds(
        of count: Int, _ study: BenchStudy, servers: inout BenchServers,
        before: (inout BenchServers, _ isReference: Bool) throws -> Void = { _, _ in }
    ) throws -> BenchRounds {
        var rounds = BenchRounds()
        for _ in 0..<count {
            if servers.reference != nil {
                try before(&servers, true)
                if let reference = servers.reference {
                    let seconds = try BenchTiming.seconds {
                        try Self.checkLength(
                            try reference.retrieve(study: study.studyInstanceUID), of: study, from: reference)
                    }
                    rounds.addReference(seconds)
                }
            }
            try before(&servers, false)
            let ours = servers.ours
            rounds.addOurs(try BenchTiming.seconds { try checkedRetrieve(study, from: ours) })
        }
        return rounds
    }

    /// Retrieves the study from `peer` and checks every part against the files sent: by CRC32C, and by SHA-256
    /// when `hashes`.
    private func checkedRetrieve(_ study: BenchStudy, from peer: DICOMwebPeer, hashes: Bool = false) throws {
        let retrieved = try peer.retrieve(study: study.studyInstanceUID, hashes: hashes)
        try Self.checkLength(retrieved, of: study, from: peer)
        guard retrieved.checksums == study.checksums, !hashes || retrieved.digests == study.digests else {
            throw BenchError("\(peer.name): the retrieved instances differ from the files sent")
        }
    }

    private static func checkLength(_ retrieved: DICOMwebPeer.Retrieved, of study: BenchStudy, from peer: DICOMwebPeer)
        throws
    {
        guard retrieved.checksums.count == study.files.count, retrieved.instanceBytes == study.totalBytes else {
            throw BenchError(
                "\(peer.name): the retrieve gave \(retrieved.checksums.count) parts, \(retrieved.instanceBytes) bytes; "
                    + "expected \(study.files.count) parts, \(study.totalBytes) bytes")
        }
    }
}
