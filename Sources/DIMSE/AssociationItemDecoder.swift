// Decodes the variable field of A-ASSOCIATE-RQ and -AC (PS3.8 §9.3.2–9.3.3, PS3.7 Annex D): the fixed head, then
// items and sub-items, each checked against its length, its parent and the limits. Errors name the item and offset.
import Primitives

/// The decoder of one A-ASSOCIATE-RQ or -AC body.
struct AssociationItemDecoder {
    /// The body, from the protocol version on.
    let bytes: [UInt8]
    /// The stream offset of `bytes[0]`, for errors.
    let streamOffset: Int
    let limits: DIMSELimits

    /// The fixed fields before the items: version, reserved, two AE titles, 32 reserved bytes.
    static let headBytes = 68

    /// Decodes an A-ASSOCIATE-RQ body.
    func request() throws(DIMSEError) -> AssociateRequest {
        let head = try decodeHead(pdu: "A-ASSOCIATE-RQ")
        guard let called = head.called, let calling = head.calling else {
            throw DIMSEError(
                .invalidParameter,
                "A-ASSOCIATE-RQ at offset \(streamOffset) has an invalid AE title: \(head.titleError ?? "")")
        }
        var proposals: [PresentationContextProposal] = []
        var context: String?
        var information: UserInformation?
        try forEachItem(in: Self.headBytes..<bytes.count, parent: "A-ASSOCIATE-RQ") {
            type, value, offset throws(DIMSEError) in
            switch type {
            case 0x10: context = try single(context, uid(value, offset, "application context name"), offset, type)
            case 0x20:
                guard proposals.count < limits.presentationContextCountMax else {
                    throw DIMSEError(
                        .invalidParameter,
                        "A-ASSOCIATE-RQ has more than \(limits.presentationContextCountMax) presentation contexts")
                }
                let proposal = try self.proposal(value, offset)
                guard !proposals.contains(where: { $0.id == proposal.id }) else {
                    throw DIMSEError(
                        .invalidParameter, "presentation context \(proposal.id) at offset \(offset) is proposed twice")
                }
                proposals.append(proposal)
            case 0x50: information = try single(information, userInformation(value, offset), offset, type)
            case 0x21: throw DIMSEError(.unexpectedParameter, "A-ASSOCIATE-RQ has an item 21H at offset \(offset)")
            default: throw Self.unrecognized(type, offset, parent: "A-ASSOCIATE-RQ")
            }
        }
        let (name, user) = try required(context, information, pdu: "A-ASSOCIATE-RQ")
        return AssociateRequest(
            calledAETitle: called, callingAETitle: calling, presentationContexts: proposals, userInformation: user,
            applicationContextName: name, protocolVersion: head.version)
    }

    /// Decodes an A-ASSOCIATE-AC body.
    func accept() throws(DIMSEError) -> AssociateAccept {
        let head = try decodeHead(pdu: "A-ASSOCIATE-AC")
        var results: [PresentationContextResult] = []
        var context: String?
        var information: UserInformation?
        try forEachItem(in: Self.headBytes..<bytes.count, parent: "A-ASSOCIATE-AC") {
            type, value, offset throws(DIMSEError) in
            switch type {
            case 0x10: context = try single(context, uid(value, offset, "application context name"), offset, type)
            case 0x21:
                guard results.count < limits.presentationContextCountMax else {
                    throw DIMSEError(
                        .invalidParameter,
                        "A-ASSOCIATE-AC has more than \(limits.presentationContextCountMax) presentation contexts")
                }
                results.append(try result(value, offset))
            case 0x50: information = try single(information, userInformation(value, offset), offset, type)
            case 0x20: throw DIMSEError(.unexpectedParameter, "A-ASSOCIATE-AC has an item 20H at offset \(offset)")
            default: throw Self.unrecognized(type, offset, parent: "A-ASSOCIATE-AC")
            }
        }
        let (name, user) = try required(context, information, pdu: "A-ASSOCIATE-AC")
        return AssociateAccept(
            calledAETitle: head.called, callingAETitle: head.calling, presentationContexts: results,
            userInformation: user, applicationContextName: name, protocolVersion: head.version)
    }

    // MARK: - The fixed head and the item walk

    private struct Head {
        var version: UInt16
        var called: AETitle?
        var calling: AETitle?
        var titleError: String?
    }

    private func decodeHead(pdu: String) throws(DIMSEError) -> Head {
        guard bytes.count >= Self.headBytes else {
            throw DIMSEError(
                .invalidParameter, "\(pdu) at offset \(streamOffset) is \(bytes.count) bytes, shorter than its head")
        }
        let version = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        var head = Head(version: version)
        do {
            head.called = try AETitle(wire: bytes[4..<20], what: "called AE title")
            head.calling = try AETitle(wire: bytes[20..<36], what: "calling AE title")
        } catch {
            head.titleError = error.message
        }
        return head
    }

