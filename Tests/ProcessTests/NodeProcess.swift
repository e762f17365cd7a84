// Helpers for the process tests: files to write and list, and a plain HTTP GET to a node's own routes. Starting a
// node and capturing a run live in TestSupport (NodeProcess, runCaptured), shared with InteropTests.
import Foundation
import Posix
import TestSupport
import Testing

/// Writes `text` to `path`, readable by its owner only (config files hold tokens).
func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
}

/// Every regular file under `directory`, as paths relative to it.
func files(under directory: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory)
    var found: [String] = []
    while let relative = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory),
            !isDirectory.boolValue
        {
            found.append(relative)
        }
    }
    return found.sorted()
}

/// A plain HTTP/1.1 GET of `path` on 127.0.0.1:`port` over a Posix socket, for the node's own routes: the status
/// code and the body (the connection is closed by the server after the answer). `headers` are added as given.
func httpGet(port: Int, path: String, headers: [(String, String)] = []) async throws -> (status: Int, body: String) {
    let lines = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
    let result = await runOnOwnedThread {
        Result { () throws -> HTTPAnswer in try httpGetBlocking(port: port, path: path, headerLines: lines) }
    }
    let answer = try result.get()
    return (answer.status, answer.body)
}

/// A status and body.
struct HTTPAnswer: Sendable {
    let status: Int
    let body: String
}

private func httpGetBlocking(port: Int, path: String, headerLines: String) throws -> HTTPAnswer {
    let socket = try Socket.connect(host: "127.0.0.1", port: port)
    defer { socket.close() }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\(headerLines)\r\n".utf8)
    try request.withUnsafeBytes { try socket.sendAll($0) }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 << 10)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
        if count == 0 { break }
        answer += buffer[0..<count]
    }
    let text = String(decoding: answer, as: UTF8.self)
    let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
    let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    return HTTPAnswer(status: status, body: body)
}
