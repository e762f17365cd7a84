// The history of a chaos run (issue 13): every client operation and every nemesis action with its start, end, node
// and outcome, one JSON object per line, so any checker, ours or another, can read it. Written as the run goes (a
// crash of the runner keeps what happened until then); read back with limits, each fault named by its line.
import Foundation

/// One instance an operation wrote or read: its SOP Instance UID and the SHA-256 of its bytes (hex).
public struct ChaosInstance: Codable, Sendable, Hashable {
    public let uid: String
    public let sha256: String

    public init(uid: String, sha256: String) {
        self.uid = uid
        self.sha256 = sha256
    }
}

/// One line of a history: a client's write or read, or the nemesis's action.
public struct ChaosOperation: Codable, Sendable, Equatable {
    /// What the line records.
    public enum Kind: String, Codable, Sendable {
        /// A STOW-RS of `instances` at `node`.
        case write
        /// A WADO-RS (or QIDO-RS) at `node`; `instances` what it returned.
        case read
        /// A fault the nemesis started or ended; `action` says which, `targets` where.
        case nemesis
    }

    /// How the operation ended.
    public enum Outcome: String, Codable, Sendable {
        /// Acknowledged (a write) or answered (a read).
        case ok
        /// The node answered that it could not, now (a 503 during a fault): nothing was promised.
        case refused
        /// No answer, or an error: a write may or may not have been stored.
        case failed
    }

    /// How the detail of a QIDO-RS search's line begins (a read line without it is a WADO-RS retrieve).
    public static let searchDetailPrefix = "QIDO-RS"

    public var kind: Kind
    /// Wall-clock milliseconds since 1970 when it started and ended.
    public var startMilliseconds: Int64
    public var endMilliseconds: Int64
    /// The node it was sent to (a write or read), empty for the nemesis.
    public var node: String
    /// "local" or "remote" for a write; nil otherwise.
    public var ackMode: String?
    /// The study it concerned, when one.
    public var study: String?
    /// The instances written, or those a read returned.
    public var instances: [ChaosInstance]
    public var outcome: Outcome
    /// The nemesis's action ("kill", "stop", "partition"…), nil for a client operation.
    public var action: String?
    /// The nodes, sites or territories the action touched.
    public var targets: [String]
    /// Anything else worth a reader's eye: an error message, a fault's parameters.
    public var detail: String

    public init(
        kind: Kind, startMilliseconds: Int64, endMilliseconds: Int64, node: String = "", ackMode: String? = nil,
        study: String? = nil, instances: [ChaosInstance] = [], outcome: Outcome, action: String? = nil,
        targets: [String] = [], detail: String = ""
    ) {
        self.kind = kind
        self.startMilliseconds = startMilliseconds
        self.endMilliseconds = endMilliseconds
        self.node = node
        self.ackMode = ackMode
        self.study = study
        self.instances = instances
        self.outcome = outcome
        self.action = action
        self.targets = targets
        self.detail = detail
    }
}

/// Reading and writing history files.
public enum ChaosHistory {
    /// The longest line read back (a write of a whole study names each instance with its hash).
    public static let lineBytesMax = 4 << 20
    /// The most lines read back.
    public static let lineCountMax = 10_000_000

    /// The line `operation` is written as, without its newline.
    public static func line(_ operation: ChaosOperation) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(operation))
    }

    /// Appends `operation` to the history at `path` (clients and the nemesis append to one file at once).
    public static func append(_ operation: ChaosOperation, to path: String) throws(ChaosError) {
        let encoded: [UInt8]
        do { encoded = try line(operation) } catch {
            throw ChaosError(.history, "cannot encode a \(operation.kind.rawValue) at \(operation.node): \(error)")
        }
        try JSONLines.append(encoded, to: path, what: "the history")
    }

    /// The operations of a history's bytes, in order; throws naming the first line that is not one.
    public static func decode(_ bytes: [UInt8]) throws(ChaosError) -> [ChaosOperation] {
        var operations: [ChaosOperation] = []
        let decoder = JSONDecoder()
        var number = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            guard !line.isEmpty else { continue }
            guard number <= lineCountMax else {
                throw ChaosError(.history, "the history has more than \(lineCountMax) lines")
            }
            guard line.count <= lineBytesMax else {
                throw ChaosError(.history, "line \(number) of the history is over \(lineBytesMax) bytes")
            }
            do {
                let operation = try decoder.decode(ChaosOperation.self, from: Data(line))
                guard operation.endMilliseconds >= operation.startMilliseconds else {
                    throw ChaosError(.history, "line \(number) of the history ends before it starts")
                }
                operations.append(operation)
            } catch let error as ChaosError {
                throw error
            } catch {
                throw ChaosError(.history, "line \(number) of the history is not an operation: \(Self.reason(error))")
            }
        }
        return operations
    }

    /// What a decoding error says, in one line.
    static func reason(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        return switch error {
        case DecodingError.keyNotFound(let key, _): "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "'\(path(context))' has the wrong type"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty ? "not JSON" : "'\(path(context))' is not valid"
        default: "\(error)"
        }
    }
}
