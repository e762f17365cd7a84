// Media types as in Content-Type (RFC 9110 §8.3.1): `type/subtype` and `;`-separated parameters with token or
// quoted-string values. Owns parsing, matching and serializing; Accept lists are in MediaRange.swift.

/// A parsed media type; type, subtype and parameter names are lowercased, parameter values kept as given.
public struct MediaType: Sendable, Equatable, CustomStringConvertible {
    /// The top-level type, e.g. "multipart"; "*" in a range.
    public var type: String
    /// The subtype, e.g. "related"; "*" in a range.
    public var subtype: String
    /// Parameters in order, names lowercased, values unquoted.
    public var parameters: [(name: String, value: String)]

    /// Makes a media type; `type`, `subtype` and parameter names are lowercased.
    public init(type: String, subtype: String, parameters: [(name: String, value: String)] = []) {
        self.type = HTTPFieldSyntax.lowercased(type)
        self.subtype = HTTPFieldSyntax.lowercased(subtype)
        self.parameters = parameters.map { (name: HTTPFieldSyntax.lowercased($0.name), value: $0.value) }
    }

    /// Parses a Content-Type value such as `multipart/related; type="application/dicom"; boundary=x`.
    ///
    /// Lenient in one way many DICOMweb clients need: an unquoted value may hold "/" (`type=application/dicom`).
    public static func parse(_ text: String) throws(HTTPParseError) -> MediaType {
        var cursor = MediaTypeCursor(text)
        let mediaType = try cursor.mediaType(stopAtQuality: false)
        guard cursor.isAtEnd else { throw cursor.error("unexpected characters after the parameters") }
        return mediaType.mediaType
    }

    /// The value of the parameter `name` (case-insensitive), or nil.
    public func parameter(_ name: String) -> String? {
        parameters.first { HTTPFieldSyntax.equalsIgnoringCase($0.name, name) }?.value
    }

    /// "type/subtype" without parameters.
    public var essence: String { "\(type)/\(subtype)" }

    /// Whether this type or range covers `other`'s type and subtype ("*/*", "image/*" or equal), ignoring
    /// parameters.
    public func matches(_ other: MediaType) -> Bool {
        (type == "*" || type == other.type) && (subtype == "*" || subtype == other.subtype)
    }

    /// The media type as a header value, quoting parameter values that are not tokens.
    public var description: String {
        var text = essence
        for parameter in parameters {
            text += ";\(parameter.name)="
            if HTTPFieldSyntax.isToken(parameter.value) {
                text += parameter.value
            } else {
                text += "\""
                for character in parameter.value {
                    if character == "\"" || character == "\\" { text += "\\" }
                    text.append(character)
                }
                text += "\""
            }
        }
        return text
    }

    public static func == (lhs: MediaType, rhs: MediaType) -> Bool {
        lhs.type == rhs.type && lhs.subtype == rhs.subtype && lhs.parameters.count == rhs.parameters.count
            && zip(lhs.parameters, rhs.parameters).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
