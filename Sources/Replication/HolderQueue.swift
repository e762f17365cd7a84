// The order a read asks holders in (NearestHolderReader): each once, best first, hedged after its recent p95 unless
// it is the last; then, once every one has failed, those hedged away for being slow are asked again and waited for.
// A hedge is a bet that the next holder answers sooner, not a verdict: on a loaded region every holder is slow at
// once, and without the second pass a read would fail that every slow holder could serve (the chaos runner saw
// studies refused at the end of a run, the true holders hedged away and the fallbacks not holding them).

/// Which holder a read asks next.
struct HolderQueue {
    /// A holder to ask: its index among the reader's holders, and whether it may be hedged away from.
    struct Turn: Equatable {
        let index: Int
        let mayHedge: Bool
    }

    private var turns: [Turn]
    private var position = 0

    /// A queue over `count` holders, the last never hedged.
    init(count: Int) {
        turns = (0..<count).map { Turn(index: $0, mayHedge: $0 < count - 1) }
    }

    /// The holder to ask now; nil when every holder has failed.
    var current: Turn? { position < turns.count ? turns[position] : nil }

    /// The holder asked now failed; `wasSlow` when it was hedged away from, so it is asked again, without a hedge,
    /// after every other.
    mutating func failed(wasSlow: Bool) {
        guard let turn = current else { return }
        if wasSlow && turn.mayHedge { turns.append(Turn(index: turn.index, mayHedge: false)) }
        position += 1
    }
}
