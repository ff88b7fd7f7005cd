import Foundation
import LinearAlgebra

extension ModelLearner {
    /// The curves of the factors that enter the fit, learned jointly by ``AdditiveLogistic``.
    struct Curves {
        /// Per entered column (in the order given), per slot (0 all rows, k + 1 fold k's
        /// training rows): the groups with their learned log-odds.
        var fits: [[ColumnFit]]
        /// The smoothing strength chosen on the folds.
        var lambda: Double
        /// Out-of-fold log loss of every smoothing strength tried, by increasing strength.
        var table: [WeightFitResult.StrengthScore]
        /// The model on all rows (for standard errors).
        var additive: AdditiveLogistic
        var finalFit: AdditiveLogistic.Fit
        /// Special values (declared, then sentinels found), per entered column.
        var sentinels: [[Double]]
        /// The most fine bins a numeric curve was allowed.
        var binLimit: Int
        /// Per slot: the fit's intercept β₀ (a group's log-odds is β₀ + θ).
        var intercepts: [Double] = []
        /// Per entered column: its smoothing strength as a multiple of ``lambda`` (1 unless
        /// the per-factor refinement moved it).
        var multipliers: [Double] = []
        /// Per fold: the fit on its training rows at ``lambda`` (slot fold + 1 of ``fits``).
        var foldFits: [AdditiveLogistic.Fit] = []
        /// Per entered column: the fine bins of a numeric column (`nil`: categorical).
        var binned: [CurveBins?] = []
    }

    /// What one entered column needs for its curve.
    struct CurveInput {
        var column: PreparedColumn
        /// The screening fit on all rows (categorical columns keep its groups).
        var screening: ColumnFit
        var request: ColumnFit.Request
        /// The special values the base model declares for the column (numeric columns).
        var declaredSpecials: [Double] = []
    }

    /// The number of bins of each numeric curve: ``Options/maximumCurveBins``, fewer when the
    /// model would exceed ``Options/maximumCurveParameters`` coefficients in all.
    func curveBinLimit(numericColumns: Int, categoricalGroups: Int) -> Int {
        guard numericColumns > 0 else { return options.maximumCurveBins }
        let room = max(options.maximumCurveParameters - categoricalGroups, 16 * numericColumns)
        return max(16, min(options.maximumCurveBins, room / numericColumns))
    }

    /// The smoothing strengths tried, strongest first: a shorter path for large histories.
    func smoothingGrid(accounts n: Int) -> [Double] {
        if let fixed = options.smoothing { return [fixed] }
        return n > Self.largeHistory ? [1e3, 1e1, 1e-1] : [1e5, 1e4, 1e3, 1e2, 1e1, 1, 1e-1, 1e-2]
    }

