// Accept header values (RFC 9110 §12.5.1): a list of media ranges, each with parameters and a q-value, e.g.
// DICOMweb's `multipart/related; type="application/dicom"; transfer-syntax=*`. Owns parsing and preference order.

/// One element of an Accept list.
public struct MediaRange: Sendable, Equatable {
    /// The range: a type (possibly "*/*" or "type/*") with the parameters before any q.
    public var mediaType: MediaType
    /// The weight in thousandths, 0…1000; 1000 when no q was given.
    public var qualityPerMille: Int

    /// Makes a range.
    public init(mediaType: MediaType, qualityPerMille: Int = 1000) {
        precondition((0...1000).contains(qualityPerMille), "a qvalue is between 0 and 1")
        self.mediaType = mediaType
        self.qualityPerMille = qualityPerMille
    }

    /// Parses an Accept value (several Accept fields may be joined with ","). An empty value gives an empty list.
    public static func parseList(_ text: String) throws(HTTPParseError) -> [MediaRange] {
        var ranges: [MediaRange] = []
        for element in HTTPFieldSyntax.splitList(text) {
            var cursor = MediaTypeCursor(element)
            let parsed = try cursor.mediaType(stopAtQuality: true)
            guard cursor.isAtEnd else { throw cursor.error("unexpected characters after the parameters") }
            ranges.append(MediaRange(mediaType: parsed.mediaType, qualityPerMille: parsed.quality ?? 1000))
        }
        return ranges
    }

    /// `ranges` from most to least preferred: higher q first, then more specific ("a/b;p" before "a/b" before
    /// "a/*" before "*/*"), then the order given. Ranges with q=0 (refused) are dropped.
    public static func preferenceOrdered(_ ranges: [MediaRange]) -> [MediaRange] {
        ranges.enumerated().filter { $0.element.qualityPerMille > 0 }.sorted { lhs, rhs in
            if lhs.element.qualityPerMille != rhs.element.qualityPerMille {
                return lhs.element.qualityPerMille > rhs.element.qualityPerMille
            }
            if lhs.element.specificity != rhs.element.specificity {
                return lhs.element.specificity > rhs.element.specificity
            }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// 0 for "*/*", 1 for "type/*", 2 for "type/subtype", 3 with parameters.
    var specificity: Int {
        if mediaType.type == "*" { return 0 }
        if mediaType.subtype == "*" { return 1 }
        return mediaType.parameters.isEmpty ? 2 : 3
    }
}
