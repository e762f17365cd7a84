// The body of the FuzzPDU libFuzzer target and of `tessera fuzz pdu`: a byte stream decoded as PDUs whole, byte by
// byte and in seeded random pieces must give the same transcript; every PDU decoded must encode back to bytes that
// decode to it; the PDVs go through the message assembler. Only DIMSEError may come out, never a trap.
public import DIMSE
import Primitives

/// Entry points for fuzzing the upper-layer PDU decoder, the command-set decoder and the message assembler.
public enum PDUFuzzing {
    /// Small limits, so fuzzed inputs reach every limit.
    public static let limits = DIMSELimits(
        dataPDUBytesMax: 600, associationPDUBytesMax: 2000, presentationContextCountMax: 4, transferSyntaxCountMax: 3,
        roleSelectionCountMax: 2, commandBytesMax: 300)

    /// One step of a decode: a PDU, the parts it made, or the error that ended the stream.
    public enum Entry: Sendable, Equatable {
        case pdu(PDU)
        case parts([MessagePart])
        case error(DIMSEError)
    }

    /// Checks the decoders on `input`.
    public static func check(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        let whole = transcript([bytes])
        let single = transcript(bytes.map { [$0] })
        precondition(whole == single, "pdu: whole \(whole) != byte by byte \(single)")
        var random = SeededRandom(seed: UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15 ^ HTTPFuzzing.checksum(bytes))
        let split = transcript(HTTPFuzzing.randomPieces(bytes, &random))
        precondition(whole == split, "pdu: whole \(whole) != random pieces \(split)")
        for case .pdu(let pdu) in whole { checkRoundTrip(pdu) }
    }

    /// What decoding `pieces` as one stream gives, stopping at the first error.
    public static func transcript(_ pieces: [[UInt8]]) -> [Entry] {
        var decoder = PDUDecoder(limits: limits)
        var assembler = MessageAssembler(commandBytesMax: limits.commandBytesMax)
        var entries: [Entry] = []
        for piece in pieces {
            decoder.append(piece)
            do {
                while let pdu = try decoder.next() {
                    entries.append(.pdu(pdu))
                    guard case .data(let values) = pdu else { continue }
                    for value in values {
                        let parts = try assembler.take(value)
                        if !parts.isEmpty { entries.append(.parts(parts)) }
                    }
                }
            } catch {
                entries.append(.error(error))
                return entries
            }
        }
        return entries
    }

    /// A decoded PDU encodes to bytes that decode to the same PDU (the encoder writes what the decoder reads).
    static func checkRoundTrip(_ pdu: PDU) {
        var decoder = PDUDecoder(limits: DIMSELimits())
        decoder.append(pdu.encoded())
        let again = try? decoder.next()
        precondition(again == pdu, "pdu: \(pdu) encodes to bytes that decode to \(String(describing: again))")
    }
}
