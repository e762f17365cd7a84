// One attribute of a data set: tag, VR and value (PS3.5 §7.1).

/// A data element.
public struct DataElement: Sendable, Equatable {
    /// The attribute tag.
    public var tag: DICOMTag
    /// The VR: from the header in explicit-VR data, from the dictionary in implicit-VR data.
    public var vr: VR
    /// The value.
    public var value: DataValue

    /// Makes an element.
    public init(tag: DICOMTag, vr: VR, value: DataValue) {
        self.tag = tag
        self.vr = vr
        self.value = value
    }

    /// Makes a text element, padding `text` to even length with the VR's padding byte.
    public init(tag: DICOMTag, vr: VR, text: String) {
        var bytes = Array(text.utf8)
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        self.init(tag: tag, vr: vr, value: .bytes(bytes))
    }

    /// Makes a text element with several values joined by backslash (PS3.5 §6.4).
    public init(tag: DICOMTag, vr: VR, texts: [String]) {
        self.init(tag: tag, vr: vr, text: texts.joined(separator: "\\"))
    }

    /// Makes a binary element from fixed-width integers, stored little-endian.
    public init<T: FixedWidthInteger>(tag: DICOMTag, vr: VR, integers: [T]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(integers.count * MemoryLayout<T>.size)
        for value in integers { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        self.init(tag: tag, vr: vr, value: .bytes(bytes))
    }

    /// Makes a sequence element.
    public init(tag: DICOMTag, items: [DataSet]) {
        self.init(tag: tag, vr: .SQ, value: .sequence(items))
    }

    /// The PS3.6 keyword, if the dictionary lists the tag.
    public var keyword: String? { DataDictionary.keyword(for: tag) }

    /// The inline value bytes, or nil for sequences and bulk data.
    public var bytes: [UInt8]? {
        if case .bytes(let bytes) = value { return bytes }
        return nil
    }

    /// The items, or nil when the element is not a sequence.
    public var items: [DataSet]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    /// The bulk data reference, or nil when the value is inline.
    public var bulkData: BulkDataReference? {
        if case .bulkData(let reference) = value { return reference }
        return nil
    }
}
