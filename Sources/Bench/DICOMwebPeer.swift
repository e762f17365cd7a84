// The client side of `tessera bench dicomweb`: one server's DICOMweb service (ours or Orthanc) driven the same way
// through Transport's HTTPClient — STOW-RS batches streamed from disk, WADO-RS study retrieves drained and hashed
// part by part, QIDO-RS study searches on a kept-alive connection.
import Catalog
import Coding
import HTTP
import Posix
import Primitives
import Synchronization
import Transport

/// One DICOMweb server under test.
final class DICOMwebPeer {
    /// "ours" or "Orthanc", for messages.
    let name: String
    /// "http://127.0.0.1:PORT".
    let origin: String
    /// Bytes each connection reads and writes per call, the same for every server.
    static let bufferBytes = 1 << 20
    private let client: HTTPClient
    private let dicomWebPath = "/dicom-web"
    /// Added to the STOW-RS URL ("?ack=remote" in the region bench).
    var storeQuery = ""

    /// A client for the DICOMweb service at `origin` + "/dicom-web".
    init(name: String, origin: String) throws {
        self.name = name
        self.origin = origin
        // Generous I/O timeouts: a 2 GiB upload may wait on its last fsync for a while.
        client = try HTTPClient(
            baseURL: origin,
            configuration: HTTPClientConfiguration(ioTimeoutSeconds: 600, bufferBytes: Self.bufferBytes),
            clock: MonotonicClock())
    }

    deinit { client.close() }

    // MARK: - STOW-RS

    /// Stores `files` in one STOW-RS request; throws unless the server answers 200 (every instance stored).
    func store(_ files: [(path: String, length: Int64)]) throws {
        let body = try MultipartFileBody(
            files: files, boundarySeed: UInt64.random(in: .min ... .max), onFileBytes: { _ in })
        try store(body: body, contentType: body.contentType, length: body.length)
    }

