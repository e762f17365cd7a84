// Goal: the fuzz entry points hold on a seeded hostile-input loop (STYLE.md, "A seeded hostile-input fuzz loop"):
// mutated valid requests, responses and multipart bodies, each checked for split invariance by HTTPFuzzing itself.
// Method: seeded byte flips, insertions and truncations of a small corpus; a failure traps with the input.
import HTTP
import Primitives
import Testing

/// Valid inputs the mutations start from.
let requestCorpus = [
    "GET /a?b=c HTTP/1.1\r\nHost: a\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbodyGET / HTTP/1.0\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nbody\r\n0\r\nT: 1\r\n\r\n",
]
let responseCorpus = [
    "\u{0}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    "\u{1}HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
    "\u{0}HTTP/1.0 200 OK\r\n\r\nuntil close",
]
let multipartCorpus = [
    "\u{0}pre\r\n--b\r\nContent-Type: a/b\r\n\r\nx\r\n--b\r\n\r\n\r\n--b--\r\nepi",
    "\u{1}--simple-boundary \r\nA: 1\r\n\r\n\r\n--simple-bound\r\n--simple-boundary--",
]

/// `input` with a few seeded mutations.
func mutated(_ input: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
    var bytes = input
    for _ in 0..<Int(random.next() % 4 + 1) where !bytes.isEmpty {
        let position = Int(random.next() % UInt64(bytes.count))
        switch random.next() % 5 {
        case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
        case 1: bytes.insert(contentsOf: Array("\r\n--b".utf8), at: position)
        case 2: bytes.removeSubrange(position...)
        case 3: bytes.insert(UInt8(ascii: [" ", "\r", "\n", ":", ";", "-"][Int(random.next() % 6)]), at: position)
        default: bytes.insert(contentsOf: bytes[position...].prefix(20), at: position)
        }
    }
    return bytes
}

@Suite struct HTTPFuzzingTests {
    @Test("the fuzz bodies hold for the corpus and 300 mutations of it", arguments: [UInt64(11), 12])
    func mutations(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for round in 0..<300 {
            let request = mutated(Array(requestCorpus[round % requestCorpus.count].utf8), &random)
            request.withUnsafeBytes { HTTPFuzzing.request($0) }
            let response = mutated(Array(responseCorpus[round % responseCorpus.count].utf8), &random)
            response.withUnsafeBytes { HTTPFuzzing.response($0) }
            let multipart = mutated(Array(multipartCorpus[round % multipartCorpus.count].utf8), &random)
            multipart.withUnsafeBytes { HTTPFuzzing.multipart($0) }
        }
    }
}
