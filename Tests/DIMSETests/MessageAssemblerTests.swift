// Goal: the assembler gathers a command from its fragments, passes its data set through fragment by fragment, and
// refuses fragments out of order, on another context or past the command limit. Method: PDVs fed by hand.
import DIMSE
import Testing

struct MessageAssemblerTests {
    static func store() -> CommandSet {
        var command = CommandSet(field: .cStoreRequest, hasDataSet: true)
        command.messageID = 5
        command.priority = 0
        command.affectedSOPClassUID = "1.2.840.10008.5.1.4.1.1.4"
        command.affectedSOPInstanceUID = "1.2.3.4"
        return command
    }

    static func pdv(_ context: UInt8, command: Bool, last: Bool, _ bytes: [UInt8]) -> PresentationDataValue {
        PresentationDataValue(contextID: context, isCommand: command, isLast: last, bytes: bytes)
    }

    @Test("a command in three fragments, then its data set in two, then a C-ECHO")
    func wholeMessages() throws {
        var assembler = MessageAssembler()
        let bytes = Self.store().encoded()
        #expect(try assembler.take(Self.pdv(3, command: true, last: false, Array(bytes[..<10]))) == [])
        #expect(assembler.isInsideMessage)
        #expect(try assembler.take(Self.pdv(3, command: true, last: false, Array(bytes[10..<40]))) == [])
        #expect(
            try assembler.take(Self.pdv(3, command: true, last: true, Array(bytes[40...])))
                == [.command(Self.store(), contextID: 3)])
        #expect(assembler.isInsideMessage)
        #expect(
            try assembler.take(Self.pdv(3, command: false, last: false, [1, 2])) == [
                .dataSet([1, 2], contextID: 3, isLast: false)
            ])
        #expect(
            try assembler.take(Self.pdv(3, command: false, last: true, [3])) == [
                .dataSet([3], contextID: 3, isLast: true)
            ])
        #expect(!assembler.isInsideMessage)
        let echo = CommandSetTests.echo()
        #expect(
            try assembler.take(Self.pdv(1, command: true, last: true, echo.encoded())) == [.command(echo, contextID: 1)]
        )
        #expect(!assembler.isInsideMessage)
    }

    @Test("fragments out of order or on another context are refused naming both contexts")
    func outOfOrder() throws {
        var idle = MessageAssembler()
        #expect(throws: DIMSEError.self) { try idle.take(Self.pdv(1, command: false, last: true, [0])) }
        var gathering = MessageAssembler()
        _ = try gathering.take(Self.pdv(1, command: true, last: false, [0, 0]))
        do {
            _ = try gathering.take(Self.pdv(3, command: true, last: true, [0, 0]))
            Issue.record("a fragment on another context was taken")
        } catch {
            #expect(error.message.contains("context 3 arrived inside a command on context 1"))
        }
        var passing = MessageAssembler()
        _ = try passing.take(Self.pdv(3, command: true, last: true, Self.store().encoded()))
        #expect(throws: DIMSEError.self) { try passing.take(Self.pdv(3, command: true, last: true, [0])) }
    }

    @Test("a command longer than the limit is refused while it is gathered")
    func commandLimit() throws {
        var assembler = MessageAssembler(commandBytesMax: 100)
        _ = try assembler.take(Self.pdv(1, command: true, last: false, [UInt8](repeating: 0, count: 60)))
        #expect(throws: DIMSEError(.invalidCommand, "a command on context 1 is longer than the 100 bytes allowed")) {
            try assembler.take(Self.pdv(1, command: true, last: false, [UInt8](repeating: 0, count: 60)))
        }
    }
}
