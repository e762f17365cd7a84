// The bodies of the libFuzzer targets and of `tessera fuzz http`: each parses one input whole, byte by byte and in
// seeded random pieces, and traps when the transcripts differ (split invariance, STYLE.md "Streaming parsers").
// Owns the checks only; the transcripts are in HTTPTranscript.swift.
public import HTTP
public import Primitives

/// Entry points for fuzzing the request parser, the response parser and the multipart reader.
public enum HTTPFuzzing {
    /// Small limits, so fuzzed inputs reach every limit.
    public static let requestLimits = HTTPLimits(
        requestLineBytesMax: 200, headerLineBytesMax: 120, headerBytesMax: 600, headerCountMax: 12,
        bodyBytesMax: 3000, chunkLineBytesMax: 40, trailerBytesMax: 100)
    /// Small multipart limits, for the same reason.
    public static let multipartLimits = MultipartLimits(
        partHeadBytesMax: 200, partCountMax: 20, preambleBytesMax: 300, paddingBytesMax: 8)
    /// Boundaries the multipart target picks from with its first input byte.
    public static let boundaries = ["b", "simple-boundary", String(repeating: "0123456789", count: 7)]

    /// Checks the request parser on `input`.
    public static func request(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        check(bytes, "request") { HTTPTranscript.request($0, limits: requestLimits) }
    }

    /// Checks the response parser on `input`; its first byte picks the request method (HEAD or GET).
    public static func response(_ input: UnsafeRawBufferPointer) {
        guard let first = input.first else { return }
        let method = first & 1 == 0 ? "GET" : "HEAD"
        let bytes = Array(input.dropFirst())
        check(bytes, "response") {
            HTTPTranscript.response($0, requestMethod: method, limits: requestLimits)
        }
    }

    /// Checks the multipart reader on `input`; its first byte picks the boundary. A body that parses completely
    /// is also written back with MultipartWriter and must read back to the same parts.
    public static func multipart(_ input: UnsafeRawBufferPointer) {
        guard let first = input.first else { return }
        let boundary = boundaries[Int(first) % boundaries.count]
        let bytes = Array(input.dropFirst())
        let whole = check(bytes, "multipart") {
            HTTPTranscript.multipart($0, boundary: boundary, limits: multipartLimits)
        }
        guard whole.last == HTTPTranscript.Entry.end, let rewritten = HTTPTranscript.rewrite(whole, boundary: boundary)
        else { return }
        // Bytes that are not UTF-8 come back from part heads as U+FFFD, which is longer: allow for it.
        var limits = multipartLimits
        limits.partHeadBytesMax *= 3
        let again = HTTPTranscript.multipart([rewritten], boundary: boundary, limits: limits)
        precondition(again == whole, "multipart: parts changed through MultipartWriter: \(whole) != \(again)")
    }

    /// Runs `transcript` on `bytes` whole, byte by byte and in seeded random pieces; traps on a difference.
    @discardableResult
    static func check(
        _ bytes: [UInt8], _ name: String, _ transcript: ([[UInt8]]) -> [HTTPTranscript.Entry]
    ) -> [HTTPTranscript.Entry] {
        let whole = transcript([bytes])
        let single = transcript(bytes.map { [$0] })
        precondition(whole == single, "\(name): whole \(whole) != byte by byte \(single)")
        var random = SeededRandom(seed: UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15 ^ checksum(bytes))
        let split = transcript(randomPieces(bytes, &random))
        precondition(whole == split, "\(name): whole \(whole) != random pieces \(split)")
        return whole
    }

    /// `bytes` cut at seeded random places into pieces of 0 to 16 bytes (empty pieces included on purpose).
    public static func randomPieces(_ bytes: [UInt8], _ random: inout SeededRandom) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            let count = min(Int(random.next() % 17), bytes.count - start)
            pieces.append(Array(bytes[start..<(start + count)]))
            start += count
        }
        return pieces
    }

    /// A fixed 64-bit checksum of `bytes`, seeding the random pieces so a crash reproduces from its input.
    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}
