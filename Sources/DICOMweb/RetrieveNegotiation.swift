// Decides whether a WADO-RS retrieve can be answered as the client's Accept header asks (PS3.18 §8.7.3, §10.4.1):
// multipart/related with application/dicom parts in the stored transfer syntax. We never transcode, so an Accept
// that only admits other transfer syntaxes is a 406. Pure: the media ranges come parsed.

/// One media range of an Accept header, lowercased, with its parameters (names lowercased, quotes removed).
struct MediaRange: Equatable {
    var type: String
    var subtype: String
    var parameters: [String: String]

    /// The quality value `q` (RFC 9110 §12.4.2); 1 when absent or malformed.
    var quality: Double { parameters["q"].flatMap(Double.init) ?? 1 }
}

/// What the client accepts for instances: a set of transfer syntaxes, or any.
enum RetrieveNegotiation {
    /// The Accept header admits the stored transfer syntax `uid` of every instance, or throws 406.
    ///
    /// Accepted: no Accept header, `*/*`, `multipart/*`, and `multipart/related` whose `type` is absent or
    /// `application/dicom` and whose `transfer-syntax` is absent, `*` or one of the stored syntaxes. An absent
    /// transfer-syntax means "as stored": PS3.18 names Explicit VR Little Endian as the default, which we would
    /// have to transcode to; like most archives we answer with the stored syntax instead.
    static func check(accept ranges: [MediaRange]?, storedSyntaxes: Set<String>) throws(DICOMwebError) {
        guard let ranges, !ranges.isEmpty else { return }
        var admitted: Set<String> = []
        for range in ranges where range.quality > 0 {
            switch (range.type, range.subtype) {
            case ("*", "*"), ("multipart", "*"): return
            case ("multipart", "related"):
                let partType = range.parameters["type"]?.lowercased() ?? "application/dicom"
                guard partType == "application/dicom" || partType == "*/*" else { continue }
                guard let syntax = range.parameters["transfer-syntax"], syntax != "*" else { return }
                admitted.insert(syntax)
            default: continue
            }
        }
        let missing = storedSyntaxes.subtracting(admitted)
        guard missing.isEmpty else {
            let asked = admitted.isEmpty ? "no multipart/related application/dicom" : admitted.sorted().joined(separator: ", ")
            throw DICOMwebError(
                .notAcceptable,
                "the instances are stored in transfer syntax \(missing.sorted().joined(separator: ", ")) and this "
                    + "node does not transcode; the Accept header admits \(asked) (use transfer-syntax=*)")
        }
    }

    /// The media ranges of an Accept header value, or throws 400 naming the malformed one.
    static func parse(accept value: String) throws(DICOMwebError) -> [MediaRange] {
        var ranges: [MediaRange] = []
        for element in splitOutsideQuotes(value, separator: ",") {
            let text = element.trimmingSpaces
            if text.isEmpty { continue }
            guard let range = parseMediaRange(text) else {
                throw DICOMwebError(.badRequest, "the Accept header has a malformed media range \"\(text)\"")
            }
            ranges.append(range)
        }
        return ranges
    }

    /// `type/subtype; name=value; name="quoted"` as a MediaRange; nil when malformed.
    static func parseMediaRange(_ text: Substring) -> MediaRange? {
        let pieces = splitOutsideQuotes(text, separator: ";")
        let essence = pieces[0].trimmingSpaces.lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard essence.count == 2, !essence[0].isEmpty, !essence[1].isEmpty else { return nil }
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            let trimmed = piece.trimmingSpaces
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            let name = trimmed[..<equals].trimmingSpaces.lowercased()
            var value = trimmed[trimmed.index(after: equals)...].trimmingSpaces
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                value = value.dropFirst().dropLast()
            }
            parameters[name] = String(value).replacingBackslashEscapes
        }
        return MediaRange(type: String(essence[0]), subtype: String(essence[1]), parameters: parameters)
    }

    /// `text` split at `separator` where it is not inside a quoted string (RFC 9110 §5.6.4).
    static func splitOutsideQuotes(_ text: some StringProtocol, separator: Character) -> [Substring] {
        let whole = Substring(text)
        var pieces: [Substring] = []
        var start = whole.startIndex
        var isQuoted = false
        var isEscaped = false
        var index = whole.startIndex
        while index < whole.endIndex {
            let character = whole[index]
            if isEscaped {
                isEscaped = false
            } else if isQuoted && character == "\\" {
                isEscaped = true
            } else if character == "\"" {
                isQuoted.toggle()
            } else if character == separator && !isQuoted {
                pieces.append(whole[start..<index])
                start = whole.index(after: index)
            }
            index = whole.index(after: index)
        }
        pieces.append(whole[start...])
        return pieces
    }
}

extension String {
    /// The text with quoted-pair escapes (`\x` → `x`) resolved.
    var replacingBackslashEscapes: String {
        guard contains("\\") else { return self }
        var result = ""
        var isEscaped = false
        for character in self {
            if !isEscaped && character == "\\" {
                isEscaped = true
                continue
            }
            isEscaped = false
            result.append(character)
        }
        return result
    }
}
