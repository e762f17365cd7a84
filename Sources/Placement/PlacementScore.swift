// The two rendezvous scores placement ranks by: plain highest-random-weight for sites, weighted for the nodes of a
// site (Thaler and Ravishankar 1998; the weighted form of Schindelhauer and Schomaker 2005, score = w / −ln u).
public import Primitives

/// Rendezvous scores: for each key, whoever scores highest wins, and a change in the candidates moves only the keys
/// whose winner changed (HRW §2).
public enum PlacementScore {
    /// A site's score for a study: higher ranks first; ties (2^-64 likely) go to the smaller site name.
    public static func site(studyKey: UInt64, siteKey: UInt64) -> UInt64 {
        Mixing.rendezvousScore(key: studyKey, member: siteKey)
    }

    /// A node's weighted score within its site: `weightValue / −ln(u)` with u in (0, 1) from the node's hash.
    ///
    /// −ln(u) of a uniform u is exponential with rate 1, so the score is exponential with rate 1/w and the node
    /// with the highest score wins with probability w / Σw: a node with twice the weight wins twice the studies.
    /// Ties go to the smaller node id.
    public static func node(nodeStageKey: UInt64, node: NodeID, weightValue: Double) -> Double {
        let u = PlacementHash.unitInterval(Mixing.rendezvousScore(key: nodeStageKey, member: node.rawValue))
        return weightValue / -Logarithm.natural(u)
    }
}
