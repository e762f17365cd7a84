// The entry other front ends store through: DIMSE's C-STORE hands its instances here, so they follow STOW-RS's
// rules (reader checks, durable commit, catalog, duplicates and conflicts) without an HTTP request around them.
public import Primitives

extension DICOMwebResponder {
    /// Stores one Part-10 instance pulled from `source`: checked by the DICOM reader as it streams, committed once
    /// durable, catalogued alongside, duplicates and conflicts answered as STOW-RS answers them. The instance's
    /// failure is in the answer; a throw is `source`'s own error (the association broke), and nothing is stored.
    public func storeInstance(from source: inout some ByteSource) throws -> StoredPart {
        let context = ServiceContext(
            configuration: configuration, store: store, catalog: catalog, version: version, sharing: sharing,
            remote: remote, remoteCommit: remoteCommit, log: log,
            baseURL: (configuration.publicBaseURL ?? "") + configuration.pathPrefix)
        return try StoreService(context: context).storeOne(from: &source)
    }
}
