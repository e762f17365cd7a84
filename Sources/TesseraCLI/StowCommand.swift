// `tessera store PATH… --node URL`: files and folders (recursive) sent to a node with STOW-RS, in batches of files
// up to a byte budget per request, streamed from disk, with progress and a summary naming every rejected file.
import DICOM
import HTTP
import Posix
import Primitives
import Transport

/// The `store` subcommand.
enum StowCommand {
    /// Bytes of files per STOW-RS request by default; a larger file goes alone.
    static let batchBytesDefault: Int64 = 64 << 20
    /// Files per STOW-RS request at most, so one answer stays small.
    static let batchFileCountMax = 1000

    /// What became of one file.
    enum Outcome: Equatable {
        case stored
        case alreadyPresent
        case rejected(String)
    }

    /// Sends the files and folders named on the command line and prints the summary.
    static func run(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["node", "token", "batch-mb"])
        guard !arguments.positionals.isEmpty else { throw UsageError(description: "store needs at least one PATH") }
        let batchBytes = Int64(try arguments.integer("batch-mb", in: 1...65_536) ?? 64) << 20
        let client = try NodeClient(arguments)
        let listing = InstanceFiles.collect(arguments.positionals)
        var outcomes: [(path: String, outcome: Outcome)] = listing.problems.map { ($0.path, .rejected($0.reason)) }
        let readable = listing.files.filter { file in
            guard let reason = file.problem else { return true }
            outcomes.append((file.path, .rejected(reason)))
            return false
        }
        let totalBytes = readable.reduce(Int64(0)) { $0 + $1.length }
        let progress = Progress("storing \(readable.count) files", totalBytes: totalBytes)
        for batch in batches(readable, budget: batchBytes) {
            // A failed exchange (the node went away, a file changed while sent) fails its batch, not the run.
            do {
                let results = try send(batch, client: client, progress: progress)
                outcomes += zip(batch, results).map { ($0.path, $1) }
            } catch {
                outcomes += batch.map { ($0.path, .rejected("\(error)")) }
            }
        }
        if !readable.isEmpty { progress.finish() }
        try summarize(outcomes)
    }

    /// Groups `files` in order into batches of at most `budget` bytes and `batchFileCountMax` files.
    static func batches(_ files: [InstanceFile], budget: Int64) -> [[InstanceFile]] {
        var batches: [[InstanceFile]] = []
        var current: [InstanceFile] = []
        var currentBytes: Int64 = 0
        for file in files {
            if !current.isEmpty && (currentBytes + file.length > budget || current.count == batchFileCountMax) {
                batches.append(current)
                current = []
                currentBytes = 0
            }
            current.append(file)
            currentBytes += file.length
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// Sends one batch as a STOW-RS request and returns each file's outcome, in order.
    static func send(_ batch: [InstanceFile], client: NodeClient, progress: Progress) throws -> [Outcome] {
        let body = try MultipartFileBody(
            files: batch.map { ($0.path, $0.length) }, boundarySeed: UInt64.random(in: .min ... .max),
            onFileBytes: { progress.advance(by: $0) })
        let response = try client.post("/studies", body: body, accept: "application/dicom+json")
        // The node stores an instance whose PatientID another study names with another patient, and says so.
        for warning in response.headers.values("Warning") where warning.contains("patient conflict") {
            Console.error("tessera: warning: " + warning)
        }
        return outcomes(of: batch, response: response)
    }

    /// Maps the STOW-RS answer to each file by its SOP Instance UID (PS3.18 §10.5.3): ReferencedSOPSequence items
    /// are stored (or already present), FailedSOPSequence items rejected with their FailureReason.
    static func outcomes(of batch: [InstanceFile], response: BufferedResponse) -> [Outcome] {
        let isJSON = (response.headers["Content-Type"] ?? "").contains("json")
        guard isJSON, let answer = try? DICOMJSONDataSet.single(from: response.body, what: "the store answer") else {
            return batch.map { _ in .rejected(response.summary) }
        }
        var byUID: [String: Outcome] = [:]
        for item in answer.items(.referencedSOPSequence) {
            let warning = item.integer(.warningReason)
            byUID[item.string(.referencedSOPInstanceUID)] =
                warning == alreadyPresentWarning ? .alreadyPresent : .stored
        }
        var unnamedFailures: [String] = []
        for item in answer.items(.failedSOPSequence) {
            let reason = failureText(item.integer(.failureReason), comment: item.string(.errorComment))
            let uid = item.string(.referencedSOPInstanceUID)
            if uid.isEmpty { unnamedFailures.append(reason) } else { byUID[uid] = .rejected(reason) }
        }
        return batch.map { file in
            if let outcome = byUID[file.sopInstanceUID] { return outcome }
            if !unnamedFailures.isEmpty { return .rejected(unnamedFailures.removeFirst()) }
            return .rejected("the node did not report this instance (\(response.summary))")
        }
    }

    /// The Warning Reason the node gives an instance it already held byte for byte (0111, "duplicate SOP
    /// instance", PS3.7 C.5).
    static let alreadyPresentWarning = 0x0111

    /// A FailureReason code with its meaning (PS3.18 Table I.2-1 and PS3.4 Annex GG), and the node's comment.
    static func failureText(_ code: Int?, comment: String) -> String {
        let meanings: [Int: String] = [
            0xA700: "out of resources", 0xA900: "data set does not match SOP class", 0xC000: "cannot understand",
            0xC122: "transfer syntax not supported", 0x0110: "processing failure",
            0x0122: "SOP class not supported", 0x0111: "duplicate SOP instance with different content",
            0xA770: "out of resources",
        ]
        var text = code.map { "failure 0x" + String($0, radix: 16, uppercase: true) } ?? "failure"
        if let code, let meaning = meanings[code] { text += " (\(meaning))" }
        if !comment.isEmpty { text += ": " + comment }
        return text
    }

    /// Prints the totals and every rejected file; throws when any was rejected, for a non-zero exit.
    static func summarize(_ outcomes: [(path: String, outcome: Outcome)]) throws {
        var stored = 0
        var present = 0
        var rejected: [(String, String)] = []
        for (path, outcome) in outcomes {
            switch outcome {
            case .stored: stored += 1
            case .alreadyPresent: present += 1
            case .rejected(let reason): rejected.append((path, reason))
            }
        }
        Console.output("stored \(stored), already present \(present), rejected \(rejected.count)\n")
        for (path, reason) in rejected { Console.output("rejected \(path): \(reason)\n") }
        if !rejected.isEmpty { throw ClientError("\(rejected.count) of \(outcomes.count) files were rejected") }
    }
}
