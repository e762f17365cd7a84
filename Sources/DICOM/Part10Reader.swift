// The streaming Part-10 reader (PS3.10 §7): buffers of any split go in; the header comes out as soon as Pixel Data
// starts, and `finish` checks the whole stream was well formed. It observes the bytes the caller stores and never
// buffers pixel data or large values: past the header it skips in O(1) per buffer.

/// Reads a DICOM Part-10 stream incrementally.
///
/// Feed every byte of the file, in order, in buffers of any size, then call `finish`. The result does not depend
/// on how the stream was split. After an error every later call throws the same error.
///
/// The stream MUST start with the 128-byte preamble and "DICM" (PS3.10 §7.1). Files without them are refused:
/// pydicom reads them only with `force=True`, and an archive cannot tell them from arbitrary bytes. The file meta
/// group is read while tags are in group 0002, as pydicom and dcmtk do, since its group length is often wrong;
/// the group length, when present, is kept with the other meta elements. Elements after Pixel Data (trailing
/// padding, signatures) are read under the same limits and appear in the header `finish` returns.
public struct Part10Reader: Sendable {
    /// The bytes of the preamble plus the "DICM" prefix.
    static let preambleByteCount = 132

    /// The limits this reader enforces.
    public let limits: DICOMLimits
    /// The header: set when top-level Pixel Data starts (its length known if defined), and complete after
    /// `finish`. Nil before either.
    public internal(set) var header: Part10Header?
    /// The file meta group, once the data set has started.
    public internal(set) var meta: FileMetaInformation?
    /// How many bytes have been fed.
    public internal(set) var offset: Int64 = 0

    var step: ReaderStep = .preamble
    /// Bytes of a preamble or element header gathered across buffers.
    var scratch: [UInt8] = []
    /// Bytes of an inline value gathered across buffers.
    var value: [UInt8] = []
    var frames: [ReaderFrame] = [
        ReaderFrame(kind: .root, end: nil, encoding: .explicitLittle, characterSet: .default)
    ]
    var isInMetaGroup = true
    var transferSyntax: TransferSyntax?
    /// Whether the next element header decides the encoding by its VR bytes (pydicom's implicit/explicit check).
    var detectsEncoding = true
    var headerByteCount = 0
    var elementCount = 0
    var sequenceDepth = 0
    var failure: DICOMParseError?
    var isFinished = false
    /// The inflater of a deflated data set (PS3.5 §A.5): every byte after the meta group goes through it, and
    /// offsets past the meta group count inflated bytes.
    var inflater: RawDeflateStream?
    /// The compressed bytes read as an element header before the switch to the inflater, handed to it first.
    var compressedHandOff: [UInt8]?

    /// Makes a reader with `limits`.
    public init(limits: DICOMLimits = .standard) {
        self.limits = limits
        scratch.reserveCapacity(Self.preambleByteCount)
    }

