// Writes Part-10 files (PS3.10 §7.1): preamble, "DICM", the file meta group with its group length, and a data set
// in Implicit VR LE, Explicit VR LE or Explicit VR BE, with native or encapsulated pixel data. For tests, benches
// and sample studies; the archive itself stores the bytes it received, never re-encoded.

/// Encodes data sets as Part-10 files.
public enum Part10Writer {
    /// The Implementation Class UID written in the meta group (a UUID-derived UID under 2.25, PS3.5 §B.2).
    public static let implementationClassUID = "2.25.274094325390432128734823146718613260587"
    /// The Implementation Version Name written in the meta group.
    public static let implementationVersionName = "TESSERA_0"

    /// How sequences and items are delimited.
    public struct Options: Sendable, Equatable {
        /// Write sequences with undefined length and a sequence delimitation item.
        public var undefinedLengthSequences: Bool
        /// Write items with undefined length and an item delimitation item.
        public var undefinedLengthItems: Bool

        /// Makes options; the default writes defined lengths everywhere.
        public init(undefinedLengthSequences: Bool = false, undefinedLengthItems: Bool = false) {
            self.undefinedLengthSequences = undefinedLengthSequences
            self.undefinedLengthItems = undefinedLengthItems
        }
    }

    /// Encodes `dataSet` as a Part-10 file in `transferSyntax`.
    ///
    /// The meta group's SOP class and instance come from (0008,0016) and (0008,0018). `pixelData`, when given,
    /// is written as (7FE0,0010) in tag order. The data set MUST hold only inline values and sequences (no bulk
    /// data references); a deflated syntax is written as Explicit VR Little Endian, then deflated; encapsulated
    /// pixel data needs an explicit little-endian syntax.
    public static func write(
        _ dataSet: DataSet, transferSyntax: TransferSyntax, pixelData: PixelDataPayload? = nil,
        options: Options = Options()
    ) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 128)
        output.append(contentsOf: "DICM".utf8)
        output.append(contentsOf: metaGroup(for: dataSet, transferSyntax: transferSyntax))
        output.append(
            contentsOf: dataSetBytes(dataSet, transferSyntax: transferSyntax, pixelData: pixelData, options: options))
        return output
    }

    /// The data set alone, without preamble or meta group, as DIMSE carries it (a C-FIND identifier, a C-STORE
    /// data set). The same contract as `write`.
    public static func dataSetBytes(
        _ dataSet: DataSet, transferSyntax: TransferSyntax, pixelData: PixelDataPayload? = nil,
        options: Options = Options()
    ) -> [UInt8] {
        if transferSyntax.isDeflated {
            let explicit = dataSetBytes(
                dataSet, transferSyntax: .explicitVRLittleEndian, pixelData: pixelData, options: options)
            return deflated(explicit)
        }
        var output: [UInt8] = []
        let encoder = ElementEncoder(
            encoding: ElementEncoding(
                isExplicitVR: transferSyntax.isExplicitVR, isBigEndian: transferSyntax.isBigEndian),
            options: options)
        var elements = dataSet.sortedElements
        var fragmentsToWrite: (offsetTable: [UInt32], fragments: [[UInt8]])?
        if let pixelData {
            elements.removeAll { $0.tag == .pixelData }
            switch pixelData {
            case .native(let bytes):
                let index = elements.firstIndex { $0.tag > .pixelData } ?? elements.count
                elements.insert(DataElement(tag: .pixelData, vr: .OW, value: .bytes(bytes)), at: index)
            case .encapsulated(let offsetTable, let fragments):
                precondition(!transferSyntax.isBigEndian, "encapsulated pixel data is little-endian only")
                fragmentsToWrite = (offsetTable, fragments)
            }
        }
        let split = elements.firstIndex { $0.tag > .pixelData } ?? elements.count
        encoder.writeSet(DataSet(Array(elements[..<split])), into: &output)
        if let fragmentsToWrite {
            encoder.writeEncapsulated(
                offsetTable: fragmentsToWrite.offsetTable, fragments: fragmentsToWrite.fragments, into: &output)
        }
        encoder.writeSet(DataSet(Array(elements[split...])), into: &output)
        return output
    }

    /// `bytes` as one raw deflate stream (PS3.5 §A.5).
    static func deflated(_ bytes: [UInt8]) -> [UInt8] {
        var compressed: [UInt8] = []
        let outcome = bytes.withUnsafeBytes { buffer in
            Result { () throws(DICOMParseError) in
                let stream = try RawDeflateStream(.deflate)
                try stream.process(buffer, isLast: true) { (piece) throws(DICOMParseError) in
                    compressed.append(contentsOf: piece)
                }
            }
        }
        guard case .success = outcome else { preconditionFailure("zlib could not deflate: \(outcome)") }
        return compressed
    }

    /// The file meta group, group length first, always Explicit VR Little Endian (PS3.10 §7.1).
    public static func metaGroup(for dataSet: DataSet, transferSyntax: TransferSyntax) -> [UInt8] {
        metaGroup(
            sopClassUID: dataSet.string(.sopClassUID) ?? "", sopInstanceUID: dataSet.string(.sopInstanceUID) ?? "",
            transferSyntax: transferSyntax)
    }

    /// The file meta group for an instance known by its UIDs, as a C-STORE delivers it (its data set follows in
    /// `transferSyntax`); `sourceAETitle` records the AE that sent it (PS3.10 §7.1, (0002,0016)).
    public static func metaGroup(
        sopClassUID: String, sopInstanceUID: String, transferSyntax: TransferSyntax, sourceAETitle: String? = nil
    ) -> [UInt8] {
        var elements = [
            DataElement(tag: .fileMetaInformationVersion, vr: .OB, value: .bytes([0, 1])),
            DataElement(tag: .mediaStorageSOPClassUID, vr: .UI, text: sopClassUID),
            DataElement(tag: .mediaStorageSOPInstanceUID, vr: .UI, text: sopInstanceUID),
            DataElement(tag: .transferSyntaxUID, vr: .UI, text: transferSyntax.uid),
            DataElement(tag: .implementationClassUID, vr: .UI, text: implementationClassUID),
            DataElement(tag: .implementationVersionName, vr: .SH, text: implementationVersionName),
        ]
        if let sourceAETitle {
            elements.append(DataElement(tag: .sourceApplicationEntityTitle, vr: .AE, text: sourceAETitle))
        }
        let encoder = ElementEncoder(encoding: .explicitLittle, options: Options())
        var body: [UInt8] = []
        encoder.writeSet(DataSet(elements), into: &body)
        var group: [UInt8] = []
        encoder.write(
            DataElement(tag: .fileMetaInformationGroupLength, vr: .UL, integers: [UInt32(body.count)]), into: &group)
        return group + body
    }
}
