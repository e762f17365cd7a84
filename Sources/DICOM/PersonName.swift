// Person names (PN, PS3.5 §6.2.1): up to three component groups — alphabetic, ideographic, phonetic — separated by
// "=", each with five "^"-separated components.

/// One person name value, split into its component groups.
public struct PersonName: Sendable, Equatable, CustomStringConvertible {
    /// The alphabetic group, e.g. "Doe^John".
    public var alphabetic: String
    /// The ideographic group, empty when absent.
    public var ideographic: String
    /// The phonetic group, empty when absent.
    public var phonetic: String

    /// Makes a name from its groups.
    public init(alphabetic: String, ideographic: String = "", phonetic: String = "") {
        self.alphabetic = alphabetic
        self.ideographic = ideographic
        self.phonetic = phonetic
    }

    /// Splits one PN value (no backslash) into its groups at "=".
    public init(value: String) {
        let groups = value.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        alphabetic = groups.count > 0 ? groups[0] : ""
        ideographic = groups.count > 1 ? groups[1] : ""
        phonetic = groups.count > 2 ? groups[2] : ""
    }

    /// The family name: the first "^" component of the alphabetic group.
    public var familyName: String { component(0) }

    /// The given name: the second "^" component of the alphabetic group.
    public var givenName: String { component(1) }

    /// The name as stored: groups joined by "=", trailing empty groups dropped.
    public var description: String {
        if !phonetic.isEmpty { return "\(alphabetic)=\(ideographic)=\(phonetic)" }
        if !ideographic.isEmpty { return "\(alphabetic)=\(ideographic)" }
        return alphabetic
    }

    private func component(_ index: Int) -> String {
        let parts = alphabetic.split(separator: "^", omittingEmptySubsequences: false)
        return index < parts.count ? String(parts[index]) : ""
    }
}