    /// Calls `body` with each item's type, value range and stream offset within `range`, checking each length.
    func forEachItem(
        in range: Range<Int>, parent: String, _ body: (UInt8, Range<Int>, Int) throws(DIMSEError) -> Void
    ) throws(DIMSEError) {
        var index = range.lowerBound
        while index < range.upperBound {
            let offset = streamOffset + index
            guard range.upperBound - index >= 4 else {
                throw DIMSEError(.invalidParameter, "an item of \(parent) at offset \(offset) is cut in its head")
            }
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            guard length <= range.upperBound - index - 4 else {
                throw DIMSEError(
                    .invalidParameter,
                    "item 0x\(String(bytes[index], radix: 16)) of \(parent) at offset \(offset) has length "
                        + "\(length), past its end")
            }
            try body(bytes[index], (index + 4)..<(index + 4 + length), offset)
            index += 4 + length
        }
    }

    func single<T>(_ existing: T?, _ value: T, _ offset: Int, _ type: UInt8) throws(DIMSEError) -> T {
        guard existing == nil else {
            throw DIMSEError(.unexpectedParameter, "item 0x\(String(type, radix: 16)) at offset \(offset) is repeated")
        }
        return value
    }

    private func required(_ context: String?, _ information: UserInformation?, pdu: String) throws(DIMSEError)
        -> (String, UserInformation)
    {
        guard let context else { throw DIMSEError(.invalidParameter, "\(pdu) has no application context item") }
        guard let information else { throw DIMSEError(.invalidParameter, "\(pdu) has no user information item") }
        return (context, information)
    }

    static func unrecognized(_ type: UInt8, _ offset: Int, parent: String) -> DIMSEError {
        DIMSEError(
            .unrecognizedParameter, "\(parent) has an unknown item 0x\(String(type, radix: 16)) at offset \(offset)")
    }

    func uid(_ range: Range<Int>, _ offset: Int, _ what: String) throws(DIMSEError) -> String {
        try UIDText.decode(bytes[range], what: "\(what) at offset \(offset)")
    }

    // MARK: - Presentation contexts

    private func proposal(_ range: Range<Int>, _ offset: Int) throws(DIMSEError) -> PresentationContextProposal {
        guard range.count >= 4 else {
            throw DIMSEError(.invalidParameter, "presentation context at offset \(offset) is cut in its head")
        }
        let id = bytes[range.lowerBound]
        guard id & 1 == 1 else {
            throw DIMSEError(
                .invalidParameter, "presentation context at offset \(offset) has identifier \(id), not odd")
        }
        var abstractSyntax: String?
        var transferSyntaxes: [String] = []
        try forEachItem(in: (range.lowerBound + 4)..<range.upperBound, parent: "presentation context \(id)") {
            type, value, itemOffset throws(DIMSEError) in
            switch type {
            case 0x30:
                abstractSyntax = try single(abstractSyntax, uid(value, itemOffset, "abstract syntax"), itemOffset, type)
            case 0x40:
                guard transferSyntaxes.count < limits.transferSyntaxCountMax else {
                    throw DIMSEError(
                        .invalidParameter,
                        "presentation context \(id) proposes more than \(limits.transferSyntaxCountMax) "
                            + "transfer syntaxes")
                }
                transferSyntaxes.append(try uid(value, itemOffset, "transfer syntax"))
            default: throw Self.unrecognized(type, itemOffset, parent: "presentation context \(id)")
            }
        }
        guard let abstractSyntax else {
            throw DIMSEError(.invalidParameter, "presentation context \(id) at offset \(offset) has no abstract syntax")
        }
        guard !transferSyntaxes.isEmpty else {
            throw DIMSEError(.invalidParameter, "presentation context \(id) at offset \(offset) has no transfer syntax")
        }
        return PresentationContextProposal(id: id, abstractSyntax: abstractSyntax, transferSyntaxes: transferSyntaxes)
    }

    private func result(_ range: Range<Int>, _ offset: Int) throws(DIMSEError) -> PresentationContextResult {
        guard range.count >= 4 else {
            throw DIMSEError(.invalidParameter, "presentation context result at offset \(offset) is cut in its head")
        }
        let id = bytes[range.lowerBound]
        guard let outcome = PresentationContextResult.Outcome(rawValue: bytes[range.lowerBound + 2]) else {
            throw DIMSEError(
                .invalidParameter,
                "presentation context \(id) at offset \(offset) has result \(bytes[range.lowerBound + 2])")
        }
        var syntaxes: [String] = []
        try forEachItem(in: (range.lowerBound + 4)..<range.upperBound, parent: "presentation context \(id)") {
            type, value, itemOffset throws(DIMSEError) in
            guard type == 0x40, syntaxes.isEmpty else {
                throw DIMSEError(
                    .unexpectedParameter,
                    "presentation context \(id) at offset \(itemOffset) has an item 0x\(String(type, radix: 16))")
            }
            // PS3.8 §9.3.3.2: the transfer syntax of a refused context is not significant, and is not checked.
            syntaxes.append(outcome == .acceptance ? try uid(value, itemOffset, "transfer syntax") : "")
        }
        guard outcome != .acceptance || !syntaxes.isEmpty else {
            throw DIMSEError(.invalidParameter, "accepted presentation context \(id) has no transfer syntax")
        }
        return PresentationContextResult(id: id, outcome: outcome, transferSyntax: syntaxes.first ?? "")
    }
}
