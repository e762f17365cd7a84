// Goal: the fuzz entry points hold on a seeded hostile-input loop (STYLE.md, "A seeded hostile-input fuzz loop"):
// mutated valid requests, responses and multipart bodies, each checked for split invariance by HTTPFuzzing itself.
// Method: the same seeded run `tessera fuzz` drives, a few seeds of 300 rounds; a failure traps with its input.
import Fuzzing
import HTTP
import Testing

@Suite struct HTTPFuzzingTests {
    @Test("seeded request and response mutations hold", arguments: [UInt64(11), 12, 13])
    func requests(seed: UInt64) {
        HTTPFuzzing.run(.request, seed: seed, rounds: 300)
    }

    @Test("seeded multipart mutations hold", arguments: [UInt64(21), 22, 23])
    func multipart(seed: UInt64) {
        HTTPFuzzing.run(.multipart, seed: seed, rounds: 300)
    }

    @Test("every corpus input is valid before mutation: it parses to an end without error")
    func corpusIsValid() {
        for input in HTTPFuzzing.corpus[.request] ?? [] where input.first.map({ $0 > 1 }) ?? false {
            let entries = HTTPTranscript.request([input], limits: HTTPFuzzing.requestLimits)
            #expect(entries.last == .end)
        }
        let multipart = HTTPFuzzing.corpus[.multipart] ?? []
        let first = HTTPTranscript.multipart(
            [Array(multipart[0].dropFirst())], boundary: "b", limits: HTTPFuzzing.multipartLimits)
        #expect(first.last == .end)
    }
}
