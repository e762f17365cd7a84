// The fixed 64-bit keys placement ranks by: study UIDs and site names hashed from their UTF-8 bytes, and hashes
// mapped into the open unit interval. Never `Hasher`: every node must compute the same key forever (STYLE.md, 2).
public import Primitives

/// Fixed hashes of our own for placement keys, identical on every machine, in every process and every release.
///
/// The functions here are a format: changing any constant or step moves studies between holders, so a change MUST
/// come with a new topology version and a migration, never silently.
public enum PlacementHash {
    /// The longest study UID placement hashes, in bytes (PS3.5 §9.1: a UID is at most 64 characters).
    public static let studyUIDBytesMax = 64

    /// Domain separation: a study UID and a site name with the same bytes still hash apart.
    static let studyDomain: UInt64 = 0x7374_7564_7955_4944  // "studyUID"
    static let siteDomain: UInt64 = 0x7369_7465_4e61_6d65  // "siteName"
    /// Decorrelates the in-site node ranking from the site ranking of the same study.
    static let nodeStageDomain: UInt64 = 0x6e6f_6465_5374_6167  // "nodeStag"

    /// The key of a study: its UID's UTF-8 bytes hashed. The caller MUST pass a UID of at most `studyUIDBytesMax`
    /// bytes (UIDs are checked where DICOM is parsed).
    public static func studyKey(studyUID: String) -> UInt64 {
        precondition(
            studyUID.utf8.count <= studyUIDBytesMax,
            "a study UID of \(studyUID.utf8.count) bytes is longer than \(studyUIDBytesMax)")
        return hash(studyUID.utf8, domain: studyDomain)
    }

    /// The key of a site: its name's UTF-8 bytes hashed (names are at most `RegionName.lengthMax` bytes).
    public static func siteKey(_ site: SiteID) -> UInt64 {
        hash(site.name.utf8, domain: siteDomain)
    }

    /// The key the nodes of a site are ranked by for a study, derived from the study key.
    public static func nodeStageKey(studyKey: UInt64) -> UInt64 {
        Mixing.mix64(studyKey ^ nodeStageDomain)
    }

    /// A 64-bit hash mapped into the open interval (0, 1): the top 52 bits plus one half, times 2^-52.
    ///
    /// Every step is exact (a 52-bit integer and its half fit a double's 53-bit significand), so the result is
    /// the same on every machine and never 0 or 1, which keeps −ln(u) finite and positive.
    public static func unitInterval(_ hash: UInt64) -> Double {
        (Double(hash >> 12) + 0.5) * 0x1p-52
    }

    /// Hashes `bytes` eight at a time (little-endian words, the last zero-padded) through the SplitMix64
    /// finalizer, seeded by the domain and the length so a padded tail cannot collide with real zeros.
    static func hash(_ bytes: String.UTF8View, domain: UInt64) -> UInt64 {
        var state = Mixing.mix64(domain ^ UInt64(bytes.count))
        var word: UInt64 = 0
        var filled: UInt64 = 0
        for byte in bytes {
            word |= UInt64(byte) << (filled * 8)
            filled += 1
            if filled == 8 {
                state = Mixing.mix64(state ^ word) &+ 0x9E37_79B9_7F4A_7C15
                word = 0
                filled = 0
            }
        }
        if filled > 0 { state = Mixing.mix64(state ^ word) &+ 0x9E37_79B9_7F4A_7C15 }
        return Mixing.mix64(state)
    }
}
