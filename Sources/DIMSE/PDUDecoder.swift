// Cuts a byte stream into PDUs (PS3.8 §9.3.1) and decodes each: incremental, so bytes may arrive in any pieces, and
// bounded, so a length past the limits is refused from the 6-byte header before its body is buffered.

/// An incremental PDU decoder: `append` what the connection read, then call `next` until it returns nil.
public struct PDUDecoder: Sendable {
    /// The limits PDUs are checked against; `dataPDUBytesMax` is what this side announced.
    public let limits: DIMSELimits
    private var buffer: [UInt8] = []
    private var start = 0
    /// The stream offset of `buffer[start]`, for errors.
    private var streamOffset = 0
    private var failure: DIMSEError?

    /// Makes a decoder that checks every PDU against `limits`.
    public init(limits: DIMSELimits = DIMSELimits()) {
        self.limits = limits
    }

    /// Bytes received and not yet decoded.
    public var bufferedBytes: Int { buffer.count - start }

    /// Whether the bytes received hold a whole PDU (or a header `next` will refuse), so `next` answers without more
    /// bytes: a message that arrived in the same read as the one before it (a C-CANCEL right behind its C-FIND).
    public var hasWholePDU: Bool {
        guard let length = bufferedBodyLength else { return false }
        return failure != nil || bufferedBytes >= PDU.headerBytes + length
            || (try? check(type: buffer[start], length: length)) == nil
    }

    /// The body length the next PDU's header gives, once the whole header is buffered.
    private var bufferedBodyLength: Int? {
        guard bufferedBytes >= PDU.headerBytes else { return nil }
        var length = 0
        for index in 2..<6 { length = length << 8 | Int(buffer[start + index]) }
        return length
    }

    /// Adds bytes read from the connection.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > Self.compactionBytes && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole PDU, or nil until more bytes arrive. After an error every call throws it again: the
    /// association is to be aborted with `error.abortReason`.
    public mutating func next() throws(DIMSEError) -> PDU? {
        if let failure { throw failure }
        do {
            guard let pdu = try decodeNext() else { return nil }
            return pdu
        } catch {
            failure = error
            throw error
        }
    }

    /// How far the consumed prefix may grow before `append` moves the rest to the front.
    private static let compactionBytes = 64 << 10

    private mutating func decodeNext() throws(DIMSEError) -> PDU? {
        guard let length = bufferedBodyLength else { return nil }
        let type = buffer[start]
        try check(type: type, length: length)
        guard bufferedBytes >= PDU.headerBytes + length else { return nil }
        let body = (start + PDU.headerBytes)..<(start + PDU.headerBytes + length)
        let bodyOffset = streamOffset + PDU.headerBytes
        let pdu: PDU
        switch type {
        case 0x01, 0x02:
            let decoder = AssociationItemDecoder(
                bytes: Array(buffer[body]), streamOffset: bodyOffset, limits: limits)
            pdu = type == 0x01 ? .associateRequest(try decoder.request()) : .associateAccept(try decoder.accept())
        case 0x03:
            pdu = .associateReject(try Self.reject(buffer[body], offset: bodyOffset))
        case 0x04:
            pdu = .data(try Self.dataValues(buffer[body], offset: bodyOffset))
        case 0x05: pdu = .releaseRequest
        case 0x06: pdu = .releaseResponse
        default: pdu = .abort(try Self.abort(buffer[body], offset: bodyOffset))
        }
        start = body.upperBound
        streamOffset += PDU.headerBytes + length
        return pdu
    }

