// The entries other front ends store and read through: DIMSE's C-STORE hands its instances here, so they follow
// STOW-RS's rules (reader checks, durable commit, catalog, duplicates and conflicts) without an HTTP request around
// them; C-GET and C-MOVE read theirs here, from this node's store or the region's holders as WADO-RS does.
public import Catalog
public import Primitives

extension DICOMwebResponder {
    /// Stores one Part-10 instance pulled from `source`: checked by the DICOM reader as it streams, committed once
    /// durable, catalogued alongside, duplicates and conflicts answered as STOW-RS answers them. The instance's
    /// failure is in the answer; a throw is `source`'s own error (the association broke), and nothing is stored.
    public func storeInstance(from source: inout some ByteSource) throws -> StoredPart {
        try StoreService(context: serviceContext).storeOne(from: &source)
    }

    /// Writes the Part-10 file of a catalogued instance to `sink`, every chunk checked first: from this node's
    /// store, or from the nearest live holder when the region holds it elsewhere. Throws the store's or the
    /// holders' error; what was written by then is a prefix of the file.
    public func readInstance(_ stored: CatalogStoredInstance, into sink: inout some ByteSink) throws {
        try RetrieveService(context: serviceContext).read(stored, into: &sink)
    }

    /// The services' context for a request that has no HTTP request around it.
    private var serviceContext: ServiceContext {
        ServiceContext(
            configuration: configuration, store: store, catalog: catalog, version: version, sharing: sharing,
            remote: remote, remoteCommit: remoteCommit, log: log,
            baseURL: (configuration.publicBaseURL ?? "") + configuration.pathPrefix)
    }
}
