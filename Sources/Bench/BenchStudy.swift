// The data of `tessera bench dicomweb`: a generated CT study written once as Part-10 files (one instance in memory
// at a time), with the SHA-256 of each file so a retrieve can be checked byte for byte in any part order.
import Coding
import DICOM
import HTTP
import Posix
import Primitives
import Samples

/// A generated study on disk.
struct BenchStudy {
    /// The Study Instance UID every file carries.
    let studyInstanceUID: String
    /// The Part-10 files, in instance order, with their lengths.
    let files: [(path: String, length: Int64)]
    /// The SHA-256 of every file, sorted: what a retrieve of the study must give back, in whatever order.
    let digests: [ChunkAddress]
    /// The CRC32C of every file, sorted: the cheaper check of the timed reads.
    let checksums: [UInt32]

    /// All the files' bytes.
    var totalBytes: Int64 { files.reduce(0) { $0 + $1.length } }

    /// Writes `sliceCount` CT slices of `rows` × `columns` 16-bit pixels from `seed` into `directory`.
    static func generate(directory: String, seed: UInt64, sliceCount: Int, rows: Int, columns: Int) throws
        -> BenchStudy
    {
        let disk = PosixDisk()
        try disk.makeDirectory(directory)
        let instances = SyntheticInstance.study(
            seed: seed, patientID: "BENCH-\(seed)", sliceCount: sliceCount, rows: rows, columns: columns)
        var files: [(path: String, length: Int64)] = []
        var digests: [ChunkAddress] = []
        var checksums: [UInt32] = []
        for (index, instance) in instances.enumerated() {
            let bytes = instance.part10()
            let path = directory + "/slice-\(index + 1).dcm"
            let sink = try FileSink(path: path)
            try bytes.withUnsafeBytes { try sink.write($0) }
            files.append((path, Int64(bytes.count)))
            digests.append(SHA256.hash(bytes))
            checksums.append(CRC32C.checksum(bytes))
        }
        return BenchStudy(
            studyInstanceUID: instances.first?.studyInstanceUID ?? "", files: files, digests: digests.sorted(),
            checksums: checksums.sorted())
    }

    /// The files in batches of `count` (the last may be shorter): one STOW-RS request each.
    func batches(of count: Int) -> [[(path: String, length: Int64)]] {
        stride(from: 0, to: files.count, by: count).map { Array(files[$0..<min(files.count, $0 + count)]) }
    }
}

/// A STOW-RS body holding one generated Part-10 instance whose Pixel Data is `pixelBytes` long: the header is
/// built in memory, the pixels come from a seeded generator as they are sent, so a 2 GiB instance never sits in
/// memory on the client either.
final class GeneratedInstanceBody: ByteSource {
    /// The whole body's length in bytes.
    let length: Int64
    /// The value of the request's Content-Type header.
    let contentType: String
    /// Framing and header bytes before the pixels, and the close delimiter after them.
    private let prefix: [UInt8]
    private let suffix: [UInt8]
    private var pixels: GeneratedSource
    private var offset: Int64 = 0
    private let pixelBytes: Int64

    /// Pixel columns of the generated instance; rows follow from the requested size.
    static let columnCount = 32_768

    /// Frames one instance of `pixelBytes` pixel bytes (a multiple of 2 × `columnCount`, rows ≤ 65,535).
    init(pixelBytes: Int64, seed: UInt64) throws {
        let rows = Int(pixelBytes / Int64(2 * Self.columnCount))
        precondition(
            Int64(rows * 2 * Self.columnCount) == pixelBytes && (1...65_535).contains(rows), "bad pixel data size")
        self.pixelBytes = pixelBytes
        let header = Self.part10Head(pixelBytes: pixelBytes, seed: seed)
        var generator = SystemRandomNumberGenerator()
        var writer = try MultipartWriter(boundary: MultipartWriter.makeBoundary(seed: generator.next()))
        contentType = writer.mediaType(type: "application/dicom").description
        let partLength = Int64(header.count) + pixelBytes
        prefix =
            try writer.partHead(
                HTTPHeaders([("Content-Type", "application/dicom"), ("Content-Length", String(partLength))]))
            + header
        suffix = try writer.close()
        length = Int64(prefix.count) + pixelBytes + Int64(suffix.count)
        pixels = GeneratedSource(length: pixelBytes, seed: seed)
    }

    /// The Part-10 file of the instance up to its pixels: the data set without them, then the Pixel Data
    /// element's head (PS3.5 §7.1.2: tag, "OW", 2 reserved bytes, a 4-byte length), little-endian; its value is
    /// the generated stream of `pixelBytes` (a multiple of 2 × `columnCount`, rows ≤ 65,535).
    static func part10Head(pixelBytes: Int64, seed: UInt64) -> [UInt8] {
        let rows = Int(pixelBytes / Int64(2 * columnCount))
        let instance = SyntheticInstance(seed: seed, rows: rows, columns: columnCount)
        var header = Part10Writer.write(instance.makeDataSet(), transferSyntax: .explicitVRLittleEndian)
        for value in [DICOMTag.pixelData.group, DICOMTag.pixelData.element] {
            header += [UInt8(value & 0xFF), UInt8(value >> 8)]
        }
        header += Array("OW".utf8) + [0, 0]
        for shift in stride(from: 0, to: 32, by: 8) { header.append(UInt8(truncatingIfNeeded: pixelBytes >> shift)) }
        return header
    }

    /// Writes the whole instance as a Part-10 file at `path`, its pixels generated as they are written.
    static func writeFile(path: String, pixelBytes: Int64, seed: UInt64) throws {
        let sink = try FileSink(path: path)
        try part10Head(pixelBytes: pixelBytes, seed: seed).withUnsafeBytes { try sink.write($0) }
        var pixels = GeneratedSource(length: pixelBytes, seed: seed)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try pixels.read(into: $0) }
            if count == 0 { break }
            try buffer.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let prefixEnd = Int64(prefix.count)
        let pixelsEnd = prefixEnd + pixelBytes
        let count: Int
        if offset < prefixEnd {
            count = Self.copy(prefix, from: Int(offset), into: buffer)
        } else if offset < pixelsEnd {
            count = try pixels.read(into: buffer)
        } else {
            count = Self.copy(suffix, from: Int(offset - pixelsEnd), into: buffer)
        }
        offset += Int64(count)
        return count
    }

    private static func copy(_ bytes: [UInt8], from start: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, bytes.count - start)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: count) }
        return count
    }
}
