// Decides in which transfer syntax each instance of a WADO-RS retrieve is answered, from the client's Accept header
// (PS3.18 §8.7.3, §10.4.1): multipart/related with application/dicom parts, in the stored syntax when the header
// admits it, else in another native syntax it admits (the instance is then transcoded), else 406. Pure: parsing
// is HTTP's MediaRange.
import DICOM
import HTTP

/// What the client accepts for instances, and what each stored syntax is answered in.
enum RetrieveNegotiation {
    /// The syntax each of `storedSyntaxes` is answered in (itself when admitted), or throws 406 (400 when the
    /// header is malformed).
    ///
    /// Admitted as stored: no Accept header, `*/*`, `multipart/*`, and `multipart/related` whose `type` is absent
    /// or `application/dicom` and whose `transfer-syntax` is absent, `*` or the stored syntax. An absent
    /// transfer-syntax means "as stored": PS3.18 names Explicit VR Little Endian as the default; like most archives
    /// we answer with the stored syntax instead. A stored native syntax the header does not admit is answered in
    /// the native syntax it admits with the highest q (Implicit, Explicit Little or Big Endian).
    static func plan(accept: String?, storedSyntaxes: Set<String>) throws(DICOMwebError) -> [String: String] {
        let asStored = Dictionary(uniqueKeysWithValues: storedSyntaxes.map { ($0, $0) })
        guard let accept, let ranges = try Self.ranges(accept) else { return asStored }
        var admitted: [String] = []
        for range in ranges.sorted(by: { $0.qualityPerMille > $1.qualityPerMille }) where range.qualityPerMille > 0 {
            let media = range.mediaType
            switch (media.type, media.subtype) {
            case ("*", "*"), ("multipart", "*"): return asStored
            case ("multipart", "related"):
                let partType = media.parameter("type")?.lowercased() ?? "application/dicom"
                guard partType == "application/dicom" || partType == "*/*" else { continue }
                guard let syntax = media.parameter("transfer-syntax"), syntax != "*" else { return asStored }
                admitted.append(syntax)
            default: continue
            }
        }
        var plan: [String: String] = [:]
        var missing: [String] = []
        for stored in storedSyntaxes.sorted() {
            if admitted.contains(stored) {
                plan[stored] = stored
            } else if let source = TransferSyntax(uid: stored),
                let target = admitted.first(where: { uid in
                    TransferSyntax(uid: uid).map { DataSetTranscoder.canTranscode(from: source, to: $0) } ?? false
                })
            {
                plan[stored] = target
            } else {
                missing.append(stored)
            }
        }
        guard missing.isEmpty else {
            let asked =
                admitted.isEmpty
                ? "no multipart/related application/dicom" : "transfer syntax " + admitted.joined(separator: ", ")
            throw DICOMwebError(
                .notAcceptable,
                "the instances are stored in transfer syntax \(missing.joined(separator: ", ")), which this node "
                    + "cannot convert to what the Accept header admits: \(asked) (ask for transfer-syntax=*)")
        }
        return plan
    }

    /// The Content-Type of each frame part, when the Accept header admits frames as this node serves them: native
    /// pixel data as `application/octet-stream` in Explicit VR Little Endian, compressed pixel data as stored in
    /// its syntax's media type (`image/jpeg`, `image/jls`, `image/jp2`…, or `application/octet-stream` with the
    /// syntax); else 406. Admitted: no header, a wildcard, or `multipart/related` whose `type` is absent, `*/*`,
    /// `application/octet-stream` or the media type, with `transfer-syntax` `*`, the served syntax, or absent when
    /// the type's default syntax (PS3.18 §8.7.3.5) is the one served.
    static func frameContentType(
        accept: String?, storedSyntax: String, isNative: Bool
    ) throws(DICOMwebError) -> String {
        let served = isNative ? TransferSyntax.explicitVRLittleEndian.uid : storedSyntax
        let media = isNative ? "application/octet-stream" : EncapsulatedFrames.mediaType(forSyntax: storedSyntax)
        let answer = "\(media); transfer-syntax=\(served)"
        guard let accept, let ranges = try Self.ranges(accept) else { return answer }
        for range in MediaRange.preferenceOrdered(ranges) {
            let asked = range.mediaType
            switch (asked.type, asked.subtype) {
            case ("*", "*"), ("multipart", "*"): return answer
            case ("multipart", "related"):
                let partType = asked.parameter("type")?.lowercased() ?? "application/octet-stream"
                guard partType == "*/*" || partType == "application/octet-stream" || partType == media else { continue }
                let syntax = asked.parameter("transfer-syntax") ?? Self.defaultFrameSyntax(partType) ?? served
                guard syntax == "*" || syntax == served else { continue }
                return partType == "*/*" ? answer : "\(partType); transfer-syntax=\(served)"
            default: continue
            }
        }
        throw DICOMwebError(
            .notAcceptable,
            "these frames are answered as multipart/related; type=\"\(media)\"; transfer-syntax=\(served) "
                + "(the stored pixel data is not converted); the Accept header is \(accept)")
    }

    /// The syntax a frame media type means without a transfer-syntax parameter (PS3.18 Table 8.7.3-2).
    static func defaultFrameSyntax(_ mediaType: String) -> String? {
        switch mediaType {
        case "application/octet-stream": TransferSyntax.explicitVRLittleEndian.uid
        case "image/jpeg": "1.2.840.10008.1.2.4.50"
        case "image/jls": "1.2.840.10008.1.2.4.80"
        case "image/jp2": "1.2.840.10008.1.2.4.90"
        case "image/jphc": "1.2.840.10008.1.2.4.201"
        case "image/x-dicom-rle": "1.2.840.10008.1.2.5"
        default: nil
        }
    }

    /// The Accept header admits a DICOM JSON answer (`application/dicom+json`, `application/json` or a wildcard
    /// covering them), or throws 406 (PS3.18 §8.7.3: QIDO-RS and metadata answer in JSON only here).
    static func checkJSON(accept: String?) throws(DICOMwebError) {
        guard let accept, let ranges = try Self.ranges(accept) else { return }
        let answers = [
            MediaType(type: "application", subtype: "dicom+json"), MediaType(type: "application", subtype: "json"),
        ]
        guard
            ranges.contains(where: { range in
                range.qualityPerMille > 0 && answers.contains { range.mediaType.matches($0) }
            })
        else {
            throw DICOMwebError(
                .notAcceptable, "this resource answers application/dicom+json only; the Accept header is \(accept)")
        }
    }

    /// The media ranges of an Accept header, nil when it is blank (no preference); 400 when malformed.
    static func ranges(_ accept: String) throws(DICOMwebError) -> [MediaRange]? {
        guard !accept.allSatisfy({ $0 == " " || $0 == "\t" }) else { return nil }
        do {
            return try MediaRange.parseList(accept)
        } catch {
            throw DICOMwebError(.badRequest, "the Accept header is malformed: \(error.reason)")
        }
    }
}
