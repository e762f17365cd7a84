// The workload's side of a chaos run: STOW-RS of a whole study, WADO-RS of a study and QIDO-RS for it, at one node,
// each turned into a line of the history with its start, end, node, the instances and the SHA-256 of the bytes sent
// or received, and its outcome. Short timeouts, so a paused or cut node makes a failed operation, not a stuck
// client. One client per thread: it keeps a kept-alive connection per node.
import Chaos
import Coding
import Foundation
import HTTP
import Posix
import Primitives
import Transport

/// One workload thread's connections to the nodes.
final class ChaosClient {
    private let nodes: ChaosNodes
    private let clock: RealTimeClock
    private var clients: [String: HTTPClient] = [:]
    private static let accept = "multipart/related; type=\"application/dicom\"; transfer-syntax=*"

    init(nodes: ChaosNodes, clock: RealTimeClock) {
        self.nodes = nodes
        self.clock = clock
    }

    deinit { for client in clients.values { client.close() } }

    /// Stores `files` (Part-10 bytes, one study) at `node` with `ack` ("local" or "remote").
    func write(_ files: [(uid: String, bytes: [UInt8])], study: String, at node: String, ack: String)
        -> ChaosOperation
    {
        let instances = files.map { ChaosInstance(uid: $0.uid, sha256: Self.sha256($0.bytes)) }
        let boundary = "chaos-\(study.suffix(12))-\(clock.millisecondsSinceEpoch())"
        var body: [UInt8] = []
        for file in files {
            body += Array("--\(boundary)\r\nContent-Type: application/dicom\r\n\r\n".utf8)
            body += file.bytes
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers = headers(accept: "application/dicom+json")
        headers.add("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=\(boundary)")
        let operation = ChaosOperation(
            kind: .write, startMilliseconds: 0, endMilliseconds: 0, node: node, ackMode: ack, study: study,
            instances: instances, outcome: .failed)
        return timed(operation) { operation in
            var response = try client(node).send(
                method: "POST", target: "/dicom-web/studies?ack=\(ack)", headers: headers, bytes: body)
            let answer = String(decoding: try response.readAll(bytesMax: 16 << 20), as: UTF8.self)
            let unconfirmed = response.headers.values("Warning").contains { $0.contains("not yet confirmed") }
            switch response.status {
            case 200:
                operation.outcome = .ok
            case 202 where !answer.contains("00081198"):
                // Every instance stored, with warnings (already stored, or a patient conflict). Stored here but
                // confirmed by no other site in time is an ack=local promise, not ack=remote's.
                operation.outcome = .ok
                if unconfirmed {
                    operation.ackMode = "local"
                    operation.detail = "202: asked ack=remote, no other site confirmed in time"
                }
            default:
                operation.outcome = .refused
                operation.detail = "HTTP \(response.status): \(answer.prefix(300))"
            }
        }
    }

    /// Retrieves study `study` at `node`: the instances it returned, each with the SHA-256 of its bytes.
    func read(study: String, at node: String) -> ChaosOperation {
        let operation = ChaosOperation(
            kind: .read, startMilliseconds: 0, endMilliseconds: 0, node: node, study: study, outcome: .failed)
        return timed(operation) { operation in
            var response = try client(node).send(
                method: "GET", target: "/dicom-web/studies/\(study)", headers: headers(accept: Self.accept))
            if response.status == 200 {
                operation.instances = try Self.instances(in: &response)
                operation.outcome = .ok
            } else {
                let answer = String(decoding: try response.readAll(bytesMax: 1 << 20), as: UTF8.self)
                operation.outcome = .refused
                operation.detail = "HTTP \(response.status): \(answer.prefix(300))"
            }
        }
    }

    /// Searches for study `study` at `node` (QIDO-RS, study level): answered, or not.
    func search(study: String, at node: String) -> ChaosOperation {
        let operation = ChaosOperation(
            kind: .read, startMilliseconds: 0, endMilliseconds: 0, node: node, study: study, outcome: .failed,
            detail: ChaosOperation.searchDetailPrefix)
        return timed(operation) { operation in
            var response = try client(node).send(
                method: "GET", target: "/dicom-web/studies?StudyInstanceUID=\(study)",
                headers: headers(accept: "application/dicom+json"))
            let answer = try response.readAll(bytesMax: 16 << 20)
            operation.outcome = response.status == 200 ? .ok : .refused
            operation.detail = ChaosOperation.searchDetailPrefix + ": HTTP \(response.status), \(answer.count) bytes"
        }
    }

    /// Runs `body` on `operation` between its start and end times; an error (no answer, a broken one) leaves it
    /// failed with the error in its detail, and drops the node's connection.
    private func timed(_ operation: ChaosOperation, _ body: (inout ChaosOperation) throws -> Void) -> ChaosOperation {
        var operation = operation
        operation.startMilliseconds = clock.millisecondsSinceEpoch()
        do { try body(&operation) } catch {
            drop(operation.node)
            operation.outcome = .failed
            operation.detail = (operation.detail.isEmpty ? "" : operation.detail + ": ") + "\(error)"
        }
        operation.endMilliseconds = clock.millisecondsSinceEpoch()
        return operation
    }

    /// GETs `target` at `node` (an admin or DICOMweb JSON answer) and returns its body when the answer is 200 (an
    /// empty JSON array for a 204, a search that found nothing).
    func json(_ target: String, at node: String) -> [UInt8]? {
        do {
            var response = try client(node).send(
                method: "GET", target: target, headers: headers(accept: "application/json, application/dicom+json"))
            let body = try response.readAll(bytesMax: 256 << 20)
            if response.status == 204 { return Array("[]".utf8) }
            return response.status == 200 ? body : nil
        } catch {
            drop(node)
            return nil
        }
    }

    // MARK: - Helpers

    /// The instances of a multipart WADO-RS answer: each part's SOP Instance UID (from its file meta) and SHA-256; a
    /// part without a readable UID is named by its position and what was wrong.
    static func instances(in response: inout HTTPClientResponse) throws -> [ChaosInstance] {
        let contentType = response.headers["Content-Type"] ?? ""
        guard let type = try? MediaType.parse(contentType), let boundary = type.parameter("boundary") else {
            throw ClientError("the answer is \(contentType), not multipart/related with a boundary")
        }
        var reader = MultipartReader(boundary: boundary, limits: MultipartLimits())
        var instances: [ChaosInstance] = []
        var part: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256 << 10)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try response.read(into: $0) }
            if count == 0 { break }
            try buffer.withUnsafeBytes { bytes in
                try reader.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<count])) { event in
                    switch event {
                    case .partHead: part.removeAll(keepingCapacity: true)
                    case .partBody(let bytes): part.append(contentsOf: bytes)
                    case .partEnd:
                        switch InstanceFiles.sopInstanceUID(inFileMeta: Array(part.prefix(InstanceFiles.metaBytesMax)))
                        {
                        case .success(let uid): instances.append(ChaosInstance(uid: uid, sha256: sha256(part)))
                        case .failure(let error):
                            // Served bytes that are not a readable instance: no write sent them, so the checker
                            // judges the part a corrupt read under a name that says what was wrong.
                            let name = "part \(instances.count + 1) without a readable SOP Instance UID (\(error))"
                            instances.append(ChaosInstance(uid: name, sha256: sha256(part)))
                        }
                    case .end: break
                    }
                }
            }
        }
        try reader.finish()
        return instances
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        var hash = SHA256()
        hash.update(bytes)
        return hash.finalize().hex
    }

    private func headers(accept: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer \(ChaosNodes.token)")
        headers.add("Accept", accept)
        return headers
    }

    private func client(_ node: String) throws -> HTTPClient {
        if let client = clients[node] { return client }
        var configuration = HTTPClientConfiguration()
        configuration.connectTimeoutSeconds = 2
        configuration.ioTimeoutSeconds = 15
        let client = try HTTPClient(
            baseURL: "http://\(nodes.http(node))", configuration: configuration, clock: MonotonicClock())
        clients[node] = client
        return client
    }

    private func drop(_ node: String) {
        clients.removeValue(forKey: node)?.close()
    }
}
