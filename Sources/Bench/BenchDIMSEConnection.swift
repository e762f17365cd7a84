// One blocking DIMSE connection for `tessera bench dimse`'s own client and sink: PDUs out, PDUs and message parts
// in, with a deadline on every wait. The bench's measuring tools, not the node's association machine: they trust
// the peer to follow the protocol and stop at the first surprise.
import DIMSE
import Posix
import Primitives

/// A DIMSE connection driven step by step by the bench.
final class BenchDIMSEConnection {
    let socket: Socket
    private var decoder = PDUDecoder(limits: DIMSELimits(dataPDUBytesMax: 16 << 20))
    private var assembler = MessageAssembler()
    private var parts: [MessagePart] = []
    private var buffer = [UInt8](repeating: 0, count: 256 << 10)
    /// The largest PDU the peer accepts, once known.
    var peerMaximumLength: UInt32 = 16_384
    /// How long one wait may last.
    static let waitTicks = 60 * Instant.ticksPerSecond

    init(socket: Socket) {
        self.socket = socket
        try? socket.setNoDelay(true)
    }

    /// Sends one PDU.
    func send(_ pdu: PDU) throws {
        let bytes = pdu.encoded()
        try bytes.withUnsafeBytes { try socket.sendAll($0, deadline: deadline) }
    }

    /// Sends a command and its data set on `contextID`, cut to the peer's maximum length, and then the command
    /// `next` (a C-CANCEL) in the same write when given.
    func send(_ command: CommandSet, contextID: UInt8, dataSet: [UInt8]? = nil, then next: CommandSet? = nil) throws {
        let fragmentBytesMax = MessageFragmenter.fragmentBytesMax(peerMaximumLength: peerMaximumLength, cap: 1 << 20)
        var pdus = MessageFragmenter.pdus(
            contextID: contextID, isCommand: true, bytes: command.encoded(), fragmentBytesMax: fragmentBytesMax)
        if let dataSet {
            pdus += MessageFragmenter.pdus(
                contextID: contextID, isCommand: false, bytes: dataSet, fragmentBytesMax: fragmentBytesMax)
        }
        if let next {
            pdus += MessageFragmenter.pdus(
                contextID: contextID, isCommand: true, bytes: next.encoded(), fragmentBytesMax: fragmentBytesMax)
        }
        let bytes = pdus.flatMap { $0.encoded() }
        try bytes.withUnsafeBytes { try socket.sendAll($0, deadline: deadline) }
    }

    /// The next PDU; throws when the connection closes first or the wait runs out.
    func nextPDU() throws -> PDU {
        while true {
            if let pdu = try decoder.next() { return pdu }
            let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0, deadline: deadline) }
            guard count > 0 else { throw BenchError("the DIMSE peer closed the connection") }
            decoder.append(buffer[..<count])
        }
    }

    /// The next message part; a PDU other than P-DATA-TF is returned instead, for the caller to answer.
    func nextPart() throws -> Either {
        while parts.isEmpty {
            let pdu = try nextPDU()
            guard case .data(let values) = pdu else { return .pdu(pdu) }
            for value in values { parts += try assembler.take(value) }
        }
        return .part(parts.removeFirst())
    }

    /// A message part or another PDU.
    enum Either {
        case part(MessagePart)
        case pdu(PDU)
    }

    private var deadline: Instant { MonotonicClock().now().advanced(byTicks: Self.waitTicks) }
}
