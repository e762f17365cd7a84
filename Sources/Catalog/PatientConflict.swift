// A disagreement about who a patient is: two studies (or two instances of one study) that name the same PatientID
// with different patient attributes. The catalog keeps each study's own values and reports the disagreement.

/// Patient attributes that disagree between a newly catalogued instance and what is already catalogued.
///
/// Two studies sharing a PatientID but not a name happen (a typo fixed at the modality, a name change, two hospitals'
/// ID spaces merged); the catalog never lets one study's patient show on another, so the conflict is reported for
/// a person to resolve, not settled by the catalog.
public struct PatientConflict: Sendable, Equatable, CustomStringConvertible {
    /// The PatientID (0010,0020) both name; empty only for a conflict inside one study.
    public let patientID: String
    /// The IssuerOfPatientID (0010,0021) both name.
    public let issuerOfPatientID: String
    /// The study of the instance just catalogued.
    public let studyInstanceUID: String
    /// The study it disagrees with: another study of the PatientID, or the same study when its own instances
    /// disagree (the study shows the lowest of their values, LowestValueRule).
    public let otherStudyInstanceUID: String
    /// The keywords of the attributes that differ, in a fixed order: PatientID (inside one study only),
    /// PatientName, PatientBirthDate, PatientSex.
    public let attributes: [String]

    /// Makes a conflict report.
    public init(
        patientID: String, issuerOfPatientID: String, studyInstanceUID: String, otherStudyInstanceUID: String,
        attributes: [String]
    ) {
        self.patientID = patientID
        self.issuerOfPatientID = issuerOfPatientID
        self.studyInstanceUID = studyInstanceUID
        self.otherStudyInstanceUID = otherStudyInstanceUID
        self.attributes = attributes
    }

    /// Whether the disagreement is between instances of one study rather than between two studies.
    public var isWithinStudy: Bool { studyInstanceUID == otherStudyInstanceUID }

    /// A sentence for the STOW-RS response and the log.
    public var description: String {
        let differing = attributes.joined(separator: ", ")
        if isWithinStudy {
            return "instances of study \(studyInstanceUID) disagree on \(differing); the study shows the lowest "
                + "of their values (byte order) until the instances are corrected"
        }
        let issuer = issuerOfPatientID.isEmpty ? "" : " (issuer \(issuerOfPatientID))"
        return "PatientID \(patientID)\(issuer) names a patient with another \(differing) in study "
            + "\(otherStudyInstanceUID); each study keeps its own patient attributes"
    }
}
