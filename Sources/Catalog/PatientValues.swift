// The patient attributes the catalog compares to notice a PatientConflict: one instance's, or one study row's.
// Pure: built from an instance or a result row, compared value by value.
import SQLite

/// The identifying and comparable patient attributes of an instance or a study.
struct PatientValues {
    var patientID: String
    var issuer: String
    /// The name folded for comparison (case and empty trailing components do not make a conflict).
    var nameFolded: String
    var birthDate: String
    var sex: String

    /// The values of `instance`.
    init(_ instance: CatalogInstance) {
        patientID = instance.value(CatalogTag.patientID)
        issuer = instance.value(CatalogTag.issuerOfPatientID)
        nameFolded = StoredValue.foldedPersonName(instance.value(CatalogTag.patientName))
        birthDate = StoredValue.date(instance.value(CatalogTag.patientBirthDate))
        sex = instance.value(CatalogTag.patientSex)
    }

    /// The values in columns `first`…`first + 4` of `row`: patient_id, issuer_of_patient_id, patient_name_folded,
    /// patient_birth_date, patient_sex.
    init(_ row: Statement, from first: Int32) {
        patientID = row.text(at: first)
        issuer = row.text(at: first + 1)
        nameFolded = row.text(at: first + 2)
        birthDate = row.text(at: first + 3)
        sex = row.text(at: first + 4)
    }

    /// The keywords of the attributes both sides give and that differ: a value missing on one side fills in, it
    /// does not disagree. PatientID differs only between instances of one study.
    func differences(from other: PatientValues) -> [String] {
        let pairs = [
            ("PatientID", patientID, other.patientID), ("PatientName", nameFolded, other.nameFolded),
            ("PatientBirthDate", birthDate, other.birthDate),
            ("PatientSex", sex, other.sex),
        ]
        return pairs.filter { !$0.1.isEmpty && !$0.2.isEmpty && $0.1 != $0.2 }.map(\.0)
    }
}
