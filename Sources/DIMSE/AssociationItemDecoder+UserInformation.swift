// Decodes the user-information item (50H) and its sub-items (PS3.7 Annex D.3.3, PS3.8 Annex D): the maximum length
// and implementation class UID are required, the others optional; sub-items we do not use are skipped.

extension AssociationItemDecoder {
    /// The longest implementation version name (PS3.7 §D.3.3.2.3).
    static let versionNameBytesMax = 16

    func userInformation(_ range: Range<Int>, _ offset: Int) throws(DIMSEError) -> UserInformation {
        var maximumLength: UInt32?
        var classUID: String?
        var versionName: String?
        var window: UserInformation.AsynchronousWindow?
        var selections: [UserInformation.RoleSelection] = []
        var identity: UserInformation.UserIdentity?
        var identityResponse: [UInt8]?
        try forEachItem(in: range, parent: "user information") { type, value, itemOffset throws(DIMSEError) in
            switch type {
            case 0x51:
                try expect(value, bytes: 4, itemOffset, "maximum length")
                maximumLength = try single(maximumLength, bigEndian32(at: value.lowerBound), itemOffset, type)
            case 0x52:
                classUID = try single(classUID, uid(value, itemOffset, "implementation class UID"), itemOffset, type)
            case 0x53:
                try expect(value, bytes: 4, itemOffset, "asynchronous operations window")
                let parsed = UserInformation.AsynchronousWindow(
                    invoked: bigEndian16(at: value.lowerBound), performed: bigEndian16(at: value.lowerBound + 2))
                window = try single(window, parsed, itemOffset, type)
            case 0x54:
                guard selections.count < limits.roleSelectionCountMax else {
                    throw DIMSEError(
                        .invalidParameter,
                        "user information has more than \(limits.roleSelectionCountMax) role selections")
                }
                selections.append(try roleSelection(value, itemOffset))
            case 0x55: versionName = try single(versionName, self.versionName(value, itemOffset), itemOffset, type)
            case 0x58: identity = try single(identity, userIdentity(value, itemOffset), itemOffset, type)
            case 0x59:
                let response = try lengthPrefixed(
                    value.lowerBound, end: value.upperBound, itemOffset, "server response")
                guard response.end == value.upperBound else {
                    throw DIMSEError(
                        .invalidParameter, "user identity response at offset \(itemOffset) has extra bytes")
                }
                identityResponse = try single(identityResponse, Array(bytes[response.range]), itemOffset, type)
            default: break  // SOP class (common) extended negotiation and reserved sub-items: not used.
            }
        }
        guard let maximumLength else {
            throw DIMSEError(.invalidParameter, "user information at offset \(offset) has no maximum length")
        }
        guard let classUID else {
            throw DIMSEError(.invalidParameter, "user information at offset \(offset) has no implementation class UID")
        }
        return UserInformation(
            maximumLength: maximumLength, implementationClassUID: classUID, implementationVersionName: versionName,
            asynchronousWindow: window, roleSelections: selections, userIdentity: identity,
            userIdentityResponse: identityResponse)
    }

    private func expect(_ range: Range<Int>, bytes count: Int, _ offset: Int, _ what: String) throws(DIMSEError) {
        guard range.count == count else {
            throw DIMSEError(.invalidParameter, "\(what) at offset \(offset) is \(range.count) bytes, not \(count)")
        }
    }

    private func bigEndian16(at index: Int) -> UInt16 { UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]) }

    private func bigEndian32(at index: Int) -> UInt32 {
        UInt32(bigEndian16(at: index)) << 16 | UInt32(bigEndian16(at: index + 2))
    }

    /// A 16-bit length at `start`, then that many bytes, all before `end`.
    private func lengthPrefixed(_ start: Int, end: Int, _ offset: Int, _ what: String) throws(DIMSEError)
        -> (range: Range<Int>, end: Int)
    {
        guard end - start >= 2 else { throw DIMSEError(.invalidParameter, "\(what) at offset \(offset) has no length") }
        let length = Int(bigEndian16(at: start))
        guard length <= end - start - 2 else {
            throw DIMSEError(.invalidParameter, "\(what) at offset \(offset) has length \(length), past its item")
        }
        return ((start + 2)..<(start + 2 + length), start + 2 + length)
    }

    private func roleSelection(_ range: Range<Int>, _ offset: Int) throws(DIMSEError) -> UserInformation.RoleSelection {
        let uidField = try lengthPrefixed(range.lowerBound, end: range.upperBound, offset, "role selection UID")
        guard range.upperBound - uidField.end == 2 else {
            throw DIMSEError(.invalidParameter, "role selection at offset \(offset) does not end with its two roles")
        }
        let scu = bytes[uidField.end]
        let scp = bytes[uidField.end + 1]
        guard scu <= 1, scp <= 1 else {
            throw DIMSEError(.invalidParameter, "role selection at offset \(offset) has roles \(scu) and \(scp)")
        }
        return UserInformation.RoleSelection(
            sopClassUID: try uid(uidField.range, offset, "role selection SOP class"), isSCU: scu == 1, isSCP: scp == 1)
    }

    private func versionName(_ range: Range<Int>, _ offset: Int) throws(DIMSEError) -> String {
        let value = bytes[range]
        guard (1...Self.versionNameBytesMax).contains(value.count),
            value.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E })
        else {
            throw DIMSEError(
                .invalidParameter,
                "implementation version name at offset \(offset) is not 1 to 16 printable characters")
        }
        return String(decoding: value, as: UTF8.self).trimmingSpaces()
    }

    private func userIdentity(_ range: Range<Int>, _ offset: Int) throws(DIMSEError) -> UserInformation.UserIdentity {
        guard range.count >= 2 else {
            throw DIMSEError(.invalidParameter, "user identity at offset \(offset) is cut in its head")
        }
        let type = bytes[range.lowerBound]
        let wantsResponse = bytes[range.lowerBound + 1]
        guard (1...5).contains(type), wantsResponse <= 1 else {
            throw DIMSEError(.invalidParameter, "user identity at offset \(offset) has type \(type)")
        }
        let primary = try lengthPrefixed(range.lowerBound + 2, end: range.upperBound, offset, "user identity")
        let secondary = try lengthPrefixed(primary.end, end: range.upperBound, offset, "user identity passcode")
        guard secondary.end == range.upperBound else {
            throw DIMSEError(.invalidParameter, "user identity at offset \(offset) has extra bytes")
        }
        return UserInformation.UserIdentity(
            type: type, isResponseRequested: wantsResponse == 1, primaryField: Array(bytes[primary.range]),
            secondaryField: Array(bytes[secondary.range]))
    }
}

extension String {
    /// The string without leading and trailing spaces.
    fileprivate func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
