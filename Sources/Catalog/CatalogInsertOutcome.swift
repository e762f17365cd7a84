// What inserting one instance did: DICOMweb turns it into the STOW-RS ReferencedSOPSequence or FailedSOPSequence.

public import Primitives

/// The result of cataloguing one instance.
public enum CatalogInsertOutcome: Sendable, Equatable {
    /// The instance is new and is now catalogued.
    case stored
    /// The same SOP Instance UID with the same manifest, study and series is already catalogued; nothing changed.
    case alreadyStored
    /// The SOP Instance UID is catalogued with other bytes or under another study or series; nothing changed.
    /// STOW-RS reports it as a failure (PS3.18 §10.5.3, Failure Reason 0111 "duplicate SOP instance" family).
    case conflict(existingManifest: ChunkAddress)
}
