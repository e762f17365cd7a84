// Goal: command sets encode in Implicit VR Little Endian as PS3.7 §6.3.1 and §E.1 lay them out, decode back to the
// same values, and broken ones are refused naming the element. Method: round trips of each message, a C-ECHO-RQ
// compared byte by byte with the layout dcmtk's echoscu sends, and hand-made bad command sets.
import DIMSE
import Testing

struct CommandSetTests {
    static func echo() -> CommandSet {
        var command = CommandSet(field: .cEchoRequest, hasDataSet: false)
        command.messageID = 1
        command.affectedSOPClassUID = "1.2.840.10008.1.1"
        return command
    }

    @Test("a C-ECHO-RQ is the bytes PS3.7 §E.1 lays out: group length, then elements in order, UIDs NUL-padded")
    func echoLayout() {
        let bytes = Self.echo().encoded()
        let expected: [UInt8] =
            [0, 0, 0, 0, 4, 0, 0, 0, 56, 0, 0, 0]  // (0000,0000) UL 56
            + [0, 0, 2, 0, 18, 0, 0, 0] + Array("1.2.840.10008.1.1".utf8) + [0]  // (0000,0002) UI, NUL-padded
            + [0, 0, 0, 1, 2, 0, 0, 0, 0x30, 0]  // (0000,0100) US 0030H
            + [0, 0, 0x10, 1, 2, 0, 0, 0, 1, 0]  // (0000,0110) US 1
            + [0, 0, 0, 8, 2, 0, 0, 0, 1, 1]  // (0000,0800) US 0101H: no data set
        #expect(bytes == expected)
    }

    @Test("every message type round-trips with its fields")
    func roundTrips() throws {
        var store = CommandSet(field: .cStoreRequest, hasDataSet: true)
        store.messageID = 7
        store.priority = 2
        store.affectedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        store.affectedSOPInstanceUID = "1.2.3.4.5.6.7"
        store.moveOriginatorAETitle = try AETitle("MOVESCU")
        store.moveOriginatorMessageID = 3
        var response = CommandSet(field: .cGetResponse, hasDataSet: false)
        response.respondedMessageID = 9
        response.affectedSOPClassUID = "1.2.840.10008.5.1.4.1.2.2.3"
        response.status = 0xFF00
        response.remainingCount = 10
        response.completedCount = 2
        response.failedCount = 1
        response.warningCount = 0
        response.errorComment = "one instance is not readable"
        response.offendingElements = [0x0008_0018, 0x0020_000D]
        var move = CommandSet(field: .cMoveRequest, hasDataSet: true)
        move.messageID = 1
        move.priority = 0
        move.affectedSOPClassUID = "1.2.840.10008.5.1.4.1.2.2.2"
        move.moveDestination = try AETitle("STORESCP")
        var cancel = CommandSet(field: .cCancelRequest, hasDataSet: false)
        cancel.respondedMessageID = 1
        for command in [Self.echo(), store, response, move, cancel] {
            let bytes = command.encoded()
            #expect(bytes.count % 2 == 0)
            #expect(try CommandSet.decode(bytes) == command)
        }
    }

    /// `command`'s bytes with element `number` removed (the group length is not checked on decode).
    static func without(_ number: UInt16, in command: CommandSet) -> [UInt8] {
        var bytes = command.encoded()
        var index = 0
        while index < bytes.count {
            let element = UInt16(bytes[index + 2]) | UInt16(bytes[index + 3]) << 8
            let length = Int(bytes[index + 4]) | Int(bytes[index + 5]) << 8
            if element == number {
                bytes.removeSubrange(index..<(index + 8 + length))
                return bytes
            }
            index += 8 + length
        }
        return bytes
    }

    @Test("missing required elements are refused naming them")
    func missingElements() {
        let cases: [(UInt16, String)] = [
            (0x0100, "no Command Field"), (0x0110, "Message ID (0000,0110)"),
            (0x0002, "Affected SOP Class UID"), (0x0800, "Command Data Set Type"),
        ]
        for (number, words) in cases {
            #expect(throws: DIMSEError.self) { try CommandSet.decode(Self.without(number, in: Self.echo())) }
            do {
                _ = try CommandSet.decode(Self.without(number, in: Self.echo()))
            } catch {
                #expect(error.code == .invalidCommand)
                #expect(error.message.contains(words), "\(error.message)")
            }
        }
        var echoWithData = Self.echo()
        echoWithData.hasDataSet = true
        #expect(throws: DIMSEError(.invalidCommand, "C-ECHO-RQ has a data set")) {
            try CommandSet.decode(echoWithData.encoded())
        }
    }

    @Test("elements outside group 0000, out of order, cut, of the wrong size or with bad values are refused")
    func brokenElements() {
        let good = Self.echo().encoded()
        var outside = good
        outside[12] = 8  // (0008,0002)
        var outOfOrder = good
        outOfOrder.replaceSubrange(40..<42, with: [1, 0])  // (0000,0100) becomes (0000,0001), after (0000,0002)
        var cut = good
        cut.removeLast(1)
        var wrongSize = good
        wrongSize[42] = 4  // Command Field's length says 4.
        var badUID = good
        badUID[20] = UInt8(ascii: "a")
        var unknownField = good
        unknownField[46] = 0x99
        for (bytes, words) in [
            (outside, "outside group 0000"), (outOfOrder, "out of order"), (cut, "past the command's end"),
            (wrongSize, "not 2 (US)"), (badUID, "is not a UID"), (unknownField, "is not a C-service"),
        ] {
            do {
                _ = try CommandSet.decode(bytes)
                Issue.record("decoded: \(words)")
            } catch {
                #expect(error.code == .invalidCommand)
                #expect(error.message.contains(words), "\(error.message)")
            }
        }
    }
}

struct DIMSEStatusTests {
    @Test("statuses classify as PS3.7 Annex C says: success, warning, pending, failure, cancel")
    func classes() {
        #expect(!DIMSEStatus.isFailure(DIMSEStatus.success))
        #expect(!DIMSEStatus.isFailure(DIMSEStatus.coercionOfDataElements))
        #expect(!DIMSEStatus.isFailure(DIMSEStatus.elementsDiscarded))
        #expect(!DIMSEStatus.isFailure(DIMSEStatus.pending) && DIMSEStatus.isPending(DIMSEStatus.pending))
        #expect(DIMSEStatus.isPending(DIMSEStatus.pendingWithWarnings))
        for failure in [
            DIMSEStatus.outOfResources, DIMSEStatus.moveDestinationUnknown, DIMSEStatus.dataSetDoesNotMatchSOPClass,
            DIMSEStatus.unableToProcess, DIMSEStatus.cancel, DIMSEStatus.sopClassNotSupported,
            DIMSEStatus.processingFailure, DIMSEStatus.duplicateSOPInstance,
        ] {
            #expect(DIMSEStatus.isFailure(failure), "\(failure)")
            #expect(!DIMSEStatus.isPending(failure))
        }
    }
}
