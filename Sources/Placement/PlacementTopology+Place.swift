// Computing a study's holders from a topology: the origin site first, then other sites by rendezvous rank with
// unused territories first, and in each chosen site its nodes by weighted rendezvous rank.
public import Primitives

extension PlacementTopology {
    /// Where the study `studyUID`, first stored at `originSite`, lives under this topology.
    ///
    /// Pure and deterministic: the answer depends only on the UID, the origin, the policy and the topology's
    /// nodes (not on their input order), and is the same on every machine.
    public func place(studyUID: String, originSite: SiteID, policy: PlacementPolicy = .standard) -> StudyPlacement {
        place(studyKey: PlacementHash.studyKey(studyUID: studyUID), originSite: originSite, policy: policy)
    }

    /// Where the study with key `studyKey` (`PlacementHash.studyKey`) lives; see `place(studyUID:originSite:policy:)`.
    public func place(studyKey: UInt64, originSite: SiteID, policy: PlacementPolicy = .standard) -> StudyPlacement {
        let siteCount = min(sites.count, policy.replicaCount + policy.fallbackSiteCount)
        let order = siteOrder(studyKey: studyKey, originSite: originSite, count: siteCount)
        let assignedCount = min(policy.replicaCount, order.count)
        let nodeStageKey = PlacementHash.nodeStageKey(studyKey: studyKey)
        let ranked = order.map {
            rankedNodes(of: sites[$0], nodeStageKey: nodeStageKey, count: policy.nodesPerSiteCount)
        }
        var holders: [PlacementHolder] = []
        var fallbacks: [PlacementHolder] = []
        // Site by site in order: the runner-ups of the holder sites come before the further sites' nodes.
        for (position, nodes) in ranked.enumerated() {
            for (rank, node) in nodes.enumerated() {
                let holder = PlacementHolder(node: node.id, site: node.site, territory: node.territory)
                if position < assignedCount && rank == 0 { holders.append(holder) } else { fallbacks.append(holder) }
            }
        }
        return StudyPlacement(
            topologyVersion: version, replicaCount: policy.replicaCount, holders: holders, fallbacks: fallbacks)
    }

    /// The first `count` sites for a study, as indices into `sites`: the origin (if live), then by descending
    /// score, each time taking the best site whose territory is not used yet; once every remaining site's
    /// territory is used, the used set starts over, so territories take turns.
    ///
    /// Selection by linear scans rather than a sort: `count` is at most R + fallbacks (≤ 24), so this costs
    /// `count` passes over the sites' precomputed scores.
    func siteOrder(studyKey: UInt64, originSite: SiteID, count: Int) -> [Int] {
        precondition(count <= sites.count, "asked for \(count) sites of \(sites.count)")
        let scores = sites.map { PlacementScore.site(studyKey: studyKey, siteKey: $0.key) }
        var isTaken = [Bool](repeating: false, count: sites.count)
        var isUsed = [Bool](repeating: false, count: territories.count)
        var order: [Int] = []
        order.reserveCapacity(count)
        func take(_ index: Int) {
            isTaken[index] = true
            isUsed[sites[index].territoryIndex] = true
            order.append(index)
        }
        if count > 0, let origin = siteIndex(originSite) { take(origin) }
        while order.count < count {
            // The best untaken site in an unused territory, and the best untaken site at all; ties go to the
            // smaller name, which is the smaller index because `sites` is sorted by name.
            var bestUnused: Int? = nil
            var bestAny: Int? = nil
            for index in sites.indices where !isTaken[index] {
                if bestAny.map({ scores[index] > scores[$0] }) ?? true { bestAny = index }
                if !isUsed[sites[index].territoryIndex], bestUnused.map({ scores[index] > scores[$0] }) ?? true {
                    bestUnused = index
                }
            }
            guard let best = bestAny else { preconditionFailure("no untaken site left for \(count) of \(sites.count)") }
            if let preferred = bestUnused {
                take(preferred)
            } else {
                // Every remaining site's territory is used: start the turn over.
                for index in isUsed.indices { isUsed[index] = false }
                take(best)
            }
        }
        return order
    }

    /// The best `count` nodes of `site` for a study, best first: weighted scores descending, ties to the smaller id.
    func rankedNodes(of site: PlacementSite, nodeStageKey: UInt64, count: Int) -> [PlacementNode] {
        var scored = site.nodes.indices.map {
            (
                score: PlacementScore.node(
                    nodeStageKey: nodeStageKey, node: site.nodes[$0].id, weightValue: site.weightValues[$0]),
                index: $0
            )
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
        return scored.prefix(count).map { site.nodes[$0.index] }
    }
}
