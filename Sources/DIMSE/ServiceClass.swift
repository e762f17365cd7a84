// The services an abstract syntax asks for (PS3.4): verification, storage, and query/retrieve in its two models.
// Owns the mapping from SOP class UIDs; what each service does is the node's.

/// What the archive does on a presentation context.
public enum ServiceClass: Sendable, Equatable, Hashable {
    /// Verification (C-ECHO, PS3.4 Annex A).
    case verification
    /// Storage (C-STORE) of instances of any storage SOP class.
    case storage
    /// Query (C-FIND) in a query/retrieve information model.
    case find(QueryModel)
    /// Retrieve to another AE (C-MOVE).
    case move(QueryModel)
    /// Retrieve on the same association (C-GET).
    case get(QueryModel)

    /// The information models of PS3.4 Annex C.6 the archive answers.
    public enum QueryModel: Sendable, Equatable, Hashable {
        /// Patient Root (C.6.1): patient, study, series, instance.
        case patientRoot
        /// Study Root (C.6.2): study, series, instance.
        case studyRoot
    }

    /// The Verification SOP class.
    public static let verificationUID = "1.2.840.10008.1.1"

    /// The SOP classes of query/retrieve, by UID (PS3.4 Table B.5-1).
    public static let queryRetrieveUIDs: [String: ServiceClass] = [
        "1.2.840.10008.5.1.4.1.2.1.1": .find(.patientRoot), "1.2.840.10008.5.1.4.1.2.1.2": .move(.patientRoot),
        "1.2.840.10008.5.1.4.1.2.1.3": .get(.patientRoot), "1.2.840.10008.5.1.4.1.2.2.1": .find(.studyRoot),
        "1.2.840.10008.5.1.4.1.2.2.2": .move(.studyRoot), "1.2.840.10008.5.1.4.1.2.2.3": .get(.studyRoot),
    ]

    /// The service for `abstractSyntax`, or nil when the archive does not offer it. Storage is offered for every
    /// standard storage SOP class (under 1.2.840.10008.5.1.4.1.1) and every private one (any UID outside the DICOM
    /// root), as archives do: a modality's new or private class must not be refused.
    public init?(abstractSyntax uid: String) {
        if uid == Self.verificationUID {
            self = .verification
        } else if let service = Self.queryRetrieveUIDs[uid] {
            self = service
        } else if uid.hasPrefix("1.2.840.10008.5.1.4.1.1.") || !uid.hasPrefix("1.2.840.10008.") {
            self = .storage
        } else {
            return nil
        }
    }
}
