// What one STOW-RS request did, instance by instance, and its answer: the Store Instances Response Module of
// PS3.18 Annex I as DICOM JSON, and the HTTP status of PS3.18 §10.5.3.1. Pure; the store service fills it in.
public import Catalog
import DICOM

/// The Failure Reason (0008,1197) and Warning Reason (0008,1196) values Tessera uses (PS3.18 Table I.2-2,
/// PS3.4 Table B.2-1, PS3.7 Annex C).
public enum StoreStatusCode {
    /// A7xx "Refused: out of resources": the disk is full or too few volumes are available.
    public static let outOfResources: UInt16 = 0xA700
    /// A9xx "Error: data set does not match SOP class": a required UID is missing, the file meta group names
    /// another SOP instance or class than the data set, or the instance belongs to another study than the one the
    /// request is addressed to (`POST /studies/{study}`).
    public static let dataSetDoesNotMatchSOPClass: UInt16 = 0xA900
    /// Cxxx "Error: cannot understand": the part is not a Part-10 file we can parse (not DICOM, truncated, an
    /// element running past the end, a limit on nesting, size or element count exceeded), or its pixel data is
    /// encoded against its transfer syntax (encapsulated under a native one, or the reverse).
    public static let cannotUnderstand: UInt16 = 0xC000
    /// C122 "Referenced Transfer Syntax not supported": a syntax this archive does not know.
    public static let transferSyntaxNotSupported: UInt16 = 0xC122
    /// 0110 "Processing failure": the store or catalog failed for another reason.
    public static let processingFailure: UInt16 = 0x0110
    /// 0111 "Duplicate SOP instance" (PS3.7 C.5): as a Failure Reason, the SOP Instance UID is stored with other
    /// bytes (a conflict); as a Warning Reason, the identical instance was already stored (nothing changed).
    public static let duplicateSOPInstance: UInt16 = 0x0111
}

/// The fate of one part of a STOW-RS request.
public struct StoredPart: Sendable, Equatable {
    /// The instance's SOP Class UID, when the header got that far.
    public var sopClassUID: String?
    /// The instance's SOP Instance UID, when the header got that far.
    public var sopInstanceUID: String?
    /// The RetrieveURL of the stored instance; nil when it failed.
    public var retrieveURL: String?
    /// The Failure Reason when it was not stored.
    public var failureReason: UInt16?
    /// The Warning Reason when it was stored with a remark (already present).
    public var warningReason: UInt16?
    /// A sentence saying what was wrong or noteworthy, returned as Error Comment (0000,0902).
    public var comment: String?
    /// The patient attributes of a stored instance disagree with another study of its PatientID (or with its own
    /// study's): it was stored, and the response says so in its comment and a `Warning` header.
    public var patientConflict: PatientConflict?

    /// With ack=remote: stored here, but no other site confirmed its commit in time (it stays queued).
    public var isAwaitingOtherSite = false

    /// Whether the instance is in the archive after the request.
    public var isStored: Bool { failureReason == nil }

    /// Whether the instance was stored with something the client should know (PS3.18 §10.5.3.1: a 202).
    public var hasWarning: Bool { warningReason != nil || patientConflict != nil || isAwaitingOtherSite }
}

/// Every part of one STOW-RS request, in order, and the response they make.
public struct StoreOutcome: Sendable {
    /// The parts in request order.
    public var parts: [StoredPart] = []
    /// The RetrieveURL of the study the request was addressed to, when it named one or all parts share one.
    public var studyRetrieveURL: String?

    /// Makes an empty outcome.
    public init() {}

    /// The HTTP status (PS3.18 §10.5.3.1): 200 when every instance is stored without a warning, 202 when all
    /// were stored but some with a warning (already stored, a patient conflict, not yet confirmed by another site)
    /// or when some failed, 409 when none was stored. A request with no parts is a 400, decided by the store
    /// service before this point.
    public var status: Int {
        let storedCount = parts.filter(\.isStored).count
        if storedCount == parts.count { return parts.contains(where: \.hasWarning) ? 202 : 200 }
        return storedCount == 0 ? 409 : 202
    }

    /// The `Warning` header values (RFC 9111 §5.5, code 299, as PS3.18 §8.1.5 uses it) for the patient conflicts
    /// of the stored parts: one per PatientID and study pair, at most `patientWarningCountMax`.
    public var patientConflictWarnings: [String] {
        var seen: Set<String> = []
        var warnings: [String] = []
        for conflict in parts.compactMap(\.patientConflict) {
            let key =
                conflict.patientID + "\u{0}" + conflict.studyInstanceUID + "\u{0}" + conflict.otherStudyInstanceUID
            guard warnings.count < Self.patientWarningCountMax, seen.insert(key).inserted else { continue }
            warnings.append("299 tessera \"patient conflict: \(Self.quotable(conflict.description))\"")
        }
        return warnings
    }

    /// The most patient-conflict `Warning` headers one response carries; the parts' comments say the rest.
    public static let patientWarningCountMax = 8

    /// `text` with what may not appear in a quoted-string (quotes, backslashes, control characters) replaced.
    static func quotable(_ text: String) -> String {
        String(
            text.unicodeScalars.map {
                $0 == "\"" || $0 == "\\" || $0.value < 0x20 || $0.value > 0x7E ? "_" : Character($0)
            })
    }

    /// The Store Instances Response Module (PS3.18 Annex I) as a DICOM JSON object.
    public var response: DICOMJSONObject {
        var object = DICOMJSONObject()
        if let studyRetrieveURL { object.set(DICOMTag.retrieveURL.rawValue, vr: "UR", [.string(studyRetrieveURL)]) }
        let stored = parts.filter(\.isStored)
        let failed = parts.filter { !$0.isStored }
        if !stored.isEmpty {
            object.set(DICOMTag.referencedSOPSequence.rawValue, vr: "SQ", stored.map { .item(Self.item($0)) })
        }
        if !failed.isEmpty {
            object.set(DICOMTag.failedSOPSequence.rawValue, vr: "SQ", failed.map { .item(Self.item($0)) })
        }
        return object
    }

    private static func item(_ part: StoredPart) -> DICOMJSONObject {
        var item = DICOMJSONObject()
        if let uid = part.sopClassUID { item.set(DICOMTag.referencedSOPClassUID.rawValue, vr: "UI", [.string(uid)]) }
        if let uid = part.sopInstanceUID {
            item.set(DICOMTag.referencedSOPInstanceUID.rawValue, vr: "UI", [.string(uid)])
        }
        if let url = part.retrieveURL { item.set(DICOMTag.retrieveURL.rawValue, vr: "UR", [.string(url)]) }
        if let reason = part.failureReason {
            item.set(DICOMTag.failureReason.rawValue, vr: "US", [.number("\(reason)")])
        }
        if let reason = part.warningReason {
            item.set(DICOMTag.warningReason.rawValue, vr: "US", [.number("\(reason)")])
        }
        if let comment = part.comment { item.set(DICOMTag.errorComment.rawValue, vr: "LO", [.string(comment)]) }
        return item
    }
}
