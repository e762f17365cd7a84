// What the Part-10 reader reports about one instance: its file meta group, transfer syntax and the data set with
// pixel data and large values as references into the stream.

/// The header of a Part-10 file.
public struct Part10Header: Sendable, Equatable {
    /// The file meta group.
    public var meta: FileMetaInformation
    /// The transfer syntax the data set is encoded in.
    public var transferSyntax: TransferSyntax
    /// The main data set: every element before Pixel Data (7FE0,0010), Pixel Data itself as bulk data, and, once
    /// the stream is finished, the elements after it.
    public var dataSet: DataSet

    /// Makes a header.
    public init(meta: FileMetaInformation, transferSyntax: TransferSyntax, dataSet: DataSet) {
        self.meta = meta
        self.transferSyntax = transferSyntax
        self.dataSet = dataSet
    }

    /// SOP Instance UID (0008,0018) of the data set.
    public var sopInstanceUID: String? { dataSet.string(.sopInstanceUID) }
    /// SOP Class UID (0008,0016) of the data set.
    public var sopClassUID: String? { dataSet.string(.sopClassUID) }
    /// Study Instance UID (0020,000D).
    public var studyInstanceUID: String? { dataSet.string(.studyInstanceUID) }
    /// Series Instance UID (0020,000E).
    public var seriesInstanceUID: String? { dataSet.string(.seriesInstanceUID) }
    /// The Pixel Data element's reference into the stream, if the data set has pixel data.
    public var pixelData: BulkDataReference? { dataSet[.pixelData]?.bulkData }
}
