import Foundation
import LinearAlgebra

/// Learns a whole scoring model from decided accounts: a utility curve per factor (bins or
/// categories with shrunk log-odds), the factor weights, the grading cuts and a calibration
/// from ranking score to probability of winning — every step cross-validated.
///
/// ## The steps (all on the decided accounts of ``LearningData``)
///
/// 1. **Groups.** Each candidate column becomes groups (see ``ColumnFit``): numeric columns
///    are pre-binned at quantiles (≤ ``Options/maximumPreBins``, ties never split, every bin
///    ≥ the minimum count) and merged — monotone (pool adjacent violators) when the column is
///    a base factor with a monotone scale, the win rate rising with x iff
///    `(side == value) == (direction == increasing)` (flipped for a decreasing piecewise or
///    binned base scale); free (ChiMerge) otherwise. Categorical columns get a group per
///    label with ≥ ``Options/minimumCategoryCount`` accounts and an `other` group. Missing
///    values form their own group. Every group's log-odds is shrunk:
///    ℓ = logit((won + m p̄)/(count + m)), m = ``Options/pseudoCounts``.
/// 1b. **Curves.** The columns that enter the fit (step 3 below decides which, on the groups
///    of step 1) are then learned again, jointly, on fine groups: up to
///    ``Options/maximumCurveBins`` quantile bins per numeric column with sentinel values
///    (`999`, `−1`) in bins of their own, the categorical groups of step 1, missing — a
///    penalized binned GAM (``AdditiveLogistic``: second differences of neighbouring bins,
///    ridge on the other groups, λ by out-of-fold log loss; see ``ModelLearner/learnCurves``).
///    A group's log-odds is then the GAM's β₀ + θ; monotone base factors are projected onto
///    monotone curves. With ``Options/maximumCurveBins`` = 0 the groups of step 1 are kept.
/// 2. **Utilities.** Over all groups of a factor, value side u = (ℓ − ℓmin)/(ℓmax − ℓmin),
///    difficulty side u = (ℓmax − ℓ)/(ℓmax − ℓmin) (final utilities); bins and categories store
///    them before the factor's direction (1 − u when decreasing), the missing group as
///    `MissingPolicy.fixed`. ℓmax = ℓmin: the factor is flat (utility 0.5, weight 0).
/// 3. **Weights.** An L2-regularized logistic regression of the outcome on the learned
///    utilities, shrunk toward the base model's weights scaled to log-odds (``WeightFit``'s
///    prior: μ = b e with e the expert direction and b the slope of a one-variable logistic
///    fit on the expert score; candidates new to the model have e = 0), λ chosen on the
///    folds by out-of-fold log loss. A factor whose coefficient has the wrong sign for its
///    side is dropped and the rest refitted, so that every coefficient has its side's sign;
///    weights are ``WeightFit``'s proposal (|β| normalized per side) and the penalty
///    p = B_D / B_V (B = Σ|β| per side). Then priority = value − p · difficulty =
///    (100 / B_V)(η − β₀): ranking by priority is ranking by the fitted log-odds.
/// 4. **Calibration.** Platt (σ(a + b · score)) or isotonic (PAV), whichever has the lower
///    out-of-fold log loss when each fold's calibrator is fitted on that fold's training
///    rows (unless one is forced). The final map is fitted on the out-of-fold log-odds of
///    every row expressed on the final model's priority scale, priority = (η − β₀)·100/B_V
///    (scikit-learn's `CalibratedClassifierCV(ensemble=False)`).
/// 5. **Grading.** The base model's band names and grid with cuts that order the win rates
///    A > B > C > D on the training accounts and on the out-of-fold scores, informative and
///    near the base model's shares (``learnedGrading(base:training:outOfFold:baseGrades:baseValueBands:baseDifficultyBands:penalty:)``);
///    ranking key priority at the implied penalty. The training grade table is checked to be
///    what ``ScoringPipeline`` gives the written model (``LearningError/gradesNotReproduced(printed:scored:)``).
/// 6. **Cross-validation.** Stratified folds (``WeightFit/stratifiedFolds(outcomes:count:seed:)``).
///    Groups, utilities, weights (at the chosen λ) and calibration are learned again on each
///    fold's training rows; the out-of-fold predictions give the metrics, beside weights
///    fitted on the base model's own scales, the base model as written, the stage win rates
///    and the base rate (``ModelComparison``: means and standard errors over folds); the
///    written grade cuts applied to the out-of-fold scores give the cross-validated grade table.
/// 7. **Candidates.** Id-like columns and columns whose name or content hints at a leak
///    (``ColumnScreening``) are left out unless ``Options/includedColumns`` names them.
///    Information value on all rows; single-factor out-of-fold AUC (the
///    group log-odds learned on the other folds); a leak when it reaches
///    ``Options/leakThreshold`` (left out, base factor or not); in `all` mode a new column
///    joins when its IV ≥ ``Options/minimumInformationValue``. A factor's contribution is
///    the out-of-fold AUC of the model minus that of the model without it, refitted per fold
///    by one Newton step from the fold's fit without the factor, using the fold's Hessian
///    (β₋ⱼ = β̂₋ⱼ + H₋ⱼ₋ⱼ⁻¹ H₋ⱼⱼ β̂ⱼ; exact to second order in β̂ⱼ).
public struct ModelLearner: Sendable {
    /// Which columns may become factors.
    public enum Candidates: String, Sendable, CaseIterable {
        /// Only the base model's factors are learned.
        case model
        /// Every column is a candidate; new ones join when informative and not a leak.
        case all
    }

