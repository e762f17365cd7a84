// Rewrites a data set between the native (uncompressed, not deflated) transfer syntaxes as its bytes stream through
// (PS3.5 §7, Annex A.1–A.3): Implicit VR Little Endian, Explicit VR Little Endian and Explicit VR Big Endian.
// Element headers are re-encoded (VRs from the dictionary when the source has none), values are byte-swapped by
// their VR's unit when the byte order changes, and sequences and items become undefined length with delimiters,
// since a defined length would change with the headers inside. Nothing but one header is held at a time.

/// Transcodes one data set between native syntaxes, fed in buffers of any split (DataSetTranscoder adds deflate).
struct NativeDataSetTranscoder: Sendable {
    /// The syntax of the bytes fed.
    let source: TransferSyntax
    /// The syntax of the bytes written.
    let target: TransferSyntax
    private let limits: DICOMLimits
    private var offset: Int64 = 0
    private var head: [UInt8] = []
    /// The value being passed through: bytes left, the swap unit, and the bytes of a unit split across buffers.
    private var valueRemaining: Int64 = 0
    private var swapUnit = 1
    private var carry: [UInt8] = []
    private var frames: [Frame] = []
    private var elementCount = 0

    /// An open sequence or item: where it ends in the input (nil: at its delimiter) and how its content is encoded.
    private struct Frame: Sendable {
        let isItem: Bool
        let end: Int64?
        let encoding: Encoding
    }

    /// How a stretch of input is encoded.
    private struct Encoding: Sendable, Equatable {
        let isExplicitVR: Bool
        let isBigEndian: Bool
    }

    /// A transcoder from `source` to `target`, both native and not deflated.
    init(from source: TransferSyntax, to target: TransferSyntax, limits: DICOMLimits = .standard) {
        precondition(
            [source, target].allSatisfy { !$0.isEncapsulated && !$0.isDeflated }, "only native syntaxes transcode")
        self.source = source
        self.target = target
        self.limits = limits
    }

    private var inputEncoding: Encoding {
        frames.last?.encoding ?? Encoding(isExplicitVR: source.isExplicitVR, isBigEndian: source.isBigEndian)
    }