    /// Stores `batches` through `senderCount` clients of their own, each on an owned thread taking the next batch in
    /// turn; the first failure is thrown once every sender has stopped.
    static func storeConcurrently(
        _ batches: [[(path: String, length: Int64)]], name: String, origin: String, senderCount: Int
    ) throws {
        let next = Atomic<Int>(0)
        let failure = Mutex<(any Error)?>(nil)
        let work = batches.map { batch in batch.map { FileEntry(path: $0.path, length: $0.length) } }
        let senders = (0..<senderCount).map { index in
            OwnedThread(name: "bench-stow-\(index)") {
                do {
                    let peer = try DICOMwebPeer(name: name, origin: origin)
                    while failure.withLock({ $0 == nil }) {
                        let taken = next.add(1, ordering: .relaxed).oldValue
                        guard taken < work.count else { return }
                        try peer.store(work[taken].map { (path: $0.path, length: $0.length) })
                    }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        for sender in senders { sender.join() }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// One study file of a batch, as a Sendable value for the sender threads.
    private struct FileEntry: Sendable {
        let path: String
        let length: Int64
    }

    /// Stores one generated instance in one STOW-RS request.
    func store(_ body: GeneratedInstanceBody) throws {
        try store(body: body, contentType: body.contentType, length: body.length)
    }

    func store(body: some ByteSource, contentType: String, length: Int64) throws {
        var headers = HTTPHeaders()
        headers.add("Content-Type", contentType)
        headers.add("Accept", "application/dicom+json")
        var response = try client.send(
            method: "POST", target: dicomWebPath + "/studies" + storeQuery, headers: headers, body: body,
            bodyLength: Int(length))
        let answer = try response.readAll(bytesMax: 64 << 20)
        // 202 without a FailedSOPSequence: all stored, some with a warning (a re-sent study is already stored).
        let isStoredWithWarnings = response.status == 202 && answer.firstRange(of: Array("00081198".utf8)) == nil
        guard response.status == 200 || isStoredWithWarnings else {
            throw BenchError(
                "\(name): STOW-RS answered \(response.status) \(response.head.reason): "
                    + String(decoding: answer.prefix(300), as: UTF8.self))
        }
    }

    // MARK: - WADO-RS

    /// What a study retrieve gave back.
    struct Retrieved {
        /// Bytes of all parts' bodies (the instances, without the multipart framing).
        var instanceBytes: Int64 = 0
        /// Bytes of the whole response body.
        var bodyBytes: Int64 = 0
        /// The CRC32C of every part, sorted.
        var checksums: [UInt32] = []
        /// The SHA-256 of every part, sorted; empty unless asked for.
        var digests: [ChunkAddress] = []
    }

    /// Retrieves the study `uid` as multipart/related application/dicom in its stored syntax, reading the body to
    /// its end through a multipart reader and checksumming each part (CRC32C, and SHA-256 when `hashes`).
    func retrieve(study uid: String, hashes: Bool = false) throws -> Retrieved {
        var headers = HTTPHeaders()
        headers.add("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*")
        var response = try client.send(method: "GET", target: dicomWebPath + "/studies/" + uid, headers: headers)
        guard response.status == 200 else {
            let answer = (try? response.readAll(bytesMax: 1 << 20)) ?? []
            throw BenchError(
                "\(name): WADO-RS answered \(response.status): " + String(decoding: answer.prefix(300), as: UTF8.self))
        }
        let contentType = response.headers["Content-Type"] ?? ""
        guard let type = try? MediaType.parse(contentType), let boundary = type.parameter("boundary") else {
            throw BenchError("\(name): WADO-RS answered \(contentType), not multipart with a boundary")
        }
        var reader = MultipartReader(boundary: boundary, limits: MultipartLimits())
        let hasher = PartHasher(hashes: hashes)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferBytes, alignment: 64)
        defer { buffer.deallocate() }
        var bodyBytes: Int64 = 0
        while true {
            let count = try response.read(into: buffer)
            if count == 0 { break }
            bodyBytes += Int64(count)
            try reader.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) { hasher.handle($0) }
        }
        try reader.finish()
        return Retrieved(
            instanceBytes: hasher.bytes, bodyBytes: bodyBytes, checksums: hasher.checksums.sorted(),
            digests: hasher.digests.sorted())
    }

    // MARK: - QIDO-RS

    /// Runs `query` (study level) as a QIDO-RS search and returns how many studies matched.
    func search(_ query: CatalogQuery) throws -> Int {
        var target = dicomWebPath + "/studies?limit=\(query.limit)"
        for filter in query.filters {
            guard let keyword = Self.keywords[filter.tag] else {
                throw BenchError("the bench has no QIDO-RS keyword for tag \(filter.tag)")
            }
            target += "&" + keyword + "=" + HTTPRequestHead.percentEncoded(filter.value)
        }
        var headers = HTTPHeaders()
        headers.add("Accept", "application/dicom+json")
        var response = try client.send(method: "GET", target: target, headers: headers)
        let body = try response.readAll(bytesMax: 64 << 20)
        guard response.status == 200 || response.status == 204 else {
            throw BenchError(
                "\(name): QIDO-RS \(target) answered \(response.status): "
                    + String(decoding: body.prefix(300), as: UTF8.self))
        }
        return Self.count(Self.studyUIDKey, in: body)
    }

    /// QIDO-RS keywords of the tags the catalog bench filters on.
    private static let keywords: [UInt32: String] = [
        CatalogTag.patientID: "PatientID", CatalogTag.patientName: "PatientName", CatalogTag.studyDate: "StudyDate",
        CatalogTag.modalitiesInStudy: "ModalitiesInStudy", CatalogTag.accessionNumber: "AccessionNumber",
    ]

    /// The DICOM JSON key of Study Instance UID: once per matched study.
    private static let studyUIDKey = Array("\"0020000D\"".utf8)

    /// How often `needle` occurs in `haystack`; a scan, so counting matches costs next to nothing in the timing.
    static func count(_ needle: [UInt8], in haystack: [UInt8]) -> Int {
        guard !needle.isEmpty, haystack.count >= needle.count else { return 0 }
        var found = 0
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] && haystack[index..<index + needle.count].elementsEqual(needle) {
                found += 1
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }
}

/// Checksums each part of a multipart body as it streams past: CRC32C always (ISA-L, cheap enough not to slow the
/// timed reads), SHA-256 when asked.
final class PartHasher {
    /// Whether each part is also hashed with SHA-256.
    let hashes: Bool
    /// Bytes of all part bodies so far.
    private(set) var bytes: Int64 = 0
    /// The CRC32C of every finished part, in order.
    private(set) var checksums: [UInt32] = []
    /// The SHA-256 of every finished part, in order, when `hashes`.
    private(set) var digests: [ChunkAddress] = []
    private var checksum: UInt32 = 0
    private var current: SHA256?

    init(hashes: Bool) { self.hashes = hashes }

    /// Feeds one event of a MultipartReader.
    func handle(_ event: MultipartEvent) {
        switch event {
        case .partHead:
            checksum = 0
            if hashes { current = SHA256() }
        case .partBody(let body):
            bytes += Int64(body.count)
            checksum = CRC32C.checksum(body, continuing: checksum)
            if current != nil { current!.update(body) }
        case .partEnd:
            checksums.append(checksum)
            if let hasher = current.take() { digests.append(hasher.finalize()) }
        case .end: break
        }
    }
}