    /// How the calibration method is chosen.
    public enum CalibrationChoice: String, Sendable, CaseIterable {
        case crossValidated = "cv"
        case platt
        case isotonic
    }

    /// The learner's settings; every one has a default.
    public struct Options: Sendable, Equatable {
        public var candidates: Candidates = .model
        /// Cross-validation folds (2...100); fewer when a class has fewer accounts.
        public var folds: Int = 5
        /// Seed of the fold assignment.
        public var seed: UInt64 = 42
        /// Most pre-bins per numeric column (2...1000).
        public var maximumPreBins: Int = 20
        /// Least accounts per bin; `nil` = max(``minimumBinFloor``, ⌈``minimumBinShare`` × accounts⌉).
        public var minimumBinCount: Int? = nil
        public var minimumBinFloor: Int = 50
        public var minimumBinShare: Double = 0.02
        /// m, the pseudo-counts of shrinkage toward the overall rate (≥ 0).
        public var pseudoCounts: Double = 20
        /// ChiMerge merges adjacent bins whose χ² p-value is above this (0...1).
        public var mergeSignificance: Double = 0.05
        /// Categories with fewer training accounts are pooled into `other` (≥ 1).
        public var minimumCategoryCount: Int = 30
        /// Categorical candidates with more distinct labels are not candidates (names, ids).
        public var maximumCategoryLabels: Int = 50
        /// What the weights are shrunk toward.
        public var prior: WeightFit.Prior = .model
        /// λ: given (> 0) or cross-validated over ``strengthGrid``.
        public var strength: WeightFit.Strength = .crossValidated
        public var strengthGrid: [Double] = WeightFit.defaultGrid
        /// A single-factor out-of-fold AUC at or above this flags a leak (0.5...1).
        public var leakThreshold: Double = 0.90
        /// Candidate columns kept even when they look like an id or their name or content
        /// hints at a leak (`--include`).
        public var includedColumns: Set<String> = []
        /// In `all` mode a new column joins when its information value reaches this.
        public var minimumInformationValue: Double = 0.02
        /// Most fine bins per numeric curve (the penalized binned GAM); 0 learns the coarse
        /// screening groups instead (pre-bins merged by ChiMerge or pooling), as before.
        public var maximumCurveBins: Int = 256
        /// Most coefficients of all curves together; numeric curves get fewer bins beyond it.
        public var maximumCurveParameters: Int = 3000
        /// The smoothing strength λ of the curves: given, or (`nil`) chosen by out-of-fold
        /// log loss on a grid.
        public var smoothing: Double? = nil
        /// Whether each curve's smoothing is then refined around the chosen λ by out-of-fold
        /// log loss (``ModelLearner/refineSmoothing``); histories above ``largeHistory``
        /// accounts keep one λ for every curve.
        public var refinesSmoothing: Bool = true
        /// Most pairwise interactions (``learnInteractions``): 0 learns none. Pairs join only
        /// while they lower the out-of-fold log loss.
        public var maximumInteractions: Int = 10
        /// Most groups per numeric axis of an interaction table: each count is tried and the
        /// one whose pairs lower the out-of-fold log loss the most is kept.
        public var interactionBins: [Int] = [8, 12, 16]
        /// Whether the curves and the chosen tables are then fitted again together
        /// (``refitJointly``); histories above ``largeHistory`` accounts keep them as learned.
        public var refitsWithInteractions: Bool = true
        /// Outer bags of the final additive fit (``refitJointly``): each slot's curves and
        /// tables are the average of this many fits, each on a stratified random
        /// ``baggedShare`` of the slot's rows (InterpretML's outer bags). 1 fits all rows once.
        public var outerBags: Int = 1
        /// The share of a slot's rows (of each outcome) that one outer bag is fitted on (0...1).
        public var baggedShare: Double = 0.85
        public var calibration: CalibrationChoice = .crossValidated
        /// Equal-width bins of the expected calibration error.
        public var calibrationBins: Int = 10

