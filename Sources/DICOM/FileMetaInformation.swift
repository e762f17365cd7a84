// The file meta information group (PS3.10 §7.1): group 0002, always Explicit VR Little Endian, which says how the
// data set after it is encoded.

/// The file meta group of a Part-10 file.
public struct FileMetaInformation: Sendable, Equatable {
    /// Every element of group 0002, in stream order.
    public var dataSet: DataSet
    /// The stream offset where the data set starts, just after the group.
    public var dataSetOffset: Int64

    /// Makes meta information from its elements.
    public init(dataSet: DataSet, dataSetOffset: Int64) {
        self.dataSet = dataSet
        self.dataSetOffset = dataSetOffset
    }

    /// Transfer Syntax UID (0002,0010).
    public var transferSyntaxUID: String? { dataSet.string(.transferSyntaxUID) }
    /// Media Storage SOP Class UID (0002,0002).
    public var mediaStorageSOPClassUID: String? { dataSet.string(.mediaStorageSOPClassUID) }
    /// Media Storage SOP Instance UID (0002,0003).
    public var mediaStorageSOPInstanceUID: String? { dataSet.string(.mediaStorageSOPInstanceUID) }
    /// Implementation Class UID (0002,0012).
    public var implementationClassUID: String? { dataSet.string(.implementationClassUID) }
    /// Implementation Version Name (0002,0013).
    public var implementationVersionName: String? { dataSet.string(.implementationVersionName) }
    /// Source Application Entity Title (0002,0016).
    public var sourceApplicationEntityTitle: String? { dataSet.string(.sourceApplicationEntityTitle) }
}
