// The DIMSE-C message types this archive sends and receives (PS3.7 §9.3, Table E.1-1), by their command field value.

/// The value of Command Field (0000,0100).
public enum CommandField: UInt16, Sendable, Equatable, CaseIterable {
    case cStoreRequest = 0x0001
    case cStoreResponse = 0x8001
    case cGetRequest = 0x0010
    case cGetResponse = 0x8010
    case cFindRequest = 0x0020
    case cFindResponse = 0x8020
    case cMoveRequest = 0x0021
    case cMoveResponse = 0x8021
    case cEchoRequest = 0x0030
    case cEchoResponse = 0x8030
    case cCancelRequest = 0x0FFF

    /// Whether the message answers another (bit 15 set).
    public var isResponse: Bool { rawValue & 0x8000 != 0 }

    /// The name PS3.7 gives the message.
    public var name: String {
        switch self {
        case .cStoreRequest: "C-STORE-RQ"
        case .cStoreResponse: "C-STORE-RSP"
        case .cGetRequest: "C-GET-RQ"
        case .cGetResponse: "C-GET-RSP"
        case .cFindRequest: "C-FIND-RQ"
        case .cFindResponse: "C-FIND-RSP"
        case .cMoveRequest: "C-MOVE-RQ"
        case .cMoveResponse: "C-MOVE-RSP"
        case .cEchoRequest: "C-ECHO-RQ"
        case .cEchoResponse: "C-ECHO-RSP"
        case .cCancelRequest: "C-CANCEL-RQ"
        }
    }
}
