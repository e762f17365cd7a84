// Goal: every PDU encodes to the PS3.8 §9.3 layout and decodes back to itself, whatever pieces the bytes arrive in.
// Method: round trips of each PDU type; a request checked byte by byte at the offsets PS3.8 fixes; the corpus
// streams decoded whole, byte by byte and in seeded random pieces (NIO's split invariance).
import DIMSE
import Fuzzing
import Primitives
import Testing

struct PDUCodecTests {
    static func title(_ text: String) throws -> AETitle { try AETitle(text) }

    static func request() throws -> AssociateRequest {
        AssociateRequest(
            calledAETitle: try title("TESSERA"), callingAETitle: try title("STORESCU"),
            presentationContexts: [
                .init(id: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: ["1.2.840.10008.1.2"]),
                .init(
                    id: 3, abstractSyntax: "1.2.840.10008.5.1.4.1.1.2",
                    transferSyntaxes: ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.4.50"]),
            ],
            userInformation: UserInformation(
                maximumLength: 16384, implementationClassUID: "1.2.276.0.7230010.3.0.3.6.8",
                implementationVersionName: "OFFIS_DCMTK_368", asynchronousWindow: .init(invoked: 0, performed: 1),
                roleSelections: [.init(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", isSCU: false, isSCP: true)],
                userIdentity: .init(
                    type: 2, isResponseRequested: true, primaryField: Array("u".utf8),
                    secondaryField: Array("p".utf8))))
    }

    static func decodeAll(_ pieces: [[UInt8]]) throws -> [PDU] {
        var decoder = PDUDecoder()
        var pdus: [PDU] = []
        for piece in pieces {
            decoder.append(piece)
            while let pdu = try decoder.next() { pdus.append(pdu) }
        }
        #expect(decoder.bufferedBytes == 0)
        return pdus
    }

    @Test("each PDU type round-trips through its bytes")
    func roundTrips() throws {
        let accept = AssociateAccept(
            calledAETitle: try Self.title("TESSERA"), callingAETitle: try Self.title("STORESCU"),
            presentationContexts: [
                .init(id: 1, outcome: .acceptance, transferSyntax: "1.2.840.10008.1.2"),
                .init(id: 3, outcome: .abstractSyntaxNotSupported, transferSyntax: ""),
            ],
            userInformation: UserInformation(
                maximumLength: 1 << 20, implementationClassUID: "1.2.3", implementationVersionName: "TESSERA",
                userIdentityResponse: [1, 2]))
        let pdus: [PDU] = [
            .associateRequest(try Self.request()), .associateAccept(accept),
            .associateReject(.callingAETitleNotRecognized),
            .data([
                .init(contextID: 1, isCommand: true, isLast: true, bytes: [1, 2, 3]),
                .init(contextID: 3, isCommand: false, isLast: false, bytes: []),
            ]),
            .releaseRequest, .releaseResponse,
            .abort(AssociationAbort(source: .serviceProvider, reason: .unexpectedPDU)),
            .abort(.byUser),
        ]
        for pdu in pdus { #expect(try Self.decodeAll([pdu.encoded()]) == [pdu]) }
        #expect(try Self.decodeAll([pdus.flatMap { $0.encoded() }]) == pdus)
    }

    @Test("an A-ASSOCIATE-RQ has its fields at the offsets PS3.8 §9.3.2 fixes")
    func requestLayout() throws {
        let bytes = PDU.associateRequest(try Self.request()).encoded()
        #expect(bytes[0] == 0x01 && bytes[1] == 0)
        let length = bytes[2..<6].reduce(0) { $0 << 8 | Int($1) }
        #expect(length == bytes.count - 6)
        #expect(bytes[6..<8] == [0, 1])  // protocol version 1
        #expect(Array(bytes[10..<26]) == Array("TESSERA         ".utf8))
        #expect(Array(bytes[26..<42]) == Array("STORESCU        ".utf8))
        #expect(bytes[42..<74].allSatisfy { $0 == 0 })
        // The application context item follows: type 10H, reserved, length 21, the UID unpadded.
        #expect(Array(bytes[74..<78]) == [0x10, 0, 0, 21])
        #expect(Array(bytes[78..<99]) == Array("1.2.840.10008.3.1.1.1".utf8))
        #expect(bytes[99] == 0x20)
    }

    @Test("a data head written apart from its data is the same bytes as the whole P-DATA-TF PDU")
    func dataHead() {
        let data: [UInt8] = Array(0..<200)
        let whole = PDU.data([.init(contextID: 5, isCommand: false, isLast: true, bytes: data)]).encoded()
        #expect(PDU.dataHead(contextID: 5, isCommand: false, isLast: true, dataBytes: data.count) + data == whole)
    }

    @Test("AE titles and UIDs padded with NUL or spaces decode without their padding")
    func padding() throws {
        var bytes = PDU.associateRequest(try Self.request()).encoded()
        bytes.replaceSubrange(10..<26, with: Array("  TESSERA".utf8) + [UInt8](repeating: 0, count: 7))
        // Pads the application context UID with a NUL, as some peers do, and fixes the item and PDU lengths.
        bytes.insert(0, at: 99)
        bytes[77] += 1
        let length = UInt32(bytes.count - 6)
        bytes.replaceSubrange(2..<6, with: (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * $0)) })
        let pdus = try Self.decodeAll([bytes])
        guard case .associateRequest(let request) = pdus.first else {
            Issue.record("no request")
            return
        }
        #expect(request.calledAETitle.value == "TESSERA")
        #expect(request.applicationContextName == dicomApplicationContextName)
    }

    @Test("the corpus streams decode alike whole, byte by byte and in random pieces", arguments: [1, 2, 3] as [UInt64])
    func splitInvariance(seed: UInt64) throws {
        for stream in PDUFuzzing.corpus {
            let whole = try Self.decodeAll([stream])
            #expect(!whole.isEmpty)
            #expect(try Self.decodeAll(stream.map { [$0] }) == whole)
            var random = SeededRandom(seed: seed)
            #expect(try Self.decodeAll(HTTPFuzzing.randomPieces(stream, &random)) == whole)
        }
    }
}

extension PDUCodecTests {
    @Test("hasWholePDU says whether next() can answer from the bytes already received")
    func wholePDU() throws {
        let release = PDU.releaseRequest.encoded()
        let data = PDU.data([.init(contextID: 1, isCommand: true, isLast: true, bytes: [1, 2, 3])]).encoded()
        var decoder = PDUDecoder()
        #expect(!decoder.hasWholePDU)
        decoder.append(data.prefix(5))
        #expect(!decoder.hasWholePDU, "less than a header")
        decoder.append(data.dropFirst(5).dropLast())
        #expect(!decoder.hasWholePDU, "a header and part of the body")
        decoder.append(data.suffix(1) + release)
        #expect(decoder.hasWholePDU)
        #expect(try decoder.next() == .data([.init(contextID: 1, isCommand: true, isLast: true, bytes: [1, 2, 3])]))
        #expect(decoder.hasWholePDU, "the release behind it, in the same read")
        #expect(try decoder.next() == .releaseRequest)
        #expect(!decoder.hasWholePDU)
        // A header the limits refuse answers at once too: next() throws it without waiting for the body.
        decoder.append([0x04, 0x00, 0x7F, 0xFF, 0xFF, 0xFF])
        #expect(decoder.hasWholePDU)
        #expect(throws: DIMSEError.self) { try decoder.next() }
    }
}
