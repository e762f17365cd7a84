// Typed reads of element values: text (trimmed, decoded in the data set's character set), numbers from binary or
// text VRs, person names and sequences. Every accessor returns nil rather than trapping on a malformed value.

extension DataSet {
    /// The whole text value of `tag`, decoded and trimmed (PS3.5 §6.2), with any backslashes between values kept;
    /// nil when absent, not inline, or not text.
    public func string(_ tag: DICOMTag) -> String? {
        guard let element = self[tag] else { return nil }
        return text(of: element)
    }

    /// The whole text value of `element`, decoded in this data set's character set and trimmed; nil when the
    /// value is not inline text.
    public func text(of element: DataElement) -> String? {
        guard element.vr.isText || element.vr == .UN, let bytes = element.bytes else { return nil }
        let set: SpecificCharacterSet = element.vr.usesCharacterSet ? characterSet : .default
        let leading = element.vr.allowsMultipleTextValues || element.vr == .UN
        return TextDecoding.trim(set.decode(bytes), leading: leading)
    }

    /// The values of `element` split at backslash when its VR allows several, each trimmed.
    public func texts(of element: DataElement) -> [String] {
        guard let text = text(of: element) else { return [] }
        guard element.vr.allowsMultipleTextValues else { return [text] }
        return text.split(separator: "\\", omittingEmptySubsequences: false).map {
            TextDecoding.trimSpaces(String($0))
        }
    }

    /// The values of `tag` split at backslash (PS3.5 §6.4), each trimmed; empty when absent.
    public func strings(_ tag: DICOMTag) -> [String] {
        guard let element = self[tag] else { return [] }
        return texts(of: element)
    }

    /// The value of `tag` as one string, whatever its VR: text as `string` gives it, binary numbers in decimal and
    /// AT values as GGGGEEEE, several values joined by backslash. Nil for sequences, bulk data and absent tags.
    /// This is the form the catalog stores and QIDO-RS matches on.
    public func valueString(_ tag: DICOMTag) -> String? {
        guard let element = self[tag], let bytes = element.bytes else { return nil }
        if element.vr.isText || element.vr == .UN { return text(of: element) }
        let parts: [String]
        switch element.vr {
        case .FL, .FD: parts = doubles(tag).map { String($0) }
        case .AT: parts = attributeTags(tag).map(\.hexString)
        case .US, .SS, .UL, .SL, .SV, .UV: parts = integers(tag).map { String($0) }
        default: return Base64.encode(bytes)
        }
        return parts.joined(separator: "\\")
    }

    /// The first value of `tag` as an integer: binary for US, SS, UL, SL, SV, UV; parsed text for IS (and DS when
    /// whole); nil when absent or unparsable.
    public func integer(_ tag: DICOMTag) -> Int? { integers(tag).first }

    /// Every value of `tag` as integers; empty when absent or any value is unparsable.
    public func integers(_ tag: DICOMTag) -> [Int] {
        guard let element = self[tag], let bytes = element.bytes else { return [] }
        switch element.vr {
        case .US: return Self.binary(bytes, UInt16.self).map { Int($0) }
        case .SS: return Self.binary(bytes, Int16.self).map { Int($0) }
        case .UL: return Self.binary(bytes, UInt32.self).map { Int($0) }
        case .SL: return Self.binary(bytes, Int32.self).map { Int($0) }
        case .SV: return Self.binary(bytes, Int64.self).map { Int($0) }
        case .UV: return Self.binary(bytes, UInt64.self).map { Int(truncatingIfNeeded: $0) }
        default:
            let values = strings(tag).map { Int(Self.withoutPlus($0)) }
            return values.contains(nil) ? [] : values.compactMap { $0 }
        }
    }

    /// The first value of `tag` as a double: binary for FL and FD, parsed text for DS and IS, or an integer VR.
    public func double(_ tag: DICOMTag) -> Double? { doubles(tag).first }

    /// Every value of `tag` as doubles; empty when absent or any value is unparsable.
    public func doubles(_ tag: DICOMTag) -> [Double] {
        guard let element = self[tag], let bytes = element.bytes else { return [] }
        switch element.vr {
        case .FL, .OF: return Self.binary(bytes, UInt32.self).map { Double(Float(bitPattern: $0)) }
        case .FD, .OD: return Self.binary(bytes, UInt64.self).map { Double(bitPattern: $0) }
        case .DS, .IS:
            let values = strings(tag).map { Double(Self.withoutPlus($0)) }
            return values.contains(nil) ? [] : values.compactMap { $0 }
        default: return integers(tag).map { Double($0) }
        }
    }

    /// The first person name of `tag`.
    public func personName(_ tag: DICOMTag) -> PersonName? { personNames(tag).first }

    /// Every person name of `tag`.
    public func personNames(_ tag: DICOMTag) -> [PersonName] {
        strings(tag).map { PersonName(value: $0) }
    }

    /// The items of the sequence `tag`, or nil when absent or not a sequence.
    public func sequence(_ tag: DICOMTag) -> [DataSet]? { self[tag]?.items }

    /// The attribute tags of an AT value, or empty.
    public func attributeTags(_ tag: DICOMTag) -> [DICOMTag] {
        guard let element = self[tag], element.vr == .AT, let bytes = element.bytes else { return [] }
        let halves = Self.binary(bytes, UInt16.self)
        return stride(from: 0, to: halves.count - 1, by: 2).map { DICOMTag(group: halves[$0], element: halves[$0 + 1]) }
    }

    /// Decodes little-endian fixed-width numbers; trailing bytes that do not fill one are ignored.
    static func binary<T: FixedWidthInteger>(_ bytes: [UInt8], _ type: T.Type) -> [T] {
        let size = MemoryLayout<T>.size
        return bytes.withUnsafeBytes { raw in
            (0..<raw.count / size).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
    }

    private static func withoutPlus(_ text: String) -> String {
        text.hasPrefix("+") ? String(text.dropFirst()) : text
    }
}
