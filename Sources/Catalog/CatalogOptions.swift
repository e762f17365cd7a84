// Settings of an open catalog: how durable a commit is and how many reader connections are kept.

/// How a catalog is opened.
public struct CatalogOptions: Sendable {
    /// Whether every commit is fsynced before it returns (SQLite `synchronous = FULL` in WAL mode).
    ///
    /// On by default: a node acknowledges a store only after its catalog row is committed (DESIGN.md, "The path of
    /// one instance"), and with `NORMAL` a power loss may drop the last commits from the WAL, so an acknowledged
    /// instance would vanish from the catalog while its bytes stay in the volumes. `FULL` costs one fdatasync per
    /// transaction, which batch inserts share. Turn it off only for rebuildable catalogs (benches, tests).
    public var isSynchronousFull: Bool
    /// The most idle reader connections kept open; a search finding none idle opens another for its call.
    public var readerCountMax: Int

    /// Makes options; the defaults suit a node.
    public init(isSynchronousFull: Bool = true, readerCountMax: Int = 4) {
        precondition(readerCountMax >= 1, "a catalog keeps at least one reader connection")
        self.isSynchronousFull = isSynchronousFull
        self.readerCountMax = readerCountMax
    }
}