        public init() {}
    }

    public let options: Options

    /// - Throws: ``LearningError/invalidSetting(name:value:allowed:)`` for a setting out of range.
    public init(options: Options = Options()) throws(LearningError) {
        if let problem = Self.problem(with: options) { throw problem }
        self.options = options
    }

    /// The first setting out of range, as an error.
    static func problem(with options: Options) -> LearningError? {
        func bad(_ name: String, _ value: String, _ allowed: String) -> LearningError {
            LearningError.invalidSetting(name: name, value: value, allowed: allowed)
        }
        if !(2...100).contains(options.folds) { return bad("number of folds", "\(options.folds)", "between 2 and 100") }
        if !(2...1000).contains(options.maximumPreBins) {
            return bad("maximum number of pre-bins", "\(options.maximumPreBins)", "between 2 and 1000")
        }
        if let count = options.minimumBinCount, count < 1 { return bad("minimum bin count", "\(count)", "at least 1") }
        if options.minimumBinFloor < 1 { return bad("minimum bin floor", "\(options.minimumBinFloor)", "at least 1") }
        if !(0...1).contains(options.minimumBinShare) {
            return bad("minimum bin share", "\(options.minimumBinShare)", "between 0 and 1")
        }
        if !(options.pseudoCounts >= 0 && options.pseudoCounts.isFinite) {
            return bad("pseudo-count", "\(options.pseudoCounts)", "a finite number of at least 0")
        }
        if !(0...1).contains(options.mergeSignificance) {
            return bad("merge significance", "\(options.mergeSignificance)", "between 0 and 1")
        }
        if options.minimumCategoryCount < 1 {
            return bad("minimum category count", "\(options.minimumCategoryCount)", "at least 1")
        }
        if options.maximumCategoryLabels < 2 {
            return bad("maximum number of category labels", "\(options.maximumCategoryLabels)", "at least 2")
        }
        if case .fixed(let lambda) = options.strength, !(lambda.isFinite && lambda > 0) {
            return bad("prior strength", "\(lambda)", "a finite number above 0")
        }
        if options.strengthGrid.isEmpty || !options.strengthGrid.allSatisfy({ $0.isFinite && $0 > 0 }) {
            return bad("strength grid", "\(options.strengthGrid)", "positive finite numbers")
        }
        if !(0.5...1).contains(options.leakThreshold) {
            return bad("leak threshold", "\(options.leakThreshold)", "between 0.5 and 1")
        }
        if !(options.minimumInformationValue >= 0 && options.minimumInformationValue.isFinite) {
            return bad("minimum information value", "\(options.minimumInformationValue)", "a finite number of at least 0")
        }
        if !(0...4096).contains(options.maximumCurveBins) {
            return bad("maximum number of curve bins", "\(options.maximumCurveBins)", "between 0 and 4096")
        }
        if options.maximumCurveParameters < 16 {
            return bad("maximum number of curve coefficients", "\(options.maximumCurveParameters)", "at least 16")
        }
        if let smoothing = options.smoothing, !(smoothing.isFinite && smoothing >= 0) {
            return bad("curve smoothing", "\(smoothing)", "a finite number of at least 0")
        }
        if !(0...50).contains(options.maximumInteractions) {
            return bad("maximum number of interactions", "\(options.maximumInteractions)", "between 0 and 50")
        }
        if options.interactionBins.isEmpty || options.interactionBins.contains(where: { !(2...64).contains($0) }) {
            return bad("numbers of interaction bins", "\(options.interactionBins)", "one or more, each between 2 and 64")
        }
        if !(1...100).contains(options.outerBags) {
            return bad("number of outer bags", "\(options.outerBags)", "between 1 and 100")
        }
        if !(options.baggedShare > 0 && options.baggedShare < 1) {
            return bad("bagged share of rows", "\(options.baggedShare)", "above 0 and below 1")
        }
        if options.calibrationBins < 1 {
            return bad("number of calibration bins", "\(options.calibrationBins)", "at least 1")
        }
        return nil
    }