    /// Learns the curves of `inputs` jointly, choosing the smoothing strength by out-of-fold
    /// log loss (folds fitted in parallel, each path warm-started from the strongest
    /// smoothing), then refits every slot at the chosen strength.
    func learnCurves(
        _ inputs: [CurveInput], outcomes: [Double], assignment: [Int], foldCount: Int, trainRows: [[Int]],
        testRows: [[Int]], clock: PhaseClock? = nil, steps: LearningSteps? = nil
    ) throws(LearningError) -> Curves {
        let n = outcomes.count
        let rate = outcomes.reduce(0, +) / Double(max(n, 1))
        let information = rate * (1 - rate)
        let ridge = max(options.pseudoCounts * information, 1e-6)
        let numericCount = inputs.filter { !$0.column.isCategorical }.count
        let categoricalGroups = inputs.filter(\.column.isCategorical).reduce(0) { $0 + $1.screening.groups.count }
        let binLimit = curveBinLimit(numericColumns: numericCount, categoricalGroups: categoricalGroups)

        // Terms: fine bins for numbers, the screening groups for categories.
        let binned: [CurveBins?] = parallelMap(inputs.count) { k in
            inputs[k].column.isCategorical
                ? nil
                : CurveBins.make(
                    inputs[k].column, maximumBins: binLimit, minimumCount: 10, declared: inputs[k].declaredSpecials)
        }
        var terms: [AdditiveLogistic.Term] = []
        for (k, input) in inputs.enumerated() {
            if let bins = binned[k] {
                let chainSet = Set(bins.chain)
                let chainCount = bins.chain.reduce(0) { $0 + bins.bins[$1].count }
                let scale = Double(max(chainCount, 1)) * information / Double(max(bins.chain.count, 1))
                terms.append(
                    AdditiveLogistic.Term(
                        groups: bins.rowBin, size: bins.bins.count, chain: bins.chain,
                        ridge: bins.bins.indices.map { chainSet.contains($0) ? 1e-6 * max(scale, 1e-3) : ridge },
                        smoothingScale: scale))
            } else {
                let size = input.screening.groups.count
                terms.append(
                    AdditiveLogistic.Term(
                        groups: input.screening.rowGroup, size: size, chain: [],
                        ridge: [Double](repeating: ridge, count: size), smoothingScale: 0))
            }
        }
        let shared = AdditiveLogistic(terms: terms)
        var model = shared
        clock?.lap("curves: fine bins")

        // Smoothing strength by cross-validation.
        let grid = smoothingGrid(accounts: n)
        // A large history's O(n T²) pass for XᵀWX is most of each Newton iteration: kept
        // along the path while it steers well.
        let curvature: AdditiveLogistic.Curvature = n > Self.largeHistory ? .lagged : .exact
        let folds = parallelMap(foldCount) { fold -> Result<(fits: [AdditiveLogistic.Fit], etas: [[Double]]), LearningError> in
            let train = trainRows[fold]
            let trainRate = train.reduce(0) { $0 + outcomes[$1] } / Double(max(train.count, 1))
            var start = shared.start(rate: trainRate)
            var fits: [AdditiveLogistic.Fit] = []
            var etas: [[Double]] = []
            let data = shared.fittedRows(train, outcomes: outcomes)
            var gram: [Double]?
            do throws(LearningError) {
                for lambda in grid {
                    let fit = try shared.fit(
                        data: data, lambda: lambda, start: start, keepsFactor: false, curvature: curvature, gram: &gram)
                    start = fit.coefficients
                    fits.append(fit)
                    etas.append(shared.linearPredictor(rows: testRows[fold], coefficients: fit.coefficients))
                    steps?.advance()
                }
            } catch {
                return .failure(error)
            }
            return .success((fits, etas))
        }
        var foldFits: [[AdditiveLogistic.Fit]] = []
        var outOfFold = [[Double]](repeating: [Double](repeating: 0, count: n), count: grid.count)
        for (fold, result) in folds.enumerated() {
            let value: (fits: [AdditiveLogistic.Fit], etas: [[Double]])
            switch result {
            case .success(let fitted): value = fitted
            case .failure(let error): throw error
            }
            foldFits.append(value.fits)
            for index in grid.indices {
                for (position, row) in testRows[fold].enumerated() { outOfFold[index][row] = value.etas[index][position] }
            }
        }
        var table: [WeightFitResult.StrengthScore] = []
        var best = 0
        for (index, lambda) in grid.enumerated() {
            let loss =
                BinaryOutcomeMetrics.logLoss(probabilities: outOfFold[index].map(LogisticRegression.logistic), outcomes: outcomes)
                ?? .infinity
            table.append(WeightFitResult.StrengthScore(strength: lambda, logLoss: loss, areaUnderROC: nil))
            if loss < table[best].logLoss - 1e-9 { best = index }
        }
        let lambda = grid[best]
        clock?.lap(
            "curves: λ path on the folds (\(grid.count) strengths, \(shared.parameterCount) coefficients, "
                + "\(foldFits.joined().map(\.iterations).reduce(0, +)) iterations, "
                + "\(foldFits.joined().map(\.curvaturePasses).reduce(0, +)) with XᵀWX afresh)")
        var chosenFolds = foldFits.map { $0[best] }
        var multipliers = [Double](repeating: 1, count: terms.count)
        if options.smoothing == nil, options.refinesSmoothing, n <= Self.largeHistory {
            let refined = try refineSmoothing(
                model, lambda: lambda, folds: chosenFolds, loss: table[best].logLoss, outcomes: outcomes,
                trainRows: trainRows, testRows: testRows)
            (model, chosenFolds, multipliers) = (refined.model, refined.folds, refined.multipliers)
            clock?.lap("curves: smoothing per factor (\(refined.evaluations) trials)")
        }
        // The final fit on every row, started at the folds' mean.
        var start = [Double](repeating: 0, count: model.parameterCount)
        for fit in chosenFolds { for k in start.indices { start[k] += fit.coefficients[k] / Double(foldCount) } }
        let finalFit = try model.fit(rows: Array(0..<n), outcomes: outcomes, lambda: lambda, start: start)
        steps?.advance()

        clock?.lap("curves: final fit (\(finalFit.iterations) iterations)")
        let slotFits = Self.columnFits(
            inputs, model: model, binned: binned, slots: [finalFit] + chosenFolds, outcomes: outcomes, assignment: assignment)
        clock?.lap("curves: per-fold tables")
        return Curves(
            fits: slotFits, lambda: lambda, table: grid.count > 1 ? table.sorted { $0.strength < $1.strength } : [],
            additive: model, finalFit: finalFit, sentinels: binned.map { $0?.bins.compactMap(\.role.specialValue) ?? [] },
            binLimit: binLimit,
            intercepts: [finalFit.coefficients[0]] + chosenFolds.map { $0.coefficients[0] }, multipliers: multipliers,
            foldFits: chosenFolds, binned: binned)
    }

