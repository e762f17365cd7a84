// Turns a STOW-RS request body into a sequence of parts handed out one buffer at a time: bytes pulled from the
// HTTP body run through the MultipartReader (or pass straight through for a single application/dicom body), and
// each part's bytes are held only until the consumer reads them. Owns framing errors; DICOM checks live elsewhere.
import HTTP
import Primitives

/// A STOW-RS request body as parts, pulled on demand from the request body. A class, so the part being stored
/// and the request loop share one position in the body.
///
/// Memory: one read buffer plus the part bytes of one parse of it that the multipart reader produced from its own
/// memory (never more than the buffer's size); part bytes lying in the read buffer are handed out from there.
final class StoreBodyStream<Body: ByteSource> {
    /// Bytes pulled from the request body at a time.
    static var readBytes: Int { 256 << 10 }

    /// What the multipart reader produced and the consumer has not taken yet.
    private enum Item {
        case head(HTTPHeaders)
        /// Part bytes in the read buffer (`isPending` false) or in `pending`, which holds the few the reader gave
        /// from its own memory (a partial delimiter that turned out to be content).
        case body(start: Int, count: Int, isPending: Bool)
        case partEnd
        case end
    }

    /// The request body; moved back to the caller when the stream is done.
    var body: Body
    /// nil for a single application/dicom body.
    private var reader: MultipartReader?
    private var items: [Item] = []
    private var itemIndex = 0
    /// Part bytes of the `.body` items that do not lie in the read buffer.
    private var pending: [UInt8] = []
    /// Where the request body is read into; its bytes stay put until every item of the read was taken.
    private let readBuffer: UnsafeMutableRawBufferPointer
    private var isBodyExhausted = false
    /// Set once the multipart close delimiter was seen; the epilogue is read and discarded.
    private var isClosed = false
    /// Epilogue bytes discarded so far.
    private var epilogueBytes = 0
    /// The most epilogue tolerated, counted from the first read after the one holding the close delimiter.
    static var epilogueBytesMax: Int { 64 << 10 }
    /// Set once the single-body mode has handed out its one part head.
    private var isSingleStarted = false
    /// Bytes pulled from the request body so far, for error messages.
    private(set) var consumedBytes: Int64 = 0

    /// Makes a stream over `body`: multipart with `boundary`, or one application/dicom part when it is nil.
    init(body: Body, boundary: String?, limits: MultipartLimits) {
        self.body = body
        reader = boundary.map { MultipartReader(boundary: $0, limits: limits) }
        readBuffer = .allocate(byteCount: Self.readBytes, alignment: 16)
    }

    deinit { readBuffer.deallocate() }

    /// The events the consumer sees: a part starts (with its headers), bytes of it, it ends, the body ends.
    enum Event {
        case partHead(HTTPHeaders)
        case partBytes(Int)
        case partEnd
        case end
    }

    /// Waits for the next part head or the end of the body, skipping whatever is left of the current part.
    func nextPart() throws(DICOMwebError) -> HTTPHeaders? {
        while true {
            switch try next(into: nil) {
            case .partHead(let headers): return headers
            case .end: return nil
            case .partBytes, .partEnd: continue
            }
        }
    }

    /// Copies up to `target.count` bytes of the current part into `target`; 0 at the end of the part.
    func readPart(into target: UnsafeMutableRawBufferPointer) throws(DICOMwebError) -> Int {
        precondition(!target.isEmpty, "readPart needs room for at least one byte")
        while true {
            switch try next(into: target, stopsAtHead: true) {
            case .partBytes(let count): return count
            case .partEnd, .end, .partHead: return 0
            }
        }
    }

    /// The next event; `.partBytes(n)` means n bytes were copied to `target` (or skipped when it is nil). With
    /// `stopsAtHead` a part head is left in place, so the part reader stops at the next part without consuming it.
    private func next(into target: UnsafeMutableRawBufferPointer?, stopsAtHead: Bool = false)
        throws(DICOMwebError) -> Event
    {
        while itemIndex >= items.count {
            try refill()
        }
        switch items[itemIndex] {
        case .head(let headers):
            if stopsAtHead { return .partEnd }
            itemIndex += 1
            return .partHead(headers)
        case .body(let start, let count, let isPending):
            let taken = min(count, target?.count ?? count)
            if let target {
                if isPending {
                    pending.withUnsafeBytes { source in
                        target.baseAddress!.copyMemory(from: source.baseAddress! + start, byteCount: taken)
                    }
                } else {
                    target.baseAddress!.copyMemory(from: readBuffer.baseAddress! + start, byteCount: taken)
                }
            }
            if taken == count {
                itemIndex += 1
            } else {
                items[itemIndex] = .body(start: start + taken, count: count - taken, isPending: isPending)
            }
            return .partBytes(taken)
        case .partEnd:
            itemIndex += 1
            return .partEnd
        case .end:
            return .end
        }
    }

    /// Pulls one buffer from the request body and runs it through the reader, queueing what it produced.
    private func refill() throws(DICOMwebError) {
        items.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        itemIndex = 0
        if isBodyExhausted {
            items.append(.end)
            return
        }
        let count: Int
        do {
            count = try body.read(into: readBuffer)
        } catch {
            throw DICOMwebError(.badRequest, "reading the request body failed after \(consumedBytes) bytes: \(error)")
        }
        consumedBytes += Int64(count)
        try queue(UnsafeRawBufferPointer(rebasing: readBuffer[..<count]))
    }

    /// The item for part bytes: where they lie in the read buffer, or a copy in `pending` when they do not.
    private func bodyItem(_ part: UnsafeRawBufferPointer) -> Item {
        if let base = part.baseAddress, let start = readBuffer.baseAddress, base >= UnsafeRawPointer(start),
            base + part.count <= UnsafeRawPointer(start) + readBuffer.count
        {
            return .body(start: UnsafeRawPointer(start).distance(to: base), count: part.count, isPending: false)
        }
        defer { pending.append(contentsOf: part) }
        return .body(start: pending.count, count: part.count, isPending: true)
    }

    /// Queues what one buffer of the request body produced; an empty buffer means the body ended.
    private func queue(_ bytes: UnsafeRawBufferPointer) throws(DICOMwebError) {
        let count = bytes.count
        if isClosed {
            epilogueBytes += count
            guard epilogueBytes <= Self.epilogueBytesMax else {
                throw DICOMwebError(
                    .badRequest,
                    "more than \(Self.epilogueBytesMax) bytes follow the multipart close delimiter")
            }
            if count == 0 {
                isBodyExhausted = true
                items.append(.end)
            }
            return
        }
        guard var multipart = reader else {
            if !isSingleStarted {
                isSingleStarted = true
                items.append(.head(HTTPHeaders([("Content-Type", "application/dicom")])))
            }
            if count == 0 {
                isBodyExhausted = true
                items.append(.partEnd)
                items.append(.end)
            } else {
                items.append(.body(start: 0, count: count, isPending: false))
            }
            return
        }
        defer { reader = multipart }
        do {
            if count == 0 {
                isBodyExhausted = true
                try multipart.finish()
                items.append(.end)
                return
            }
            try multipart.parse(bytes) { event in
                switch event {
                case .partHead(let headers): items.append(.head(headers))
                case .partBody(let part): items.append(bodyItem(part))
                case .partEnd: items.append(.partEnd)
                case .end: isClosed = true
                }
            }
        } catch {
            throw DICOMwebError(
                .badRequest, "the multipart body is malformed near byte \(consumedBytes): \(error)")
        }
    }
}
