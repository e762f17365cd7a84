// Encodes and decodes command sets in Implicit VR Little Endian, as PS3.7 §6.3.1 requires whatever the presentation
// context's transfer syntax: group 0000 only, elements in ascending order, Command Group Length first.
import Primitives

extension CommandSet {
    /// The longest Error Comment (LO, PS3.5 §6.2).
    public static let errorCommentBytesMax = 64

    /// The command's bytes, Command Group Length (0000,0000) first.
    public func encoded() -> [UInt8] {
        var body = ByteWriter(capacity: 192)
        func element(_ element: UInt16, _ value: [UInt8]) {
            body.write(UInt16(0))
            body.write(element)
            body.write(UInt32(value.count))
            body.write(contentsOf: value)
        }
        func us(_ number: UInt16, _ value: UInt16?) { if let value { element(number, Self.littleEndian(value)) } }
        func ui(_ number: UInt16, _ value: String?) { if let value { element(number, Self.padded(value, with: 0)) } }
        func ae(_ number: UInt16, _ value: AETitle?) { if let value { element(number, value.wire) } }
        ui(0x0002, affectedSOPClassUID)
        us(0x0100, field.rawValue)
        us(0x0110, messageID)
        us(0x0120, respondedMessageID)
        ae(0x0600, moveDestination)
        us(0x0700, priority)
        us(0x0800, hasDataSet ? 0x0000 : Self.noDataSet)
        us(0x0900, status)
        if let offendingElements {
            element(0x0901, offendingElements.flatMap(Self.tagBytes))
        }
        if let errorComment {
            let bytes = Array(errorComment.utf8.prefix(Self.errorCommentBytesMax))
            element(0x0902, bytes.count % 2 == 0 ? bytes : bytes + [0x20])
        }
        ui(0x1000, affectedSOPInstanceUID)
        us(0x1020, remainingCount)
        us(0x1021, completedCount)
        us(0x1022, failedCount)
        us(0x1023, warningCount)
        ae(0x1030, moveOriginatorAETitle)
        us(0x1031, moveOriginatorMessageID)
        var writer = ByteWriter(capacity: body.count + 12)
        writer.write(contentsOf: [0, 0, 0, 0, 4, 0, 0, 0] as [UInt8])
        writer.write(UInt32(body.count))
        writer.write(contentsOf: body.bytes)
        return writer.bytes
    }

    /// Decodes a whole command set; throws `invalidCommand` naming the element or the field that is wrong.
    public static func decode(_ bytes: [UInt8]) throws(DIMSEError) -> CommandSet {
        var elements = CommandElements()
        var index = 0
        var previous: Int = -1
        while index < bytes.count {
            guard bytes.count - index >= 8 else {
                throw DIMSEError(.invalidCommand, "command set ends inside an element head at offset \(index)")
            }
            let group = UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
            let number = UInt16(bytes[index + 2]) | UInt16(bytes[index + 3]) << 8
            var length = 0
            for shift in 0..<4 { length |= Int(bytes[index + 4 + shift]) << (8 * shift) }
            let tag = "(\(hex(group)),\(hex(number)))"
            guard group == 0 else {
                throw DIMSEError(
                    .invalidCommand, "command set has element \(tag) outside group 0000 at offset \(index)")
            }
            guard Int(number) > previous else {
                throw DIMSEError(.invalidCommand, "command element \(tag) at offset \(index) is out of order")
            }
            guard length <= bytes.count - index - 8 else {
                throw DIMSEError(.invalidCommand, "command element \(tag) has length \(length), past the command's end")
            }
            try elements.take(number, bytes[(index + 8)..<(index + 8 + length)], tag: tag)
            previous = Int(number)
            index += 8 + length
        }
        return try elements.commandSet()
    }

    static func littleEndian(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }

    /// A tag (group << 16 | element) as an AT value: group then element, each little-endian.
    static func tagBytes(_ tag: UInt32) -> [UInt8] {
        littleEndian(UInt16(tag >> 16)) + littleEndian(UInt16(tag & 0xFFFF))
    }

    /// `text` as bytes padded to an even length with `pad` (PS3.5 §7.1.1).
    static func padded(_ text: String, with pad: UInt8) -> [UInt8] {
        let bytes = Array(text.utf8)
        return bytes.count % 2 == 0 ? bytes : bytes + [pad]
    }

    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

/// The group 0000 elements of one command as they are decoded, then checked for what the message requires.
private struct CommandElements {
    var values: [UInt16: UInt16] = [:]
    var uids: [UInt16: String] = [:]
    var titles: [UInt16: AETitle] = [:]
    var errorComment: String?
    var offendingElements: [UInt32]?

