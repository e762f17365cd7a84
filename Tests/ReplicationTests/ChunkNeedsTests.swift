// Goal: a target's answer names exactly the chunks it lacks, each once, and a source refuses any answer that does
// not fit its offer, so it never sends a chunk nobody asked for or skips one that was.
// Method: seeded addresses, answers carried through their bytes, then every way of breaking those bytes.
import Primitives
import Replication
import Testing

@Suite struct ChunkNeedsTests {
    static func address(_ index: UInt64) -> ChunkAddress {
        ChunkAddress(word0: index &* 0x9E37_79B9_7F4A_7C15, word1: index, word2: ~index, word3: 7)
    }

    @Test("an answer names what the target lacks, each address once, and survives its bytes")
    func answerNamesWhatTheTargetLacksOnceAndSurvivesItsBytes() throws {
        let offered = (0..<21).map { Self.address(UInt64($0 % 17)) }
        let held = Set((0..<17).filter { $0 % 3 == 0 }.map { Self.address(UInt64($0)) })
        let needs = ChunkNeeds.answering(offered, holds: held.contains)
        // Positions 17…20 repeat addresses 0…3: 0 and 3 are held, 1 and 2 were already asked for at 1 and 2.
        let expected = (0..<17).filter { $0 % 3 != 0 }
        #expect(needs.neededPositions == expected)
        let decoded = try ChunkNeeds.decode(needs.encoded(), offeredCount: offered.count)
        #expect(decoded == needs)
        #expect(decoded.neededPositions == expected)
        #expect(needs.encoded().count == 5 + 3)
    }

    @Test("a target holding every chunk or none; an empty offer")
    func holdingEverythingOrNothing() throws {
        let offered = (0..<64).map { Self.address(UInt64($0)) }
        let none = ChunkNeeds.answering(offered) { _ in true }
        #expect(none.isEmpty)
        #expect(none.neededPositions.isEmpty)
        let all = ChunkNeeds.answering(offered) { _ in false }
        #expect(!all.isEmpty)
        #expect(all.neededPositions == Array(0..<64))
        let empty = ChunkNeeds.answering([]) { _ in false }
        #expect(try ChunkNeeds.decode(empty.encoded(), offeredCount: 0) == empty)
    }

    @Test("answers that do not fit the offer are refused with the fault named")
    func answersThatDoNotFitTheOfferAreRefused() throws {
        let offered = (0..<13).map { Self.address(UInt64($0)) }
        let good = ChunkNeeds.answering(offered) { $0.word1 % 2 == 0 }.encoded()
        var badVersion = good
        badVersion[0] = 2
        var paddingSet = good
        paddingSet[paddingSet.count - 1] |= 0x80
        var tooMany = good
        tooMany.replaceSubrange(1..<5, with: [0xFF, 0xFF, 0xFF, 0x7F])
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "truncated"),
            ("version", badVersion, "unknown format version 2"),
            ("other count", good, "an answer for 13 chunks to an offer of 12"),
            ("over the limit", tooMany, "over the limit"),
            ("short bitmap", Array(good.dropLast()), "1 bitmap bytes where 2 were due"),
            ("long bitmap", good + [0], "3 bitmap bytes where 2 were due"),
            ("padding bits", paddingSet, "bits set past the last of 13 positions"),
            ("cut count", Array(good.prefix(3)), "truncated"),
        ]
        for (name, bytes, reason) in cases {
            let offeredCount = name == "other count" ? 12 : 13
            do {
                _ = try ChunkNeeds.decode(bytes, offeredCount: offeredCount)
                Issue.record("\(name): accepted")
            } catch {
                #expect(error.reason.contains(reason), "\(name): \(error.reason)")
            }
        }
    }

    @Test("seeded mutations never crash and never widen the offer")
    func seededMutationsNeverCrashAndNeverWidenTheOffer() {
        var random = SeededRandom(seed: 12)
        let offered = (0..<100).map { Self.address(UInt64($0)) }
        let good = ChunkNeeds.answering(offered) { $0.word1 % 5 == 0 }.encoded()
        for _ in 0..<2_000 {
            var bytes = good
            for _ in 0...(random.next() % 4) {
                bytes[Int(random.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            }
            if let needs = try? ChunkNeeds.decode(bytes, offeredCount: offered.count) {
                #expect(needs.count == offered.count)
                #expect(needs.neededPositions.allSatisfy { $0 < offered.count })
            }
        }
    }
}
