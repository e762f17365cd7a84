// The seam that lets one test body run in-process against the responder and over a live socket (Hummingbird's
// `.router` / `.live`): send a request, get status, headers and body back.
import DICOMweb
import HTTP
import Primitives

/// A response as a test sees it.
struct TestResponse {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends one request to a DICOMweb responder and returns the whole response.
protocol TestClient {
    /// Sends `method target` with `headers` and `body`.
    func send(method: String, target: String, headers: HTTPHeaders, body: [UInt8]) throws -> TestResponse
}

extension TestClient {
    /// A GET with optional headers.
    func get(_ target: String, headers: [(String, String)] = []) throws -> TestResponse {
        try send(
            method: "GET", target: target, headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }), body: [])
    }

    /// A POST of `body` with `contentType` and optional headers.
    func post(_ target: String, contentType: String, body: [UInt8], headers: [(String, String)] = [])
        throws -> TestResponse
    {
        var all = HTTPHeaders(headers.map { (name: $0.0, value: $0.1) })
        all.add("Content-Type", contentType)
        return try send(method: "POST", target: target, headers: all, body: body)
    }
}

/// Calls the responder directly, answering a thrown HTTPStatusError the way the HTTP server does (its status,
/// headers and reason as a text/plain body).
struct InProcessClient: TestClient {
    let responder: DICOMwebResponder

    func send(method: String, target: String, headers: HTTPHeaders, body: [UInt8]) throws -> TestResponse {
        var headers = headers
        if headers["Host"] == nil { headers.add("Host", "archive.test") }
        let request = HTTPRequestHead(method: method, target: target, headers: headers)
        var source = MemorySource(body)
        var writer = BufferedResponseWriter()
        do {
            try responder.respond(to: request, body: &source, response: &writer)
        } catch let error as any HTTPStatusError {
            precondition(writer.head == nil, "the responder threw \(error) after writing its head")
            return TestResponse(status: error.status, headers: error.headers, body: Array(error.reason.utf8))
        }
        guard let head = writer.head, writer.isFinished else {
            throw TestFailure("the responder returned without finishing its response")
        }
        if let length = head.headers["Content-Length"] {
            guard Int(length) == writer.body.count else {
                throw TestFailure("Content-Length \(length) but \(writer.body.count) body bytes")
            }
        }
        return TestResponse(status: head.status, headers: head.headers, body: writer.body)
    }
}

/// A failure of the test machinery itself.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
