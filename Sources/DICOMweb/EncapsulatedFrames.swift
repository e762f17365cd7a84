// Which fragments of encapsulated pixel data make each frame (PS3.5 §A.4): one frame is all of them; as many
// fragments as frames is one each; else the Basic Offset Table says where each frame's first fragment item
// starts; else, for JPEG and JPEG 2000 codestreams, a fragment that starts with a start-of-image (or codestream)
// marker starts a frame. And the media type each compressed syntax's frames travel as (PS3.18 Table 8.7.3-2).
// Pure.

/// The byte ranges of each frame's fragments, relative to the start of the encapsulated value.
enum EncapsulatedFrames {
    /// The fragments' value ranges of every frame, in order; nil when the fragments cannot be told apart.
    static func ranges(
        frameCount: Int, offsetTable: [UInt32], fragments: [FragmentScanner.Fragment]
    ) -> [[Range<UInt64>]]? {
        let ranges = fragments.map { $0.valueOffset..<($0.valueOffset + $0.length) }
        guard frameCount >= 1, !fragments.isEmpty else { return nil }
        if frameCount == 1 { return [ranges] }
        if fragments.count == frameCount { return ranges.map { [$0] } }
        var starts: [Int]
        if offsetTable.count == frameCount, let first = fragments.first {
            // Offsets count from the first fragment's item tag, 8 bytes before its value.
            let itemStart = { (index: Int) in fragments[index].valueOffset - first.valueOffset }
            starts = offsetTable.map { offset in
                fragments.indices.first { itemStart($0) == UInt64(offset) } ?? -1
            }
        } else {
            starts = fragments.indices.filter { [0xFFD8, 0xFF4F].contains(fragments[$0].marker) }
        }
        guard starts.count == frameCount, starts.first == 0, zip(starts, starts.dropFirst()).allSatisfy({ $0 < $1 })
        else { return nil }
        let ends = Array(starts.dropFirst()) + [fragments.count]
        return zip(starts, ends).map { start, end in Array(ranges[start..<end]) }
    }

    /// The media type frames of `syntax` travel as.
    static func mediaType(forSyntax syntax: String) -> String {
        switch syntax {
        case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70":
            "image/jpeg"
        case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81": "image/jls"
        case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93":
            "image/jp2"
        case "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203": "image/jphc"
        case "1.2.840.10008.1.2.5": "image/x-dicom-rle"
        default: "application/octet-stream"
        }
    }
}
