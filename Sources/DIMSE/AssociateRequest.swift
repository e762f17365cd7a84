// A-ASSOCIATE-RQ and -AC as values (PS3.8 §9.3.2, §9.3.3): the two share their layout, so they share one shape here
// too; the codec is in PDU+Encoding.swift and PDUItemDecoder.swift.

/// The DICOM application context, the only one PS3.7 Annex A defines.
public let dicomApplicationContextName = "1.2.840.10008.3.1.1.1"

/// The protocol version bit this implementation speaks (PS3.8 §9.3.2: bit 0).
public let upperLayerProtocolVersion: UInt16 = 1

/// What a requestor asks for (A-ASSOCIATE-RQ, PDU type 01H).
public struct AssociateRequest: Sendable, Equatable {
    /// The protocol versions the requestor supports, one bit each; bit 0 is version 1.
    public var protocolVersion: UInt16
    /// The AE the requestor wants to reach.
    public var calledAETitle: AETitle
    /// The requestor's own AE.
    public var callingAETitle: AETitle
    /// The application context (item 10H).
    public var applicationContextName: String
    /// The presentation contexts proposed (items 20H), in the requestor's order.
    public var presentationContexts: [PresentationContextProposal]
    /// The user information (item 50H).
    public var userInformation: UserInformation

    /// Makes a request.
    public init(
        calledAETitle: AETitle, callingAETitle: AETitle, presentationContexts: [PresentationContextProposal],
        userInformation: UserInformation, applicationContextName: String = dicomApplicationContextName,
        protocolVersion: UInt16 = upperLayerProtocolVersion
    ) {
        self.protocolVersion = protocolVersion
        self.calledAETitle = calledAETitle
        self.callingAETitle = callingAETitle
        self.applicationContextName = applicationContextName
        self.presentationContexts = presentationContexts
        self.userInformation = userInformation
    }
}

/// What an acceptor grants (A-ASSOCIATE-AC, PDU type 02H).
public struct AssociateAccept: Sendable, Equatable {
    /// The protocol version the acceptor supports.
    public var protocolVersion: UInt16
    /// The called AE title as the request had it; PS3.8 says it is returned but not tested, so a peer's blank or
    /// invalid value decodes to nil rather than failing the association.
    public var calledAETitle: AETitle?
    /// The calling AE title as the request had it; nil when blank or invalid, for the same reason.
    public var callingAETitle: AETitle?
    /// The application context (item 10H).
    public var applicationContextName: String
    /// One answer per proposed presentation context (items 21H).
    public var presentationContexts: [PresentationContextResult]
    /// The user information (item 50H).
    public var userInformation: UserInformation

    /// Makes an accept.
    public init(
        calledAETitle: AETitle?, callingAETitle: AETitle?, presentationContexts: [PresentationContextResult],
        userInformation: UserInformation, applicationContextName: String = dicomApplicationContextName,
        protocolVersion: UInt16 = upperLayerProtocolVersion
    ) {
        self.protocolVersion = protocolVersion
        self.calledAETitle = calledAETitle
        self.callingAETitle = callingAETitle
        self.applicationContextName = applicationContextName
        self.presentationContexts = presentationContexts
        self.userInformation = userInformation
    }
}
