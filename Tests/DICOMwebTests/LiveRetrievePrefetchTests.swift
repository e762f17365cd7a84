// Goal: a study retrieve through the store's read-ahead thread serves every instance in order and byte-identical,
// and a client that hangs up part way through frees that thread. Method: a pipelined store seeded with one study
// of many instances straight into store and catalog, a live HTTPServer, and a raw socket that reads a little of
// the answer and closes.
import Catalog
import DICOMweb
import HTTP
import ObjectStore
import Posix
import Primitives
import TestSupport
import Testing
import Transport

extension DICOMwebFixture {
    /// Puts `count` random instances of `size` bytes as one series of study `study`; returns their bytes in order.
    func seedStudy(_ study: String, count: Int, size: Int) throws -> [[UInt8]] {
        try (1...count).map { number in
            let bytes = TestBytes.random(count: size + number, seed: UInt64(number))
            var source = MemorySource(bytes)
            let receipt = try store.put(from: &source)
            let uid = "\(study).1.\(number)"
            let attributes: [UInt32: String] = [
                CatalogTag.studyInstanceUID: study, CatalogTag.seriesInstanceUID: "\(study).1",
                CatalogTag.sopInstanceUID: uid, CatalogTag.sopClassUID: "1.2.840.10008.5.1.4.1.1.2",
                CatalogTag.patientID: "P9", CatalogTag.modality: "CT", CatalogTag.instanceNumber: "\(number)",
            ]
            _ = try catalog.insert(
                CatalogInstance(
                    attributes: attributes, transferSyntaxUID: Self.explicitLittle,
                    manifestAddress: receipt.address, lengthBytes: Int64(bytes.count), originSite: try SiteID("s"),
                    metadata: Array("{}".utf8)),
                version: HLCTimestamp(physicalMilliseconds: Int64(number), logical: 0, nodeID: NodeID(9)))
            return bytes
        }
    }
}

@Suite(.serialized) struct LiveRetrievePrefetchTests {
    static let study = "1.2.826.0.1.3680043.10.1.7"

    @Test("live: a study of many multi-chunk instances comes back in order and byte-identical")
    func manyInstances() throws {
        let fixture = try DICOMwebFixture(isPipelined: true)
        let seeded = try fixture.seedStudy(Self.study, count: 80, size: 3_000)
        let client = try LiveClient(responder: fixture.responder)
        let response = try client.get("/dicom-web/studies/\(Self.study)")
        #expect(response.status == 200)
        #expect(response.headers["Content-Length"] == "\(response.body.count)")
        #expect(try Answer.parts(response).map(\.body) == seeded)
        #expect(fixture.store.prefetchThreadCount == 0)
    }

    @Test("live: a client that hangs up mid-retrieve frees the read-ahead thread; the next retrieve is whole")
    func clientHangsUp() throws {
        let fixture = try DICOMwebFixture(hasTinyChunks: false, isPipelined: true)
        // Far more than the loopback socket buffers hold, so the server is still sending when the client goes.
        let seeded = try fixture.seedStudy(Self.study, count: 24, size: 1_500_000)
        let live = try LiveClient(responder: fixture.responder)
        let socket = try Socket.connect(host: "127.0.0.1", port: live.server.port)
        let request = Array("GET /dicom-web/studies/\(Self.study) HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        try request.withUnsafeBytes { try socket.sendAll($0) }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let received = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0, deadline: nil) }
        #expect(received > 0)
        socket.close()  // unread bytes: the kernel resets the connection, the server's next send fails
        #expect(try Answer.parts(try live.get("/dicom-web/studies/\(Self.study)")).map(\.body) == seeded)
        // Stopping joins every connection thread; each joins its read-ahead thread before it ends.
        live.server.stop()
        #expect(fixture.store.prefetchThreadCount == 0)
    }
}
