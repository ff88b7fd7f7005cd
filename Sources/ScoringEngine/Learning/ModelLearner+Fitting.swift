import Foundation
import LinearAlgebra

extension ModelLearner {
    /// The λ chosen on the folds and what each fold fitted at it.
    struct Path {
        var lambda: Double
        var table: [WeightFitResult.StrengthScore]
        /// Out-of-fold log-odds at the chosen λ.
        var outOfFold: [Double]
        /// Each fold's coefficients at the chosen λ (intercept first).
        var coefficients: [[Double]]
        /// Each fold's prior mean (intercept entry 0).
        var priors: [[Double]]
    }

    /// Histories with more accounts than this take the shorter λ paths (weights and curves).
    static let largeHistory = 200_000

    /// The prior strengths λ of the weights tried on the folds, strongest first: the
    /// configured grid, or for a large history with the default grid its ends and two
    /// points between (1000, 10, 0.1, 0.01). With n accounts the data part of the Hessian
    /// grows with n while λ does not, so above ``largeHistory`` neighbouring strengths of the
    /// default grid give the same out-of-fold log loss to about 1e-6 (1,000,000 generated
    /// accounts: 0.510711 for every λ from 0.01 to 1), and each skipped λ is a pass of
    /// chord iterations over every fold.
    func weightStrengthGrid(accounts n: Int) -> [Double] {
        if n > Self.largeHistory, options.strengthGrid == WeightFit.defaultGrid { return [1000, 10, 0.1, 0.01] }
        return options.strengthGrid.sorted(by: >)
    }

    /// Weights normalized per side (``WeightFit``'s proposal) and the implied penalty.
    struct SideWeights {
        var weights: [Double]
        /// B_V = Σ max(β, 0) over value factors; B_D = Σ max(−β, 0) over difficulty factors.
        var valueSum: Double
        var difficultySum: Double
        /// B_D / B_V (0 without value support).
        var penalty: Double
    }

    /// The design `[1 | utilities]` of `rows`, the utilities read from per-group tables.
    ///
    /// Written in blocks of ``designBlockRows`` rows, every column into a block while it is in
    /// cache: one pass over the matrix instead of one per column (the same values).
    static func design(rows: [Int], tables: [[Double]], groups: [[UInt16]]) -> Matrix {
        let width = tables.count + 1
        var elements = [Double](repeating: 1, count: rows.count * width)
        var first = 0
        while first < rows.count {
            let last = min(first + designBlockRows, rows.count)
            for column in tables.indices {
                let table = tables[column]
                let group = groups[column]
                var position = first * width + column + 1
                for index in first..<last {
                    elements[position] = table[Int(group[rows[index]])]
                    position += width
                }
            }
            first = last
        }
        return Matrix(rows: rows.count, columns: width, elements: elements)
    }

    /// Rows of a design written column by column at a time (about 200 KB of a 25-column
    /// design: within a core's L2 cache).
    static let designBlockRows = 1024

    /// The design `[1 | matrix rows]`.
    static func design(rows: [Int], matrix: Matrix) -> Matrix {
        let width = matrix.columns + 1
        var elements = [Double](repeating: 1, count: rows.count * width)
        var position = 0
        for row in rows {
            for (offset, value) in matrix.row(row).enumerated() { elements[position + 1 + offset] = value }
            position += width
        }
        return Matrix(rows: rows.count, columns: width, elements: elements)
    }

    /// ``WeightFit``'s prior mean on the design's feature columns: μ = b e, with b the
    /// slope of a one-variable logistic fit of the outcomes on the expert score Σ eⱼ uⱼ
    /// (0 when b ≤ 0, with `Prior.none`, or when e is all zero). The intercept entry is 0.
    func priorMean(design: Matrix, outcomes: [Double], expert: [Double]) -> [Double] {
        var mean = [Double](repeating: 0, count: design.columns)
        guard options.prior == .model, expert.contains(where: { $0 != 0 }) else { return mean }
        let score = design.multiplied(by: [0] + expert)
        let slope = PlattScaling.fit(scores: score, outcomes: outcomes).slope
        guard slope > 0 else { return mean }
        for j in expert.indices { mean[j + 1] = slope * expert[j] }
        return mean
    }

