// Looks up tags, keywords and VRs in the dictionary subset (DataDictionary+Entries.swift). Tags it does not list
// get the VR PS3.5 implies: UL for group lengths, LO for private creators, UN otherwise.

/// The data dictionary subset: tag ↔ keyword ↔ VR ↔ name.
public enum DataDictionary {
    /// The entry for `tag`, if listed.
    public static func entry(for tag: DICOMTag) -> DictionaryEntry? {
        byTag[tag.rawValue]
    }

    /// The entry for `keyword` (e.g. "StudyInstanceUID"), if listed.
    public static func entry(forKeyword keyword: String) -> DictionaryEntry? {
        byKeyword[keyword]
    }

    /// The tag of `keyword`, if listed.
    public static func tag(forKeyword keyword: String) -> DICOMTag? { byKeyword[keyword]?.tag }

    /// The keyword of `tag`, or nil for tags not listed.
    public static func keyword(for tag: DICOMTag) -> String? { byTag[tag.rawValue]?.keyword }

    /// The VR to assume for `tag` in implicit-VR data (PS3.5 §7.1.3): the dictionary's, else UL for a group
    /// length (PS3.5 §7.2), LO for a private creator (PS3.5 §7.8.1), else UN.
    public static func vr(for tag: DICOMTag) -> VR {
        if let entry = byTag[tag.rawValue] { return entry.vr }
        if tag.isGroupLength { return .UL }
        if tag.isPrivateCreator { return .LO }
        return .UN
    }

    /// `(GGGG,EEEE) Keyword`, or just the tag when unlisted: how errors name an element.
    public static func describe(_ tag: DICOMTag) -> String {
        if let keyword = keyword(for: tag) { return "\(tag) \(keyword)" }
        return tag.isPrivate ? "\(tag) (private)" : tag.description
    }

    private static let byTag: [UInt32: DictionaryEntry] = {
        var table: [UInt32: DictionaryEntry] = [:]
        for entry in entries { table[entry.tag.rawValue] = entry }
        return table
    }()

    private static let byKeyword: [String: DictionaryEntry] = {
        var table: [String: DictionaryEntry] = [:]
        for entry in entries { table[entry.keyword] = entry }
        return table
    }()
}
