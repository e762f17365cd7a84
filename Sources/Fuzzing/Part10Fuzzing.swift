// The body of the DICOM fuzz target (Tests/Fuzz/FuzzDICOM) and of `tessera fuzz dicom`: reads arbitrary bytes whole
// and in a split the bytes choose, and traps if the two disagree, so libFuzzer finds crashes and split bugs alike;
// the data set of a file that reads is also transcoded between the uncompressed syntaxes, whole and byte by byte.
public import DICOM
import Samples

/// Fuzzing entry points for the Part-10 reader and the DICOM JSON encoder.
public enum Part10Fuzzing {
    /// Limits small enough that fuzzed inputs reach every limit check.
    public static let limits = DICOMLimits(
        headerBytesMax: 256 << 10, inlineValueBytesMax: 256, elementValueBytesMax: 1 << 20, sequenceDepthMax: 8,
        elementCountMax: 4096, inputBytesMax: 4 << 20)

    /// Reads `bytes` whole and in pieces of a size its last byte picks; both reads MUST give the same result,
    /// which is returned. A successful header is also encoded as DICOM JSON. Only DICOMParseError may come out
    /// of the reader: anything else is a crash for libFuzzer to report.
    @discardableResult
    public static func run(_ bytes: UnsafeRawBufferPointer) -> Result<Part10Header, DICOMParseError> {
        let pieceSize = bytes.isEmpty ? 1 : Int(bytes[bytes.count - 1] % 61) + 1
        let whole = read(bytes, pieceSize: max(bytes.count, 1))
        let split = read(bytes, pieceSize: pieceSize)
        precondition(whole == split, "split of \(pieceSize) bytes changed the result")
        if case .success(let header) = whole {
            _ = DICOMJSON.encode(header.dataSet) { path, _ in path.description }
            _ = DICOMJSON.encode(header.meta.dataSet)
            checkTranscoding(Array(bytes[Int(header.meta.dataSetOffset)...]), from: header.transferSyntax)
        }
        return whole
    }

    /// The data set of a file read without error, transcoded to each uncompressed syntax whole and byte by byte,
    /// MUST give the same bytes or the same error; from Implicit VR Little Endian, to Explicit and back MUST be the
    /// identity (of the implicit data set with its sequences made undefined length), and so MUST deflating and
    /// inflating again.
    static func checkTranscoding(_ dataSet: [UInt8], from source: TransferSyntax) {
        let native = [TransferSyntax.implicitVRLittleEndian, .explicitVRLittleEndian, .explicitVRBigEndian]
        guard native.contains(source) || source.isDeflated else { return }
        for target in native + [.deflatedExplicitVRLittleEndian] {
            let whole = transcode([dataSet], source, target)
            let single = transcode(dataSet.map { [$0] }, source, target)
            precondition(whole == single, "transcoding to \(target.name) byte by byte changed the result")
        }
        guard source == .implicitVRLittleEndian,
            case .success(let normalized) = transcode([dataSet], source, source),
            case .success(let explicit) = transcode([dataSet], source, .explicitVRLittleEndian)
        else { return }
        let back = transcode([explicit], .explicitVRLittleEndian, source)
        precondition(back == .success(normalized), "implicit → explicit → implicit is not the identity")
        guard case .success(let deflated) = transcode([dataSet], source, .deflatedExplicitVRLittleEndian) else {
            preconditionFailure("implicit → deflated failed where implicit → explicit did not")
        }
        let inflated = transcode(deflated.map { [$0] }, .deflatedExplicitVRLittleEndian, source)
        precondition(inflated == .success(normalized), "implicit → deflated → implicit is not the identity")
    }

    /// `pieces` fed to a transcoder from `source` to `target`: its output, or its error.
    static func transcode(_ pieces: [[UInt8]], _ source: TransferSyntax, _ target: TransferSyntax)
        -> Result<[UInt8], DICOMParseError>
    {
        var transcoder = DataSetTranscoder(from: source, to: target, limits: limits)
        var output: [UInt8] = []
        do {
            for piece in pieces {
                try piece.withUnsafeBytes { try transcoder.feed($0, into: &output) }
            }
            try transcoder.finish(into: &output)
            return .success(output)
        } catch let error as DICOMParseError {
            return .failure(error)
        } catch {
            preconditionFailure("the transcoder threw \(error), not a DICOMParseError")
        }
    }

    /// Small valid files for a seed corpus: every native syntax, nested sequences of both length forms,
    /// encapsulated pixel data, and a private bulk value.
    public static func seedCorpus() -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        let instance = SyntheticInstance(seed: 1, rows: 2, columns: 2)
        for syntax in [
            TransferSyntax.implicitVRLittleEndian, .explicitVRLittleEndian, .explicitVRBigEndian,
            .deflatedExplicitVRLittleEndian,
        ] {
            seeds.append(instance.part10(transferSyntax: syntax))
        }
        let code = DataSet([
            DataElement(tag: .codeValue, vr: .SH, text: "T-D4000"),
            DataElement(tag: .codeMeaning, vr: .LO, text: "Abdomen"),
        ])
        var nested = DataSet([
            DataElement(tag: .sopClassUID, vr: .UI, text: SyntheticInstance.ctImageStorage),
            DataElement(tag: .sopInstanceUID, vr: .UI, text: "1.2.3"),
            DataElement(tag: .patientName, vr: .PN, text: "Doe^John=ドウ^ジョン"),
            DataElement(tag: .specificCharacterSet, vr: .CS, text: "ISO_IR 192"),
            DataElement(tag: DICOMTag(0x0029_0010), vr: .LO, text: "ACME"),
            DataElement(tag: DICOMTag(0x0029_1001), vr: .OB, value: .bytes([UInt8](repeating: 7, count: 300))),
        ])
        nested.set(
            DataElement(
                tag: .referencedImageSequence,
                items: [DataSet([DataElement(tag: DICOMTag(0x0008_2218), items: [code, DataSet()])])]))
        for syntax in [TransferSyntax.implicitVRLittleEndian, .explicitVRLittleEndian] {
            for undefined in [false, true] {
                let options = Part10Writer.Options(undefinedLengthSequences: undefined, undefinedLengthItems: undefined)
                seeds.append(
                    Part10Writer.write(nested, transferSyntax: syntax, pixelData: .native([1, 2]), options: options))
            }
        }
        seeds.append(
            Part10Writer.write(
                nested, transferSyntax: .jpegBaseline,
                pixelData: .encapsulated(offsetTable: [0], fragments: [[0xFF, 0xD8, 0xFF, 0xD9], [1, 2, 3]])))
        return seeds
    }

    private static func read(_ bytes: UnsafeRawBufferPointer, pieceSize: Int) -> Result<Part10Header, DICOMParseError> {
        var reader = Part10Reader(limits: limits)
        do throws(DICOMParseError) {
            var start = 0
            while start < bytes.count {
                let end = min(start + pieceSize, bytes.count)
                try reader.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                start = end
            }
            return .success(try reader.finish())
        } catch {
            return .failure(error)
        }
    }
}
