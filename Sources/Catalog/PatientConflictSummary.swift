// One PatientID whose studies disagree about the patient, as the admin listing shows it: every study of the ID
// with the patient attributes it carries, so an operator can see which study holds which name.

/// A PatientID (with its issuer) whose catalogued studies name different patients.
public struct PatientConflictSummary: Sendable, Equatable, Codable {
    /// One study of the PatientID and the patient attributes it carries.
    public struct Study: Sendable, Equatable, Codable {
        public var studyInstanceUID: String
        public var patientName: String
        public var patientBirthDate: String
        public var patientSex: String
        public var studyDate: String
        public var accessionNumber: String
    }

    /// The PatientID (0010,0020).
    public var patientID: String
    /// The IssuerOfPatientID (0010,0021), "" when none.
    public var issuerOfPatientID: String
    /// Every study of the PatientID, oldest catalogued first.
    public var studies: [Study]
}