    /// Reads the next bytes of the data set and appends what they become to `output`.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(DICOMParseError) {
        var position = 0
        while position < bytes.count {
            if valueRemaining > 0 {
                let taken = Int(min(Int64(bytes.count - position), valueRemaining))
                pass(UnsafeRawBufferPointer(rebasing: bytes[position..<(position + taken)]), into: &output)
                position += taken
                offset += Int64(taken)
                valueRemaining -= Int64(taken)
                guard valueRemaining == 0 else { continue }
                // A value whose length is not a multiple of its unit (malformed) keeps its last bytes as they came.
                output += carry
                carry.removeAll(keepingCapacity: true)
                try closeEndedFrames(into: &output)
                continue
            }
            head.append(bytes[position])
            position += 1
            offset += 1
            if let needed = try headLength(), head.count == needed { try element(into: &output) }
        }
    }

    /// Ends the data set: throws when it stopped inside an element, a value or a sequence.
    mutating func finish(into output: inout [UInt8]) throws(DICOMParseError) {
        try closeEndedFrames(into: &output)
        guard head.isEmpty && valueRemaining == 0 else {
            throw DICOMParseError(.truncated, "the data set ends inside an element", offset: offset)
        }
        guard frames.isEmpty else {
            throw DICOMParseError(.truncated, "the data set ends inside a sequence", offset: offset)
        }
    }

    // MARK: - Headers

    /// How many bytes the element header gathered so far needs, once that is known (nil: not yet).
    private func headLength() throws(DICOMParseError) -> Int? {
        guard head.count >= 6 else { return nil }
        let encoding = inputEncoding
        if Self.read16(head, 0, encoding.isBigEndian) == 0xFFFE || !encoding.isExplicitVR { return 8 }
        guard let vr = VR(rawValue: String(decoding: head[4..<6], as: UTF8.self)) else {
            throw DICOMParseError(
                .invalidVR, "element \(tag) has VR bytes \(head[4]) \(head[5]), not a VR", offset: offset - 6)
        }
        return vr.hasLongLength ? 12 : 8
    }

    private var tag: DICOMTag {
        let isBig = inputEncoding.isBigEndian
        return DICOMTag(UInt32(Self.read16(head, 0, isBig)) << 16 | UInt32(Self.read16(head, 2, isBig)))
    }

    /// Re-encodes the element header gathered in `head`, and opens a sequence, an item or a value.
    private mutating func element(into output: inout [UInt8]) throws(DICOMParseError) {
        let encoding = inputEncoding
        let tag = self.tag
        let start = offset - Int64(head.count)
        let head = self.head
        self.head.removeAll(keepingCapacity: true)
        if let end = frames.last?.end, offset > end {
            throw DICOMParseError(.lengthPastEnd, "element \(tag) runs past the end of its item", offset: start)
        }
        elementCount += 1
        guard elementCount <= limits.elementCountMax else {
            throw DICOMParseError(.tooManyElements, "more than \(limits.elementCountMax) elements", offset: start)
        }
        if tag.group == 0xFFFE {
            try delimiterOrItem(tag, length: Self.read32(head, 4, encoding.isBigEndian), at: start, into: &output)
            return
        }
        guard frames.last?.isItem != false else {
            throw DICOMParseError(
                .unexpectedItem, "element \(tag) inside a sequence but outside an item", offset: start)
        }
        let sourceVR: VR
        let length: UInt32
        if encoding.isExplicitVR {
            sourceVR = VR(rawValue: String(decoding: head[4..<6], as: UTF8.self)) ?? .UN
            length =
                sourceVR.hasLongLength
                ? Self.read32(head, 8, encoding.isBigEndian) : UInt32(Self.read16(head, 6, encoding.isBigEndian))
        } else {
            sourceVR = DataDictionary.vr(for: tag)
            length = Self.read32(head, 4, encoding.isBigEndian)
        }
        if sourceVR == .SQ || length == 0xFFFF_FFFF {
            // A sequence (an explicit UN of undefined length holds Implicit VR Little Endian, PS3.5 §6.2.2).
            guard frames.count < limits.sequenceDepthMax * 2 else {
                throw DICOMParseError(.nestingTooDeep, "sequences nest deeper than allowed", offset: start)
            }
            let inner =
                sourceVR == .UN && encoding.isExplicitVR
                ? Encoding(isExplicitVR: false, isBigEndian: false) : encoding
            writeHead(tag, vr: .SQ, length: 0xFFFF_FFFF, into: &output)
            try open(isItem: false, length: length, encoding: inner, at: start)
            try closeEndedFrames(into: &output)
            return
        }
        if let end = frames.last?.end, offset + Int64(length) > end {
            throw DICOMParseError(.lengthPastEnd, "element \(tag) runs past the end of its item", offset: start)
        }
        // A VR with a 16-bit length cannot carry a longer value explicitly: it goes as UN (PS3.5 §6.2.2).
        let targetVR = !sourceVR.hasLongLength && length > 0xFFFF ? VR.UN : sourceVR
        writeHead(tag, vr: targetVR, length: length, into: &output)
        swapUnit = encoding.isBigEndian != target.isBigEndian && sourceVR != .UN ? sourceVR.byteSwapUnit : 1
        valueRemaining = Int64(length)
        if length == 0 { try closeEndedFrames(into: &output) }
    }

    /// An item opens a frame; a delimiter closes the frame it ends.
    private mutating func delimiterOrItem(
        _ tag: DICOMTag, length: UInt32, at start: Int64, into output: inout [UInt8]
    ) throws(DICOMParseError) {
        switch tag.element {
        case 0xE000:
            guard let sequence = frames.last, !sequence.isItem else {
                throw DICOMParseError(.unexpectedItem, "an item outside a sequence", offset: start)
            }
            writeDelimiter(0xE000, length: 0xFFFF_FFFF, into: &output)
            try open(isItem: true, length: length, encoding: sequence.encoding, at: start)
            try closeEndedFrames(into: &output)
        case 0xE00D, 0xE0DD:
            let isItemEnd = tag.element == 0xE00D
            guard let frame = frames.last, frame.isItem == isItemEnd, frame.end == nil else {
                throw DICOMParseError(
                    .unexpectedItem, "a \(isItemEnd ? "item" : "sequence") delimiter where none is open", offset: start)
            }
            frames.removeLast()
            writeDelimiter(tag.element, length: 0, into: &output)
            try closeEndedFrames(into: &output)
        default:
            throw DICOMParseError(.unexpectedItem, "element \(tag) is not an item or a delimiter", offset: start)
        }
    }

    /// Opens a sequence or item frame of `length` (undefined: 0xFFFFFFFF) that MUST end within its parent.
    private mutating func open(isItem: Bool, length: UInt32, encoding: Encoding, at start: Int64)
        throws(DICOMParseError)
    {
        let end = length == 0xFFFF_FFFF ? nil : offset + Int64(length)
        if let end, let parentEnd = frames.last?.end, end > parentEnd {
            throw DICOMParseError(
                .lengthPastEnd, "a \(isItem ? "item" : "sequence") runs past the end of what holds it", offset: start)
        }
        frames.append(Frame(isItem: isItem, end: end, encoding: encoding))
    }

    /// Closes, with their delimiters, the frames of defined length whose end the input has reached.
    private mutating func closeEndedFrames(into output: inout [UInt8]) throws(DICOMParseError) {
        while let frame = frames.last, let end = frame.end, offset >= end {
            guard offset == end else {
                throw DICOMParseError(.lengthPastEnd, "an element runs past the end of its sequence", offset: offset)
            }
            frames.removeLast()
            writeDelimiter(frame.isItem ? 0xE00D : 0xE0DD, length: 0, into: &output)
        }
    }

    // MARK: - Writing

    private func writeHead(_ tag: DICOMTag, vr: VR, length: UInt32, into output: inout [UInt8]) {
        let isBig = target.isBigEndian
        append16(tag.group, isBig, &output)
        append16(tag.element, isBig, &output)
        guard target.isExplicitVR else { return append32(length, isBig, &output) }
        output += Array(vr.rawValue.utf8)
        if vr.hasLongLength {
            output += [0, 0]
            append32(length, isBig, &output)
        } else {
            append16(UInt16(length), isBig, &output)
        }
    }

    private func writeDelimiter(_ element: UInt16, length: UInt32, into output: inout [UInt8]) {
        append16(0xFFFE, target.isBigEndian, &output)
        append16(element, target.isBigEndian, &output)
        append32(length, target.isBigEndian, &output)
    }

    /// Passes value bytes through, reversing each unit when the byte order changes.
    private mutating func pass(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        guard swapUnit > 1 else { return output.append(contentsOf: bytes) }
        for byte in bytes {
            carry.append(byte)
            guard carry.count == swapUnit else { continue }
            output.append(contentsOf: carry.reversed())
            carry.removeAll(keepingCapacity: true)
        }
    }

    // MARK: - Numbers

    private static func read16(_ bytes: [UInt8], _ at: Int, _ isBig: Bool) -> UInt16 {
        isBig ? UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) : UInt16(bytes[at + 1]) << 8 | UInt16(bytes[at])
    }

    private static func read32(_ bytes: [UInt8], _ at: Int, _ isBig: Bool) -> UInt32 {
        let high = UInt32(read16(bytes, isBig ? at : at + 2, isBig))
        let low = UInt32(read16(bytes, isBig ? at + 2 : at, isBig))
        return high << 16 | low
    }

    private func append16(_ value: UInt16, _ isBig: Bool, _ output: inout [UInt8]) {
        let bytes = [UInt8(value & 0xFF), UInt8(value >> 8)]
        output += isBig ? bytes.reversed() : bytes
    }

    private func append32(_ value: UInt32, _ isBig: Bool, _ output: inout [UInt8]) {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
        output += isBig ? bytes.reversed() : bytes
    }
}
