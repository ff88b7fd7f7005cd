import ScoringEngine

/// A stratified, seeded split of decided accounts into a training part and a held-out part
/// (`kam model fit --holdout F`).
///
/// Per outcome class (won, lost) with `n` accounts, `round(F · n)` accounts are held out: the
/// class's rows are shuffled by Fisher–Yates with ``SeededRandom`` (seed `seed`, won rows
/// first, then lost rows, one generator) and the first ones held out. Both parts keep file
/// order. The same outcomes, fraction and seed give the same split on every machine.
public struct HoldoutSplit: Sendable, Equatable {
    /// Row indices used for learning, ascending.
    public let training: [Int]
    /// Row indices held out, ascending.
    public let heldOut: [Int]

    /// - Precondition: `fraction` is in the open interval (0, 1).
    public init(outcomes: [Double], fraction: Double, seed: UInt64) {
        precondition(fraction > 0 && fraction < 1, "The held-out fraction must be between 0 and 1")
        var random = SeededRandom(seed: seed)
        var heldOut: [Int] = []
        for wanted in [1.0, 0.0] {
            var rows = outcomes.indices.filter { (outcomes[$0] >= 0.5 ? 1.0 : 0.0) == wanted }
            let take = Int((fraction * Double(rows.count)).rounded())
            random.shuffle(&rows)
            heldOut += rows.prefix(take)
        }
        heldOut.sort()
        let held = Set(heldOut)
        self.heldOut = heldOut
        self.training = outcomes.indices.filter { !held.contains($0) }
    }
}
