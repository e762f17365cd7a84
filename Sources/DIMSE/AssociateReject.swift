// A-ASSOCIATE-RJ (PS3.8 §9.3.4): why an acceptor refuses an association, as the three bytes the peer reads and logs.

/// A refusal: permanent or transient, from whom, and why (PS3.8 Table 9-21).
public struct AssociateReject: Sendable, Equatable, CustomStringConvertible {
    /// 1 permanent, 2 transient.
    public var result: UInt8
    /// 1 service user, 2 service provider (ACSE), 3 service provider (presentation).
    public var source: UInt8
    /// The reason, whose meaning depends on `source`.
    public var reason: UInt8

    /// Makes a refusal from its three fields.
    public init(result: UInt8, source: UInt8, reason: UInt8) {
        self.result = result
        self.source = source
        self.reason = reason
    }

    /// The user refuses, giving no reason.
    public static let noReasonGiven = AssociateReject(result: 1, source: 1, reason: 1)
    /// The user does not support the application context proposed.
    public static let applicationContextNotSupported = AssociateReject(result: 1, source: 1, reason: 2)
    /// The calling AE title is not one the acceptor knows.
    public static let callingAETitleNotRecognized = AssociateReject(result: 1, source: 1, reason: 3)
    /// The called AE title is not the acceptor's.
    public static let calledAETitleNotRecognized = AssociateReject(result: 1, source: 1, reason: 7)
    /// No protocol version both sides speak.
    public static let protocolVersionNotSupported = AssociateReject(result: 1, source: 2, reason: 2)
    /// Too many associations at once: try again later.
    public static let localLimitExceeded = AssociateReject(result: 2, source: 3, reason: 2)
    /// The acceptor is congested: try again later.
    public static let temporaryCongestion = AssociateReject(result: 2, source: 3, reason: 1)

    public var description: String {
        let kind = result == 2 ? "transient" : "permanent"
        let reasons: [UInt8: [UInt8: String]] = [
            1: [
                1: "no reason given", 2: "application context not supported", 3: "calling AE title not recognized",
                7: "called AE title not recognized",
            ],
            2: [1: "no reason given", 2: "protocol version not supported"],
            3: [1: "temporary congestion", 2: "local limit exceeded"],
        ]
        let why = reasons[source]?[reason] ?? "reason \(reason) from source \(source)"
        return "association rejected (\(kind)): \(why)"
    }
}