    /// The intercept-only start: logit of the training rate.
    static func start(terms: Int, outcomes: [Double]) -> [Double] {
        var start = [Double](repeating: 0, count: terms)
        start[0] = OutcomeBinning.logit(outcomes.reduce(0, +) / Double(max(outcomes.count, 1)))
        return start
    }

    /// Chooses λ by out-of-fold log loss: each fold (folds run in parallel) fits the grid
    /// from the strongest to the weakest prior, each fit warm-started at the previous one. Ties (to 1e-9) go to the
    /// stronger prior.
    func crossValidatedPath(
        folds: Int, trainRows: [[Int]], testRows: [[Int]], outcomes: [Double], grid: [Double], expert: [Double], n: Int,
        computesAUC: Bool = true, steps: LearningSteps? = nil,
        makeDesign: @Sendable (Int, [Int]) -> Matrix
    ) throws(LearningError) -> Path {
        // The folds are independent: fit them on the available cores.
        let results = parallelMap(folds) { fold in
            foldPath(
                fold: fold, trainRows: trainRows, testRows: testRows, outcomes: outcomes, grid: grid, expert: expert,
                steps: steps, makeDesign: makeDesign)
        }
        return try assemblePath(results, testRows: testRows, outcomes: outcomes, grid: grid, n: n, computesAUC: computesAUC)
    }

    /// One fold's part of ``crossValidatedPath(folds:trainRows:testRows:outcomes:grid:expert:n:computesAUC:steps:makeDesign:)``:
    /// the prior, the coefficients at every λ and the held-out rows' log-odds at each.
    typealias FoldPath = Result<(prior: [Double], path: [[Double]], etas: [[Double]]), LearningError>

    /// Fits fold `fold`'s training rows along `grid` (see ``FoldPath``).
    func foldPath(
        fold: Int, trainRows: [[Int]], testRows: [[Int]], outcomes: [Double], grid: [Double], expert: [Double],
        steps: LearningSteps?, makeDesign: (Int, [Int]) -> Matrix
    ) -> FoldPath {
        let train = trainRows[fold]
        let trainOutcomes = train.map { outcomes[$0] }
        let trainDesign = makeDesign(fold, train)
        let prior = priorMean(design: trainDesign, outcomes: trainOutcomes, expert: expert)
        do throws(LearningError) {
            let path = try RidgeLogistic.path(
                design: trainDesign, outcomes: trainOutcomes, lambdas: grid, prior: prior,
                start: Self.start(terms: trainDesign.columns, outcomes: trainOutcomes))
            let testDesign = makeDesign(fold, testRows[fold])
            steps?.advance()
            return .success((prior, path, path.map { testDesign.multiplied(by: $0) }))
        } catch {
            return .failure(error)
        }
    }

    /// The path from every fold's part, in fold order: the out-of-fold log loss of each λ and
    /// the λ chosen (see ``crossValidatedPath(folds:trainRows:testRows:outcomes:grid:expert:n:computesAUC:steps:makeDesign:)``).
    func assemblePath(
        _ results: some Collection<FoldPath>, testRows: [[Int]], outcomes: [Double], grid: [Double], n: Int,
        computesAUC: Bool
    ) throws(LearningError) -> Path {
        var etas = [[Double]](repeating: [Double](repeating: 0, count: n), count: grid.count)
        var coefficients = [[[Double]]](repeating: [], count: grid.count)
        var priors: [[Double]] = []
        for (fold, result) in results.enumerated() {
            let fitted: (prior: [Double], path: [[Double]], etas: [[Double]])
            switch result {
            case .success(let value): fitted = value
            case .failure(let error): throw error
            }
            priors.append(fitted.prior)
            for index in grid.indices {
                coefficients[index].append(fitted.path[index])
                for (position, row) in testRows[fold].enumerated() { etas[index][row] = fitted.etas[index][position] }
            }
        }
        var table: [WeightFitResult.StrengthScore] = []
        for (index, lambda) in grid.enumerated() {
            let probabilities = etas[index].map(LogisticRegression.logistic)
            table.append(
                WeightFitResult.StrengthScore(
                    strength: lambda,
                    logLoss: BinaryOutcomeMetrics.logLoss(probabilities: probabilities, outcomes: outcomes) ?? .infinity,
                    areaUnderROC: computesAUC ? RankStatistics.areaUnderROC(scores: etas[index], outcomes: outcomes) : nil))
        }
        var best = 0
        for index in table.indices {
            let isBetter = table[index].logLoss < table[best].logLoss - 1e-9
            let isTieStronger = abs(table[index].logLoss - table[best].logLoss) <= 1e-9 && table[index].strength > table[best].strength
            if isBetter || isTieStronger { best = index }
        }
        let sortedTable = table.sorted { $0.strength < $1.strength }
        return Path(
            lambda: grid[best], table: grid.count > 1 ? sortedTable : [], outOfFold: etas[best],
            coefficients: coefficients[best], priors: priors)
    }

