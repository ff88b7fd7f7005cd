import Foundation

/// The models `kam model fit` could recommend, compared on the same folds: out-of-fold log
/// loss and AUC, each as the mean over folds with its standard error, and the one to rank
/// with (the lowest mean log loss).
///
/// ## Mathematical contract
///
/// With k folds and mᵢ the metric on fold i's held-out accounts (each fold's model fitted
/// on the other folds), the figure is m̄ = (1/k) Σ mᵢ and its standard error
/// sqrt(Σ (mᵢ − m̄)² / (k (k − 1))). The difference of two models is judged on the same
/// folds (paired): its standard error is that of the per-fold differences.
public struct ModelComparison: Sendable {
    /// A model the report compares.
    public enum Candidate: String, Sendable, CaseIterable, Equatable {
        /// The base model as written (its scales, weights and penalty), its priority turned
        /// into a probability by Platt scaling fitted on each fold's training accounts.
        case baseModel = "base_model"
        /// Weights fitted on the base model's own scales (the logistic fit of `kam weights fit`).
        case weightsOnly = "weights_only"
        /// The learned model without pairwise interactions (the model `kam model fit` writes
        /// when it learns no interaction).
        case learned
        /// The learned model with pairwise interactions, when the learner fits any.
        case learnedWithInteractions = "learned_with_interactions"
    }

    /// One model's cross-validated figures.
    public struct Entry: Sendable, Equatable {
        public let candidate: Candidate
        /// Mean over folds of the held-out log loss (nats), and its standard error.
        public let logLoss: Double
        public let logLossStandardError: Double
        /// Mean over folds of the held-out AUC, and its standard error (`nil` when a fold has one class).
        public let areaUnderROC: Double?
        public let areaUnderROCStandardError: Double?
        /// Held-out log loss per fold.
        public let foldLogLoss: [Double]
    }

    /// The models compared, in ``Candidate`` order.
    public let entries: [Entry]

    /// Compares out-of-fold probabilities of every candidate on the folds of `assignment`.
    ///
    /// - Precondition: every probability list has one entry per outcome.
    public init(probabilities: [(Candidate, [Double])], outcomes: [Double], assignment: [Int], folds: Int) {
        var entries: [Entry] = []
        for (candidate, probability) in probabilities {
            precondition(probability.count == outcomes.count, "ModelComparison needs one probability per outcome")
            var foldLoss: [Double] = []
            var foldAUC: [Double] = []
            var aucDefined = true
            for fold in 0..<folds {
                let rows = assignment.indices.filter { assignment[$0] == fold }
                let p = rows.map { probability[$0] }
                let y = rows.map { outcomes[$0] }
                foldLoss.append(BinaryOutcomeMetrics.logLoss(probabilities: p, outcomes: y) ?? .nan)
                if let auc = RankStatistics.areaUnderROC(scores: p, outcomes: y) { foldAUC.append(auc) } else { aucDefined = false }
            }
            let loss = Self.meanAndStandardError(foldLoss)
            let auc = aucDefined ? Self.meanAndStandardError(foldAUC) : nil
            entries.append(
                Entry(
                    candidate: candidate, logLoss: loss.mean, logLossStandardError: loss.standardError,
                    areaUnderROC: auc?.mean, areaUnderROCStandardError: auc?.standardError, foldLogLoss: foldLoss))
        }
        self.entries = entries
    }

    /// m̄ and sqrt(Σ (mᵢ − m̄)² / (k (k − 1))) (0 for one value).
    public static func meanAndStandardError(_ values: [Double]) -> (mean: Double, standardError: Double) {
        let k = Double(values.count)
        guard k > 0 else { return (.nan, .nan) }
        let mean = values.reduce(0, +) / k
        guard k > 1 else { return (mean, 0) }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, (squares / (k * (k - 1))).squareRoot())
    }

    /// Whether `entry` has a lower mean log loss than `other` by more than a rounding tie.
    public static func isBetter(_ entry: Entry, than other: Entry) -> Bool { entry.logLoss < other.logLoss - 1e-12 }

    /// The entry with the lowest mean log loss (ties to the earlier, simpler candidate).
    public var best: Entry? {
        entries.reduce(nil) { best, entry in
            guard let best else { return entry }
            return Self.isBetter(entry, than: best) ? entry : best
        }
    }

    public func entry(_ candidate: Candidate) -> Entry? { entries.first { $0.candidate == candidate } }

    /// Whether a learned model (with or without interactions) has the lowest log loss.
    public var recommendsLearned: Bool {
        guard let best else { return false }
        return best.candidate == .learned || best.candidate == .learnedWithInteractions
    }

    /// The candidate the learner wrote: the learned model with interactions when it has any.
    public var written: Candidate { entry(.learnedWithInteractions) != nil ? .learnedWithInteractions : .learned }

    /// Mean over folds of `first − second` log loss, and its standard error (paired).
    public func difference(_ first: Candidate, _ second: Candidate) -> (mean: Double, standardError: Double)? {
        guard let a = entry(first), let b = entry(second), a.foldLogLoss.count == b.foldLogLoss.count else { return nil }
        return Self.meanAndStandardError(zip(a.foldLogLoss, b.foldLogLoss).map { $0 - $1 })
    }
}
