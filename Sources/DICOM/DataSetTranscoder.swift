// Rewrites a data set between any two uncompressed transfer syntaxes as its bytes stream through: the native ones
// (NativeDataSetTranscoder) and Deflated Explicit VR Little Endian (PS3.5 §A.5), which is Explicit VR Little Endian
// inflated before and deflated after. Only encapsulated (compressed pixel data) syntaxes are out of reach.

/// Transcodes one data set, fed in buffers of any split.
public struct DataSetTranscoder: Sendable {
    /// The syntax of the bytes fed.
    public let source: TransferSyntax
    /// The syntax of the bytes written.
    public let target: TransferSyntax
    private var native: NativeDataSetTranscoder
    private let inflater: RawDeflateStream?
    private let deflater: RawDeflateStream?
    /// How many bytes have been fed, for the error of a stream that ends too soon.
    private var offset: Int64 = 0
    private let limits: DICOMLimits
    /// Bytes inflated so far: checked against `limits.inputBytesMax`, so a small stream cannot expand unbounded.
    private var inflatedCount: Int64 = 0

    /// Whether neither syntax is encapsulated, so one can be rewritten into the other.
    public static func canTranscode(from source: TransferSyntax, to target: TransferSyntax) -> Bool {
        !source.isEncapsulated && !target.isEncapsulated
    }

    /// A transcoder from `source` to `target`, which `canTranscode` MUST allow.
    public init(from source: TransferSyntax, to target: TransferSyntax, limits: DICOMLimits = .standard) {
        precondition(Self.canTranscode(from: source, to: target), "only uncompressed syntaxes transcode")
        self.source = source
        self.target = target
        self.limits = limits
        let explicit = TransferSyntax.explicitVRLittleEndian
        native = NativeDataSetTranscoder(
            from: source.isDeflated ? explicit : source, to: target.isDeflated ? explicit : target, limits: limits)
        // zlib fails to start only without memory; a transcoder that cannot deflate then fails on its first feed.
        inflater = source.isDeflated ? try? RawDeflateStream(.inflate) : nil
        deflater = target.isDeflated ? try? RawDeflateStream(.deflate) : nil
    }

    /// Reads the next bytes of the data set and appends what they become to `output`.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(DICOMParseError) {
        var rewritten: [UInt8] = []
        if source.isDeflated {
            guard let inflater else { throw Self.zlibUnavailable }
            var transcoder = native
            var count = inflatedCount
            let limit = limits.inputBytesMax
            try inflater.process(bytes) { (piece) throws(DICOMParseError) in
                count += Int64(piece.count)
                guard count <= limit else {
                    throw DICOMParseError(
                        .inputTooLarge, "the deflated data set inflates past \(limit) bytes (inputBytesMax)",
                        offset: limit)
                }
                try transcoder.feed(piece, into: &rewritten)
            }
            native = transcoder
            inflatedCount = count
        } else {
            try native.feed(bytes, into: &rewritten)
        }
        offset += Int64(bytes.count)
        try emit(rewritten, isLast: false, into: &output)
    }

    /// Ends the data set: throws when it stopped inside an element, a value, a sequence or a compressed block.
    public mutating func finish(into output: inout [UInt8]) throws(DICOMParseError) {
        if let inflater, !inflater.hasEnded {
            throw DICOMParseError(.truncated, "the deflated data set ends before its last block", offset: offset)
        }
        var rewritten: [UInt8] = []
        try native.finish(into: &rewritten)
        try emit(rewritten, isLast: true, into: &output)
    }

    /// Appends `bytes` to `output`, deflated when the target is.
    private func emit(_ bytes: [UInt8], isLast: Bool, into output: inout [UInt8]) throws(DICOMParseError) {
        guard target.isDeflated else { return output += bytes }
        guard let deflater else { throw Self.zlibUnavailable }
        let deflated = bytes.withUnsafeBytes { buffer in
            Result { () throws(DICOMParseError) in
                var compressed: [UInt8] = []
                try deflater.process(buffer, isLast: isLast) { (piece) throws(DICOMParseError) in
                    compressed.append(contentsOf: piece)
                }
                return compressed
            }
        }
        output += try deflated.get()
    }

    private static let zlibUnavailable = DICOMParseError(
        .corruptDeflate, "zlib could not start a stream (out of memory)", offset: 0)
}
