// The seeded hostile-input loop behind `tessera fuzz pdu --seed N` and the unit tests: mutations of a small corpus
// of PDU streams (an association with a C-ECHO and a C-STORE, an accept, a refusal, an abort), each run through
// PDUFuzzing's checks. One seed replays one run.
import DIMSE
import Primitives

extension PDUFuzzing {
    /// Valid streams the mutations start from.
    public static let corpus: [[UInt8]] = {
        let user = UserInformation(
            maximumLength: 600, implementationClassUID: "1.2.3.4", implementationVersionName: "FUZZ",
            asynchronousWindow: .init(invoked: 1, performed: 1),
            roleSelections: [.init(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", isSCU: false, isSCP: true)],
            userIdentity: .init(type: 2, isResponseRequested: true, primaryField: [0x61], secondaryField: [0x62]))
        let called = title("TESSERA")
        let calling = title("FUZZER")
        let request = AssociateRequest(
            calledAETitle: called, callingAETitle: calling,
            presentationContexts: [
                .init(id: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: ["1.2.840.10008.1.2"]),
                .init(
                    id: 3, abstractSyntax: "1.2.840.10008.5.1.4.1.1.2",
                    transferSyntaxes: ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"]),
            ], userInformation: user)
        let accept = AssociateAccept(
            calledAETitle: called, callingAETitle: calling,
            presentationContexts: [
                .init(id: 1, outcome: .acceptance, transferSyntax: "1.2.840.10008.1.2"),
                .init(id: 3, outcome: .transferSyntaxesNotSupported, transferSyntax: ""),
            ], userInformation: UserInformation(maximumLength: 0, implementationClassUID: "1.2.3"))
        var echo = CommandSet(field: .cEchoRequest, hasDataSet: false)
        echo.messageID = 1
        echo.affectedSOPClassUID = "1.2.840.10008.1.1"
        var store = CommandSet(field: .cStoreRequest, hasDataSet: true)
        store.messageID = 2
        store.priority = 0
        store.affectedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        store.affectedSOPInstanceUID = "1.2.3.4.5"
        let storeBytes = store.encoded()
        let split = storeBytes.count / 2
        let association: [PDU] = [
            .associateRequest(request),
            .data([.init(contextID: 1, isCommand: true, isLast: true, bytes: echo.encoded())]),
            .data([
                .init(contextID: 3, isCommand: true, isLast: false, bytes: Array(storeBytes[..<split])),
                .init(contextID: 3, isCommand: true, isLast: true, bytes: Array(storeBytes[split...])),
                .init(contextID: 3, isCommand: false, isLast: false, bytes: [8, 0, 0x18, 0]),
            ]),
            .data([.init(contextID: 3, isCommand: false, isLast: true, bytes: [1, 2, 3, 4])]),
            .releaseRequest,
        ]
        return [
            association.flatMap { $0.encoded() },
            ([.associateAccept(accept), .releaseResponse] as [PDU]).flatMap { $0.encoded() },
            PDU.associateReject(.calledAETitleNotRecognized).encoded(),
            PDU.abort(AssociationAbort(source: .serviceProvider, reason: .unexpectedPDU)).encoded(),
        ]
    }()

    /// A title the corpus spells out, valid by construction.
    private static func title(_ text: String) -> AETitle {
        guard let title = try? AETitle(text) else { preconditionFailure("'\(text)' is not an AE title") }
        return title
    }

    /// Runs `rounds` seeded mutations of the corpus through `check`; traps on a failure, and the seed replays it.
    public static func run(seed: UInt64, rounds: Int) {
        precondition(rounds >= 0, "rounds must not be negative")
        var random = SeededRandom(seed: seed)
        for round in 0..<rounds {
            let input = SeededMutation.mutated(corpus[round % corpus.count], tokens: mutationTokens, random: &random)
            input.withUnsafeBytes { check($0) }
        }
    }

    /// What mutations insert: PDU and item types, and lengths at their edges.
    static let mutationTokens: [[UInt8]] = [
        [0x04, 0], [0x10, 0], [0x20, 0], [0x21, 0], [0x30, 0], [0x40, 0], [0x50, 0], [0x51, 0], [0x54, 0], [0x58, 0],
        [0, 0, 0, 2], [0, 0, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF], [1, 3], [0, 0, 0x08, 0x01],
    ]
}
