// Writing the parts of a WADO-RS answer as files: each part streams into a .partial file, is named after its
// series and SOP Instance UID (read from its file meta group) and renamed into place once complete.
import HTTP
import Posix

/// Writes the parts of a WADO-RS answer to DIR/SERIES/SOP.dcm through .partial files.
struct InstanceFileWriter {
    let directory: String
    let seriesBySOP: [String: String]
    /// SOP Instance UIDs written so far.
    private(set) var written: Set<String> = []
    /// Bytes written so far.
    private(set) var writtenBytes: Int64 = 0
    private var partIndex = 0
    private var partial: String?
    private var sink: FileSink?
    /// The first bytes of the current part, kept until its SOP Instance UID is known.
    private var head: [UInt8] = []
    private var sopInstanceUID: String?

    init(directory: String, seriesBySOP: [String: String]) {
        self.directory = directory
        self.seriesBySOP = seriesBySOP
    }

    /// Handles one multipart event.
    mutating func handle(_ event: MultipartEvent) throws {
        switch event {
        case .partHead:
            partIndex += 1
            let path = directory + "/.tessera-fetch-\(partIndex).partial"
            partial = path
            sink = try FileSink(path: path)
            head = []
            sopInstanceUID = nil
        case .partBody(let bytes):
            guard let sink else { return }
            try sink.write(bytes)
            writtenBytes += Int64(bytes.count)
            if sopInstanceUID == nil && head.count < InstanceFiles.metaBytesMax {
                head.append(contentsOf: bytes.prefix(InstanceFiles.metaBytesMax - head.count))
                if case .success(let uid) = InstanceFiles.sopInstanceUID(inFileMeta: head) { sopInstanceUID = uid }
            }
        case .partEnd:
            try finishPart()
        case .end:
            break
        }
    }

    private mutating func finishPart() throws {
        guard let partial, let sink else { return }
        try sink.synchronize()
        self.sink = nil
        self.partial = nil
        guard let sop = sopInstanceUID else {
            try? PosixDisk().removeFile(partial)
            throw ClientError("part \(partIndex) of the answer is not a Part-10 file with a SOP Instance UID")
        }
        let series = seriesBySOP[sop] ?? "unknown-series"
        try PosixDisk().makeDirectory(directory + "/" + Self.safeName(series))
        try PosixDisk().rename(partial, to: directory + "/" + Self.safeName(series) + "/" + Self.safeName(sop) + ".dcm")
        written.insert(sop)
    }

    /// Removes the .partial file of an unfinished part.
    mutating func abandon() {
        if let partial { try? PosixDisk().removeFile(partial) }
        sink = nil
        partial = nil
    }

    /// A UID as a file name: UIDs are digits and dots, but the answer is not trusted to keep them so.
    static func safeName(_ text: String) -> String {
        let cleaned = String(
            text.map { $0.isASCII && ($0.isNumber || $0.isLetter || $0 == "." || $0 == "-") ? $0 : "_" })
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? "_" + cleaned : cleaned
    }
}