    /// Fits the logistic regression on the `candidates` columns and, while some coefficient
    /// has the wrong sign for its side, drops the most contradicted column (the most negative
    /// signed coefficient, utilities all being on 0...1) and refits.
    ///
    /// - Parameters:
    ///   - start: Coefficients for `[intercept] + candidates` (a warm start).
    ///   - initialPrior: The prior mean of the first fit (all candidates), when already known.
    /// - Returns: The columns kept, the fit, and the dropped columns' last coefficients.
    func fitDroppingContradicted(
        _ candidates: [Int], sides: [Factor.Side], lambda: Double, outcomes: [Double], expertAll: [Double],
        start: [Double], prior initialPrior: [Double]? = nil, makeDesign: ([Int]) -> Matrix
    ) throws(LearningError) -> (active: [Int], fit: RidgeLogistic.Fit, dropped: [Int: Double], design: Matrix) {
        var active = candidates
        var dropped: [Int: Double] = [:]
        while true {
            let design = makeDesign(active)
            let prior =
                active == candidates && initialPrior != nil
                ? initialPrior ?? []
                : priorMean(design: design, outcomes: outcomes, expert: active.map { expertAll[$0] })
            let penalty = [0] + [Double](repeating: lambda, count: active.count)
            let warm = [start[0]] + active.map { l in candidates.firstIndex(of: l).map { start[$0 + 1] } ?? 0 }
            let fit = try RidgeLogistic.fit(design: design, outcomes: outcomes, penalty: penalty, prior: prior, start: warm)
            // The most contradicted column (most negative signed coefficient) leaves first; the
            // others are judged again without it (collinear columns often recover their sign).
            var worst: (column: Int, signed: Double)?
            for (position, l) in active.enumerated() {
                let beta = fit.coefficients[position + 1]
                let signed = sides[l] == .value ? beta : -beta
                if signed < 0, signed < (worst?.signed ?? 0) { worst = (l, signed) }
            }
            guard let worst else { return (active, fit, dropped, design) }
            dropped[worst.column] = fit.coefficients[(active.firstIndex(of: worst.column) ?? 0) + 1]
            let remaining = active.filter { $0 != worst.column }
            guard remaining.contains(where: { sides[$0] == .value }) else { throw .noSignal }
            active = remaining
        }
    }

    /// max(sⱼ βⱼ, 0) normalized per side, and the implied penalty B_D / B_V.
    static func sideWeights(_ sides: [Factor.Side], coefficients: [Double]) -> SideWeights {
        var weights = zip(sides, coefficients).map { side, beta in max(side == .value ? beta : -beta, 0) }
        var valueSum = 0.0
        var difficultySum = 0.0
        for (index, side) in sides.enumerated() {
            if side == .value { valueSum += weights[index] } else { difficultySum += weights[index] }
        }
        for (index, side) in sides.enumerated() {
            let total = side == .value ? valueSum : difficultySum
            weights[index] = total > 0 ? weights[index] / total : 0
        }
        return SideWeights(
            weights: weights, valueSum: valueSum, difficultySum: difficultySum,
            penalty: valueSum > 0 ? difficultySum / valueSum : 0)
    }

    /// Value and difficulty scores (0...100) of the design's rows: 100 Σ wⱼ uⱼ per side.
    static func scores(_ design: Matrix, weights: SideWeights, sides: [Factor.Side]) -> (value: [Double], difficulty: [Double]) {
        var valueDirection = [Double](repeating: 0, count: design.columns)
        var difficultyDirection = [Double](repeating: 0, count: design.columns)
        for (index, side) in sides.enumerated() {
            if side == .value {
                valueDirection[index + 1] = 100 * weights.weights[index]
            } else {
                difficultyDirection[index + 1] = 100 * weights.weights[index]
            }
        }
        return (design.multiplied(by: valueDirection), design.multiplied(by: difficultyDirection))
    }

