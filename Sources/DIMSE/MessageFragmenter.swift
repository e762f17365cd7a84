// Cuts a command set or a data set into P-DATA-TF PDUs the peer accepts (PS3.8 §9.3.5, Annex E): each PDU carries
// one PDV of at most the peer's maximum length, and only the final one is flagged last. Streaming: bytes go in as
// they are read from the store, and at most one fragment is held back, so the last flag can be set at the end.

/// A fragmenter for one command or data set on one presentation context.
public struct MessageFragmenter: Sendable {
    /// The presentation context the message goes on.
    public let contextID: UInt8
    /// Whether the message is a command set.
    public let isCommand: Bool
    /// The most data bytes in one PDV.
    public let fragmentBytesMax: Int
    private var pending: [UInt8] = []
    private var start = 0

    /// Makes a fragmenter; `fragmentBytesMax` comes from `fragmentBytesMax(peerMaximumLength:cap:)`.
    public init(contextID: UInt8, isCommand: Bool, fragmentBytesMax: Int) {
        precondition(fragmentBytesMax > 0, "fragments must carry bytes")
        self.contextID = contextID
        self.isCommand = isCommand
        self.fragmentBytesMax = fragmentBytesMax
    }

    /// The data bytes one PDV may carry to a peer announcing `peerMaximumLength` (0: no limit), never more than
    /// `cap`, so our own memory per PDU stays bounded.
    public static func fragmentBytesMax(peerMaximumLength: UInt32, cap: Int) -> Int {
        let limit = peerMaximumLength == 0 ? cap : min(Int(peerMaximumLength), cap)
        return max(1, limit - PresentationDataValue.overheadBytes)
    }

    /// Adds bytes; returns the PDUs now full. Bytes that could be the end stay until more come or `finish`.
    public mutating func append(_ bytes: some Collection<UInt8>) -> [PDU] {
        if start > 0 && start * 2 >= pending.count {
            pending.removeFirst(start)
            start = 0
        }
        pending.append(contentsOf: bytes)
        var pdus: [PDU] = []
        while pending.count - start > fragmentBytesMax {
            pdus.append(pdu(Array(pending[start..<(start + fragmentBytesMax)]), isLast: false))
            start += fragmentBytesMax
        }
        return pdus
    }

    /// Ends the message: the PDU with the last fragment (empty when no byte was held back).
    public mutating func finish() -> [PDU] {
        let last = pdu(Array(pending[start...]), isLast: true)
        pending = []
        start = 0
        return [last]
    }

    /// All the PDUs of a message held whole (a command set, a C-FIND identifier).
    public static func pdus(contextID: UInt8, isCommand: Bool, bytes: [UInt8], fragmentBytesMax: Int) -> [PDU] {
        var fragmenter = MessageFragmenter(
            contextID: contextID, isCommand: isCommand, fragmentBytesMax: fragmentBytesMax)
        return fragmenter.append(bytes) + fragmenter.finish()
    }

    private func pdu(_ bytes: [UInt8], isLast: Bool) -> PDU {
        .data([PresentationDataValue(contextID: contextID, isCommand: isCommand, isLast: isLast, bytes: bytes)])
    }
}
