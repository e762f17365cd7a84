// Goal: messages leave in PDUs the peer accepts: no PDV longer than its maximum, only the final one flagged last,
// and the bytes unchanged whatever pieces they were appended in. Method: random messages and pieces, reassembled
// with MessageAssembler's rules and compared.
import DIMSE
import Fuzzing
import Primitives
import Testing

struct MessageFragmenterTests {
    @Test("the fragment size follows the peer's maximum length, with 0 meaning our cap")
    func fragmentSize() {
        #expect(MessageFragmenter.fragmentBytesMax(peerMaximumLength: 16384, cap: 1 << 20) == 16378)
        #expect(MessageFragmenter.fragmentBytesMax(peerMaximumLength: 0, cap: 1 << 20) == (1 << 20) - 6)
        #expect(MessageFragmenter.fragmentBytesMax(peerMaximumLength: 1 << 30, cap: 1 << 20) == (1 << 20) - 6)
        #expect(MessageFragmenter.fragmentBytesMax(peerMaximumLength: 3, cap: 1 << 20) == 1)
    }

    @Test(
        "random messages in random pieces come out whole, within the limit, last flag on the final PDV only",
        arguments: [1, 2, 3] as [UInt64])
    func streaming(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for _ in 0..<50 {
            let size = Int(random.next() % 5000)
            let message = (0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let fragmentBytesMax = Int(random.next() % 700) + 1
            var fragmenter = MessageFragmenter(contextID: 7, isCommand: false, fragmentBytesMax: fragmentBytesMax)
            var pdus: [PDU] = []
            for piece in HTTPFuzzing.randomPieces(message, &random) { pdus += fragmenter.append(piece) }
            pdus += fragmenter.finish()
            var joined: [UInt8] = []
            for (index, pdu) in pdus.enumerated() {
                guard case .data(let values) = pdu, values.count == 1, let value = values.first else {
                    Issue.record("not one PDV: \(pdu)")
                    return
                }
                #expect(value.bytes.count <= fragmentBytesMax)
                #expect(value.isLast == (index == pdus.count - 1))
                #expect(value.contextID == 7 && !value.isCommand)
                joined += value.bytes
            }
            #expect(joined == message)
            #expect(pdus.count == max(1, (size + fragmentBytesMax - 1) / fragmentBytesMax))
        }
    }
}