    /// Band cuts putting the same share of the accounts in each band as the base bands do.
    ///
    /// With base shares s₁…s_B (equal shares when a base band is empty) and the learned
    /// scores sorted, cut k sits between the m-th and (m+1)-th smallest score,
    /// m = round(n Σ_{i≤k} sᵢ); cuts are kept strictly increasing within 0...100.
    static func matchedCuts(scores: [Double], baseBands: [Int], bandCount: Int) -> [Double] {
        guard bandCount > 1 else { return [] }
        var counts = [Int](repeating: 0, count: bandCount)
        for band in baseBands { counts[band] += 1 }
        let total = Double(baseBands.count)
        var shares = counts.map { Double($0) / max(total, 1) }
        if counts.contains(0) { shares = Array(repeating: 1 / Double(bandCount), count: bandCount) }
        let sorted = scores.sorted()
        var cuts: [Double] = []
        var cumulative = 0.0
        for k in 0..<(bandCount - 1) {
            cumulative += shares[k]
            let m = Int((cumulative * Double(sorted.count)).rounded())
            var cut: Double
            if sorted.isEmpty || m <= 0 {
                cut = sorted.first.map { max($0 - 1e-9, 0) } ?? 50
            } else if m >= sorted.count {
                cut = sorted[sorted.count - 1] + 1e-9
            } else {
                cut = (sorted[m - 1] + sorted[m]) / 2
            }
            cut = min(max(cut, 0), 100)
            if let last = cuts.last, cut <= last { cut = last.nextUp }
            cuts.append(cut)
        }
        // Keep within 0...100 from the top if pushing up overflowed.
        for k in stride(from: cuts.count - 1, through: 0, by: -1) {
            let ceiling = k == cuts.count - 1 ? 100 : cuts[k + 1].nextDown
            if cuts[k] > ceiling { cuts[k] = ceiling }
        }
        return cuts
    }

    /// The base grading with cuts matched to the base shares, ranking by priority at `penalty`.
    static func matchedGrading(
        base: GradingPolicy, valueScores: [Double], difficultyScores: [Double], baseValueBands: [Int],
        baseDifficultyBands: [Int], penalty: Double
    ) throws(LearningError) -> GradingPolicy {
        do {
            let valueBands = try Bands(
                names: base.valueBands.names,
                cuts: matchedCuts(scores: valueScores, baseBands: baseValueBands, bandCount: base.valueBands.names.count))
            let difficultyBands = try Bands(
                names: base.difficultyBands.names,
                cuts: matchedCuts(
                    scores: difficultyScores, baseBands: baseDifficultyBands, bandCount: base.difficultyBands.names.count))
            return try GradingPolicy(
                valueBands: valueBands, difficultyBands: difficultyBands, grid: base.grid,
                minimumCompleteness: base.minimumCompleteness,
                ranking: RankingPolicy(key: .priority, gradeFirst: base.ranking.gradeFirst, difficultyPenalty: penalty))
        } catch {
            throw .model(error)
        }
    }

    /// The coefficients after dropping `term` and taking one Newton step with the fit's
    /// Hessian: β₋ⱼ + H₋ⱼ₋ⱼ⁻¹ H₋ⱼⱼ βⱼ, with βⱼ set to 0.
    static func coefficientsWithout(term: Int, coefficients: [Double], hessian: Matrix) -> [Double] {
        let kept = coefficients.indices.filter { $0 != term }
        var reducedElements: [Double] = []
        reducedElements.reserveCapacity(kept.count * kept.count)
        for i in kept { for j in kept { reducedElements.append(hessian[i, j]) } }
        let reduced = Matrix(rows: kept.count, columns: kept.count, elements: reducedElements)
        let right = kept.map { hessian[$0, term] * coefficients[term] }
        var result = coefficients
        result[term] = 0
        guard let factor = try? reduced.cholesky() else { return result }
        let step = factor.solve(right)
        for (position, index) in kept.enumerated() { result[index] += step[position] }
        return result
    }

