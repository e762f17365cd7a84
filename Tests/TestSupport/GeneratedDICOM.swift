// Test conveniences for DICOM: generated Part-10 files, hand-built element bytes for hostile inputs, and reading a
// stream in a chosen split so every parser test can check split invariance.
public import DICOM
import Primitives
import Samples

/// How a test cuts a stream into `feed` calls.
public enum FeedSplit: Sendable, CustomStringConvertible {
    /// One buffer.
    case whole
    /// One byte per buffer.
    case singleBytes
    /// Buffers of 1…`sizeMax` bytes, sizes drawn from `seed`.
    case random(seed: UInt64, sizeMax: Int)

    public var description: String {
        switch self {
        case .whole: return "whole"
        case .singleBytes: return "single bytes"
        case .random(let seed, let sizeMax): return "random(seed: \(seed), sizeMax: \(sizeMax))"
        }
    }

    /// The splits split-invariance tests use: whole, single bytes and a few seeded random ones.
    public static let standard: [FeedSplit] = [
        .whole, .singleBytes, .random(seed: 1, sizeMax: 7), .random(seed: 2, sizeMax: 300),
        .random(seed: 3, sizeMax: 5000),
    ]

    /// The buffer lengths that cover `count` bytes.
    public func lengths(total count: Int) -> [Int] {
        switch self {
        case .whole: return count == 0 ? [] : [count]
        case .singleBytes: return Array(repeating: 1, count: count)
        case .random(let seed, let sizeMax):
            var random = SeededRandom(seed: seed)
            var lengths: [Int] = []
            var remaining = count
            while remaining > 0 {
                let length = min(remaining, Int(random.next() % UInt64(sizeMax)) + 1)
                lengths.append(length)
                remaining -= length
            }
            return lengths
        }
    }
}

/// Generated DICOM for tests.
public enum GeneratedDICOM {
    /// Reads `bytes` with a new reader fed in `split`, and finishes it.
    public static func read(
        _ bytes: [UInt8], split: FeedSplit = .whole, limits: DICOMLimits = .standard
    ) throws(DICOMParseError) -> Part10Header {
        var reader = Part10Reader(limits: limits)
        try feed(bytes, to: &reader, split: split)
        return try reader.finish()
    }

    /// Feeds `bytes` to `reader` in `split`.
    public static func feed(
        _ bytes: [UInt8], to reader: inout Part10Reader, split: FeedSplit
    ) throws(DICOMParseError) {
        var start = 0
        for length in split.lengths(total: bytes.count) {
            let result: Result<Void, DICOMParseError> = bytes.withUnsafeBytes { raw in
                do throws(DICOMParseError) {
                    try reader.feed(UnsafeRawBufferPointer(rebasing: raw[start..<start + length]))
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            try result.get()
            start += length
        }
    }

    /// The error reading `bytes` throws, or nil when it reads.
    public static func error(
        _ bytes: [UInt8], split: FeedSplit = .whole, limits: DICOMLimits = .standard
    ) -> DICOMParseError? {
        do throws(DICOMParseError) {
            _ = try read(bytes, split: split, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    /// A small CT instance as a Part-10 file.
    public static func ct(
        seed: UInt64 = 1, rows: Int = 16, columns: Int = 16,
        transferSyntax: TransferSyntax = .explicitVRLittleEndian
    ) -> [UInt8] {
        SyntheticInstance(seed: seed, rows: rows, columns: columns).part10(transferSyntax: transferSyntax)
    }

    /// A Part-10 file whose meta group names `transferSyntaxUID` (none when nil) and whose data set is `body`.
    public static func file(transferSyntaxUID: String?, body: [UInt8]) -> [UInt8] {
        var meta: [UInt8] = []
        meta += explicitElement(0x0002_0001, "OB", [0, 1])
        meta += explicitElement(0x0002_0002, "UI", padded("1.2.840.10008.5.1.4.1.1.2", with: 0))
        meta += explicitElement(0x0002_0003, "UI", padded("1.2.3.4", with: 0))
        if let transferSyntaxUID { meta += explicitElement(0x0002_0010, "UI", padded(transferSyntaxUID, with: 0)) }
        var output = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        output += explicitElement(0x0002_0000, "UL", littleEndian(UInt32(meta.count)))
        return output + meta + body
    }

    /// An Explicit VR Little Endian element: header in the form `vr` requires, then `value` (unpadded).
    public static func explicitElement(_ tag: UInt32, _ vr: String, _ value: [UInt8], length: UInt32? = nil)
        -> [UInt8]
    {
        var bytes = littleEndian(UInt16(tag >> 16)) + littleEndian(UInt16(tag & 0xFFFF)) + Array(vr.utf8)
        let declared = length ?? UInt32(value.count)
        if VR(rawValue: vr)?.hasLongLength ?? false {
            bytes += [0, 0] + littleEndian(declared)
        } else {
            bytes += littleEndian(UInt16(truncatingIfNeeded: declared))
        }
        return bytes + value
    }

    /// An Implicit VR Little Endian element (or item and delimiter, which share the form).
    public static func implicitElement(_ tag: UInt32, _ value: [UInt8], length: UInt32? = nil) -> [UInt8] {
        littleEndian(UInt16(tag >> 16)) + littleEndian(UInt16(tag & 0xFFFF))
            + littleEndian(length ?? UInt32(value.count)) + value
    }

    /// `text` as bytes padded to even length with `byte`.
    public static func padded(_ text: String, with byte: UInt8 = 0x20) -> [UInt8] {
        let bytes = Array(text.utf8)
        return bytes.count % 2 == 1 ? bytes + [byte] : bytes
    }

    /// The little-endian bytes of `value`.
    public static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
