// The query/retrieve levels of the catalog (PS3.4 C.6.1: study root), ordered from the top of the hierarchy down.

/// A level of the study-root hierarchy. Patient attributes belong to the study level, as in QIDO-RS.
public enum CatalogLevel: Int, Sendable, Comparable, CustomStringConvertible {
    /// Studies, with their patient's attributes.
    case study = 0
    /// Series.
    case series = 1
    /// Instances.
    case instance = 2

    public static func < (lhs: CatalogLevel, rhs: CatalogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .study: "study"
        case .series: "series"
        case .instance: "instance"
        }
    }
}