    /// Refuses an unknown type or a length past its limit, from the header alone.
    private func check(type: UInt8, length: Int) throws(DIMSEError) {
        let name = PDU.name(ofType: type)
        let lengthMax: Int
        switch type {
        case 0x01, 0x02: lengthMax = limits.associationPDUBytesMax
        case 0x04: lengthMax = limits.dataPDUBytesMax
        case 0x03, 0x05, 0x06, 0x07:
            guard length == Self.fixedBodyBytes else {
                throw DIMSEError(
                    .invalidParameter,
                    "\(name) at offset \(streamOffset) has length \(length), not \(Self.fixedBodyBytes)")
            }
            return
        default:
            throw DIMSEError(
                .unrecognizedPDU, "unknown PDU type 0x\(String(type, radix: 16)) at offset \(streamOffset)")
        }
        guard length <= lengthMax else {
            throw DIMSEError(
                .pduTooLarge,
                "\(name) at offset \(streamOffset) has length \(length), more than the \(lengthMax) allowed")
        }
    }

    /// The body length of A-ASSOCIATE-RJ, A-RELEASE-RQ/RP and A-ABORT.
    private static let fixedBodyBytes = 4

    private static func reject(_ body: ArraySlice<UInt8>, offset: Int) throws(DIMSEError) -> AssociateReject {
        let reject = AssociateReject(
            result: body[body.startIndex + 1], source: body[body.startIndex + 2],
            reason: body[body.startIndex + 3])
        guard (1...2).contains(reject.result), (1...3).contains(reject.source) else {
            throw DIMSEError(
                .invalidParameter,
                "A-ASSOCIATE-RJ at offset \(offset) has result \(reject.result) and source \(reject.source)")
        }
        return reject
    }

    private static func abort(_ body: ArraySlice<UInt8>, offset: Int) throws(DIMSEError) -> AssociationAbort {
        let sourceByte = body[body.startIndex + 2]
        let reasonByte = body[body.startIndex + 3]
        // Source 1 is reserved; PS3.8 says a reason is "not significant" from the user, so any byte is taken.
        guard let source = AssociationAbort.Source(rawValue: sourceByte) else {
            throw DIMSEError(.invalidParameter, "A-ABORT at offset \(offset) has source \(sourceByte)")
        }
        let reason = source == .serviceUser ? .notSpecified : AssociationAbort.Reason(rawValue: reasonByte)
        guard let reason else {
            throw DIMSEError(.invalidParameter, "A-ABORT at offset \(offset) has reason \(reasonByte)")
        }
        return AssociationAbort(source: source, reason: reason)
    }

    /// The PDVs of a P-DATA-TF body (PS3.8 §9.3.5): at least one, each a 32-bit length of at least 2 (context
    /// and header), an odd context identifier, and data within the body.
    private static func dataValues(_ body: ArraySlice<UInt8>, offset: Int) throws(DIMSEError)
        -> [PresentationDataValue]
    {
        var values: [PresentationDataValue] = []
        var index = body.startIndex
        while index < body.endIndex {
            let itemOffset = offset + (index - body.startIndex)
            guard body.endIndex - index >= 4 else {
                throw DIMSEError(.invalidParameter, "P-DATA-TF PDV at offset \(itemOffset) is cut in its length")
            }
            var length = 0
            for byte in body[index..<(index + 4)] { length = length << 8 | Int(byte) }
            guard length >= 2, length <= body.endIndex - index - 4 else {
                throw DIMSEError(
                    .invalidParameter,
                    "P-DATA-TF PDV at offset \(itemOffset) has length \(length), outside 2…\(body.endIndex - index - 4)"
                )
            }
            let contextID = body[index + 4]
            guard contextID & 1 == 1 else {
                throw DIMSEError(
                    .invalidParameter, "P-DATA-TF PDV at offset \(itemOffset) has context \(contextID), not odd")
            }
            let header = body[index + 5]
            values.append(
                PresentationDataValue(
                    contextID: contextID, isCommand: header & 1 == 1, isLast: header & 2 == 2,
                    bytes: Array(body[(index + 6)..<(index + 4 + length)])))
            index += 4 + length
        }
        guard !values.isEmpty else { throw DIMSEError(.invalidParameter, "P-DATA-TF at offset \(offset) has no PDV") }
        return values
    }
}
