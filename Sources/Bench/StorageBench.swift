// `tessera bench storage`: each storage stage against its plain reference in the same run (chunker vs C FastCDC,
// SHA-256/CRC32C/Reed-Solomon vs raw OpenSSL and ISA-L), put against its bottleneck (slowest stage or disk), get
// against the slowest stage, and the peak RSS of a 2 GiB object in a child process.
import CBenchReference
import Chunking
import Coding
import Foundation
import ObjectStore
import Posix
public import Primitives

/// The storage benchmark.
public struct StorageBench {
    /// Bytes of in-memory data for the stage figures and of objects for the end-to-end figure.
    let bytes: Int
    /// Where the end-to-end store goes.
    let directory: String
    /// What the end-to-end store runs its stages and commits on.
    let executor: any Executor
    /// The object size the hash and coding stages work in: the average chunk.
    static let sliceBytes = 1 << 20

    /// Makes the bench over `bytes` of seeded data, its end-to-end store in `directory` run on `executor`.
    public init(bytes: Int, directory: String, executor: any Executor) {
        self.bytes = bytes
        self.directory = directory
        self.executor = executor
    }

    /// Measures every row and returns the table as lines; progress goes to standard error.
    public func run() throws -> [String] {
        Console.error("preparing \(Console.bytes(Int64(bytes))) of seeded data…")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 64)
        defer { buffer.deallocate() }
        var random = SeededRandom(seed: 2026)
        random.fill(buffer)
        let data = UnsafeRawBufferPointer(buffer)
        var table = BenchTable()
        var stageRates: [Double] = []
        Console.error("chunker…")
        let (chunkerOurs, chunkerC) = try chunker(data)
        table.addThroughput(
            "FastCDC boundaries, \(Console.bytes(Int64(bytes)))", ours: chunkerOurs,
            reference: chunkerC, referenceName: "(C -O3)", ratioMin: 0.8)
        stageRates.append(chunkerOurs)
        Console.error("SHA-256 and CRC32C…")
        let sha = hashes(data)
        table.addThroughput(
            "SHA-256, 1 MiB calls", ours: sha.ours, reference: sha.raw, referenceName: "(OpenSSL)",
            ratioMin: 0.95)
        let crc = checksums(data)
        table.addThroughput(
            "CRC32C, 1 MiB calls", ours: crc.ours, reference: crc.raw, referenceName: "(ISA-L)",
            ratioMin: 0.95)
        stageRates += [sha.ours, crc.ours]
        for (k, m) in [(4, 2), (8, 3)] {
            Console.error("Reed-Solomon \(k)+\(m)…")
            let (encode, decode) = try reedSolomon(data, k: k, m: m)
            table.addThroughput(
                "RS \(k)+\(m) encode", ours: encode.ours, reference: encode.raw,
                referenceName: "(ISA-L)", ratioMin: 0.95)
            table.addThroughput(
                "RS \(k)+\(m) decode, \(m) data lost", ours: decode.ours, reference: decode.raw,
                referenceName: "(ISA-L)", ratioMin: 0.95)
            if k == 4 { stageRates.append(encode.ours) }
        }
        let slowest = stageRates.min()!
        Console.error("end-to-end put and get into 6 volumes…")
        let endToEnd = try EndToEndBench(data: data, directory: directory, executor: executor).run()
        Console.error("disk: sequential write + fdatasync…")
        let disk = try diskRate(data)
        // What the drive allows a put: every new byte is written (k+m)/k times, duplicates not at all. The put's
        // bottleneck is the slower of that and the slowest CPU stage; the target is measured against it.
        let amplification = 1.5 * (1 - endToEnd.duplicatePercent / 100)
        let putBound = disk / amplification
        let putBottleneck = min(slowest, putBound)
        let bottleneckName =
            putBound < slowest ? " (disk / \(Console.fixed(amplification, digits: 2)))" : " (slowest stage)"
        table.add(
            BenchRow(
                figure: "put \(Console.bytes(Int64(bytes))) mixed, 4+2, fsync", ours: BenchTable.rate(endToEnd.putRate),
                reference: BenchTable.rate(putBottleneck) + bottleneckName, ratio: endToEnd.putRate / putBottleneck,
                target: "≥ 0.50", isMet: endToEnd.putRate / putBottleneck >= 0.5))
        table.add(
            BenchRow(
                figure: "get \(Console.bytes(Int64(bytes))) mixed, 4+2", ours: BenchTable.rate(endToEnd.getRate),
                reference: BenchTable.rate(slowest) + " (slowest stage)", ratio: endToEnd.getRate / slowest,
                target: "≥ 0.50", isMet: endToEnd.getRate / slowest >= 0.5))
        table.add(
            BenchRow(
                figure: "put against the slowest CPU stage", ours: BenchTable.rate(endToEnd.putRate),
                reference: BenchTable.rate(slowest) + " (slowest stage)", ratio: endToEnd.putRate / slowest,
                target: "", isMet: nil))
        table.add(
            BenchRow(
                figure: "duplicate chunks in the put",
                ours: Console.fixed(endToEnd.duplicatePercent, digits: 1)
                    + " %", reference: "", ratio: nil, target: "≈ 30 %", isMet: nil))
        table.add(
            BenchRow(
                figure: "disk: pwrite 1 MiB + fdatasync (same dir)", ours: BenchTable.rate(disk),
                reference: "", ratio: nil, target: "", isMet: nil))
        Console.error("peak RSS of a 2 GiB object (child process)…")
        let rss = try peakResidentBytes()
        table.add(
            BenchRow(
                figure: "peak RSS, put + get of one 2 GiB object", ours: Console.bytes(rss), reference: "",
                ratio: nil, target: "≤ 128 MiB", isMet: rss <= 128 << 20))
        return table.render()
    }

    private func chunker(_ data: UnsafeRawBufferPointer) throws -> (Double, Double) {
        let configuration = ChunkerConfiguration.standard
        var oursCount = 0
        var oursSum: UInt64 = 0
        let ours = BenchTiming.bestRate(bytes: data.count) {
            var chunker = Chunker(configuration: configuration)
            var end: UInt64 = 0
            oursCount = 0
            oursSum = 0
            let count = { (chunk: UnsafeRawBufferPointer) in
                end += UInt64(chunk.count)
                oursSum &+= end
                oursCount += 1
            }
            chunker.feed(data, emit: count)
            chunker.finish(emit: count)
        }
        var referenceCount = 0
        var referenceSum: UInt64 = 0
        let reference = gearTable.withUnsafeBufferPointer { gear in
            BenchTiming.bestRate(bytes: data.count) {
                referenceCount = fastcdc_reference_count(
                    data.baseAddress!.assumingMemoryBound(to: UInt8.self), data.count, gear.baseAddress!,
                    configuration.chunkSizeMin, configuration.chunkSizeAvg, configuration.chunkSizeMax,
                    configuration.maskSmall, configuration.maskLarge, &referenceSum)
            }
        }
        guard oursCount == referenceCount, oursSum == referenceSum else {
            throw StoreError(.io, "the Swift and C chunkers disagree: \(oursCount) vs \(referenceCount) chunks")
        }
        return (ours, reference)
    }

    /// Sequential write of `data` in 1 MiB pwrites and one fdatasync, in the bench's directory: the drive's own
    /// ceiling for the put figure.
    private func diskRate(_ data: UnsafeRawBufferPointer) throws -> Double {
        let disk = PosixDisk()
        try disk.makeDirectory(directory)
        let path = directory + "/disk-probe"
        defer { try? disk.removeFile(path) }
        let file = try disk.open(path, mode: .readWriteCreate)
        defer { disk.close(file) }
        let seconds = try BenchTiming.seconds {
            for (index, piece) in slices(data).enumerated() {
                try disk.write(file, at: Int64(index * Self.sliceBytes), from: piece)
            }
            try disk.synchronize(file)
        }
        return Double(data.count) / seconds / 1e9
    }

    private func slices(_ data: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer] {
        stride(from: 0, to: data.count, by: Self.sliceBytes).map {
            UnsafeRawBufferPointer(rebasing: data[$0..<min(data.count, $0 + Self.sliceBytes)])
        }
    }

    private func hashes(_ data: UnsafeRawBufferPointer) -> (ours: Double, raw: Double) {
        let pieces = slices(data)
        var digest = [UInt8](repeating: 0, count: 32)
        var last = ChunkAddress(word0: 0, word1: 0, word2: 0, word3: 0)
        let rates = BenchTiming.bestRates(
            bytes: data.count,
            ours: { for piece in pieces { last = SHA256.hash(piece) } },
            reference: {
                for piece in pieces {
                    library_reference_sha256(
                        piece.baseAddress!.assumingMemoryBound(to: UInt8.self), piece.count, &digest)
                }
            })
        precondition(last.bytes == digest, "SHA-256 wrapper and raw call disagree")
        return (rates.ours, rates.reference)
    }

    private func checksums(_ data: UnsafeRawBufferPointer) -> (ours: Double, raw: Double) {
        let pieces = slices(data)
        var rawSum: UInt32 = 0
        var oursSum: UInt32 = 0
        let rates = BenchTiming.bestRates(
            bytes: data.count,
            ours: {
                oursSum = 0
                for piece in pieces { oursSum ^= CRC32C.checksum(piece) }
            },
            reference: {
                rawSum = 0
                for piece in pieces {
                    rawSum ^= library_reference_crc32c(
                        piece.baseAddress!.assumingMemoryBound(to: UInt8.self), piece.count)
                }
            })
        precondition(rawSum == oursSum, "CRC32C wrapper and raw call disagree")
        return (rates.ours, rates.reference)
    }
}
