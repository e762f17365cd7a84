// Walks the items of encapsulated pixel data (PS3.5 §A.4) as the value's bytes stream past, from the first item tag
// through the sequence delimiter: the Basic Offset Table's entries, and where each fragment lies and how it starts.
// Holds no fragment bytes. Pure; the stored file was checked when it was stored, so a malformed walk is a 500.
import Primitives

/// The Basic Offset Table and fragments of one encapsulated value.
struct FragmentScanner: ByteSink {
    /// One fragment: where its value starts relative to the scanned range, its length, and its first two bytes
    /// (a JPEG SOI 0xFFD8 or JPEG 2000 SOC 0xFF4F marks a frame's first fragment).
    struct Fragment: Equatable {
        let valueOffset: UInt64
        let length: UInt64
        var marker: UInt16 = 0
    }

    /// The most fragments read: far more than any real instance has (one per frame, or a few).
    static let fragmentCountMax = 1 << 20
    /// The longest Basic Offset Table read: 4 bytes a frame for 2^24 frames.
    static let offsetTableBytesMax = 4 << 24

    private(set) var offsetTable: [UInt32] = []
    private(set) var fragments: [Fragment] = []
    /// Whether the sequence delimiter has been read.
    private(set) var isComplete = false
    private var position: UInt64 = 0
    private var head: [UInt8] = []
    private var tableBytes: [UInt8] = []
    /// Bytes left of the current item's value, and whether it is the offset table (the first item).
    private var remaining: UInt64 = 0
    private var isTable = false
    private var markerBytesSeen = 0

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws {
        var index = 0
        while index < buffer.count {
            guard !isComplete else { return }
            if remaining > 0 {
                let taken = Int(min(UInt64(buffer.count - index), remaining))
                let piece = UnsafeRawBufferPointer(rebasing: buffer[index..<(index + taken)])
                if isTable {
                    tableBytes.append(contentsOf: piece)
                } else {
                    for byte in piece.prefix(2 - markerBytesSeen) {
                        fragments[fragments.count - 1].marker =
                            fragments[fragments.count - 1].marker << 8 | UInt16(byte)
                        markerBytesSeen += 1
                    }
                }
                index += taken
                position += UInt64(taken)
                remaining -= UInt64(taken)
                if remaining == 0 && isTable { try endTable() }
                continue
            }
            head.append(buffer[index])
            index += 1
            position += 1
            if head.count == 8 { try item() }
        }
    }

    /// Acts on a complete item header in `head`.
    private mutating func item() throws {
        let group = UInt16(head[0]) | UInt16(head[1]) << 8
        let element = UInt16(head[2]) | UInt16(head[3]) << 8
        let length = UInt64(head[4]) | UInt64(head[5]) << 8 | UInt64(head[6]) << 16 | UInt64(head[7]) << 24
        head.removeAll(keepingCapacity: true)
        guard group == 0xFFFE else { throw Self.malformed("a non-item tag at \(position - 8)") }
        switch element {
        case 0xE0DD:
            isComplete = true
        case 0xE000 where length != 0xFFFF_FFFF:
            let isFirst = position == 8
            if isFirst {
                guard length <= UInt64(Self.offsetTableBytesMax), length % 4 == 0 else {
                    throw Self.malformed("a Basic Offset Table of \(length) bytes")
                }
                isTable = true
                remaining = length
                if length == 0 { try endTable() }
            } else {
                guard fragments.count < Self.fragmentCountMax else {
                    throw Self.malformed("more than \(Self.fragmentCountMax) fragments")
                }
                isTable = false
                markerBytesSeen = 0
                fragments.append(Fragment(valueOffset: position, length: length))
                remaining = length
            }
        default:
            throw Self.malformed("item tag (FFFE,\(String(element, radix: 16, uppercase: true))) at \(position - 8)")
        }
    }

    private mutating func endTable() throws {
        isTable = false
        offsetTable = stride(from: 0, to: tableBytes.count, by: 4).map { at -> UInt32 in
            var entry: UInt32 = 0
            for index in (at..<(at + 4)).reversed() { entry = entry << 8 | UInt32(tableBytes[index]) }
            return entry
        }
        tableBytes = []
    }

    private static func malformed(_ what: String) -> DICOMwebError {
        DICOMwebError(.internalFailure, "the stored encapsulated pixel data is malformed: \(what)")
    }
}
