// The seeded hostile-input loop behind `tessera fuzz http|multipart --seed N` and the unit tests: mutations of a
// small built-in corpus, each run through the same checks as the libFuzzer targets. One seed replays one run.
import HTTP
import Primitives

extension HTTPFuzzing {
    /// Which parser a seeded run exercises.
    public enum Target: String, Sendable, CaseIterable {
        /// Pipelined requests (and, on the same inputs, responses).
        case request
        /// Multipart bodies.
        case multipart
    }

    /// Valid inputs the mutations start from; a response input's first byte picks the method, a multipart one's
    /// picks the boundary (see `response(_:)` and `multipart(_:)`).
    public static let corpus: [Target: [[UInt8]]] = [
        .request: [
            "GET /a?b=c HTTP/1.1\r\nHost: a\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbodyGET / HTTP/1.0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nbody\r\n0\r\nT: 1\r\n\r\n",
            "\u{0}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            "\u{1}HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\nok\r\n0\r\n\r\n",
            "\u{0}HTTP/1.0 200 OK\r\n\r\nuntil close",
        ].map { Array($0.utf8) },
        .multipart: [
            "\u{0}pre\r\n--b\r\nContent-Type: a/b\r\n\r\nx\r\n--b\r\n\r\n\r\n--b--\r\nepi",
            "\u{1}--simple-boundary \r\nA: 1\r\n\r\n\r\n--simple-bound\r\n--simple-boundary--",
            "\u{0}--b\r\n\r\nabc\r\n--b\r\n\r\nde",
        ].map { Array($0.utf8) },
    ]

    /// Runs `rounds` seeded mutations of the corpus through the checks of `target`; traps on a failure, naming
    /// nothing but the seed is needed to replay it.
    public static func run(_ target: Target, seed: UInt64, rounds: Int) {
        precondition(rounds >= 0, "rounds must not be negative")
        var random = SeededRandom(seed: seed)
        let inputs = corpus[target] ?? []
        for round in 0..<rounds {
            let input = mutated(inputs[round % inputs.count], &random)
            input.withUnsafeBytes { bytes in
                switch target {
                case .request:
                    request(bytes)
                    response(bytes)
                case .multipart:
                    multipart(bytes)
                }
            }
        }
    }

    /// What mutations insert: a delimiter start and the separators the head and multipart grammars turn on.
    static let mutationTokens: [[UInt8]] = [Array("\r\n--b".utf8)] + Array(" \r\n:;-,\"".utf8).map { [$0] }

    /// `input` with one to four seeded mutations (SeededMutation, with the HTTP tokens).
    static func mutated(_ input: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        SeededMutation.mutated(input, tokens: mutationTokens, random: &random)
    }
}
