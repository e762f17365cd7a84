// What `GET /admin/patient-conflicts` answers: the PatientIDs whose studies name different patients, for an
// operator or a data-quality team to resolve at the source (the modality worklist, the RIS). The JSON field names
// are part of what operators' scripts read; change them only with the README.
public import Catalog

/// The patient conflicts of a node's catalog.
public struct PatientConflictReport: Codable, Sendable, Equatable {
    /// Instances catalogued with a patient conflict since the node started (each was stored, with a warning).
    public var noticedSinceStart: Int
    /// The PatientIDs whose studies disagree, each with all its studies, in PatientID order.
    public var patients: [PatientConflictSummary]
    /// Whether more PatientIDs disagree than `patients` lists (the request's `limit`).
    public var isTruncated: Bool

    /// Makes a report.
    public init(noticedSinceStart: Int, patients: [PatientConflictSummary], isTruncated: Bool) {
        self.noticedSinceStart = noticedSinceStart
        self.patients = patients
        self.isTruncated = isTruncated
    }

    /// PatientIDs listed when the request names no `limit`, and the most it may name.
    public static let limitDefault = 1_000
    public static let limitMax = 100_000

    /// The report of `catalog`, at most `limit` PatientIDs.
    public static func make(_ catalog: Catalog, limit: Int) throws(CatalogError) -> PatientConflictReport {
        let listed = try catalog.patientConflicts(limit: limit + 1)
        return PatientConflictReport(
            noticedSinceStart: catalog.patientConflictCount, patients: Array(listed.prefix(limit)),
            isTruncated: listed.count > limit)
    }
}
