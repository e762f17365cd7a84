// The seven protocol data units of the DICOM upper layer (PS3.8 §9.3) as one value type; the codec is in
// PDU+Encoding.swift and PDUDecoder.swift, the order they may come in is AssociationCore's.

/// One upper-layer PDU.
public enum PDU: Sendable, Equatable {
    /// A-ASSOCIATE-RQ.
    case associateRequest(AssociateRequest)
    /// A-ASSOCIATE-AC.
    case associateAccept(AssociateAccept)
    /// A-ASSOCIATE-RJ.
    case associateReject(AssociateReject)
    /// P-DATA-TF: one or more fragments.
    case data([PresentationDataValue])
    /// A-RELEASE-RQ.
    case releaseRequest
    /// A-RELEASE-RP.
    case releaseResponse
    /// A-ABORT.
    case abort(AssociationAbort)

    /// The PDU type byte (PS3.8 Table 9-1).
    public var type: UInt8 {
        switch self {
        case .associateRequest: 0x01
        case .associateAccept: 0x02
        case .associateReject: 0x03
        case .data: 0x04
        case .releaseRequest: 0x05
        case .releaseResponse: 0x06
        case .abort: 0x07
        }
    }

    /// The bytes before a PDU's variable field: type, reserved, 32-bit length.
    public static let headerBytes = 6

    /// A name for logs and errors, as PS3.8 spells it.
    public var name: String { Self.name(ofType: type) }

    /// The PS3.8 name of PDU type `type`.
    public static func name(ofType type: UInt8) -> String {
        switch type {
        case 0x01: "A-ASSOCIATE-RQ"
        case 0x02: "A-ASSOCIATE-AC"
        case 0x03: "A-ASSOCIATE-RJ"
        case 0x04: "P-DATA-TF"
        case 0x05: "A-RELEASE-RQ"
        case 0x06: "A-RELEASE-RP"
        case 0x07: "A-ABORT"
        default: "PDU type 0x\(String(type, radix: 16))"
        }
    }
}