    /// Each entered column's groups with their learned log-odds, per slot: `slots[0]` the fit
    /// on all rows, `slots[k + 1]` fold k's. Monotone requests get the weighted isotonic
    /// projection of their bins; the evidence of a slot is the counts of its training rows.
    /// (`model`'s first terms are the columns' curves, in order; more terms may follow.)
    static func columnFits(
        _ inputs: [CurveInput], model: AdditiveLogistic, binned: [CurveBins?], slots: [AdditiveLogistic.Fit],
        outcomes: [Double], assignment: [Int]
    ) -> [[ColumnFit]] {
        let n = outcomes.count
        let foldCount = slots.count - 1
        let terms = model.terms
        // Evidence per group: counts per fold, so a slot's training counts are total − fold.
        var slotFits: [[ColumnFit]] = []
        for (k, input) in inputs.enumerated() {
            let term = terms[k]
            var counts = [[Int]](repeating: [Int](repeating: 0, count: term.size), count: foldCount)
            var wins = counts
            for row in 0..<n {
                let g = Int(term.groups[row])
                counts[assignment[row]][g] += 1
                if outcomes[row] >= 0.5 { wins[assignment[row]][g] += 1 }
            }
            var columnSlots: [ColumnFit] = []
            for slot in 0...foldCount {
                let fit = slots[slot]
                var count = [Int](repeating: 0, count: term.size)
                var won = count
                for fold in 0..<foldCount where fold != slot - 1 {
                    for g in 0..<term.size {
                        count[g] += counts[fold][g]
                        won[g] += wins[fold][g]
                    }
                }
                var theta = fit.curve(term: k)
                let weights = (0..<term.size).map { fit.information[model.offsets[k] + $0] }
                var shape: FactorReport.Shape = input.column.isCategorical ? .categorical : .free
                if let bins = binned[k], case .monotone(let increasing) = input.request {
                    // Monotone: the weighted isotonic projection of the bins in value order
                    // (sentinels and missing keep their own values).
                    let ordered = bins.bins.indices.filter {
                        switch bins.bins[$0].role {
                        case .smooth, .massPoint: return true
                        default: return false
                        }
                    }
                    let projected = weightedIsotonic(
                        ordered.map { theta[$0] }, weights: ordered.map { weights[$0] }, increasing: increasing)
                    for (position, g) in ordered.enumerated() { theta[g] = projected[position] }
                    shape = .monotone(winRateIncreases: increasing)
                }
                let overall = Double(won.reduce(0, +)) / Double(max(count.reduce(0, +), 1))
                var groups: [ColumnFit.Group] = []
                var uppers: [Double] = []
                var specialGroups: [(group: Int, value: Double)] = []
                if let bins = binned[k] {
                    for (g, bin) in bins.bins.enumerated() {
                        let kind: FactorReport.Group.Kind =
                            bin.role == .missing ? .missing : .bin(lower: bin.lower, upper: bin.upper)
                        groups.append(
                            ColumnFit.Group(
                                kind: kind, evidence: Evidence(count: count[g], won: won[g]),
                                logOdds: fit.coefficients[0] + theta[g]))
                        if g < bins.orderedCount - 1, let upper = bin.upper { uppers.append(upper) }
                        if let value = bin.role.specialValue { specialGroups.append((g, value)) }
                    }
                } else {
                    for (g, group) in input.screening.groups.enumerated() {
                        groups.append(
                            ColumnFit.Group(
                                kind: group.kind, evidence: Evidence(count: count[g], won: won[g]),
                                logOdds: fit.coefficients[0] + theta[g]))
                    }
                }
                columnSlots.append(
                    ColumnFit(
                        groups: groups, uppers: uppers, rowGroup: term.groups, shape: shape, overallRate: overall,
                        codeGroup: input.screening.codeGroup, specialGroups: specialGroups))
            }
            slotFits.append(columnSlots)
        }
        return slotFits
    }