    mutating func take(_ number: UInt16, _ value: ArraySlice<UInt8>, tag: String) throws(DIMSEError) {
        switch number {
        case 0x0100, 0x0110, 0x0120, 0x0700, 0x0800, 0x0900, 0x1020, 0x1021, 0x1022, 0x1023, 0x1031:
            guard value.count == 2 else {
                throw DIMSEError(.invalidCommand, "command element \(tag) is \(value.count) bytes, not 2 (US)")
            }
            values[number] = UInt16(value[value.startIndex]) | UInt16(value[value.startIndex + 1]) << 8
        case 0x0002, 0x1000:
            do { uids[number] = try UIDText.decode(value, what: "command element \(tag)") } catch {
                throw DIMSEError(.invalidCommand, error.message)
            }
        case 0x0600, 0x1030:
            do { titles[number] = try AETitle(wire: value, what: "command element \(tag)") } catch {
                throw DIMSEError(.invalidCommand, error.message)
            }
        case 0x0901:
            guard value.count % 4 == 0 else {
                throw DIMSEError(.invalidCommand, "command element \(tag) is \(value.count) bytes, not tags (AT)")
            }
            let bytes = Array(value)
            offendingElements = stride(from: 0, to: bytes.count, by: 4).map { at in
                let group = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8
                return group << 16 | UInt32(bytes[at + 2]) | UInt32(bytes[at + 3]) << 8
            }
        case 0x0902:
            guard value.count <= CommandSet.errorCommentBytesMax else {
                throw DIMSEError(.invalidCommand, "command element \(tag) is longer than 64 characters")
            }
            var end = value.endIndex
            while end > value.startIndex, value[end - 1] == 0x20 || value[end - 1] == 0 { end -= 1 }
            errorComment = String(decoding: value[value.startIndex..<end], as: UTF8.self)
        default: break  // Command Group Length and elements of services we do not use (PS3.7 §6.3.1).
        }
    }

    func commandSet() throws(DIMSEError) -> CommandSet {
        guard let raw = values[0x0100] else { throw DIMSEError(.invalidCommand, "command set has no Command Field") }
        guard let field = CommandField(rawValue: raw) else {
            throw DIMSEError(
                .invalidCommand, "command field 0x\(CommandSet.hex(raw)) is not a C-service this archive has")
        }
        guard let dataSetType = values[0x0800] else {
            throw DIMSEError(.invalidCommand, "\(field.name) has no Command Data Set Type (0000,0800)")
        }
        var command = CommandSet(field: field, hasDataSet: dataSetType != CommandSet.noDataSet)
        command.messageID = values[0x0110]
        command.respondedMessageID = values[0x0120]
        command.affectedSOPClassUID = uids[0x0002]
        command.affectedSOPInstanceUID = uids[0x1000]
        command.priority = values[0x0700]
        command.status = values[0x0900]
        command.moveDestination = titles[0x0600]
        command.moveOriginatorAETitle = titles[0x1030]
        command.moveOriginatorMessageID = values[0x1031]
        command.remainingCount = values[0x1020]
        command.completedCount = values[0x1021]
        command.failedCount = values[0x1022]
        command.warningCount = values[0x1023]
        command.errorComment = errorComment
        command.offendingElements = offendingElements
        try Self.checkRequired(command)
        return command
    }

    /// The elements PS3.7 §9.3 marks mandatory for each message, and whether a data set must (not) follow.
    private static func checkRequired(_ command: CommandSet) throws(DIMSEError) {
        let name = command.field.name
        func require(_ present: Bool, _ element: String) throws(DIMSEError) {
            guard present else { throw DIMSEError(.invalidCommand, "\(name) has no \(element)") }
        }
        if command.field.isResponse {
            try require(command.respondedMessageID != nil, "Message ID Being Responded To (0000,0120)")
            try require(command.status != nil, "Status (0000,0900)")
            return
        }
        switch command.field {
        case .cCancelRequest:
            try require(command.respondedMessageID != nil, "Message ID Being Responded To (0000,0120)")
            return
        case .cStoreRequest:
            try require(command.affectedSOPInstanceUID != nil, "Affected SOP Instance UID (0000,1000)")
        case .cMoveRequest:
            try require(command.moveDestination != nil, "Move Destination (0000,0600)")
        default: break
        }
        try require(command.messageID != nil, "Message ID (0000,0110)")
        try require(command.affectedSOPClassUID != nil, "Affected SOP Class UID (0000,0002)")
        let needsDataSet = command.field != .cEchoRequest
        guard command.hasDataSet == needsDataSet else {
            throw DIMSEError(.invalidCommand, "\(name) \(needsDataSet ? "has no" : "has a") data set")
        }
    }
}
