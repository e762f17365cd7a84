// Helpers that run a parser over one input cut three ways (whole, single bytes, seeded random pieces) and check the
// transcripts agree (STYLE.md, "Streaming parsers"), returning the whole-input transcript for further checks.
import Fuzzing
import HTTP
import Primitives
import Testing

/// Seeds for the random splits; fixed so a failure reproduces.
let splitSeeds: [UInt64] = [1, 2, 3, 42, 1234]

/// The input cut into single bytes and seeded random pieces, plus whole; a short input also in two pieces at every
/// position, so a delimiter or CRLF split at each of its bytes is covered.
func cuts(of bytes: [UInt8]) -> [[[UInt8]]] {
    var result: [[[UInt8]]] = [[bytes], bytes.map { [$0] }]
    if bytes.count <= 512 {
        for position in 1..<max(1, bytes.count) {
            result.append([Array(bytes[..<position]), Array(bytes[position...])])
        }
    }
    for seed in splitSeeds {
        var random = SeededRandom(seed: seed)
        result.append(HTTPFuzzing.randomPieces(bytes, &random))
    }
    return result
}

/// The request transcript of `text`, checked equal for every cut.
func requestTranscript(_ text: String, limits: HTTPLimits = HTTPLimits()) -> [HTTPTranscript.Entry] {
    requestTranscript(Array(text.utf8), limits: limits)
}

/// The request transcript of `bytes`, checked equal for every cut.
func requestTranscript(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> [HTTPTranscript.Entry] {
    let all = cuts(of: bytes).map { HTTPTranscript.request($0, limits: limits) }
    for other in all.dropFirst() { #expect(other == all[0]) }
    return all[0]
}

/// The response transcript of `text`, checked equal for every cut.
func responseTranscript(_ text: String, method: String = "GET", limits: HTTPLimits = HTTPLimits())
    -> [HTTPTranscript.Entry]
{
    let all = cuts(of: Array(text.utf8)).map {
        HTTPTranscript.response($0, requestMethod: method, limits: limits)
    }
    for other in all.dropFirst() { #expect(other == all[0]) }
    return all[0]
}

/// The multipart transcript of `bytes`, checked equal for every cut.
func multipartTranscript(
    _ bytes: [UInt8], boundary: String, limits: MultipartLimits = MultipartLimits()
) -> [HTTPTranscript.Entry] {
    let all = cuts(of: bytes).map { HTTPTranscript.multipart($0, boundary: boundary, limits: limits) }
    for other in all.dropFirst() { #expect(other == all[0]) }
    return all[0]
}

/// The bytes of `text`.
func body(_ text: String) -> HTTPTranscript.Entry { .body(Array(text.utf8)) }

/// The error code at the end of a transcript, if any.
func errorCode(_ entries: [HTTPTranscript.Entry]) -> HTTPParseError.Code? {
    if case .error(let code, _) = entries.last { return code }
    return nil
}
