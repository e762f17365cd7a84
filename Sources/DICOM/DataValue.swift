// The value of one data element as the reader keeps it: bytes in little-endian canonical order, the items of a
// sequence, or a reference to bytes left in the stream.

/// A data element's value.
public enum DataValue: Sendable, Equatable {
    /// The value bytes as stored, padding included, with binary numbers in little-endian order whatever the
    /// transfer syntax (big-endian values are swapped per `VR.byteSwapUnit`).
    case bytes([UInt8])
    /// The items of a sequence (SQ), each a data set.
    case sequence([DataSet])
    /// A value left in the stream: longer than `DICOMLimits.inlineValueBytesMax`, or pixel data.
    case bulkData(BulkDataReference)
}
