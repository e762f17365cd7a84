// Goal: hostile or broken PDUs end in a DIMSEError naming what was wrong and the abort reason PS3.8 gives it, never a
// trap and never an unbounded buffer. Method: hand-made bad PDUs, each decoded alone; then the seeded mutation loop
// that `tessera fuzz pdu` and the FuzzPDU target run.
import DIMSE
import Fuzzing
import Primitives
import Testing

struct PDUHostileInputTests {
    /// The error decoding `bytes` ends with, or nil when they decode (or wait for more) without one.
    static func error(_ bytes: [UInt8], limits: DIMSELimits = DIMSELimits()) -> DIMSEError? {
        var decoder = PDUDecoder(limits: limits)
        decoder.append(bytes)
        do {
            while try decoder.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    static func header(_ type: UInt8, length: Int) -> [UInt8] {
        [type, 0] + (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * $0)) }
    }

    static func requestBytes() throws -> [UInt8] { PDU.associateRequest(try PDUCodecTests.request()).encoded() }

    @Test("an unknown PDU type is refused from its header: unrecognized PDU")
    func unknownType() {
        let error = Self.error(Self.header(0x09, length: 4))
        #expect(error?.code == .unrecognizedPDU)
        #expect(error?.abortReason == .unrecognizedPDU)
        #expect(error?.message.contains("0x9") == true)
    }

    @Test("a P-DATA-TF longer than the negotiated maximum is refused from its header, before its body arrives")
    func dataTooLarge() {
        let error = Self.error(Self.header(0x04, length: 4097), limits: DIMSELimits(dataPDUBytesMax: 4096))
        #expect(error?.code == .pduTooLarge)
        #expect(error?.message.contains("4096") == true)
        #expect(Self.error(Self.header(0x01, length: 1 << 30))?.code == .pduTooLarge)
        #expect(Self.error(Self.header(0x04, length: 4096), limits: DIMSELimits(dataPDUBytesMax: 4096)) == nil)
    }

    @Test("fixed-length PDUs of another length, and reject or abort fields out of range, are invalid")
    func fixedLengths() {
        #expect(Self.error(Self.header(0x05, length: 6) + [0, 0, 0, 0, 0, 0])?.code == .invalidParameter)
        #expect(Self.error(Self.header(0x07, length: 4) + [0, 0, 1, 0])?.code == .invalidParameter)
        #expect(Self.error(Self.header(0x07, length: 4) + [0, 0, 2, 3])?.code == .invalidParameter)
        #expect(Self.error(Self.header(0x03, length: 4) + [0, 3, 1, 1])?.code == .invalidParameter)
        #expect(Self.error(Self.header(0x07, length: 4) + [0, 0, 0, 9]) == nil)  // A user's reason is not significant.
    }

    @Test("PDVs with a length past the PDU, below 2 or an even context, and a P-DATA-TF without PDVs, are invalid")
    func badDataValues() {
        let cases: [[UInt8]] = [
            Self.header(0x04, length: 0),
            Self.header(0x04, length: 6) + [0, 0, 0, 9, 1, 3],
            Self.header(0x04, length: 6) + [0, 0, 0, 1, 1, 3],
            Self.header(0x04, length: 6) + [0, 0, 0, 2, 2, 3],
            Self.header(0x04, length: 3) + [0, 0, 0],
        ]
        for bytes in cases {
            let error = Self.error(bytes)
            #expect(error?.code == .invalidParameter, "\(bytes)")
            #expect(error?.abortReason == .invalidParameterValue)
        }
    }

    @Test("item lengths past their parent, repeats, missing items and bad values in a request are refused")
    func badRequests() throws {
        let good = try Self.requestBytes()
        #expect(Self.error(good) == nil)
        var cut = good
        cut[77] = 200  // The application context item claims more bytes than the PDU has.
        #expect(Self.error(cut)?.code == .invalidParameter)
        var short = Self.header(0x01, length: 20) + [UInt8](repeating: 0x41, count: 20)
        #expect(Self.error(short)?.message.contains("shorter than its head") == true)
        short = good
        short.replaceSubrange(10..<26, with: [UInt8](repeating: 0x20, count: 16))
        #expect(Self.error(short)?.message.contains("called AE title is empty") == true)
        var backslash = good
        backslash[10] = UInt8(ascii: "\\")
        #expect(Self.error(backslash)?.code == .invalidParameter)
        var unknown = good
        unknown[74] = 0x11
        #expect(Self.error(unknown)?.code == .unrecognizedParameter)
        var wrongKind = good
        wrongKind[99] = 0x21
        #expect(Self.error(wrongKind)?.code == .unexpectedParameter)
        var evenContext = good
        evenContext[103] = 2
        #expect(Self.error(evenContext)?.message.contains("not odd") == true)
        var badUID = good
        badUID[80] = UInt8(ascii: "x")
        #expect(Self.error(badUID)?.message.contains("is not a UID") == true)
    }

    @Test("more presentation contexts or transfer syntaxes than the limits are refused naming the limit")
    func countLimits() throws {
        let bytes = try Self.requestBytes()
        let contexts = Self.error(bytes, limits: DIMSELimits(presentationContextCountMax: 1))
        #expect(contexts?.message.contains("more than 1 presentation contexts") == true)
        let syntaxes = Self.error(bytes, limits: DIMSELimits(transferSyntaxCountMax: 2))
        #expect(syntaxes?.message.contains("more than 2 transfer syntaxes") == true)
        let roles = Self.error(bytes, limits: DIMSELimits(roleSelectionCountMax: 0))
        #expect(roles?.message.contains("role selections") == true)
    }

    @Test("a request without user information or a maximum length is refused naming what is missing")
    func missingItems() throws {
        var request = try PDUCodecTests.request()
        request.presentationContexts = []
        var bytes = PDU.associateRequest(request).encoded()
        // Without presentation contexts the user information item follows the application context at 99: cut it
        // off and fix the PDU length.
        #expect(bytes[99] == 0x50)
        bytes.removeSubrange(99...)
        let length = UInt32(bytes.count - 6)
        bytes.replaceSubrange(2..<6, with: (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * $0)) })
        #expect(Self.error(bytes)?.message.contains("no user information") == true)
    }

    @Test("after an error the decoder keeps throwing it: the association is over")
    func errorIsSticky() {
        var decoder = PDUDecoder()
        decoder.append(Self.header(0x09, length: 0))
        #expect(throws: DIMSEError.self) { try decoder.next() }
        decoder.append(PDU.releaseRequest.encoded())
        #expect(throws: DIMSEError.self) { try decoder.next() }
    }

    @Test("seeded PDU mutations hold", arguments: [1, 2, 3] as [UInt64])
    func seededMutations(seed: UInt64) {
        PDUFuzzing.run(seed: seed, rounds: 3000)
    }
}
