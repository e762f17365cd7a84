// The DICOM JSON model (PS3.18 Annex F): one object per data set, keyed by "GGGGEEEE" in ascending tag order, each
// attribute {"vr", "Value" | "InlineBinary" | "BulkDataURI"}. Deterministic: the same data set gives the same bytes.

/// Encodes data sets as DICOM JSON.
public enum DICOMJSON {
    /// Chooses a BulkDataURI for an element: return nil to inline a binary value (or, for a value left in the
    /// stream, to leave it without a value).
    public typealias BulkDataURIProvider = (DataElementPath, DataElement) -> String?

    /// The JSON object of `dataSet` (PS3.18 §F.2).
    ///
    /// Group length elements (gggg,0000) are left out, as PS3.18 §F.2 requires. Binary values (OB, OD, OF, OL, OV,
    /// OW, UN) and values left in the stream become "BulkDataURI" when `bulkDataURI` gives one, else inline binary
    /// values become "InlineBinary" (base64). IS and DS values that are not numbers are written as strings rather
    /// than dropped; non-finite FL and FD values as the strings "NaN", "Infinity", "-Infinity".
    public static func encode(
        _ dataSet: DataSet, bulkDataURI: BulkDataURIProvider = { _, _ in nil }
    ) -> [UInt8] {
        var writer = JSONWriter()
        write(dataSet, path: DataElementPath(tags: []), into: &writer, bulkDataURI: bulkDataURI)
        return writer.bytes
    }

    /// A JSON array of the objects of `dataSets`, as WADO-RS metadata and QIDO-RS responses carry them.
    public static func encode(
        _ dataSets: [DataSet], bulkDataURI: (Int, DataElementPath, DataElement) -> String? = { _, _, _ in nil }
    ) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginArray()
        for (index, dataSet) in dataSets.enumerated() {
            write(dataSet, path: DataElementPath(tags: []), into: &writer) { bulkDataURI(index, $0, $1) }
        }
        writer.endArray()
        return writer.bytes
    }

    /// Writes one data set object; recursion depth is the sequence depth, which the reader bounds.
    static func write(
        _ dataSet: DataSet, path: DataElementPath, into writer: inout JSONWriter, bulkDataURI: BulkDataURIProvider
    ) {
        writer.beginObject()
        for element in dataSet.sortedElements where !element.tag.isGroupLength {
            writer.key(element.tag.hexString)
            writer.beginObject()
            writer.key("vr")
            writer.string(element.vr.rawValue)
            writeValue(element, of: dataSet, parent: path, into: &writer, bulkDataURI: bulkDataURI)
            writer.endObject()
        }
        writer.endObject()
    }

    /// Writes the value of `element`, a member of the data set at `parent`; the element's own path is built only
    /// for the values that need it (sequences and BulkDataURIs), not for every element.
    private static func writeValue(
        _ element: DataElement, of dataSet: DataSet, parent: DataElementPath, into writer: inout JSONWriter,
        bulkDataURI: BulkDataURIProvider
    ) {
        var path: DataElementPath {
            DataElementPath(tags: parent.tags + [element.tag], itemIndices: parent.itemIndices)
        }
        switch element.value {
        case .sequence(let items):
            guard !items.isEmpty else { return }
            writer.key("Value")
            writer.beginArray()
            let path = path
            for (index, item) in items.enumerated() {
                let itemPath = DataElementPath(tags: path.tags, itemIndices: path.itemIndices + [index])
                write(item, path: itemPath, into: &writer, bulkDataURI: bulkDataURI)
            }
            writer.endArray()
        case .bulkData:
            if let uri = bulkDataURI(path, element) {
                writer.key("BulkDataURI")
                writer.string(uri)
            }
        case .bytes(let bytes):
            if element.vr.isBinaryStream || element.vr == .SQ {
                guard !bytes.isEmpty else { return }
                if let uri = bulkDataURI(path, element) {
                    writer.key("BulkDataURI")
                    writer.string(uri)
                } else {
                    var text: [UInt8] = []
                    Base64.encode(bytes, into: &text)
                    writer.key("InlineBinary")
                    writer.stringBytes(text)
                }
                return
            }
            writeValues(element, bytes: bytes, of: dataSet, into: &writer)
        }
    }

    /// Writes "Value" for text and binary-number VRs, or nothing for an empty value.
    private static func writeValues(
        _ element: DataElement, bytes: [UInt8], of dataSet: DataSet, into writer: inout JSONWriter
    ) {
        let values = JSONValue.values(of: element, bytes: bytes, in: dataSet)
        guard !values.isEmpty else { return }
        writer.key("Value")
        writer.beginArray()
        for value in values {
            switch value {
            case .null: writer.null()
            case .string(let text): writer.string(text)
            case .number(let text): writer.number(text: text)
            case .personName(let name):
                writer.beginObject()
                for (key, group) in [
                    ("Alphabetic", name.alphabetic), ("Ideographic", name.ideographic), ("Phonetic", name.phonetic),
                ] where !group.isEmpty {
                    writer.key(key)
                    writer.string(group)
                }
                writer.endObject()
            }
        }
        writer.endArray()
    }
}
