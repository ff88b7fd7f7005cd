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
        let model = AdditiveLogistic(terms: terms)
        clock?.lap("curves: fine bins")

        // Smoothing strength by cross-validation.
        let grid = smoothingGrid(accounts: n)
        let folds = parallelMap(foldCount) { fold -> Result<(fits: [AdditiveLogistic.Fit], etas: [[Double]]), LearningError> in
            let train = trainRows[fold]
            let trainRate = train.reduce(0) { $0 + outcomes[$1] } / Double(max(train.count, 1))
            var start = model.start(rate: trainRate)
            var fits: [AdditiveLogistic.Fit] = []
            var etas: [[Double]] = []
            do throws(LearningError) {
                for lambda in grid {
                    let fit = try model.fit(rows: train, outcomes: outcomes, lambda: lambda, start: start, keepsFactor: false)
                    start = fit.coefficients
                    fits.append(fit)
                    etas.append(model.linearPredictor(rows: testRows[fold], coefficients: fit.coefficients))
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
            let loss = BinaryOutcomeMetrics.logLoss(probabilities: outOfFold[index].map(LogisticRegression.logistic), outcomes: outcomes) ?? .infinity
            table.append(WeightFitResult.StrengthScore(strength: lambda, logLoss: loss, areaUnderROC: nil))
            if loss < table[best].logLoss - 1e-9 { best = index }
        }
        let lambda = grid[best]
        clock?.lap("curves: λ path on the folds (\(grid.count) strengths)")
        // The final fit on every row, started at the folds' mean.
        var start = [Double](repeating: 0, count: model.parameterCount)
        for fits in foldFits { for k in start.indices { start[k] += fits[best].coefficients[k] / Double(foldCount) } }
        let finalFit = try model.fit(rows: Array(0..<n), outcomes: outcomes, lambda: lambda, start: start)
        steps?.advance()

        clock?.lap("curves: final fit")
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
            var slots: [ColumnFit] = []
            for slot in 0...foldCount {
                let fit = slot == 0 ? finalFit : foldFits[slot - 1][best]
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
                slots.append(
                    ColumnFit(
                        groups: groups, uppers: uppers, rowGroup: term.groups, shape: shape, overallRate: overall,
                        codeGroup: input.screening.codeGroup, specialGroups: specialGroups))
            }
            slotFits.append(slots)
        }
        return Curves(
            fits: slotFits, lambda: lambda, table: grid.count > 1 ? table.sorted { $0.strength < $1.strength } : [],
            additive: model, finalFit: finalFit, sentinels: binned.map { $0?.bins.compactMap(\.role.specialValue) ?? [] }, binLimit: binLimit,
            intercepts: [finalFit.coefficients[0]] + foldFits.map { $0[best].coefficients[0] })
    }
}
