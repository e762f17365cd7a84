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

    /// The Accept header admits native frames: `multipart/related` of `application/octet-stream` parts (the
    /// default when absent) in Explicit VR Little Endian or `transfer-syntax=*`, or a wildcard; else 406.
    static func checkFrames(accept: String?) throws(DICOMwebError) {
        guard let accept, let ranges = try Self.ranges(accept) else { return }
        for range in ranges where range.qualityPerMille > 0 {
            let media = range.mediaType
            switch (media.type, media.subtype) {
            case ("*", "*"), ("multipart", "*"): return
            case ("multipart", "related"):
                let partType = media.parameter("type")?.lowercased() ?? "application/octet-stream"
                let syntax = media.parameter("transfer-syntax") ?? "*"
                if (partType == "application/octet-stream" || partType == "*/*")
                    && (syntax == "*" || syntax == TransferSyntax.explicitVRLittleEndian.uid)
                {
                    return
                }
            default: continue
            }
        }
        throw DICOMwebError(
            .notAcceptable,
            "frames are answered as multipart/related; type=\"application/octet-stream\" (uncompressed, little "
                + "endian) only; the Accept header is \(accept)")
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
