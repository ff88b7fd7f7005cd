import Foundation

/// Counts the model learner's steps for a progress line: steps done out of a total fixed
/// when learning starts, reported from whichever thread finishes a step.
///
/// A step is a unit of work of roughly comparable cost; the penalized curve fits dominate a
/// run, so one curve fit (one fold at one smoothing strength) is one step, and the other
/// phases are counted in steps of about that size (``ModelLearner/stepPlan(accounts:folds:)``).
/// The counts only drive the progress line; nothing the learner computes depends on them.
final class LearningSteps: @unchecked Sendable {
    /// The total steps of the run (≥ every `done` reported).
    let total: Int
    private var done = 0
    private let report: @Sendable (_ done: Int, _ total: Int) -> Void
    private let lock = NSLock()

    init(total: Int, report: @escaping @Sendable (_ done: Int, _ total: Int) -> Void) {
        self.total = max(total, 1)
        self.report = report
    }

    /// Adds `count` finished steps and reports the new count (never above the total), in
    /// the order the steps finish, from any thread.
    func advance(_ count: Int = 1) {
        lock.lock()
        defer { lock.unlock() }
        done = min(done + count, total)
        report(done, total)
    }

    /// Reports the whole run as done (steps a run skipped, such as the curves when none are
    /// learned, are counted here).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        done = total
        report(done, total)
    }
}

extension ModelLearner {
    /// The steps a run takes, phase by phase, for ``LearningSteps``.
    struct StepPlan: Equatable {
        /// Sorting the columns, their screening groups on every fold, the base model's scores.
        var preparation = 1
        /// One per fold and smoothing strength, plus the final curve fit.
        var curves: Int
        /// The pairwise interactions (ranking and scoring the short list).
        var interactions: Int
        /// The two λ paths (learned and weights-only), one step per fold each.
        var weightPaths: Int
        /// The refits of each fold at the chosen λ.
        var foldRefits: Int
        /// The final fit, calibration, factors and grade cuts, the check through the scoring
        /// pipeline, and the reports.
        var finishing: Int

        var total: Int { preparation + curves + interactions + weightPaths + foldRefits + finishing }
    }

    /// The steps of learning from `accounts` decided accounts on `folds` folds.
    ///
    /// Sizes measured with `kam model fit --timings` (debug build, 2,000 and 20,000
    /// accounts): the curves' λ path takes about half the time, the grade cuts and
    /// calibration a quarter of what the curves take, the interactions a fifth.
    func stepPlan(accounts: Int, folds: Int) -> StepPlan {
        let curveFits = options.maximumCurveBins > 0 ? folds * smoothingGrid(accounts: accounts).count + 1 : 0
        return StepPlan(
            curves: curveFits,
            interactions: options.maximumCurveBins > 0 && options.maximumInteractions > 0 ? max(1, curveFits / 5) : 0,
            weightPaths: 2 * folds, foldRefits: folds, finishing: max(3, curveFits / 4))
    }
}
