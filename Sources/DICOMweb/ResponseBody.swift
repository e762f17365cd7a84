// Writes a response whose body is already in memory (DICOM JSON of searches, metadata, STOW-RS answers), with an
// exact Content-Length so the client needs no chunked decoding.
import HTTP

/// Small in-memory response bodies.
enum ResponseBody {
    /// Sends `bytes` with `status` and `headers`, adding Content-Length.
    static func write(_ bytes: [UInt8], status: Int, headers: HTTPHeaders, to response: inout some HTTPResponseWriter)
        throws
    {
        var headers = headers
        headers.replace("Content-Length", "\(bytes.count)")
        try response.writeHead(HTTPResponseHead(status: status, headers: headers))
        if !bytes.isEmpty { try bytes.withUnsafeBytes { try response.writeBody($0) } }
        try response.finish()
    }
}
