// WADO-RS for instances this node catalogues but does not hold: their bytes and headers come from the nearest
// live holder (RemoteObjects; a run of them in one stream), in the same response as the local ones and in the
// catalogue's order. The response's length was computed from the catalogue, so an object of another length stops it
// at the end of that part. The reads of one instance, whole or a byte range, from this node or a holder, are here.
import Catalog
import HTTP
import ObjectStore
import Primitives

extension RetrieveService {
    /// Whether this node's store holds the instance's object.
    func isHeldHere(_ stored: CatalogStoredInstance) -> Bool {
        (try? context.store.manifest(stored.record.manifestAddress)) != nil
    }

    /// Writes every instance's part head and bytes, from the store or from a holder, in order; runs of instances
    /// held elsewhere are read in one stream.
    func streamFromHolders(
        _ instances: [CatalogStoredInstance], heads: [[UInt8]], remote: any RemoteObjects,
        response: inout some HTTPResponseWriter
    ) throws {
        var index = 0
        while index < instances.count {
            if isHeldHere(instances[index]) {
                try heads[index].withUnsafeBytes { try response.writeBody($0) }
                var sink = CountingResponseSink(writer: response)
                try context.store.get(instances[index].record.manifestAddress, into: &sink)
                response = sink.writer
                try Self.check(instances[index], served: sink.count)
                index += 1
                continue
            }
            var end = index + 1
            while end < instances.count && !isHeldHere(instances[end]) { end += 1 }
            let run = Array(instances[index..<end])
            var sink = MultipartRetrieveSink(writer: response, instances: run, heads: Array(heads[index..<end]))
            try remote.get(
                run.map {
                    RemoteObject(
                        address: $0.record.manifestAddress, instanceUID: $0.sopInstanceUID,
                        length: UInt64($0.record.lengthBytes))
                }, into: &sink)
            response = sink.writer
            index = end
        }
    }

    /// Writes an instance's Part-10 bytes to `sink`, from the store or the nearest holder.
    func read(_ stored: CatalogStoredInstance, into sink: inout some ByteSink) throws {
        if let remote = context.remote, !isHeldHere(stored) {
            try remote.get(
                stored.record.manifestAddress, instanceUID: stored.sopInstanceUID,
                length: UInt64(stored.record.lengthBytes), into: &sink)
        } else {
            try context.store.get(stored.record.manifestAddress, into: &sink)
        }
    }

    /// Writes bytes `range` of an instance's Part-10 file to `sink`: a ranged read of the store, or the holder's
    /// stream with all but the range dropped.
    func read(_ stored: CatalogStoredInstance, range: Range<UInt64>, into sink: inout some ByteSink) throws {
        guard let remote = context.remote, !isHeldHere(stored) else {
            return try context.store.get(stored.record.manifestAddress, range: range, into: &sink)
        }
        var window = RangeSink(inner: sink, range: range)
        defer { sink = window.inner }
        try remote.get(
            stored.record.manifestAddress, instanceUID: stored.sopInstanceUID,
            length: UInt64(stored.record.lengthBytes), into: &window)
    }

    /// Throws unless `served` bytes are the instance's catalogued length.
    static func check(_ stored: CatalogStoredInstance, served: Int64) throws(DICOMwebError) {
        guard served == stored.record.lengthBytes else {
            throw DICOMwebError(
                .internalFailure,
                "instance \(stored.sopInstanceUID) is catalogued with \(stored.record.lengthBytes) bytes but "
                    + "\(served) were served")
        }
    }

    /// The DICOM JSON of an instance: the catalogue's, or a holder's when this node learned of it from the region.
    func header(of stored: CatalogStoredInstance) throws -> [UInt8] {
        guard stored.metadata.isEmpty, let remote = context.remote else { return stored.metadata }
        do {
            return try remote.metadata(studyUID: stored.studyInstanceUID, instanceUID: stored.sopInstanceUID)
        } catch {
            context.log("the header of \(stored.sopInstanceUID) could not be read from a holder: \(error)")
            throw DICOMwebError(
                .unavailable, "the header of instance \(stored.sopInstanceUID) is held by other nodes, none reachable")
        }
    }
}

/// A ByteSink that forwards to the response and counts.
struct CountingResponseSink<Writer: HTTPResponseWriter>: ByteSink {
    var writer: Writer
    var count: Int64 = 0

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws {
        try writer.writeBody(buffer)
        count += Int64(buffer.count)
    }
}

/// A ByteSink that passes on only the bytes of `range` of what it is given, in order.
struct RangeSink<Inner: ByteSink>: ByteSink {
    var inner: Inner
    let range: Range<UInt64>
    private var offset: UInt64 = 0

    init(inner: Inner, range: Range<UInt64>) {
        self.inner = inner
        self.range = range
    }

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws {
        let start = offset
        offset += UInt64(buffer.count)
        let lower = max(start, range.lowerBound)
        let upper = min(offset, range.upperBound)
        guard lower < upper else { return }
        try inner.write(UnsafeRawBufferPointer(rebasing: buffer[Int(lower - start)..<Int(upper - start)]))
    }
}