    /// 10^exponent, exact for the small exponents of the smoothing search.
    static func powerOfTen(_ exponent: Int) -> Double {
        exponent >= 0 ? (0..<exponent).reduce(1.0) { value, _ in value * 10 } : 1 / powerOfTen(-exponent)
    }

    /// The smallest decrease of the mean out-of-fold log loss that moves a factor's smoothing.
    static let smoothingRefinementGain = 1e-5

    /// Refines the smoothing of each numeric curve around the shared strength `lambda`:
    /// coordinate search over per-factor multipliers of λ (×10 or ÷10 at a time, within
    /// 10⁻³…10⁴ of λ, up to three passes), a move kept only when it lowers the mean out-of-fold log loss by more
    /// than ``smoothingRefinementGain``; every trial refits the folds (in parallel) from the
    /// current fits. One λ for all curves over-smooths a column whose win rate jumps between
    /// neighbouring values and under-smooths a noisy one; on the UCI bank data the search
    /// smooths the client columns more and the economic indicators less (docs/learned-curves.md).
    ///
    /// - Returns: The model with the refined scales, its fold fits and the multipliers.
    func refineSmoothing(
        _ model: AdditiveLogistic, lambda: Double, folds: [AdditiveLogistic.Fit], loss: Double, outcomes: [Double],
        trainRows: [[Int]], testRows: [[Int]]
    ) throws(LearningError) -> (model: AdditiveLogistic, folds: [AdditiveLogistic.Fit], multipliers: [Double], evaluations: Int) {
        let smoothable = model.terms.indices.filter { model.terms[$0].chain.count >= 3 && model.terms[$0].smoothingScale > 0 }
        var multipliers = [Double](repeating: 1, count: model.terms.count)
        var exponents = [Int](repeating: 0, count: model.terms.count)
        // One curve alone is already tuned by λ itself.
        guard smoothable.count >= 2 else { return (model, folds, multipliers, 0) }
        let n = outcomes.count
        var current = (model: model, folds: folds, loss: loss)
        var evaluations = 0
        func trial(_ candidate: AdditiveLogistic) throws(LearningError) -> (folds: [AdditiveLogistic.Fit], loss: Double) {
            evaluations += 1
            let starts = current.folds
            let results = parallelMap(starts.count) { fold -> Result<(AdditiveLogistic.Fit, [Double]), LearningError> in
                do throws(LearningError) {
                    let fit = try candidate.fit(
                        rows: trainRows[fold], outcomes: outcomes, lambda: lambda, start: starts[fold].coefficients,
                        keepsFactor: false)
                    return .success((fit, candidate.linearPredictor(rows: testRows[fold], coefficients: fit.coefficients)))
                } catch {
                    return .failure(error)
                }
            }
            var fits: [AdditiveLogistic.Fit] = []
            var probability = [Double](repeating: 0, count: n)
            for (fold, result) in results.enumerated() {
                switch result {
                case .success(let (fit, eta)):
                    fits.append(fit)
                    for (position, row) in testRows[fold].enumerated() { probability[row] = LogisticRegression.logistic(eta[position]) }
                case .failure(let error): throw error
                }
            }
            return (fits, BinaryOutcomeMetrics.logLoss(probabilities: probability, outcomes: outcomes) ?? .infinity)
        }
        // Up to three passes over the curves: a move of one can change what suits the others.
        for _ in 0..<3 {
            var moved = false
            for t in smoothable {
                for step in [1, -1] {
                    var steps = 0
                    while true {
                        // Powers of ten exactly (the report prints λ × multiplier).
                        let exponent = exponents[t] + step
                        guard (-3...4).contains(exponent) else { break }
                        let multiplier = Self.powerOfTen(exponent)
                        var terms = current.model.terms
                        terms[t].smoothingScale = model.terms[t].smoothingScale * multiplier
                        let candidate = AdditiveLogistic(terms: terms)
                        let result = try trial(candidate)
                        guard result.loss < current.loss - Self.smoothingRefinementGain else { break }
                        current = (candidate, result.folds, result.loss)
                        multipliers[t] = multiplier
                        exponents[t] = exponent
                        steps += 1
                    }
                    if steps > 0 {
                        moved = true
                        break
                    }
                }
            }
            if !moved { break }
        }
        return (current.model, current.folds, multipliers, evaluations)
    }
}
