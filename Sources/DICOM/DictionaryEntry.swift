// One row of the data dictionary (PS3.6 §6): tag, VR, keyword and name.

/// An attribute's registry entry.
public struct DictionaryEntry: Sendable, Equatable {
    /// The attribute tag.
    public let tag: DICOMTag
    /// The VR used when the file does not say (implicit VR) and when JSON needs one.
    public let vr: VR
    /// The PS3.6 keyword, e.g. "PatientName".
    public let keyword: String
    /// The PS3.6 name, e.g. "Patient's Name".
    public let name: String

    /// Makes an entry from `0xGGGGEEEE`, VR, keyword and name.
    public init(_ tag: UInt32, _ vr: VR, _ keyword: String, _ name: String) {
        self.tag = DICOMTag(tag)
        self.vr = vr
        self.keyword = keyword
        self.name = name
    }
}
