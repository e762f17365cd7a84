// The user-information item of A-ASSOCIATE-RQ and -AC (item 50H, PS3.7 Annex D and PS3.8 Annex D): maximum length,
// implementation identity, asynchronous window, SCP/SCU roles and user identity. Sub-items we do not use (SOP class
// extended negotiation) are skipped on decode: PS3.7 §D.3.3 lets an acceptor leave them unanswered.

/// The user-information sub-items this archive reads and writes.
public struct UserInformation: Sendable, Equatable {
    /// The largest P-DATA-TF variable field the sender accepts; 0 means no limit (sub-item 51H, PS3.8 §D.1).
    public var maximumLength: UInt32
    /// The sender's implementation class UID (sub-item 52H, required).
    public var implementationClassUID: String
    /// The sender's implementation version name, 1 to 16 characters (sub-item 55H).
    public var implementationVersionName: String?
    /// Operations invoked and performed at once (sub-item 53H); absent means one of each.
    public var asynchronousWindow: AsynchronousWindow?
    /// SCP/SCU role selections, one per SOP class (sub-items 54H).
    public var roleSelections: [RoleSelection]
    /// The requestor's user identity (sub-item 58H), only in a request.
    public var userIdentity: UserIdentity?
    /// The acceptor's answer to a user identity that asked for one (sub-item 59H), only in an accept.
    public var userIdentityResponse: [UInt8]?

    /// Makes user information.
    public init(
        maximumLength: UInt32, implementationClassUID: String, implementationVersionName: String? = nil,
        asynchronousWindow: AsynchronousWindow? = nil, roleSelections: [RoleSelection] = [],
        userIdentity: UserIdentity? = nil, userIdentityResponse: [UInt8]? = nil
    ) {
        self.maximumLength = maximumLength
        self.implementationClassUID = implementationClassUID
        self.implementationVersionName = implementationVersionName
        self.asynchronousWindow = asynchronousWindow
        self.roleSelections = roleSelections
        self.userIdentity = userIdentity
        self.userIdentityResponse = userIdentityResponse
    }

    /// How many operations may be outstanding at once (PS3.7 §D.3.3.3); 0 means unlimited.
    public struct AsynchronousWindow: Sendable, Equatable {
        /// Operations the requestor may invoke without waiting.
        public var invoked: UInt16
        /// Operations the requestor may have performed at once.
        public var performed: UInt16

        /// Makes a window.
        public init(invoked: UInt16, performed: UInt16) {
            self.invoked = invoked
            self.performed = performed
        }
    }

    /// Which roles the requestor takes for one SOP class (PS3.7 §D.3.3.4): C-GET needs the requestor as SCP of
    /// the storage classes it receives.
    public struct RoleSelection: Sendable, Equatable {
        /// The SOP class.
        public var sopClassUID: String
        /// Whether the requestor acts as SCU (or, in an accept, is allowed to).
        public var isSCU: Bool
        /// Whether the requestor acts as SCP (or, in an accept, is allowed to).
        public var isSCP: Bool

        /// Makes a selection.
        public init(sopClassUID: String, isSCU: Bool, isSCP: Bool) {
            self.sopClassUID = sopClassUID
            self.isSCU = isSCU
            self.isSCP = isSCP
        }
    }

    /// Who the requestor says it is (PS3.7 §D.3.3.7).
    public struct UserIdentity: Sendable, Equatable {
        /// 1 username, 2 username and passcode, 3 Kerberos, 4 SAML, 5 JWT.
        public var type: UInt8
        /// Whether the requestor wants the acceptor to answer with sub-item 59H.
        public var isResponseRequested: Bool
        /// The username or token.
        public var primaryField: [UInt8]
        /// The passcode, for type 2.
        public var secondaryField: [UInt8]

        /// Makes an identity.
        public init(type: UInt8, isResponseRequested: Bool, primaryField: [UInt8], secondaryField: [UInt8] = []) {
            self.type = type
            self.isResponseRequested = isResponseRequested
            self.primaryField = primaryField
            self.secondaryField = secondaryField
        }
    }
}
