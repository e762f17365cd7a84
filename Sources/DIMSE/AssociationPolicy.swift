// Decides what to answer an A-ASSOCIATE-RQ (PS3.8 §7.1, PS3.7 Annex D): reject it for a wrong called or calling AE
// or application context, else accept it with one result per proposed context, a transfer syntax chosen for each,
// and the SCP/SCU roles C-GET needs. Pure; the node's configuration fills it in.
public import DICOM

/// What the archive answers one request.
public enum AssociationAnswer: Sendable, Equatable {
    /// Accept, with these results.
    case accept(AssociateAccept)
    /// Reject, for this reason.
    case reject(AssociateReject)
}

/// The archive's answer to association requests.
public struct AssociationPolicy: Sendable {
    /// Our AE title; a request calling another is rejected.
    public var aeTitle: AETitle
    /// The AE titles allowed to associate; nil lets anyone in (the loopback demo mode).
    public var allowedCallers: Set<AETitle>?
    /// The largest P-DATA-TF we accept, announced as our maximum length.
    public var dataPDUBytesMax: Int
    /// Our implementation class UID.
    public var implementationClassUID: String
    /// Our implementation version name.
    public var implementationVersionName: String
    /// The services offered; a context for another is refused as an abstract syntax not supported.
    public var offeredServices: @Sendable (ServiceClass) -> Bool

    /// Makes a policy.
    public init(
        aeTitle: AETitle, allowedCallers: Set<AETitle>?, dataPDUBytesMax: Int = DIMSELimits().dataPDUBytesMax,
        implementationClassUID: String = Part10Writer.implementationClassUID,
        implementationVersionName: String = Part10Writer.implementationVersionName,
        offeredServices: @escaping @Sendable (ServiceClass) -> Bool = { _ in true }
    ) {
        self.offeredServices = offeredServices
        self.aeTitle = aeTitle
        self.allowedCallers = allowedCallers
        self.dataPDUBytesMax = dataPDUBytesMax
        self.implementationClassUID = implementationClassUID
        self.implementationVersionName = implementationVersionName
    }

    /// The answer to `request`: an accept (possibly with every context refused, as PS3.8 allows) or a rejection.
    public func answer(_ request: AssociateRequest) -> AssociationAnswer {
        guard request.applicationContextName == dicomApplicationContextName else {
            return .reject(.applicationContextNotSupported)
        }
        guard request.calledAETitle == aeTitle else { return .reject(.calledAETitleNotRecognized) }
        if let allowedCallers, !allowedCallers.contains(request.callingAETitle) {
            return .reject(.callingAETitleNotRecognized)
        }
        let results = request.presentationContexts.map(result(for:))
        // PS3.7 §D.3.3.4: answer each role selection with the roles granted. The archive plays either role for
        // any class, so a requestor asking to be SCP of a storage class (to receive C-GET's sub-operations) gets it.
        let roles = request.userInformation.roleSelections
        let information = UserInformation(
            maximumLength: UInt32(clamping: dataPDUBytesMax), implementationClassUID: implementationClassUID,
            implementationVersionName: implementationVersionName, roleSelections: roles,
            userIdentityResponse: request.userInformation.userIdentity?.isResponseRequested == true ? [] : nil)
        return .accept(
            AssociateAccept(
                calledAETitle: request.calledAETitle, callingAETitle: request.callingAETitle,
                presentationContexts: results, userInformation: information))
    }

    /// The result for one proposed context.
    public func result(for proposal: PresentationContextProposal) -> PresentationContextResult {
        guard let service = ServiceClass(abstractSyntax: proposal.abstractSyntax), offeredServices(service) else {
            return PresentationContextResult(id: proposal.id, outcome: .abstractSyntaxNotSupported, transferSyntax: "")
        }
        guard let syntax = Self.transferSyntax(for: service, proposed: proposal.transferSyntaxes) else {
            return PresentationContextResult(
                id: proposal.id, outcome: .transferSyntaxesNotSupported, transferSyntax: "")
        }
        return PresentationContextResult(id: proposal.id, outcome: .acceptance, transferSyntax: syntax)
    }

    /// The transfer syntax the archive prefers among `proposed`. Commands' data sets (identifiers, C-ECHO) use
    /// Explicit VR Little Endian, then Implicit, then Big Endian. Storage keeps what the modality made: the first
    /// proposed syntax the archive can read, except that Implicit VR Little Endian yields to any other, since an
    /// explicit syntax keeps the VRs of private elements, and Deflated Explicit VR Little Endian to all of them,
    /// since frames and rendered images are cut from a stored file by byte range, which a deflated one has not.
    static func transferSyntax(for service: ServiceClass, proposed: [String]) -> String? {
        let known = proposed.filter { TransferSyntax(uid: $0) != nil }
        let readable = known.filter { TransferSyntax(uid: $0)?.isDeflated == false }
        let implicit = TransferSyntax.implicitVRLittleEndian.uid
        switch service {
        case .storage:
            return readable.first { $0 != implicit } ?? readable.first ?? known.first
        default:
            let native = [TransferSyntax.explicitVRLittleEndian.uid, implicit, TransferSyntax.explicitVRBigEndian.uid]
            return native.first { readable.contains($0) }
        }
    }
}
