// Turns the PDVs of P-DATA-TF PDUs into DIMSE messages (PS3.7 §6.3.1, PS3.8 Annex E): a command set gathered whole
// (it is small and bounded), then its data set passed on fragment by fragment, never gathered, so a C-STORE of any
// size costs one PDU of memory here.

/// What the fragments of one association amount to, in order.
public enum MessagePart: Sendable, Equatable {
    /// A whole command, on its presentation context; a data set follows when `command.hasDataSet`.
    case command(CommandSet, contextID: UInt8)
    /// A fragment of the data set of the last command; `isLast` ends it.
    case dataSet([UInt8], contextID: UInt8, isLast: Bool)
}

/// Gathers command fragments and passes data-set fragments through, checking their order and context.
public struct MessageAssembler: Sendable {
    private enum State: Sendable {
        /// Waiting for the first fragment of a command.
        case idle
        /// Gathering a command on a context.
        case command(contextID: UInt8, bytes: [UInt8])
        /// Passing the data set of a command on a context through.
        case dataSet(contextID: UInt8)
    }

    /// The largest command set accepted.
    public let commandBytesMax: Int
    private var state = State.idle

    /// Makes an assembler that refuses command sets longer than `commandBytesMax`.
    public init(commandBytesMax: Int = DIMSELimits().commandBytesMax) {
        self.commandBytesMax = commandBytesMax
    }

    /// Whether a message is between its first and last fragment (an abort now leaves it incomplete).
    public var isInsideMessage: Bool {
        if case .idle = state { return false }
        return true
    }

    /// The parts `value` completes or carries; throws `invalidCommand` when it comes out of order, on another
    /// context, or makes a command too long or unreadable.
    public mutating func take(_ value: PresentationDataValue) throws(DIMSEError) -> [MessagePart] {
        switch state {
        case .idle:
            guard value.isCommand else {
                throw DIMSEError(
                    .invalidCommand, "a data-set fragment on context \(value.contextID) arrived before any command")
            }
            return try gather(value, contextID: value.contextID, bytes: [])
        case .command(let contextID, var bytes):
            guard value.isCommand, value.contextID == contextID else {
                throw DIMSEError(
                    .invalidCommand,
                    "a \(value.isCommand ? "command" : "data-set") fragment on context \(value.contextID) arrived "
                        + "inside a command on context \(contextID)")
            }
            state = .idle  // Frees the gathered bytes' buffer for the append below (no copy on write).
            bytes.append(contentsOf: value.bytes)
            return try gather(nil, contextID: contextID, bytes: bytes, isLast: value.isLast)
        case .dataSet(let contextID):
            guard !value.isCommand, value.contextID == contextID else {
                throw DIMSEError(
                    .invalidCommand,
                    "a \(value.isCommand ? "command" : "data-set") fragment on context \(value.contextID) arrived "
                        + "inside a data set on context \(contextID)")
            }
            if value.isLast { state = .idle }
            return [.dataSet(value.bytes, contextID: contextID, isLast: value.isLast)]
        }
    }

    /// Adds `first` (when given) to `bytes`, and decodes the command once its last fragment is in.
    private mutating func gather(
        _ first: PresentationDataValue?, contextID: UInt8, bytes: [UInt8], isLast: Bool = false
    ) throws(DIMSEError) -> [MessagePart] {
        var bytes = bytes
        var isLast = isLast
        if let first {
            bytes = first.bytes
            isLast = first.isLast
        }
        guard bytes.count <= commandBytesMax else {
            throw DIMSEError(
                .invalidCommand, "a command on context \(contextID) is longer than the \(commandBytesMax) bytes allowed"
            )
        }
        guard isLast else {
            state = .command(contextID: contextID, bytes: bytes)
            return []
        }
        let command = try CommandSet.decode(bytes)
        state = command.hasDataSet ? .dataSet(contextID: contextID) : .idle
        return [.command(command, contextID: contextID)]
    }
}
