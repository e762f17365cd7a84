// Writes PDUs in their PS3.8 §9.3 wire form. Values are validated where they are made (AETitle, the association
// policy), so encoding only checks what would make a PDU unreadable, as preconditions.
import Primitives

extension PDU {
    /// The PDU's bytes: header and variable field.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        writer.write(type)
        writer.write(UInt8(0))
        writer.writeBigEndian(UInt32(0))
        switch self {
        case .associateRequest(let request):
            Self.writeAssociationHead(
                &writer, version: request.protocolVersion, called: request.calledAETitle.wire,
                calling: request.callingAETitle.wire, context: request.applicationContextName)
            for context in request.presentationContexts {
                Self.writeItem(&writer, type: 0x20) { item in
                    item.write(contentsOf: [context.id, 0, 0, 0])
                    Self.writeItem(&item, type: 0x30, uid: context.abstractSyntax)
                    for syntax in context.transferSyntaxes { Self.writeItem(&item, type: 0x40, uid: syntax) }
                }
            }
            Self.writeUserInformation(&writer, request.userInformation)
        case .associateAccept(let accept):
            let blank = [UInt8](repeating: 0x20, count: AETitle.wireBytes)
            Self.writeAssociationHead(
                &writer, version: accept.protocolVersion, called: accept.calledAETitle?.wire ?? blank,
                calling: accept.callingAETitle?.wire ?? blank, context: accept.applicationContextName)
            for context in accept.presentationContexts {
                Self.writeItem(&writer, type: 0x21) { item in
                    item.write(contentsOf: [context.id, 0, context.outcome.rawValue, 0])
                    if context.outcome == .acceptance {
                        Self.writeItem(&item, type: 0x40, uid: context.transferSyntax)
                    } else {
                        // PS3.8 §9.3.3.2: not significant for a refused context, and may be empty.
                        Self.writeItem(&item, type: 0x40) { $0.write(contentsOf: context.transferSyntax.utf8) }
                    }
                }
            }
            Self.writeUserInformation(&writer, accept.userInformation)
        case .associateReject(let reject):
            writer.write(contentsOf: [0, reject.result, reject.source, reject.reason])
        case .data(let values):
            precondition(!values.isEmpty, "a P-DATA-TF PDU carries at least one PDV")
            for value in values {
                writer.writeBigEndian(UInt32(value.bytes.count + 2))
                writer.write(value.contextID)
                writer.write(value.controlHeader)
                writer.write(contentsOf: value.bytes)
            }
        case .releaseRequest, .releaseResponse:
            writer.write(contentsOf: [0, 0, 0, 0])
        case .abort(let abort):
            writer.write(contentsOf: [0, 0, abort.source.rawValue, abort.reason.rawValue])
        }
        var bytes = writer.bytes
        Self.patchLength(&bytes, at: 2, length: bytes.count - Self.headerBytes)
        return bytes
    }

    /// The head of a P-DATA-TF PDU carrying one PDV of `dataBytes` bytes, for senders that write the data from
    /// their own buffer after it instead of copying it into `encoded()`.
    public static func dataHead(contextID: UInt8, isCommand: Bool, isLast: Bool, dataBytes: Int) -> [UInt8] {
        precondition(dataBytes >= 0 && dataBytes <= Int(UInt32.max) - PresentationDataValue.overheadBytes)
        var writer = ByteWriter(capacity: headerBytes + PresentationDataValue.overheadBytes)
        writer.write(UInt8(0x04))
        writer.write(UInt8(0))
        writer.writeBigEndian(UInt32(dataBytes + PresentationDataValue.overheadBytes))
        writer.writeBigEndian(UInt32(dataBytes + 2))
        writer.write(contextID)
        writer.write((isCommand ? 1 : 0) | (isLast ? 2 : 0) as UInt8)
        return writer.bytes
    }

    private static func writeAssociationHead(
        _ writer: inout ByteWriter, version: UInt16, called: [UInt8], calling: [UInt8], context: String
    ) {
        writer.writeBigEndian(version)
        writer.writeBigEndian(UInt16(0))
        writer.write(contentsOf: called)
        writer.write(contentsOf: calling)
        writer.write(contentsOf: [UInt8](repeating: 0, count: 32))
        writeItem(&writer, type: 0x10, uid: context)
    }

    private static func writeUserInformation(_ writer: inout ByteWriter, _ information: UserInformation) {
        writeItem(&writer, type: 0x50) { item in
            writeItem(&item, type: 0x51) { $0.writeBigEndian(information.maximumLength) }
            writeItem(&item, type: 0x52, uid: information.implementationClassUID)
            if let window = information.asynchronousWindow {
                writeItem(&item, type: 0x53) {
                    $0.writeBigEndian(window.invoked)
                    $0.writeBigEndian(window.performed)
                }
            }
            for selection in information.roleSelections {
                writeItem(&item, type: 0x54) {
                    $0.writeBigEndian(UInt16(selection.sopClassUID.utf8.count))
                    $0.write(contentsOf: selection.sopClassUID.utf8)
                    $0.write(contentsOf: [selection.isSCU ? 1 : 0, selection.isSCP ? 1 : 0])
                }
            }
            if let name = information.implementationVersionName {
                writeItem(&item, type: 0x55) { $0.write(contentsOf: name.utf8) }
            }
            if let identity = information.userIdentity {
                writeItem(&item, type: 0x58) {
                    $0.write(contentsOf: [identity.type, identity.isResponseRequested ? 1 : 0])
                    $0.writeBigEndian(UInt16(identity.primaryField.count))
                    $0.write(contentsOf: identity.primaryField)
                    $0.writeBigEndian(UInt16(identity.secondaryField.count))
                    $0.write(contentsOf: identity.secondaryField)
                }
            }
            if let response = information.userIdentityResponse {
                writeItem(&item, type: 0x59) {
                    $0.writeBigEndian(UInt16(response.count))
                    $0.write(contentsOf: response)
                }
            }
        }
    }

    private static func writeItem(_ writer: inout ByteWriter, type: UInt8, uid: String) {
        precondition(!uid.isEmpty && uid.utf8.count <= UIDText.bytesMax, "UID '\(uid)' cannot go into an item")
        writeItem(&writer, type: type) { $0.write(contentsOf: uid.utf8) }
    }

    /// Writes an item: type, reserved byte, 16-bit length, then what `body` writes.
    private static func writeItem(_ writer: inout ByteWriter, type: UInt8, body: (inout ByteWriter) -> Void) {
        var item = ByteWriter()
        body(&item)
        precondition(item.count <= Int(UInt16.max), "item 0x\(String(type, radix: 16)) longer than 65535 bytes")
        writer.write(type)
        writer.write(UInt8(0))
        writer.writeBigEndian(UInt16(item.count))
        writer.write(contentsOf: item.bytes)
    }

    private static func patchLength(_ bytes: inout [UInt8], at offset: Int, length: Int) {
        precondition(length >= 0 && length <= Int(UInt32.max), "PDU longer than 4 GiB")
        let value = UInt32(length)
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (24 - 8 * index)) }
    }
}
