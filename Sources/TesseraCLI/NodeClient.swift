// The client side of `tessera store/fetch/find`: which node (`--node URL`), which token (`--token` or
// $TESSERA_TOKEN), and requests to its DICOMweb service through Transport's HTTPClient.
import Foundation
import Glibc
import HTTP
import Posix
import Primitives
import Transport

/// A response whose (small) body was read whole: QIDO-RS results, STOW-RS answers, errors.
struct BufferedResponse {
    var status: Int
    var reason: String
    var headers: HTTPHeaders
    var body: [UInt8]

    /// "HTTP 401 Unauthorized: the bearer token is not valid", for messages.
    var summary: String {
        var text = "HTTP \(status) \(reason)"
        let type = headers["Content-Type"] ?? ""
        if type.hasPrefix("text/plain") || type.isEmpty {
            let detail = String(decoding: body.prefix(500), as: UTF8.self)
                .split(whereSeparator: \.isNewline).joined(separator: " ")
            if !detail.isEmpty { text += ": " + detail }
        }
        return text
    }
}

/// One node's DICOMweb service as the client commands see it.
final class NodeClient {
    /// The most bytes of a response body read whole; QIDO answers and STOW reports are far smaller.
    static let bufferedBodyBytesMax = 256 << 20

    /// "http://127.0.0.1:8042".
    let origin: String
    /// The DICOMweb path prefix, "/dicom-web".
    let dicomWebPath: String
    private let client: HTTPClient
    private let token: String?

    /// Connects to the node named by `--node` with `--token` (or $TESSERA_TOKEN).
    convenience init(_ arguments: Arguments) throws {
        let url = try arguments.required("node")
        try self.init(url: url, token: arguments.value("token") ?? environment("TESSERA_TOKEN"))
    }

    /// Accepts "http[s]://host:port" or "http[s]://host:port/dicom-web" (what `tessera node` prints); https trusts
    /// the CA certificate $TESSERA_CA names, and the node's certificate must name the host.
    init(url: String, token: String?) throws {
        guard let scheme = ["http://", "https://"].first(where: { url.hasPrefix($0) }) else {
            throw UsageError(description: "--node must be an http:// URL such as http://127.0.0.1:8042, got '\(url)'")
        }
        let rest = url.dropFirst(scheme.count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        guard !authority.isEmpty else { throw UsageError(description: "--node '\(url)' has no host") }
        origin = scheme + authority
        dicomWebPath = path.isEmpty ? "/dicom-web" : path
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        var tls: TLSContext?
        if scheme == "https://" {
            guard let path = environment("TESSERA_CA"), let authority = FileManager.default.contents(atPath: path)
            else {
                throw UsageError(
                    description: "--node \(url) is https: set TESSERA_CA to the file of the CA certificate that "
                        + "signed the node's certificate")
            }
            tls = try TLSContext.client(authorityPEM: Array(authority))
        }
        do {
            client = try HTTPClient(baseURL: origin, clock: MonotonicClock(), tls: tls)
        } catch {
            throw ClientError("cannot use node \(url): \(error)")
        }
    }

    /// GETs `target` (under the DICOMweb path) and reads the whole answer.
    func get(_ target: String, accept: String) throws -> BufferedResponse {
        var response = try open(target, accept: accept)
        return try buffered(&response)
    }

    /// GETs `target` (under the DICOMweb path); the body streams from the result.
    func open(_ target: String, accept: String) throws -> HTTPClientResponse {
        var headers = baseHeaders()
        headers.add("Accept", accept)
        return try exchange { try client.send(method: "GET", target: dicomWebPath + target, headers: headers) }
    }

    /// POSTs a multipart body to `target` (under the DICOMweb path) and reads the whole answer.
    ///
    /// It asks `Expect: 100-continue`, so a refusal (401, 403, 413) comes back before any file is sent.
    func post(_ target: String, body: MultipartFileBody, accept: String) throws -> BufferedResponse {
        var headers = baseHeaders()
        headers.add("Accept", accept)
        headers.add("Content-Type", body.contentType)
        var response = try exchange {
            try client.send(
                method: "POST", target: dicomWebPath + target, headers: headers, body: body,
                bodyLength: Int(body.length), expectContinue: true)
        }
        return try buffered(&response)
    }

    private func buffered(_ response: inout HTTPClientResponse) throws -> BufferedResponse {
        let body = try exchange { try response.readAll(bytesMax: Self.bufferedBodyBytesMax) }
        return BufferedResponse(
            status: response.status, reason: response.head.reason, headers: response.headers, body: body)
    }

    /// Runs one exchange, turning transport failures into one line naming the node.
    private func exchange<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as TransportError where error.code == .connectionFailed {
            throw ClientError("cannot reach the node at \(origin) (\(error.description)); is `tessera node` running?")
        } catch let error as TransportError {
            throw ClientError("node \(origin): \(error.description)")
        }
    }

    /// The headers every request carries: the bearer token when there is one.
    private func baseHeaders() -> HTTPHeaders {
        var headers = HTTPHeaders()
        if let token { headers.add("Authorization", "Bearer \(token)") }
        return headers
    }
}

/// The value of the environment variable `name`, if set.
func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}
