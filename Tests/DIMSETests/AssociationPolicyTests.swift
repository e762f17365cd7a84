// Goal: the policy rejects requests for another AE, from a caller not listed or in another application context,
// with the reasons PS3.8 Table 9-21 gives; and accepts the rest with one result per context: storage of any storage
// or private class, verification and both query/retrieve models, in the transfer syntax the archive prefers.
// Method: requests built by hand, answers compared field by field.
import DICOM
import DIMSE
import Testing

struct AssociationPolicyTests {
    static func policy(allowed: [String]? = nil) throws -> AssociationPolicy {
        AssociationPolicy(
            aeTitle: try AETitle("TESSERA"), allowedCallers: try allowed.map { Set(try $0.map { try AETitle($0) }) })
    }

    static func accepted(_ answer: AssociationAnswer) -> AssociateAccept? {
        if case .accept(let accept) = answer { return accept }
        return nil
    }

    @Test("a wrong called AE, an unlisted caller and another application context are rejected with their reasons")
    func rejections() throws {
        var request = try PDUCodecTests.request()
        #expect(try Self.policy(allowed: ["PACS"]).answer(request) == .reject(.callingAETitleNotRecognized))
        #expect(Self.accepted(try Self.policy(allowed: ["STORESCU"]).answer(request)) != nil)
        #expect(Self.accepted(try Self.policy().answer(request)) != nil)
        request.calledAETitle = try AETitle("OTHER")
        #expect(try Self.policy().answer(request) == .reject(.calledAETitleNotRecognized))
        request = try PDUCodecTests.request()
        request.applicationContextName = "1.2.3"
        #expect(try Self.policy().answer(request) == .reject(.applicationContextNotSupported))
    }

    @Test("each context gets its result: services the archive has, the syntax it prefers, refusals with reasons")
    func contexts() throws {
        let explicit = "1.2.840.10008.1.2.1"
        let implicit = "1.2.840.10008.1.2"
        let jpegLS = "1.2.840.10008.1.2.4.80"
        let deflate = "1.2.840.10008.1.2.1.99"
        var request = try PDUCodecTests.request()
        request.presentationContexts = [
            .init(id: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: [implicit, explicit]),
            .init(id: 3, abstractSyntax: "1.2.840.10008.5.1.4.1.1.2", transferSyntaxes: [implicit, jpegLS, explicit]),
            .init(id: 5, abstractSyntax: "1.2.840.10008.5.1.4.1.1.4", transferSyntaxes: [implicit]),
            .init(id: 7, abstractSyntax: "1.3.12.2.1107.5.9.1", transferSyntaxes: [explicit]),
            .init(id: 9, abstractSyntax: "1.2.840.10008.5.1.4.1.2.2.1", transferSyntaxes: [implicit, explicit]),
            .init(id: 11, abstractSyntax: "1.2.840.10008.5.1.4.31", transferSyntaxes: [explicit]),
            .init(id: 13, abstractSyntax: "1.2.840.10008.5.1.4.1.1.7", transferSyntaxes: [deflate]),
            .init(id: 15, abstractSyntax: "1.2.840.10008.5.1.4.1.2.1.3", transferSyntaxes: [jpegLS]),
            .init(id: 17, abstractSyntax: "1.2.840.10008.5.1.4.1.1.128", transferSyntaxes: [deflate, implicit]),
        ]
        guard let accept = Self.accepted(try Self.policy().answer(request)) else {
            Issue.record("rejected")
            return
        }
        let expected: [PresentationContextResult] = [
            .init(id: 1, outcome: .acceptance, transferSyntax: explicit),
            .init(id: 3, outcome: .acceptance, transferSyntax: jpegLS),
            .init(id: 5, outcome: .acceptance, transferSyntax: implicit),
            .init(id: 7, outcome: .acceptance, transferSyntax: explicit),
            .init(id: 9, outcome: .acceptance, transferSyntax: explicit),
            .init(id: 11, outcome: .abstractSyntaxNotSupported, transferSyntax: ""),
            .init(id: 13, outcome: .acceptance, transferSyntax: deflate),
            .init(id: 15, outcome: .transferSyntaxesNotSupported, transferSyntax: ""),
            .init(id: 17, outcome: .acceptance, transferSyntax: implicit),
        ]
        #expect(accept.presentationContexts == expected)
        #expect(accept.userInformation.maximumLength == UInt32(DIMSELimits().dataPDUBytesMax))
        #expect(accept.userInformation.implementationClassUID == Part10Writer.implementationClassUID)
        // The role selection (requestor as SCP of CT storage, for C-GET) is granted as asked.
        #expect(accept.userInformation.roleSelections == request.userInformation.roleSelections)
    }

    @Test("a service not offered is refused as an abstract syntax not supported")
    func offeredServices() throws {
        let policy = AssociationPolicy(
            aeTitle: try AETitle("TESSERA"), allowedCallers: nil, offeredServices: { $0 != .find(.studyRoot) })
        let find = PresentationContextProposal(
            id: 1, abstractSyntax: "1.2.840.10008.5.1.4.1.2.2.1", transferSyntaxes: ["1.2.840.10008.1.2"])
        #expect(policy.result(for: find).outcome == .abstractSyntaxNotSupported)
        var patientFind = find
        patientFind.abstractSyntax = "1.2.840.10008.5.1.4.1.2.1.1"
        #expect(policy.result(for: patientFind).outcome == .acceptance)
    }

    @Test("SOP classes map to their services")
    func serviceClasses() {
        #expect(ServiceClass(abstractSyntax: "1.2.840.10008.1.1") == .verification)
        #expect(ServiceClass(abstractSyntax: "1.2.840.10008.5.1.4.1.2.1.2") == .move(.patientRoot))
        #expect(ServiceClass(abstractSyntax: "1.2.840.10008.5.1.4.1.2.2.3") == .get(.studyRoot))
        #expect(ServiceClass(abstractSyntax: "1.2.840.10008.5.1.4.1.1.88.22") == .storage)
        #expect(ServiceClass(abstractSyntax: "1.2.276.0.7230010.3.1.0.1") == .storage)
        #expect(ServiceClass(abstractSyntax: "1.2.840.10008.3.1.2.3.3") == nil)
    }
}