    /// Reads `bytes`, the next part of the stream.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(DICOMParseError) {
        if let failure { throw failure }
        precondition(!isFinished, "Part10Reader.feed after finish")
        guard !bytes.isEmpty else { return }
        do throws(DICOMParseError) {
            if let inflater { return try inflateAndConsume(bytes, inflater) }
            let used = try consumeLimited(bytes)
            if let handOff = compressedHandOff, let inflater {
                compressedHandOff = nil
                let handed = handOff.withUnsafeBytes { bytes in
                    Result { () throws(DICOMParseError) in try inflateAndConsume(bytes, inflater) }
                }
                try handed.get()
                try inflateAndConsume(UnsafeRawBufferPointer(rebasing: bytes[used...]), inflater)
            }
        } catch {
            failure = error
            throw error
        }
    }

    /// Consumes `bytes` up to `limits.inputBytesMax`; returns how many were taken (fewer when the data set turned
    /// out to be deflated, the rest then belonging to the inflater).
    private mutating func consumeLimited(_ bytes: UnsafeRawBufferPointer) throws(DICOMParseError) -> Int {
        if offset + Int64(bytes.count) > limits.inputBytesMax {
            // Read up to the limit first, so an earlier error wins whatever the split.
            _ = try consume(UnsafeRawBufferPointer(rebasing: bytes[..<Int(limits.inputBytesMax - offset)]))
            throw DICOMParseError(
                .inputTooLarge,
                "the stream is longer than the limit of \(limits.inputBytesMax) bytes (inputBytesMax)",
                offset: limits.inputBytesMax)
        }
        return try consume(bytes)
    }

    /// Inflates `bytes` of a deflated data set and reads what comes out.
    private mutating func inflateAndConsume(
        _ bytes: UnsafeRawBufferPointer, _ inflater: RawDeflateStream
    ) throws(DICOMParseError) {
        // Errors name where the compressed data set starts: how far zlib got is not the same for every split.
        try inflater.process(bytes, offset: meta?.dataSetOffset ?? 0) { (piece) throws(DICOMParseError) in
            _ = try consumeLimited(piece)
        }
    }

    /// Ends the stream: throws if it stopped inside an element or container, else returns the complete header.
    public mutating func finish() throws(DICOMParseError) -> Part10Header {
        if let failure { throw failure }
        precondition(!isFinished, "Part10Reader.finish called twice")
        do throws(DICOMParseError) {
            if let inflater, !inflater.hasEnded {
                throw DICOMParseError(
                    .truncated, "the deflated data set ends before its last block (at offset \(offset) once inflated)",
                    offset: offset)
            }
            let result = try validateEnd()
            isFinished = true
            header = result
            return result
        } catch {
            failure = error
            throw error
        }
    }

    /// Reads a whole Part-10 file held in memory: one `feed` and `finish`.
    public static func read(
        _ bytes: UnsafeRawBufferPointer, limits: DICOMLimits = .standard
    ) throws(DICOMParseError) -> Part10Header {
        var reader = Part10Reader(limits: limits)
        try reader.feed(bytes)
        return try reader.finish()
    }

    /// The feed loop: each step takes what it can from `bytes`; skipping costs O(1) per buffer. Returns how many
    /// bytes were taken: all, unless the data set turned out to be deflated.
    private mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(DICOMParseError) -> Int {
        var position = 0
        let count = bytes.count
        while position < count {
            switch step {
            case .skip(let skipped, let remaining):
                let taken = min(Int64(count - position), remaining)
                position += Int(taken)
                offset += taken
                if taken == remaining {
                    step = .head
                    try endSkip(skipped)
                } else {
                    step = .skip(skipped, remaining: remaining - taken)
                }
            case .value(let head):
                let taken = min(count - position, Int(head.length) - value.count)
                value.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[position..<position + taken]))
                position += taken
                offset += Int64(taken)
                if value.count == Int(head.length) {
                    step = .head
                    try endValue(head)
                }
            case .preamble, .head, .longHead:
                let needed = step.scratchByteCount
                let taken = min(count - position, needed - scratch.count)
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[position..<position + taken]))
                position += taken
                offset += Int64(taken)
                if scratch.count == needed { try endScratch() }
                if compressedHandOff != nil { return position }
            }
        }
        return position
    }

    /// Handles a complete preamble or element header in `scratch`.
    private mutating func endScratch() throws(DICOMParseError) {
        switch step {
        case .preamble:
            let magic = scratch[128..<132]
            guard magic.elementsEqual("DICM".utf8) else {
                throw DICOMParseError(
                    .notDICOM, "no \"DICM\" prefix at offset 128: not a DICOM Part-10 file (PS3.10 §7.1)", offset: 128)
            }
            scratch.removeAll(keepingCapacity: true)
            step = .head
        case .head:
            try decodeHead()
        case .longHead(var head):
            head.length = readUInt32(scratch, at: 8, bigEndian: frames[frames.count - 1].encoding.isBigEndian)
            scratch.removeAll(keepingCapacity: true)
            step = .head
            try beginElement(head)
        case .value, .skip:
            preconditionFailure("endScratch outside a header step")
        }
    }
}

/// What the reader is waiting for.
enum ReaderStep: Sendable {
    /// The 128-byte preamble and "DICM".
    case preamble
    /// The first 8 bytes of an element or item header.
    case head
    /// The 4-byte length completing a 12-byte explicit-VR header.
    case longHead(ElementHead)
    /// The value bytes of an inline element.
    case value(ElementHead)
    /// Bytes passed over unread: a bulk value (its head), or a fragment of encapsulated pixel data (nil).
    case skip(ElementHead?, remaining: Int64)

    /// How many bytes `scratch` must hold for this step.
    var scratchByteCount: Int {
        switch self {
        case .preamble: return Part10Reader.preambleByteCount
        case .head: return 8
        case .longHead: return 12
        case .value, .skip: return 0
        }
    }
}

/// Reads a 16-bit integer at `index` of `bytes` in the given byte order.
@inline(__always)
func readUInt16(_ bytes: [UInt8], at index: Int, bigEndian: Bool) -> UInt16 {
    let first = UInt16(bytes[index])
    let second = UInt16(bytes[index + 1])
    return bigEndian ? first << 8 | second : second << 8 | first
}

/// Reads a 32-bit integer at `index` of `bytes` in the given byte order.
@inline(__always)
func readUInt32(_ bytes: [UInt8], at index: Int, bigEndian: Bool) -> UInt32 {
    let high = UInt32(readUInt16(bytes, at: index + (bigEndian ? 0 : 2), bigEndian: bigEndian))
    let low = UInt32(readUInt16(bytes, at: index + (bigEndian ? 2 : 0), bigEndian: bigEndian))
    return high << 16 | low
}
