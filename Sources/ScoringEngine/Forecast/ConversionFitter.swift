import Foundation
import LinearAlgebra

/// Fits the ``ConversionModel`` on account snapshots whose outcome is known.
///
/// A snapshot records an account's stage and scores at some date, and whether it was later
/// won or lost — if that happened before the end of observation, `h` periods after the
/// snapshot. Keeping only the snapshots that closed within their `h` periods is a selection
/// on the outcome's *timing*; conditioning on it exactly, with `F_won(h)`, `F_lost(h)` the
/// chain's probabilities of having been won (lost) within `h` periods of stage `s`:
///
///     logit P(won | closed within h, s, x) = [ln F_won,s(h) − ln F_lost,s(h)] + β₀ + βᵀx
///
/// because under the model P(won and closed within h) = p(x) F_won(h)/πₛ and
/// P(lost and closed within h) = (1 − p(x)) F_lost(h)/(1 − πₛ). So the fit is an ordinary
/// logistic regression of won (1) / lost (0) on the covariates of
/// ``ConversionModel/covariates(value:difficulty:)`` with that **offset**; as `h` grows the
/// offset tends to logit πₛ, the model's own offset. Snapshots still open carry no outcome
/// and are left out without bias, and a snapshot taken long before the end of observation
/// is not weighed as if it were a short one.
///
/// The regression is ``LogisticRegression`` (IRLS with a Cholesky solve in LAPACK), with a
/// small ridge `penalty` on the two score coefficients (not the intercept) for stability.
public struct ConversionFitter: Sendable {
    /// λ of the ridge on β_v and β_d.
    public let penalty: Double
    /// The fewest won and the fewest lost snapshots the fit accepts.
    public let minimumPerOutcome: Int
    /// Horizons beyond this many periods use the chain's limit at this horizon.
    public static let horizonCap = 600

    public init(penalty: Double = 0.01, minimumPerOutcome: Int = 10) {
        precondition(penalty >= 0 && penalty.isFinite, "The penalty must be a finite number ≥ 0")
        precondition(minimumPerOutcome >= 1, "At least one outcome of each kind is needed")
        self.penalty = penalty
        self.minimumPerOutcome = minimumPerOutcome
    }

    /// What happened to a snapshot's account by the end of observation.
    public enum Outcome: String, Sendable, Equatable, CaseIterable {
        case won
        case lost
        case open
    }

    /// One snapshot as the fit sees it.
    public struct Observation: Sendable, Equatable {
        /// The stage at the snapshot, 1...5; nil when the snapshot has none.
        public let stage: Int?
        public let value: Double
        public let difficulty: Double
        /// Whether the account was graded "insufficient information" (then it is left out).
        public let insufficientInformation: Bool
        public let outcome: Outcome
        /// Whole periods from the snapshot to the end of observation (`h`, ≥ 0).
        public let periodsObserved: Int

        public init(
            stage: Int?, value: Double, difficulty: Double, insufficientInformation: Bool, outcome: Outcome,
            periodsObserved: Int
        ) {
            self.stage = stage
            self.value = value
            self.difficulty = difficulty
            self.insufficientInformation = insufficientInformation
            self.outcome = outcome
            self.periodsObserved = periodsObserved
        }
    }

    /// Fits the model.
    ///
    /// - Parameters:
    ///   - observations: The snapshots.
    ///   - chain: The pipeline's absorbing chain (stages 1…5; won, lost).
    ///   - scoringModel: The name of the scoring model behind the scores.
    ///   - factorStatistics: Statistics of the batch-relative factors the scores used.
    ///   - source: The snapshot file, for the fit summary.
    /// - Throws: `ForecastError.tooFewOutcomes` below ``minimumPerOutcome`` of either
    ///   outcome; `.conversionFit` when the regression fails.
    public func fit(
        _ observations: [Observation], chain: AbsorbingChain, scoringModel: String,
        factorStatistics: [String: ConversionModel.FactorStatistics] = [:], source: String = ""
    ) throws(ForecastError) -> ConversionModel {
        precondition(chain.transientCount == PipelineState.stageCount && chain.absorbingCount == 2, "A pipeline chain")
        let longest = min(observations.map(\.periodsObserved).max() ?? 0, Self.horizonCap)
        let cumulative = chain.absorptionByPeriod(horizon: longest)
        var features: [Double] = []
        var outcomes: [Double] = []
        var offsets: [Double] = []
        var insufficient = 0
        var unresolved = 0
        var uninformative = 0
        for observation in observations {
            if observation.insufficientInformation {
                insufficient += 1
                continue
            }
            guard observation.outcome != .open else {
                unresolved += 1
                continue
            }
            guard let stage = observation.stage, (1...PipelineState.stageCount).contains(stage),
                observation.periodsObserved >= 1
            else {
                uninformative += 1
                continue
            }
            let table = cumulative[min(observation.periodsObserved, longest)]
            let wonBy = table[stage - 1, 0]
            let lostBy = table[stage - 1, 1]
            guard wonBy > 1e-12, lostBy > 1e-12 else {
                uninformative += 1
                continue
            }
            features += ConversionModel.covariates(value: observation.value, difficulty: observation.difficulty)
            outcomes.append(observation.outcome == .won ? 1 : 0)
            offsets.append(log(wonBy) - log(lostBy))
        }
        let won = outcomes.reduce(0, +)
        let wonCount = Int(won)
        let lostCount = outcomes.count - wonCount
        guard wonCount >= minimumPerOutcome, lostCount >= minimumPerOutcome else {
            throw .tooFewOutcomes(won: wonCount, lost: lostCount, minimum: minimumPerOutcome)
        }
        let fitted: LogisticRegression.Fitted
        do {
            let regression = try LogisticRegression(penalty: penalty)
            fitted = try regression.fit(
                Matrix(rows: outcomes.count, columns: 2, elements: features), outcomes: outcomes, offsets: offsets,
                featureNames: ["value", "difficulty"])
        } catch {
            throw .conversionFit(error.description)
        }
        // A fit that stopped early is not an estimate to forecast with.
        guard fitted.converged else {
            throw .conversionFit(
                "the logistic regression stopped without converging (\(fitted.stopReason.rawValue) after \(fitted.iterations) Newton iterations)"
            )
        }
        return ConversionModel(
            scoringModel: scoringModel,
            intercept: .init(estimate: fitted.intercept ?? 0, standardError: fitted.interceptStandardError ?? 0),
            value: .init(estimate: fitted.coefficients[0], standardError: fitted.standardErrors[0]),
            difficulty: .init(estimate: fitted.coefficients[1], standardError: fitted.standardErrors[1]),
            factorStatistics: factorStatistics,
            fitSummary: .init(
                source: source, used: outcomes.count, won: wonCount, insufficientInformation: insufficient,
                unresolved: unresolved, uninformative: uninformative))
    }
}