    /// Accounts and wins per grade, A to D then insufficient.
    static func gradeWinRates(grades: [Grade], outcomes: [Double]) -> [GradeWinRate] {
        Grade.allCases.map { grade in
            var count = 0
            var won = 0
            for index in grades.indices where grades[index] == grade {
                count += 1
                if outcomes[index] >= 0.5 { won += 1 }
            }
            return GradeWinRate(grade: grade, count: count, won: won)
        }
    }

    /// A batch of `model`'s factor columns from the data (`columnOf[f]` = the data column of
    /// factor `f`). Labels are matched after trimming, ignoring case; a label the map lacks
    /// gets `other`'s code, or counts as missing (and in `unknownLabels`) without `other`.
    static func batch(for model: ScoringModel, data: LearningData, columnOf: [Int]) throws(LearningError)
        -> (batch: ProspectBatch, unknownLabels: Int)
    {
        var factorColumns: [FactorColumn] = []
        var unknown = 0
        for (index, factor) in model.factors.enumerated() {
            let column = data.columns[columnOf[index]]
            switch (factor.scale, column.values) {
            case (.categorical(let map, let other), .categorical(let labels)):
                var codeOf: [String: Int32] = [:]
                for (code, category) in map.enumerated() where codeOf[category.label.lowercased()] == nil {
                    codeOf[category.label.lowercased()] = Int32(code)
                }
                let otherCode: Int32? = other == nil ? nil : Int32(map.count)
                // Each distinct spelling is trimmed, lowercased and looked up once (-1
                // missing, -2 unknown without `other`, which counts and then reads as missing).
                var codes = labels.mapCodes { label in
                    let key = label.trimmingCharacters(in: .whitespaces)
                    return key.isEmpty ? -1 : codeOf[key.lowercased()] ?? otherCode ?? -2
                }
                for row in codes.indices where codes[row] == -2 {
                    unknown += 1
                    codes[row] = -1
                }
                factorColumns.append(.categorical(codes))
            case (.categorical, .numeric):
                throw .columnKindMismatch(column: column.name, expected: "category labels")
            case (_, .numeric(let values)):
                factorColumns.append(.numeric(values))
            case (_, .categorical):
                throw .columnKindMismatch(column: column.name, expected: "numbers")
            }
        }
        let accounts = [Account](repeating: Account(id: ""), count: data.count)
        return (ProspectBatch(accounts: accounts, factorColumns: factorColumns), unknown)
    }

    /// Scores decided accounts with a calibrated model exactly as `kam rank` does
    /// (``UtilityBuilder``, ``Scorer``, the grading and ``ScoringModel/probability(value:difficulty:)``)
    /// and measures the probabilities against the outcomes.
    ///
    /// Model factors are matched to data columns by `factor.column == column.name`.
    ///
    /// - Throws: ``LearningError/modelNotCalibrated``, ``LearningError/missingColumn(factor:column:)``,
    ///   ``LearningError/columnKindMismatch(column:expected:)``.
    public static func evaluate(model: ScoringModel, on data: LearningData, calibrationBins: Int = 10) throws(LearningError)
        -> LearnedModelEvaluation
    {
        guard let calibration = model.calibration else { throw .modelNotCalibrated }
        var columnOf: [Int] = []
        for factor in model.factors {
            guard let column = data.columns.firstIndex(where: { $0.name == factor.column }) else {
                throw .missingColumn(factor: factor.id, column: factor.column)
            }
            columnOf.append(column)
        }
        let (batch, unknown) = try batch(for: model, data: data, columnOf: columnOf)
        let assessment = ScoringPipeline(model: model).assess(batch)
        let n = data.count
        let value = (0..<n).map { assessment.value($0) }
        let difficulty = (0..<n).map { assessment.difficulty($0) }
        let priority = (0..<n).map { assessment.priority($0) }
        let probability = priority.map { calibration.probability(ofScore: $0) }
        let outcomes = data.outcomes.map { $0 >= 0.5 ? 1.0 : 0.0 }
        let scores = AccountScores(
            value: value, difficulty: difficulty, priority: priority, probability: probability,
            completeness: (0..<n).map { assessment.completeness($0) }, grades: assessment.grades)
        return LearnedModelEvaluation(
            metrics: OutcomeMetrics(probabilities: probability, outcomes: outcomes, calibrationBins: calibrationBins),
            gradeWinRates: gradeWinRates(grades: assessment.grades, outcomes: outcomes), scores: scores,
            unknownLabels: unknown)
    }
}
