// What inserting one instance did: DICOMweb turns it into the STOW-RS ReferencedSOPSequence or FailedSOPSequence.

public import Primitives

/// The result of cataloguing one instance.
public enum CatalogInsertOutcome: Sendable, Equatable {
    /// The instance is new and is now catalogued. `patientConflict` says when its patient attributes disagree with
    /// another study of its PatientID, or with earlier instances of its own study; it is catalogued all the same,
    /// each study keeping its own patient.
    case stored(patientConflict: PatientConflict? = nil)
    /// The same SOP Instance UID with the same manifest, study and series is already catalogued; nothing changed.
    case alreadyStored
    /// The SOP Instance UID is catalogued with other bytes or under another study or series; nothing changed.
    /// STOW-RS reports it in the FailedSOPSequence (PS3.18 §10.5.3); the Failure Reason is DICOMweb's choice,
    /// e.g. 0111H Duplicate SOP Instance (PS3.7 Annex C).
    case conflict(existingManifest: ChunkAddress)
}