    /// The minimum bin count for `accounts` decided accounts.
    public func minimumBinCount(accounts: Int) -> Int {
        options.minimumBinCount
            ?? max(options.minimumBinFloor, Int((options.minimumBinShare * Double(accounts)).rounded(.up)))
    }

    /// The shape a base factor's bins must take: monotone when its scale is monotone.
    public static func monotoneDirection(of factor: Factor) -> Bool? {
        /// Whether utilities in scale order rise (true), fall (false) or neither (nil).
        func rising(_ utilities: [Double]) -> Bool? {
            let steps = zip(utilities, utilities.dropFirst())
            if steps.allSatisfy({ $0 <= $1 }) { return true }
            if steps.allSatisfy({ $0 >= $1 }) { return false }
            return nil
        }
        let increasingUtility: Bool
        switch factor.scale {
        case .linear, .log, .minMax, .zScore:
            increasingUtility = true
        case .piecewise(let points):
            guard let up = rising(points.map(\.utility)) else { return nil }
            increasingUtility = up
        case .binned(let bins):
            guard let up = rising(bins.map(\.utility)) else { return nil }
            increasingUtility = up
        case .categorical, .interaction:
            return nil
        }
        let rises = (factor.side == .value) == (factor.direction == .increasing)
        return increasingUtility ? rises : !rises
    }

    /// A factor id made from a column name: lowercase letters, digits and `_`.
    public static func factorID(forColumn name: String) -> String {
        var id = ""
        for character in name.lowercased() {
            if character.isLetter || character.isNumber { id.append(character) } else if !id.hasSuffix("_") { id.append("_") }
        }
        while id.hasSuffix("_") { id.removeLast() }
        return id.isEmpty ? "column" : id
    }
}

/// Runs `body` for 0..<count on the available cores and returns the results in order.
public func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let box = ParallelResults<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { index in
        let value = body(index)
        box.lock.lock()
        box.items[index] = value
        box.lock.unlock()
    }
    return box.items.map { item in
        guard let item else { preconditionFailure("parallelMap lost a result") }
        return item
    }
}

/// A value computed on a thread of its own while the caller goes on; ``wait()`` returns it.
final class Background<T: Sendable>: @unchecked Sendable {
    // Written once by the background thread before it signals; read after `wait` returns.
    private var value: T?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> T) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.value = body()
            self.done.signal()
        }
    }

    /// The value, once computed (blocks until then; call once).
    func wait() -> T {
        done.wait()
        guard let value else { preconditionFailure("Background lost its value") }
        return value
    }
}

/// The results of ``parallelMap(_:_:)``, written under a lock.
final class ParallelResults<T: Sendable>: @unchecked Sendable {
    var items: [T?]
    let lock = NSLock()
    init(_ count: Int) { items = Array(repeating: nil, count: count) }
}
