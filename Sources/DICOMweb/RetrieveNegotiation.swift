// Decides whether a WADO-RS retrieve can be answered as the client's Accept header asks (PS3.18 §8.7.3, §10.4.1):
// multipart/related with application/dicom parts in the stored transfer syntax. We never transcode, so an Accept
// that only admits other transfer syntaxes is a 406. Pure: parsing is HTTP's MediaRange.
import HTTP

/// What the client accepts for instances: a set of transfer syntaxes, or any.
enum RetrieveNegotiation {
    /// The Accept header admits the stored transfer syntax of every instance, or throws 406 (400 when malformed).
    ///
    /// Accepted: no Accept header, `*/*`, `multipart/*`, and `multipart/related` whose `type` is absent or
    /// `application/dicom` and whose `transfer-syntax` is absent, `*` or one of the stored syntaxes. An absent
    /// transfer-syntax means "as stored": PS3.18 names Explicit VR Little Endian as the default, which we would
    /// have to transcode to; like most archives we answer with the stored syntax instead.
    static func check(accept: String?, storedSyntaxes: Set<String>) throws(DICOMwebError) {
        guard let accept, !accept.allSatisfy({ $0 == " " || $0 == "\t" }) else { return }
        let ranges: [MediaRange]
        do {
            ranges = try MediaRange.parseList(accept)
        } catch {
            throw DICOMwebError(.badRequest, "the Accept header is malformed: \(error.reason)")
        }
        var admitted: Set<String> = []
        for range in ranges where range.qualityPerMille > 0 {
            let media = range.mediaType
            switch (media.type, media.subtype) {
            case ("*", "*"), ("multipart", "*"): return
            case ("multipart", "related"):
                let partType = media.parameter("type")?.lowercased() ?? "application/dicom"
                guard partType == "application/dicom" || partType == "*/*" else { continue }
                guard let syntax = media.parameter("transfer-syntax"), syntax != "*" else { return }
                admitted.insert(syntax)
            default: continue
            }
        }
        let missing = storedSyntaxes.subtracting(admitted)
        guard missing.isEmpty else {
            let asked =
                admitted.isEmpty
                ? "no multipart/related application/dicom"
                : "transfer syntax " + admitted.sorted().joined(separator: ", ")
            throw DICOMwebError(
                .notAcceptable,
                "the instances are stored in transfer syntax \(missing.sorted().joined(separator: ", ")) and this "
                    + "node does not transcode; the Accept header admits \(asked) (ask for transfer-syntax=*)")
        }
    }

    /// The Accept header admits a DICOM JSON answer (`application/dicom+json`, `application/json` or a wildcard
    /// covering them), or throws 406 (PS3.18 §8.7.3: QIDO-RS and metadata answer in JSON only here).
    static func checkJSON(accept: String?) throws(DICOMwebError) {
        guard let accept, !accept.allSatisfy({ $0 == " " || $0 == "\t" }) else { return }
        let ranges: [MediaRange]
        do {
            ranges = try MediaRange.parseList(accept)
        } catch {
            throw DICOMwebError(.badRequest, "the Accept header is malformed: \(error.reason)")
        }
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
}
