// Multipart boundaries (RFC 2046 §5.1.1): validation, extraction from a Content-Type, and the delimiter searcher
// the reader scans bodies with (Boyer-Moore-Horspool over "\r\n--" + boundary). Owns boundary handling only.

/// Boundary rules and extraction.
public enum MultipartBoundary {
    /// The longest boundary RFC 2046 allows.
    public static let lengthMax = 70

    /// The boundary parameter of a multipart Content-Type, validated.
    public static func of(_ contentType: MediaType) throws(HTTPParseError) -> String {
        guard contentType.type == "multipart" else {
            throw HTTPParseError(
                .invalidBoundary, "Content-Type \(contentType.essence) is not a multipart type", offset: 0)
        }
        guard let boundary = contentType.parameter("boundary") else {
            throw HTTPParseError(
                .invalidBoundary, "Content-Type \(contentType.essence) has no boundary parameter", offset: 0)
        }
        if let error = validationError(boundary) { throw error }
        return boundary
    }

    /// Why `boundary` is not a valid boundary, or nil: 1…70 bchars, not ending in a space.
    static func validationError(_ boundary: String) -> HTTPParseError? {
        let bytes = boundary.utf8
        guard !bytes.isEmpty, bytes.count <= lengthMax else {
            return HTTPParseError(
                .invalidBoundary, "the boundary is \(bytes.count) bytes long; it must be 1 to \(lengthMax)", offset: 0)
        }
        guard bytes.allSatisfy(isBoundaryByte), bytes.last != UInt8(ascii: " ") else {
            return HTTPParseError(
                .invalidBoundary, "boundary \(String(reflecting: boundary)) holds characters RFC 2046 does not allow",
                offset: 0)
        }
        return nil
    }

    /// Whether `byte` is a bchar or a space.
    static func isBoundaryByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "+"), UInt8(ascii: "_"),
            UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
            UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: " "):
            true
        default:
            false
        }
    }
}

/// The bytes "\r\n--" + boundary and their Horspool shift table, immutable after init.
// SAFETY: both buffers are written once in init and only read afterwards; deinit frees them.
final class MultipartDelimiter: @unchecked Sendable {
    /// "\r\n--" + boundary.
    let bytes: UnsafeRawBufferPointer
    /// For each byte value, how far the search window may move when that byte is under its last position.
    private let shifts: UnsafeMutablePointer<UInt8>

    /// Builds the delimiter of a valid `boundary`.
    init(boundary: String) {
        let delimiter = Array("\r\n--".utf8) + Array(boundary.utf8)
        precondition(delimiter.count <= 4 + MultipartBoundary.lengthMax, "boundary longer than RFC 2046 allows")
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: delimiter.count, alignment: 1)
        storage.copyBytes(from: delimiter)
        bytes = UnsafeRawBufferPointer(storage)
        shifts = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        shifts.initialize(repeating: UInt8(delimiter.count), count: 256)
        for position in 0..<(delimiter.count - 1) {
            shifts[Int(delimiter[position])] = UInt8(delimiter.count - 1 - position)
        }
    }

    deinit {
        bytes.deallocate()
        shifts.deallocate()
    }

    /// Where the delimiter is in `haystack[start...]`.
    enum Match: Equatable {
        /// The whole delimiter starts here.
        case whole(Int)
        /// A prefix of the delimiter starts here and runs to the end of the buffer.
        case prefix(Int)
        /// Neither.
        case none
    }

    /// Finds the first whole delimiter in `haystack[start...]` (Horspool), else a prefix of it at the very end.
    func search(_ haystack: UnsafeRawBufferPointer, from start: Int) -> Match {
        let count = bytes.count
        let end = haystack.count
        guard let base = haystack.baseAddress, let delimiter = bytes.baseAddress else { return .none }
        let last = delimiter.load(fromByteOffset: count - 1, as: UInt8.self)
        var position = start
        while position + count <= end {
            let byte = base.load(fromByteOffset: position + count - 1, as: UInt8.self)
            if byte == last && memoryEqual(base + position, delimiter, count - 1) { return .whole(position) }
            position += Int(shifts[Int(byte)])
        }
        // The delimiter holds CR only at its start, so at most one CR in the tail can begin a prefix of it.
        var candidate = max(start, end - count + 1)
        while let cr = ByteScan.firstIndex(of: HTTPBytes.cr, in: haystack, from: candidate, to: end) {
            if memoryEqual(base + cr, delimiter, end - cr) { return .prefix(cr) }
            candidate = cr + 1
        }
        return .none
    }

    /// Whether `count` bytes at `lhs` and `rhs` are equal.
    @inline(__always)
    private func memoryEqual(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer, _ count: Int) -> Bool {
        var index = 0
        while index + 8 <= count {
            if lhs.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                != rhs.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            {
                return false
            }
            index += 8
        }
        while index < count {
            if lhs.load(fromByteOffset: index, as: UInt8.self) != rhs.load(fromByteOffset: index, as: UInt8.self) {
                return false
            }
            index += 1
        }
        return true
    }
}
