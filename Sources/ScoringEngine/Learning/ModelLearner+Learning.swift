import Foundation
import LinearAlgebra

extension ModelLearner {
    /// A column the learner looks at: a base factor's column, or a candidate column.
    struct Candidate: Sendable {
        var column: Int
        var baseFactor: Int?
        var template: Factor
        var request: ColumnFit.Request
        var prepared: Int?
        /// Set when the column is not learned at all.
        var preset: FactorReport.Reason?
    }

    /// Learns a model from the decided accounts of `data`, starting from `baseModel`.
    ///
    /// - Parameters:
    ///   - data: Candidate columns, outcomes and (optionally) stages. Every base factor needs
    ///     a column (matched by ``LearningColumn/factor`` id, else by `factor.column == name`).
    ///   - baseModel: The model whose factors, weights (the prior), bands and grid are the
    ///     starting point.
    ///   - progress: Called with the steps done and the total steps (see ``LearningSteps``)
    ///     each time a step finishes, from the learner's threads, one call at a time; the
    ///     last call has done = total.
    /// - Returns: The learned model with its reports.
    /// - Throws: ``LearningError``.
    /// - Complexity: O(columns × accounts × folds) for the groups plus the logistic fits,
    ///   O(accounts × factors²) per Newton iteration; one sort per numeric column.
    public func learn(
        _ data: LearningData, baseModel: ScoringModel, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(LearningError) -> LearnedModel {
        // The learner runs columns and folds on its own threads, one per core; OpenBLAS
        // threads inside its tall, narrow products would only spin against them (same
        // results, more time), so each product runs on one thread meanwhile.
        let result = BLASThreads.withThreadCount(1) { () -> Result<LearnedModel, LearningError> in
            do throws(LearningError) {
                let learned = try learnOnThisThread(data, baseModel: baseModel, progress: progress)
                return .success(try withoutInteractionsWhenBetter(learned, data: data, baseModel: baseModel))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The learned model again without interactions when its pairs do not pay: the pairs are
    /// chosen one at a time by out-of-fold log loss, but a few tables on a small history can
    /// still fit its noise, and the comparison of the same curves with and without them (same
    /// folds, each refitted) is the check. Unless "with" has the lower cross-validated log
    /// loss by ``ModelComparison/best``'s rule (ties go to the simpler model), the model is
    /// learned again with `maximumInteractions = 0` and the report says so: the model written
    /// is then always the better of the two.
    func withoutInteractionsWhenBetter(
        _ learned: LearnedModel, data: LearningData, baseModel: ScoringModel
    ) throws(LearningError) -> LearnedModel {
        let comparison = learned.comparison
        guard comparison.written == .learnedWithInteractions,
            let with = comparison.entry(.learnedWithInteractions), let without = comparison.entry(.learned),
            !ModelComparison.isBetter(with, than: without)
        else { return learned }
        var additive = options
        additive.maximumInteractions = 0
        var plain = try ModelLearner(options: additive).learnOnThisThread(data, baseModel: baseModel, progress: nil)
        let pairs = learned.model.factors.filter { $0.scale.interaction != nil }.map(\.label.en)
        func figures(_ entry: ModelComparison.Entry) -> String {
            String(format: "%.4f ± %.4f", entry.logLoss, entry.logLossStandardError)
        }
        plain.notes.append(
            "Pairwise interactions found (\(pairs.joined(separator: ", "))) were left out: the same curves without them "
                + "cross-validate better (log loss \(figures(without)) against \(figures(with)))."
        )
        return plain
    }

    /// One learner run, phase by phase (each phase's time is recorded under the name of its
    /// `clock.lap`): the columns (see ``learnColumns(_:notes:)``), the weight paths, the fold
    /// refits and final fit, calibration, the factors, grade cuts, reports.
    func learnOnThisThread(
        _ data: LearningData, baseModel: ScoringModel, progress: (@Sendable (Int, Int) -> Void)?
    ) throws(LearningError) -> LearnedModel {
        let clock = PhaseClock()
        let run = try startRun(data, baseModel: baseModel, progress: progress, clock: clock)
        var notes: [String] = []
        // 1–4b. Which columns enter, with their curves and interactions.
        let (learnedColumns, inputs) = try learnColumns(run, notes: &notes)
        var columns = learnedColumns
        let designs = LearnedDesigns(
            utilities: columns.groupUtilities, plainUtilities: columns.curvesWithoutPairs, fits: columns.curveFits)
        // 5, 5', 6. The weight paths on the folds: learned, without interactions, weights only.
        let paths = try weightPaths(run, columns: columns, designs: designs, base: inputs.base)
        // 7. Each fold at λ, and (8.) the final fit on every row.
        let (finalFit, foldRows) = try refitFoldsAndFinal(run, columns: columns, designs: designs, path: paths.learned)
        clock.lap("fold refits (contradicted, calibrators, contributions) and final weights fit")
        let final = FinalWeights(finalFit, sides: columns.sides)
        applyFinalFit(final, columns: &columns, notes: &notes)
        let calibration = try chooseCalibration(run, final: final, foldRows: foldRows)
        clock.lap("calibration")

        // 9. The learned factors, in base model order, then the new ones.
        let learned = learnedFactors(
            run, columns: columns, designs: designs, prepared: inputs.prepared, final: final, base: inputs.base,
            factorColumn: inputs.factorColumn, notes: &notes)
        // 10. Grading cuts (win rates falling A to D, shares near the base model's), and the model.
        let utilityMatrix = Self.utilityMatrix(learned.utilityColumns, accounts: run.n)
        clock.lap("factors")
        let graded = try gradedModel(
            run, learned: learned, utilityMatrix: utilityMatrix, final: final, calibration: calibration.calibration,
            base: inputs.base, foldRows: foldRows)
        notes += graded.choice.notes
        clock.lap("scores, grade cuts")
        run.steps?.advance(graded.searchStepsLeft)
        // 10b. The grade table the report prints for the training accounts must be the one the
        // model as written gives them, scored the way `kam rank` scores (ScoringPipeline).
        // It reads only the model and the data, so it runs on a thread of its own while this
        // one writes the reports; a failure is thrown once they are done (nothing below throws).
        let pipelineCheck = Self.startPipelineCheck(model: graded.model, data: data, columnOf: learned.dataColumn)

        // 11. Reports.
        let reports = factorReports(
            run, columns: columns, designs: designs, foldRows: foldRows, coefficients: learned.coefficientOfCandidate,
            model: graded.model)
        let leaks = reports.filter { if case .leak = $0.reason { return true } else { return false } }
        if !leaks.isEmpty {
            notes.append("Left out as likely leaks (written after the outcome): \(leaks.map(\.column).joined(separator: ", ")).")
        }
        let learnedProbability = calibration.useIsotonic ? foldRows.figures.isotonic : foldRows.figures.platt
        let metrics = metricsTable(run, learned: learnedProbability, weightsOnly: paths.weightsOnly, foldRows: foldRows)
        let comparison = Self.modelComparison(
            run, base: inputs.base, weightsOnly: paths.weightsOnly, learned: learnedProbability,
            withoutInteractions: paths.withoutInteractions)
        clock.lap("reports")
        let scoredTable = Self.gradeWinRates(grades: try pipelineCheck.wait().get(), outcomes: run.outcomes)
        guard scoredTable == graded.trainingGradeWinRates else {
            throw .gradesNotReproduced(printed: graded.trainingGradeWinRates, scored: scoredTable)
        }
        clock.lap("grades checked through the scoring pipeline (after the reports, alongside them)")
        run.steps?.advance()
        run.steps?.finish()
        return LearnedModel(
            model: graded.model, factors: reports, metrics: metrics, comparison: comparison,
            gradeWinRates: Self.gradeWinRates(grades: graded.outOfFoldGrades, outcomes: run.outcomes),
            trainingGradeWinRates: graded.trainingGradeWinRates, gradesOrdered: graded.choice.ordered,
            strength: paths.learned.lambda, strengthTable: paths.learned.table,
            calibrationMethod: calibration.useIsotonic ? "isotonic" : "platt",
            calibrationLogLoss: CalibrationComparison(platt: calibration.plattLoss, isotonic: calibration.isotonicLoss),
            difficultyPenalty: graded.model.grading.ranking.difficultyPenalty, intercept: final.intercept,
            valueCoefficientSum: final.weights.valueSum, folds: run.foldCount, seed: options.seed, outcomeCount: run.n,
            wonCount: run.won, minimumBinCount: run.minimumBin, trainingScores: graded.trainingScores, notes: notes,
            timings: run.clock.phases)
    }

    /// Steps 1 to 4b: the column each base factor reads and the candidates, their screening
    /// groups, which enter, the base model's scores, the curves and interactions of the
    /// entered columns, the orientation of new ones.
    func learnColumns(_ run: LearningRun, notes: inout [String]) throws(LearningError) -> (LearningColumns, ColumnInputs) {
        let clock = run.clock
        // 1. Which column each base factor reads, and the candidates.
        let factorColumn = try Self.baseFactorColumns(run.data, baseModel: run.baseModel)
        let prepared = prepareColumns(run, factorColumn: factorColumn)
        clock.lap("sorting columns")
        let (candidates, usedIDs) = makeCandidates(run, factorColumn: factorColumn, prepared: prepared)
        let learnable = candidates.indices.filter { candidates[$0].preset == nil }

        // 2. Every learnable column's groups on all rows (slot 0) and per fold.
        let screening = screen(run, candidates: candidates, learnable: learnable, prepared: prepared.columns)
        clock.lap("screening groups (all folds), single-factor AUC")
        // 4 (started here). The base model's utilities and scores read only the data: they are
        // computed on a thread of their own during step 3, and a failure is thrown where step 4 was.
        let baseModelScores = Self.startBaseModelScores(run, factorColumn: factorColumn)
        // 3. Which learnable columns enter the fit.
        var columns = try chooseColumns(run, candidates: candidates, usedIDs: usedIDs, learnable: learnable, screening: screening)
        clock.lap("choosing columns")
        // 4. The base model on the same accounts: weights-only baseline and band shares.
        let base = try BaseModelScores(run, computed: baseModelScores.wait().get())
        clock.lap("base model scores")
        run.steps?.advance(run.plan.preparation)

        // 4a. The curves of the entered columns, learned jointly on fine bins (penalized
        // binned GAM); the screening groups above only decided which columns enter.
        if options.maximumCurveBins > 0 {
            try learnCurvesAndInteractions(run, columns: &columns, prepared: prepared.columns, screening: screening, notes: &notes)
        }
        clock.lap("interactions: derived columns")
        // 4b. Orientation of new columns.
        try orientNewColumns(run, columns: &columns)
        clock.lap("orientation of new columns")
        return (columns, ColumnInputs(factorColumn: factorColumn, prepared: prepared.columns, base: base))
    }
}

// MARK: - What the phases share

extension ModelLearner {
    /// What every phase of one run reads: the data, the outcomes, the folds, the step plan.
    struct LearningRun: Sendable {
        let data: LearningData
        let baseModel: ScoringModel
        let n: Int
        /// Each account's outcome: 1 won, 0 lost.
        let outcomes: [Double]
        let won: Int
        let lost: Int
        let foldCount: Int
        /// Each account's fold, 0..<foldCount (stratified by outcome).
        let assignment: [Int]
        /// Per fold, its training rows and its held-out rows, in row order.
        let trainRows: [[Int]]
        let testRows: [[Int]]
        let minimumBin: Int
        let settings: ColumnFit.Settings
        let plan: StepPlan
        let steps: LearningSteps?
        let clock: PhaseClock
    }

    /// What the phases after ``learnColumns(_:notes:)`` read besides the columns.
    struct ColumnInputs: Sendable {
        /// The data column of each base factor.
        var factorColumn: [Int]
        var prepared: [PreparedColumn]
        var base: BaseModelScores
    }

    /// The weight paths on the folds.
    struct WeightPaths: Sendable {
        /// The learned columns' path, and its strength λ.
        var learned: Path
        /// With interactions, the out-of-fold probabilities of the same curves without them.
        var withoutInteractions: [Double]?
        /// The weights-only baseline's out-of-fold probabilities (the base model's utilities).
        var weightsOnly: [Double]
    }

    /// The columns the run reads, sorted once: the base factors' and, with `candidates: .all`,
    /// every column.
    struct PreparedColumns: Sendable {
        var columns: [PreparedColumn]
        /// Per data column, its position in `columns` (nil when it is not read).
        var index: [Int?]
    }

    /// Every learnable column's groups on all rows (slot 0) and on each fold's training rows
    /// (slot k + 1), by learnable index `l` (a position in `learnable`).
    struct Screening: Sendable {
        /// fits[l][0] all rows, fits[l][k + 1] fold k's training rows.
        var fits: [[ColumnFit]]
        /// The groups' utilities, per slot.
        var utilities: [[[Double]]]
        /// Whether the column's groups on all rows have one utility.
        var flat: [Bool]
        var informationValues: [Double]
        /// Out of fold: each row scored by the log-odds of its group learned without its fold.
        var singleAUC: [Double?]
    }

    /// The candidates and what the phases decide about them. `c` indexes `candidates` (and
    /// `reasons`); `l` indexes `learnable` and the arrays after it.
    struct LearningColumns: Sendable {
        var candidates: [Candidate]
        var usedIDs: Set<String>
        var learnable: [Int]
        var reasons: [FactorReport.Reason?]
        /// Learnable indices of the columns in the fit.
        var fitSet: [Int]
        var sides: [Factor.Side]
        /// The expert direction e (WeightFit's): 100 w for value, −100 p w for difficulty, 0 for new columns.
        var expertAll: [Double]
        /// Per slot: the column's groups (the screening groups, then the curves).
        var curveFits: [[ColumnFit]]
        var groupUtilities: [[[Double]]]
        var informationValues: [Double]
        var singleAUC: [Double?]
        /// Interactions by learnable index: the pair and its parents' learnable indices.
        var interactionOf: [Int: (pair: LearnedPair, first: Int, second: Int)] = [:]
        /// Curves refitted together with the pairs: their utilities as learned without them, by learnable index.
        var curvesWithoutPairs: [Int: [[Double]]] = [:]
        /// New columns whose utility was reversed (learnable indices).
        var reversedColumns: [Int] = []

        /// The report's column name of learnable column `l`.
        func column(_ l: Int) -> String { candidates[learnable[l]].template.column }
    }

    /// The base model's utilities and scores on the run's accounts, with their bands and grades.
    struct BaseModelScores: Sendable {
        var utilities: UtilityBuilder.Utilities
        var scores: ScoreColumns
        var valueBand: [Int]
        var difficultyBand: [Int]
        var grade: [Grade]

        init(_ run: LearningRun, computed: (UtilityBuilder.Utilities, ScoreColumns)) {
            let grading = run.baseModel.grading
            let (utilities, scores) = computed
            self.utilities = utilities
            self.scores = scores
            let valueBand = scores.value.map { grading.valueBands.index(of: $0) }
            let difficultyBand = scores.difficulty.map { grading.difficultyBands.index(of: $0) }
            grade = (0..<run.n).map { grading.grid[valueBand[$0]][difficultyBand[$0]] }
            self.valueBand = valueBand
            self.difficultyBand = difficultyBand
        }
    }

    /// The design matrices of the learned columns: per row, the utility of its group, by slot
    /// (0 all rows, k + 1 fold k's training rows), after a leading column of ones.
    struct LearnedDesigns: Sendable {
        var utilities: [[[Double]]]
        /// The curves refitted with the pairs, as learned before any pair joined.
        var plainUtilities: [Int: [[Double]]]
        var fits: [[ColumnFit]]

        func learned(_ active: [Int], slot: Int, rows: [Int]) -> Matrix {
            ModelLearner.design(rows: rows, tables: active.map { utilities[$0][slot] }, groups: active.map { fits[$0][slot].rowGroup })
        }

        /// The design of the curves as learned before any pair joined (the refit with the pairs
        /// changes neither a curve's groups nor its rows' groups, only its utilities).
        func plain(_ active: [Int], slot: Int, rows: [Int]) -> Matrix {
            ModelLearner.design(
                rows: rows, tables: active.map { (plainUtilities[$0] ?? utilities[$0])[slot] },
                groups: active.map { fits[$0][slot].rowGroup })
        }
    }

    /// The final fit on every row: the columns it kept (learnable indices), their weights.
    struct FinalWeights: Sendable {
        var active: [Int]
        var fit: RidgeLogistic.Fit
        /// The coefficient of each column the fit dropped as contradicted.
        var dropped: [Int: Double]
        var coefficients: [Double]
        var intercept: Double
        var weights: SideWeights

        init(_ final: (active: [Int], fit: RidgeLogistic.Fit, dropped: [Int: Double]), sides: [Factor.Side]) {
            let (active, fit, dropped) = final
            let coefficients = Array(fit.coefficients.dropFirst())
            self.active = active
            self.fit = fit
            self.dropped = dropped
            self.coefficients = coefficients
            intercept = fit.coefficients[0]
            weights = ModelLearner.sideWeights(active.map { sides[$0] }, coefficients: coefficients)
        }
    }

    /// The calibration chosen on the folds and its out-of-fold log loss against the other.
    struct ChosenCalibration: Sendable {
        var calibration: Calibration
        var useIsotonic: Bool
        var plattLoss: Double
        var isotonicLoss: Double
    }
}

// MARK: - Columns: which are read, the candidates, screening, which enter

extension ModelLearner {
    /// The run's outcomes (0 or 1), folds, bin settings and step plan.
    /// - Throws: ``LearningError/tooFewOutcomes(won:lost:needed:)`` without two folds' worth
    ///   of wins and losses.
    func startRun(
        _ data: LearningData, baseModel: ScoringModel, progress: (@Sendable (Int, Int) -> Void)?, clock: PhaseClock
    ) throws(LearningError) -> LearningRun {
        let n = data.count
        let outcomes = data.outcomes.map { $0 >= 0.5 ? 1.0 : 0.0 }
        let won = outcomes.reduce(0) { $0 + Int($1) }
        let lost = n - won
        let foldCount = min(options.folds, won, lost)
        guard foldCount >= 2 else { throw .tooFewOutcomes(won: won, lost: lost, needed: 2) }
        let plan = stepPlan(accounts: n, folds: foldCount)
        let minimumBin = minimumBinCount(accounts: n)
        let settings = ColumnFit.Settings(
            maximumPreBins: options.maximumPreBins, minimumBinCount: minimumBin, pseudoCounts: options.pseudoCounts,
            mergeSignificance: options.mergeSignificance, minimumCategoryCount: options.minimumCategoryCount)
        let assignment = WeightFit.stratifiedFolds(outcomes: outcomes, count: foldCount, seed: options.seed)
        var trainRows: [[Int]] = Array(repeating: [], count: foldCount)
        var testRows: [[Int]] = Array(repeating: [], count: foldCount)
        for row in 0..<n {
            for fold in 0..<foldCount {
                if assignment[row] == fold { testRows[fold].append(row) } else { trainRows[fold].append(row) }
            }
        }
        return LearningRun(
            data: data, baseModel: baseModel, n: n, outcomes: outcomes, won: won, lost: lost, foldCount: foldCount,
            assignment: assignment, trainRows: trainRows, testRows: testRows, minimumBin: minimumBin, settings: settings,
            plan: plan, steps: progress.map { LearningSteps(total: plan.total, report: $0) }, clock: clock)
    }

    /// The data column each base factor reads: the column naming the factor's id, else the
    /// column the factor names.
    static func baseFactorColumns(_ data: LearningData, baseModel: ScoringModel) throws(LearningError) -> [Int] {
        var factorColumn = [Int](repeating: -1, count: baseModel.factors.count)
        for (index, factor) in baseModel.factors.enumerated() {
            guard
                let column = data.columns.firstIndex(where: { $0.factor?.id == factor.id })
                    ?? data.columns.firstIndex(where: { $0.name == factor.column })
            else { throw .missingColumn(factor: factor.id, column: factor.column) }
            guard data.columns[column].isCategorical == factor.isCategorical else {
                throw .columnKindMismatch(
                    column: data.columns[column].name, expected: factor.isCategorical ? "category labels" : "numbers")
            }
            factorColumn[index] = column
        }
        return factorColumn
    }

    /// The columns the run reads, each sorted once (on every core).
    func prepareColumns(_ run: LearningRun, factorColumn: [Int]) -> PreparedColumns {
        let columns = run.data.columns
        let needed = columns.indices.filter { factorColumn.contains($0) || options.candidates == .all }
        let (outcomes, assignment) = (run.outcomes, run.assignment)
        let prepared = parallelMap(needed.count) {
            PreparedColumn(columns[needed[$0]], outcomes: outcomes, assignment: assignment)
        }
        var preparedIndex = [Int?](repeating: nil, count: columns.count)
        for (position, column) in needed.enumerated() { preparedIndex[column] = position }
        return PreparedColumns(columns: prepared, index: preparedIndex)
    }

    /// One candidate per base factor (on its column), and one per other column, preset when
    /// it is not learned (not considered, no values, id-like, too many labels).
    func makeCandidates(
        _ run: LearningRun, factorColumn: [Int], prepared: PreparedColumns
    ) -> (candidates: [Candidate], usedIDs: Set<String>) {
        let baseModel = run.baseModel
        var candidates: [Candidate] = []
        var usedIDs = Set(baseModel.factors.map(\.id))
        for (columnIndex, column) in run.data.columns.enumerated() {
            let readers = baseModel.factors.indices.filter { factorColumn[$0] == columnIndex }
            let position = prepared.index[columnIndex]
            if !readers.isEmpty {
                for reader in readers {
                    let factor = baseModel.factors[reader]
                    let empty = position.map { prepared.columns[$0].presentCount == 0 } ?? true
                    candidates.append(
                        Candidate(
                            column: columnIndex, baseFactor: reader, template: factor,
                            request: Self.monotoneDirection(of: factor).map { .monotone(increasing: $0) } ?? .free,
                            prepared: position, preset: empty ? .noValues : nil))
                }
                continue
            }
            let template = Self.newFactorTemplate(column, usedIDs: &usedIDs, baseModel: baseModel)
            guard options.candidates == .all, let position else {
                candidates.append(
                    Candidate(
                        column: columnIndex, baseFactor: nil, template: template, request: .free, prepared: nil, preset: .notConsidered))
                continue
            }
            candidates.append(
                Candidate(
                    column: columnIndex, baseFactor: nil, template: template, request: .free, prepared: position,
                    preset: presetReason(column, prepared: prepared.columns[position])))
        }
        return (candidates, usedIDs)
    }

    /// The factor a column the base model does not have would become, with an id not yet used
    /// (the column's, then `_2`, `_3`, …), which joins `usedIDs`.
    static func newFactorTemplate(_ column: LearningColumn, usedIDs: inout Set<String>, baseModel: ScoringModel) -> Factor {
        var id = factorID(forColumn: column.name)
        if usedIDs.contains(id) {
            var suffix = 2
            while usedIDs.contains("\(id)_\(suffix)") { suffix += 1 }
            id = "\(id)_\(suffix)"
        }
        usedIDs.insert(id)
        return Factor(
            id: id, label: LocalizedLabel(en: column.name, zh: column.name), column: column.name, side: .value,
            weight: 0, direction: .increasing, scale: .linear(min: 0, max: 1), missing: .neutral,
            unit: baseModel.columnUnits[column.name], source: "learned from outcomes (kam model fit)")
    }

    /// Why a new column is not learned at all (no values, id-like, too many labels), or nil.
    func presetReason(_ column: LearningColumn, prepared: PreparedColumn) -> FactorReport.Reason? {
        let included = options.includedColumns.contains(column.name)
        if prepared.presentCount == 0 {
            return .noValues
        } else if !included, let why = ColumnScreening.idLikeReason(column) {
            return .idLike(why)
        } else if prepared.isCategorical, prepared.labels.count > options.maximumCategoryLabels {
            if !included, let hint = ColumnScreening.leakHint(column) {
                return .possibleLeak(hint: hint, auc: nil)
            } else {
                return .tooManyLabels(count: prepared.labels.count, limit: options.maximumCategoryLabels)
            }
        }
        return nil
    }

    /// Every learnable column's groups on all rows and per fold (on every core), their
    /// utilities, information values and out-of-fold single-factor AUC.
    func screen(_ run: LearningRun, candidates: [Candidate], learnable: [Int], prepared: [PreparedColumn]) -> Screening {
        let slots = run.foldCount + 1
        let (outcomes, assignment, settings) = (run.outcomes, run.assignment, run.settings)
        let flatFits = parallelMap(learnable.count * slots) { job in
            let candidate = candidates[learnable[job / slots]]
            return ColumnFit.learn(
                prepared[candidate.prepared ?? 0], outcomes: outcomes, assignment: assignment, fold: job % slots - 1,
                request: candidate.request, settings: settings)
        }
        let fits = learnable.indices.map { Array(flatFits[($0 * slots)..<($0 * slots + slots)]) }
        let utilities = learnable.indices.map { l in fits[l].map { $0.utilities(side: candidates[learnable[l]].template.side).utilities } }
        let flat = learnable.indices.map { fits[$0][0].utilities(side: candidates[learnable[$0]].template.side).flat }
        let informationValues = learnable.indices.map { OutcomeBinning.informationValue(fits[$0][0].groups.map(\.evidence)) }
        let singleAUC: [Double?] = parallelMap(learnable.count) { l in
            Self.outOfFoldAUC(fits[l], run: run)
        }
        return Screening(fits: fits, utilities: utilities, flat: flat, informationValues: informationValues, singleAUC: singleAUC)
    }

    /// The AUC of one column out of fold: each row scored by the log-odds of its group learned
    /// without its fold (`fits[k + 1]` fold k's).
    static func outOfFoldAUC(_ fits: [ColumnFit], run: LearningRun) -> Double? {
        let foldCount = run.foldCount
        var counts = (0..<foldCount).map { fits[$0 + 1].groups.map { _ in (won: 0, lost: 0) } }
        for row in 0..<run.n {
            let fold = run.assignment[row]
            let group = Int(fits[fold + 1].rowGroup[row])
            if run.outcomes[row] >= 0.5 { counts[fold][group].won += 1 } else { counts[fold][group].lost += 1 }
        }
        var groups: [(score: Double, won: Int, lost: Int)] = []
        for fold in 0..<foldCount {
            for (g, group) in fits[fold + 1].groups.enumerated() {
                groups.append((group.logOdds, counts[fold][g].won, counts[fold][g].lost))
            }
        }
        return RankStatistics.areaUnderROC(groups: groups)
    }

    /// The base model's utilities and scores, computed on a thread of their own.
    static func startBaseModelScores(
        _ run: LearningRun, factorColumn: [Int]
    ) -> Background<Result<(UtilityBuilder.Utilities, ScoreColumns), LearningError>> {
        Background { () -> Result<(UtilityBuilder.Utilities, ScoreColumns), LearningError> in
            do throws(LearningError) {
                let baseModel = run.baseModel
                let baseBatch = try Self.batch(for: baseModel, data: run.data, columnOf: factorColumn).batch
                let baseUtilities = UtilityBuilder(model: baseModel).build(baseBatch)
                return .success((baseUtilities, ScoreColumns(Scorer(model: baseModel).scores(baseUtilities.matrix), scenario: 0)))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Which learnable columns enter the fit, and why each does or does not; the sides and
    /// expert directions of the learnable columns.
    /// - Throws: ``LearningError/noSignal`` when no value column enters.
    func chooseColumns(
        _ run: LearningRun, candidates: [Candidate], usedIDs: Set<String>, learnable: [Int], screening: Screening
    ) throws(LearningError) -> LearningColumns {
        let checks = columnChecks(run, candidates: candidates, learnable: learnable, screening: screening)
        var reasons = [FactorReport.Reason?](repeating: nil, count: candidates.count)
        for (index, candidate) in candidates.enumerated() { reasons[index] = candidate.preset }
        var fitSet: [Int] = []  // indices into `learnable`
        for l in learnable.indices {
            let c = learnable[l]
            let (reason, enters) = verdict(l, candidate: candidates[c], screening: screening, check: checks[l], run: run)
            reasons[c] = reason
            if enters { fitSet.append(l) }
        }
        let sides = learnable.map { candidates[$0].template.side }
        guard fitSet.contains(where: { sides[$0] == .value }) else { throw .noSignal }

        // The expert direction e (WeightFit's): 100 w for value, −100 p w for difficulty, 0 for new columns.
        let baseModel = run.baseModel
        let basePenalty = baseModel.grading.ranking.key == .priority ? baseModel.grading.ranking.difficultyPenalty : 1
        let expertAll: [Double] = learnable.map { c in
            guard let base = candidates[c].baseFactor else { return 0 }
            let factor = baseModel.factors[base]
            return factor.side == .value ? 100 * factor.weight : -100 * basePenalty * factor.weight
        }
        return LearningColumns(
            candidates: candidates, usedIDs: usedIDs, learnable: learnable, reasons: reasons, fitSet: fitSet, sides: sides,
            expertAll: expertAll, curveFits: screening.fits, groupUtilities: screening.utilities,
            informationValues: screening.informationValues, singleAUC: screening.singleAUC)
    }

    /// The checks that read a whole column (the marginal trend of a flat base factor, the leak
    /// hints of a new column): pure, so they run first, on every core, for the columns the
    /// rules of ``verdict(_:candidate:screening:check:run:)`` ask them of.
    func columnChecks(
        _ run: LearningRun, candidates: [Candidate], learnable: [Int], screening: Screening
    ) -> [(trend: Bool?, hint: String?)] {
        let columns = run.data.columns
        let outcomes = run.outcomes
        let leakThreshold = options.leakThreshold
        let included = options.includedColumns
        return parallelMap(learnable.count) { l -> (trend: Bool?, hint: String?) in
            let candidate = candidates[learnable[l]]
            if let auc = screening.singleAUC[l], auc >= leakThreshold { return (nil, nil) }
            if screening.flat[l] {
                guard candidate.baseFactor != nil, case .monotone = candidate.request else { return (nil, nil) }
                return (Self.marginalTrend(columns[candidate.column], outcomes: outcomes), nil)
            }
            guard candidate.baseFactor == nil, !included.contains(columns[candidate.column].name) else { return (nil, nil) }
            return (nil, ColumnScreening.leakHint(columns[candidate.column]))
        }
    }

    /// Why learnable column `l` enters the fit or is left out, and whether it enters.
    func verdict(
        _ l: Int, candidate: Candidate, screening: Screening, check: (trend: Bool?, hint: String?), run: LearningRun
    ) -> (reason: FactorReport.Reason, enters: Bool) {
        let inBase = candidate.baseFactor != nil
        let presentFit = screening.fits[l][0].groups.filter { $0.kind != .missing && $0.evidence.count > 0 }
        let presentGroups = presentFit.count
        // Enough present values for two bins: pooling them all into one is the data's doing.
        let couldSplit = presentFit.reduce(0) { $0 + $1.evidence.count } >= 2 * run.minimumBin
        let informationValue = screening.informationValues[l]
        if let auc = screening.singleAUC[l], auc >= options.leakThreshold {
            return (.leak(auc: auc, threshold: options.leakThreshold), false)
        } else if screening.flat[l] {
            // Flat after a monotone fit can mean the win rate moves the other way.
            if inBase, case .monotone(let rises) = candidate.request, check.trend == !rises {
                return (.shapeContradicted(winRateShouldRise: rises), false)
            }
            return (.flat, false)
        } else if inBase, case .monotone(let rises) = candidate.request, presentGroups <= 1, couldSplit {
            // The declared direction pooled every value into one group: what is left is
            // missing against present, which is not what the factor means.
            return (.shapeContradicted(winRateShouldRise: rises), false)
        } else if inBase {
            return (.baseModelFactor, true)
        } else if !options.includedColumns.contains(run.data.columns[candidate.column].name), let hint = check.hint {
            return (.possibleLeak(hint: hint, auc: screening.singleAUC[l]), false)
        } else if informationValue >= options.minimumInformationValue {
            return (.informative(iv: informationValue, threshold: options.minimumInformationValue), true)
        }
        return (.weakInformation(iv: informationValue, threshold: options.minimumInformationValue), false)
    }
}

// MARK: - Curves, interactions, orientation

extension ModelLearner {
    /// Steps 4a and 4a': the curves of the entered columns learned jointly on fine bins, then
    /// pairwise interactions on their residuals, each joining as a derived column whose groups
    /// are the cells of its table; with outer bags or pairs, the curves refitted with them.
    func learnCurvesAndInteractions(
        _ run: LearningRun, columns: inout LearningColumns, prepared: [PreparedColumn], screening: Screening,
        notes: inout [String]
    ) throws(LearningError) {
        let inputs = columns.fitSet.map { l in
            let candidate = columns.candidates[columns.learnable[l]]
            return CurveInput(
                column: prepared[candidate.prepared ?? 0], screening: screening.fits[l][0], request: candidate.request,
                declaredSpecials: candidate.template.specialValues.map(\.value))
        }
        let curves = try learnCurves(
            inputs, outcomes: run.outcomes, assignment: run.assignment, foldCount: run.foldCount, trainRows: run.trainRows,
            testRows: run.testRows, clock: run.clock, steps: run.steps)
        useCurves(curves, columns: &columns, notes: &notes)
        // Columns with no effect of their own may still interact.
        let others = interactionOnlyColumns(columns, screening: screening)
        let pairs = learnInteractions(
            inputs, others: others.map { (prepared[columns.candidates[columns.learnable[$0]].prepared ?? 0], screening.fits[$0][0]) },
            curves: curves, outcomes: run.outcomes, foldCount: run.foldCount, trainRows: run.trainRows, testRows: run.testRows)
        run.clock.lap("interactions: FAST ranking, selection on the folds, tables")
        run.steps?.advance(run.plan.interactions)
        var tableFits = pairs.map(\.fits)
        // Outer bags always refit the final model (the curves alone when no pair joined).
        let bags = options.outerBags
        if bags > 1 || (!pairs.isEmpty && options.refitsWithInteractions && run.n <= Self.largeHistory) {
            tableFits = try refitWithPairs(run, inputs: inputs, curves: curves, pairs: pairs, columns: &columns)
            run.clock.lap(bags > 1 ? "final fit: \(bags) outer bags per slot" : "interactions: curves and tables fitted together")
            if bags > 1 {
                notes.append(
                    "The curves\(pairs.isEmpty ? "" : " and tables") are the mean of \(bags) fits, each on a random \(Int((options.baggedShare * 100).rounded()))% of the accounts (outer bags)."
                )
            }
        }
        let entered = columns.fitSet + others
        for (pair, fits) in zip(pairs, tableFits) {
            Self.addInteraction(pair, fits: fits, entered: entered, columns: &columns)
        }
        if !pairs.isEmpty {
            notes.append(
                "Pairwise interactions (FAST-ranked, kept while they lower the out-of-fold log loss): "
                    + pairs.map {
                        "\(columns.column(entered[$0.first])) × \(columns.column(entered[$0.second]))"
                    }.joined(separator: ", ") + ".")
        }
    }

    /// The learned curves replace the entered columns' screening groups; the notes name the
    /// special values and the smoothing strengths.
    func useCurves(_ curves: Curves, columns: inout LearningColumns, notes: inout [String]) {
        var sentinelNotes: [String] = []
        for (k, l) in columns.fitSet.enumerated() {
            columns.curveFits[l] = curves.fits[k]
            columns.groupUtilities[l] = curves.fits[k].map { $0.utilities(side: columns.sides[l]).utilities }
            if !curves.sentinels[k].isEmpty {
                sentinelNotes.append(columns.column(l) + " = " + curves.sentinels[k].map { formatPlain($0) }.joined(separator: ", "))
            }
        }
        if !sentinelNotes.isEmpty {
            notes.append(
                "Special values with a utility of their own (declared, or sentinels found at the edge of the range; not smoothed into their neighbours, written under special_values): \(sentinelNotes.joined(separator: "; "))."
            )
        }
        let fitSet = columns.fitSet
        let ownStrengths = fitSet.indices.compactMap { k -> String? in
            guard k < curves.multipliers.count, curves.multipliers[k] != 1 else { return nil }
            return columns.column(fitSet[k]) + " " + String(format: "%g", curves.lambda * curves.multipliers[k])
        }
        notes.append(
            "Curves learned jointly on up to \(curves.binLimit) fine bins per numeric factor; smoothing strength \(formatPlain(curves.lambda)) chosen by out-of-fold log loss"
                + (ownStrengths.isEmpty ? "." : "; refined per factor by the same loss: \(ownStrengths.joined(separator: ", "))."))
    }

    /// New columns left out as flat or weakly informative that may still interact (a base
    /// factor left out keeps its base scale, whose groups a table cannot name), by learnable index.
    func interactionOnlyColumns(_ columns: LearningColumns, screening: Screening) -> [Int] {
        columns.learnable.indices.filter { l in
            guard !columns.fitSet.contains(l), columns.candidates[columns.learnable[l]].baseFactor == nil else { return false }
            switch columns.reasons[columns.learnable[l]] {
            case .weakInformation, .flat: break
            default: return false
            }
            // Written as a factor of weight 0, its scale must be valid: two bins, or a category.
            let kinds = screening.fits[l][0].groups.map(\.kind)
            let bins = kinds.filter { if case .bin = $0 { return true } else { return false } }.count
            let categories = kinds.filter { if case .category = $0 { return true } else { return false } }.count
            return bins >= 2 || categories >= 1
        }
    }

    /// The curves and tables fitted together (mean of the outer bags): the curves replace the
    /// entered columns' groups, and the tables' fits are returned. The curves learned without
    /// the pairs (bagged as the model is) are kept for the comparison.
    func refitWithPairs(
        _ run: LearningRun, inputs: [CurveInput], curves: Curves, pairs: [LearnedPair], columns: inout LearningColumns
    ) throws(LearningError) -> [[ColumnFit]] {
        let bags = options.outerBags
        let joint = try refitJointly(
            inputs, curves: curves, pairs: pairs, outcomes: run.outcomes, assignment: run.assignment,
            trainRows: run.trainRows, bags: bags)
        // The comparison's "without interactions" keeps the curves learned without them,
        // bagged as the model is.
        let plain =
            bags > 1 && !pairs.isEmpty
            ? try refitJointly(
                inputs, curves: curves, pairs: [], outcomes: run.outcomes, assignment: run.assignment,
                trainRows: run.trainRows, bags: bags) : nil
        for (k, l) in columns.fitSet.enumerated() {
            if !pairs.isEmpty {
                columns.curvesWithoutPairs[l] =
                    plain.map { $0.curves[k].map { $0.utilities(side: columns.sides[l]).utilities } } ?? columns.groupUtilities[l]
            }
            columns.curveFits[l] = joint.curves[k]
            columns.groupUtilities[l] = joint.curves[k].map { $0.utilities(side: columns.sides[l]).utilities }
        }
        return joint.pairs
    }

    /// A learned pair joins as a derived column (a new candidate, learnable and in the fit)
    /// whose groups are the cells of its table; `entered` maps the pair's parents to
    /// learnable indices.
    static func addInteraction(_ pair: LearnedPair, fits: [ColumnFit], entered: [Int], columns: inout LearningColumns) {
        let first = entered[pair.first]
        let second = entered[pair.second]
        let a = columns.candidates[columns.learnable[first]]
        let b = columns.candidates[columns.learnable[second]]
        var id = "\(a.template.id)_x_\(b.template.id)"
        while columns.usedIDs.contains(id) { id += "_2" }
        columns.usedIDs.insert(id)
        let template = Factor(
            id: id,
            label: LocalizedLabel(
                en: "\(a.template.label.en) × \(b.template.label.en)", zh: "\(a.template.label.zh) × \(b.template.label.zh)"),
            column: a.template.column, side: .value, weight: 0, direction: .increasing, scale: .linear(min: 0, max: 1),
            missing: .neutral, unit: a.template.unit, source: "pairwise interaction learned from outcomes (kam model fit)")
        columns.candidates.append(
            Candidate(column: a.column, baseFactor: nil, template: template, request: .free, prepared: a.prepared, preset: nil))
        columns.reasons.append(.interaction(improvement: pair.improvement))
        columns.learnable.append(columns.candidates.count - 1)
        let l = columns.learnable.count - 1
        columns.curveFits.append(fits)
        columns.groupUtilities.append(fits.map { $0.utilities(side: .value).utilities })
        columns.informationValues.append(OutcomeBinning.informationValue(pair.fits[0].groups.map(\.evidence)))
        columns.singleAUC.append(nil)
        columns.sides.append(.value)
        columns.expertAll.append(0)
        columns.fitSet.append(l)
        columns.interactionOf[l] = (pair, first, second)
    }

    /// 4b. Orientation of new columns. A base factor keeps the expert's direction (a wrong
    /// sign drops it below). A column the base model does not have has no declared
    /// direction: when, given the other factors, its coefficient is negative in a joint
    /// ridge fit on every row (collinear indicators often turn), its utility is reversed,
    /// u → 1 − u, in every fold, so that it enters with a positive weight instead of being
    /// dropped. The report says which were reversed.
    func orientNewColumns(_ run: LearningRun, columns: inout LearningColumns) throws(LearningError) {
        let fitSet = columns.fitSet
        let newColumns = fitSet.filter { columns.candidates[columns.learnable[$0]].baseFactor == nil }
        guard !newColumns.isEmpty else { return }
        let allRows = Array(0..<run.n)
        let design = Self.design(
            rows: allRows, tables: fitSet.map { columns.groupUtilities[$0][0] }, groups: fitSet.map { columns.curveFits[$0][0].rowGroup })
        let terms = fitSet.count + 1
        let orientation = try RidgeLogistic.fit(
            design: design, outcomes: run.outcomes, penalty: [0] + [Double](repeating: 1, count: fitSet.count),
            prior: [Double](repeating: 0, count: terms), start: [Double](repeating: 0, count: terms))
        var reversed: [Int] = []
        for (position, l) in fitSet.enumerated() where columns.candidates[columns.learnable[l]].baseFactor == nil {
            let beta = orientation.coefficients[position + 1]
            guard (columns.sides[l] == .value ? beta : -beta) < 0 else { continue }
            columns.groupUtilities[l] = columns.groupUtilities[l].map { table in table.map { 1 - $0 } }
            columns.curvesWithoutPairs[l] = columns.curvesWithoutPairs[l].map { $0.map { table in table.map { 1 - $0 } } }
            reversed.append(l)
        }
        columns.reversedColumns = reversed
    }
}

// MARK: - Weights: the λ paths, the fold refits and the final fit, calibration

extension ModelLearner {
    /// The strengths λ the weight paths try: the cross-validated grid, or the fixed one.
    func weightStrengths(accounts n: Int) -> [Double] {
        if options.strength == .crossValidated { return weightStrengthGrid(accounts: n) }
        if case .fixed(let lambda) = options.strength { return [lambda] }
        return [1]
    }

    /// Steps 5, 5' and 6: λ by cross-validation on the learned utilities (each fold's own
    /// groups); with interactions, the same curves without them; the weights-only baseline.
    func weightPaths(
        _ run: LearningRun, columns: LearningColumns, designs: LearnedDesigns, base: BaseModelScores
    ) throws(LearningError) -> WeightPaths {
        let grid = weightStrengths(accounts: run.n)
        // The learned path's folds and the weights-only baseline's share the cores: 2k fits
        // two at a time, rather than k and then k again with a core idle at each odd end.
        let folds = run.foldCount
        let pathColumns = columns.fitSet
        let expert = pathColumns.map { columns.expertAll[$0] }
        let baseExpert = WeightFit.expertDirection(run.baseModel)
        let baseMatrix = base.utilities.matrix
        let parts = parallelMap(2 * folds) { job in
            job < folds
                // 5. λ by cross-validation on the learned utilities (each fold's own groups).
                ? foldPath(
                    fold: job, trainRows: run.trainRows, testRows: run.testRows, outcomes: run.outcomes, grid: grid,
                    expert: expert, steps: run.steps
                ) { fold, rows in designs.learned(pathColumns, slot: fold + 1, rows: rows) }
                // 6. Weights-only baseline: the base model's utilities, same folds.
                : foldPath(
                    fold: job - folds, trainRows: run.trainRows, testRows: run.testRows, outcomes: run.outcomes,
                    grid: grid, expert: baseExpert, steps: run.steps
                ) { _, rows in Self.design(rows: rows, matrix: baseMatrix) }
        }
        let learnedPath = try assemblePath(
            parts[..<folds], testRows: run.testRows, outcomes: run.outcomes, grid: grid, n: run.n, computesAUC: false)
        // Out-of-fold probabilities of the weights-only baseline.
        let weightsOnly = try assemblePath(
            parts[folds...], testRows: run.testRows, outcomes: run.outcomes, grid: grid, n: run.n, computesAUC: false
        ).outOfFold.map(LogisticRegression.logistic)
        run.clock.lap("weights: λ paths on the folds (learned, and the weights-only baseline's)")
        let withoutInteractions = try probabilityWithoutInteractions(
            run, columns: columns, designs: designs, grid: grid, lambda: learnedPath.lambda)
        return WeightPaths(learned: learnedPath, withoutInteractions: withoutInteractions, weightsOnly: weightsOnly)
    }

    /// 5'. With interactions, the same curves without them, for the comparison (item 4 of
    /// the report: with and without interactions on the same folds, Platt-calibrated per fold);
    /// nil without interactions. Above ``largeHistory`` accounts, at the strength `lambda`
    /// chosen for the model rather than on its own path (for time; there the strength barely
    /// moves the weights).
    func probabilityWithoutInteractions(
        _ run: LearningRun, columns: LearningColumns, designs: LearnedDesigns, grid: [Double], lambda: Double
    ) throws(LearningError) -> [Double]? {
        let plainColumns = columns.fitSet.filter { columns.interactionOf[$0] == nil }
        guard plainColumns.count < columns.fitSet.count else { return nil }
        let plainPath = try crossValidatedPath(
            folds: run.foldCount, trainRows: run.trainRows, testRows: run.testRows, outcomes: run.outcomes,
            grid: run.n > Self.largeHistory ? [lambda] : grid,
            expert: plainColumns.map { columns.expertAll[$0] }, n: run.n, computesAUC: false
        ) { fold, rows in designs.plain(plainColumns, slot: fold + 1, rows: rows) }
        var probability = [Double](repeating: 0, count: run.n)
        for fold in 0..<run.foldCount {
            let train = run.trainRows[fold]
            let trainEta = designs.plain(plainColumns, slot: fold + 1, rows: train).multiplied(by: plainPath.coefficients[fold])
            let platt = PlattScaling.fit(scores: trainEta, outcomes: train.map { run.outcomes[$0] })
            for row in run.testRows[fold] {
                probability[row] = LogisticRegression.logistic(platt.intercept + platt.slope * plainPath.outOfFold[row])
            }
        }
        run.clock.lap("weights without interactions (comparison)")
        return probability
    }

    /// 7. Each fold at λ: drop contradicted factors, calibrators, grades, contributions;
    /// and (8.) the final fit on every row. The folds and the final fit are independent:
    /// they run on the available cores, each computing alone what the loop over the folds
    /// computed, and their results are written back in fold order (every sum keeps its
    /// order, so the figures are the same bits as one fold after the other).
    /// - Returns: The final fit, and every account's out-of-fold figures.
    /// - Throws: The first failure in the order of the loop (folds, then the final fit).
    func refitFoldsAndFinal(
        _ run: LearningRun, columns: LearningColumns, designs: LearnedDesigns, path learnedPath: Path
    ) throws(LearningError) -> (final: (active: [Int], fit: RidgeLogistic.Fit, dropped: [Int: Double]), rows: FoldRowsSink) {
        let lambda = learnedPath.lambda
        let sideCount = Double(Set(run.baseModel.factors.map(\.side)).count)
        let pseudoCounts = options.pseudoCounts
        let allRows = Array(0..<run.n)
        let averageStart = (0..<(columns.fitSet.count + 1)).map { term in
            learnedPath.coefficients.reduce(0) { $0 + $1[term] } / Double(run.foldCount)
        }
        let interactions = Set(columns.interactionOf.keys)
        // Job 0 is the final fit (the longest, so it starts first), jobs 1… the folds.
        // Each fold's rows are written into these as soon as it is done (so that at most the
        // folds in flight hold theirs); the folds' held-out rows are disjoint.
        let sink = FoldRowsSink(count: run.n, columns: columns.fitSet.count)
        let refits = parallelMap(run.foldCount + 1) { job -> Result<FoldRefit, LearningError> in
            do throws(LearningError) {
                if job == 0 {
                    let (active, fit, dropped, _) = try fitDroppingContradicted(
                        columns.fitSet, sides: columns.sides, lambda: lambda, outcomes: run.outcomes,
                        expertAll: columns.expertAll, start: averageStart
                    ) { active in designs.learned(active, slot: 0, rows: allRows) }
                    return .success(.final(active: active, fit: fit, dropped: dropped))
                }
                let fold = job - 1
                let refit = try refitFold(
                    fold, fitSet: columns.fitSet, sides: columns.sides, expertAll: columns.expertAll, interactions: interactions,
                    fits: designs.fits, lambda: lambda, start: learnedPath.coefficients[fold], prior: learnedPath.priors[fold],
                    trainRows: run.trainRows[fold], testRows: run.testRows[fold], outcomes: run.outcomes, stages: run.data.stages,
                    sideCount: sideCount, pseudoCounts: pseudoCounts, design: designs.learned(_:slot:rows:))
                sink.store(refit)
                run.steps?.advance()
                return .success(.fold)
            } catch {
                return .failure(error)
            }
        }
        var finalResult: (active: [Int], fit: RidgeLogistic.Fit, dropped: [Int: Double])?
        // The first failure in the order of the loop (folds, then the final fit).
        for result in refits.dropFirst() + refits.prefix(1) {
            if case .final(let active, let fit, let dropped) = try result.get() { finalResult = (active, fit, dropped) }
        }
        guard let finalResult else { preconditionFailure("the final fit has no result") }
        return (finalResult, sink)
    }

    /// The columns the final fit dropped are "contradicted"; the note lists the reversed
    /// columns that are in the model.
    func applyFinalFit(_ final: FinalWeights, columns: inout LearningColumns, notes: inout [String]) {
        for l in columns.fitSet where !final.active.contains(l) {
            columns.reasons[columns.learnable[l]] = .contradicted(coefficient: final.dropped[l] ?? 0)
        }
        // One verdict per column: a reversed column that the final fit still drops is only
        // "contradicted"; the note lists the reversed columns that are in the model.
        let reversedKept = columns.reversedColumns.filter { final.active.contains($0) }
        if !reversedKept.isEmpty {
            notes.append(
                "Reversed, given the other factors (their utility falls where their own win rate rises): "
                    + reversedKept.map { columns.column($0) }.joined(separator: ", ") + ".")
        }
    }

    /// Calibration: chosen on the folds, fitted on the out-of-fold log-odds on the priority scale.
    func chooseCalibration(
        _ run: LearningRun, final: FinalWeights, foldRows: FoldRowsSink
    ) throws(LearningError) -> ChosenCalibration {
        let outcomes = run.outcomes
        let plattLoss = BinaryOutcomeMetrics.logLoss(probabilities: foldRows.figures.platt, outcomes: outcomes) ?? .infinity
        let isotonicLoss = BinaryOutcomeMetrics.logLoss(probabilities: foldRows.figures.isotonic, outcomes: outcomes) ?? .infinity
        let useIsotonic: Bool
        switch options.calibration {
        case .crossValidated: useIsotonic = isotonicLoss < plattLoss
        case .platt: useIsotonic = false
        case .isotonic: useIsotonic = true
        }
        let valueSum = final.weights.valueSum
        let intercept = final.intercept
        let oofPriority = foldRows.figures.eta.map { ($0 - intercept) * 100 / valueSum }
        let calibration: Calibration
        do {
            if useIsotonic {
                calibration = try Calibration(
                    method: .isotonic(points: IsotonicRegression.calibrationPoints(scores: oofPriority, outcomes: outcomes)))
            } else {
                let platt = PlattScaling.fit(scores: oofPriority, outcomes: outcomes)
                calibration = try Calibration(method: .platt(intercept: platt.intercept, slope: platt.slope))
            }
        } catch {
            throw .model(error)
        }
        return ChosenCalibration(calibration: calibration, useIsotonic: useIsotonic, plattLoss: plattLoss, isotonicLoss: isotonicLoss)
    }
}

extension ModelLearner {
    /// What one fold's refit at the chosen strength gives its held-out rows, by position in
    /// `test`; or the final fit on every row.
    enum FoldRefit: Sendable {
        /// A fold, its rows stored in the ``FoldRowsSink``.
        case fold
        case final(active: [Int], fit: RidgeLogistic.Fit, dropped: [Int: Double])
    }

    /// Every account's out-of-fold figures, written fold by fold under a lock (by row, so the
    /// order the folds finish in does not matter); read once every fold is stored.
    final class FoldRowsSink: @unchecked Sendable {
        private let lock = NSLock()
        /// By row.
        var figures: RowFigures
        var baseRate: [Double]
        var stage: [Double]

        init(count n: Int, columns: Int) {
            let zeros = [Double](repeating: 0, count: n)
            figures = RowFigures(
                eta: zeros, platt: zeros, isotonic: zeros, value: zeros, difficulty: zeros, completeness: zeros,
                without: [[Double]](repeating: zeros, count: columns))
            (baseRate, stage) = (zeros, zeros)
        }

        func store(_ refit: FoldRows) {
            lock.lock()
            defer { lock.unlock() }
            let source = refit.figures
            for (position, row) in refit.test.enumerated() {
                figures.eta[row] = source.eta[position]
                figures.platt[row] = source.platt[position]
                figures.isotonic[row] = source.isotonic[position]
                figures.value[row] = source.value[position]
                figures.difficulty[row] = source.difficulty[position]
                figures.completeness[row] = source.completeness[position]
                baseRate[row] = refit.baseRate
                if let stage = refit.stage { self.stage[row] = stage[position] }
            }
            for k in figures.without.indices {
                for (position, row) in refit.test.enumerated() { figures.without[k][row] = source.without[k][position] }
            }
        }
    }

    /// What a fold's refit says of some rows (by position in its held-out rows, or by row in
    /// the ``FoldRowsSink``).
    struct RowFigures: Sendable {
        /// Log-odds of the fold's fit; Platt and isotonic probabilities (calibrated on the training rows).
        var eta: [Double]
        var platt: [Double]
        var isotonic: [Double]
        /// Value and difficulty scores with the fold's weights, and completeness.
        var value: [Double]
        var difficulty: [Double]
        var completeness: [Double]
        /// Per column of the fit: the log-odds one Newton step without it.
        var without: [[Double]]
    }

    /// One fold's held-out rows and what its refit says of each (see ``refitFold``).
    struct FoldRows: Sendable {
        var test: [Int]
        var figures: RowFigures
        /// The training rows' win rate, and the stage baseline's probabilities (with stages).
        var baseRate: Double
        var stage: [Double]?
    }

    /// One fold at the strength λ: the fit on its training rows (contradicted factors
    /// dropped), its calibrators, and its held-out rows' scores, completeness and
    /// contributions — the body of the loop over the folds, on its own.
    func refitFold(
        _ fold: Int, fitSet: [Int], sides: [Factor.Side], expertAll: [Double], interactions: Set<Int>,
        fits: [[ColumnFit]], lambda: Double, start: [Double], prior: [Double], trainRows train: [Int],
        testRows test: [Int], outcomes: [Double], stages: [Int?]?, sideCount: Double, pseudoCounts: Double,
        design: ([Int], Int, [Int]) -> Matrix
    ) throws(LearningError) -> FoldRows {
        let trainOutcomes = train.map { outcomes[$0] }
        let (active, fit, _, _) = try fitDroppingContradicted(
            fitSet, sides: sides, lambda: lambda, outcomes: trainOutcomes, expertAll: expertAll,
            start: start, prior: prior
        ) { active in design(active, fold + 1, train) }
        let testDesign = design(active, fold + 1, test)
        let testEta = testDesign.multiplied(by: fit.coefficients)
        // Calibrators fitted on the fold's training rows.
        let platt = PlattScaling.fit(scores: fit.linearPredictor, outcomes: trainOutcomes)
        let points = IsotonicRegression.calibrationPoints(scores: fit.linearPredictor, outcomes: trainOutcomes)
        let isotonic = try? Calibration(method: .isotonic(points: points))
        var plattProbability = [Double](repeating: 0, count: test.count)
        var isotonicProbability = [Double](repeating: 0, count: test.count)
        for position in test.indices {
            plattProbability[position] = LogisticRegression.logistic(platt.intercept + platt.slope * testEta[position])
            isotonicProbability[position] = isotonic?.probability(ofScore: testEta[position]) ?? plattProbability[position]
        }
        // Out-of-fold value and difficulty scores (the fold's weights) and completeness: the
        // final model's grade cuts are chosen to order the win rates on them too, and its
        // cross-validated grade table applies those cuts to them.
        let weights = Self.sideWeights(active.map { sides[$0] }, coefficients: Array(fit.coefficients.dropFirst()))
        let testScores = Self.scores(testDesign, weights: weights, sides: active.map { sides[$0] })
        // Interactions add nothing to completeness; the other factors of a side share it.
        var shareTotal: [Factor.Side: Double] = [:]
        if active.contains(where: { interactions.contains($0) }) {
            for (k, l) in active.enumerated() where !interactions.contains(l) { shareTotal[sides[l], default: 0] += weights.weights[k] }
        }
        var completenessOfRow = [Double](repeating: 0, count: test.count)
        for (position, row) in test.enumerated() {
            var completeness = 0.0
            for (k, l) in active.enumerated()
            where !interactions.contains(l) && Int(fits[l][fold + 1].rowGroup[row]) != fits[l][fold + 1].missingGroup {
                completeness += weights.weights[k] / sideCount / shareTotal[sides[l], default: 1]
            }
            completenessOfRow[position] = min(completeness, 1)
        }
        // Contributions: one Newton step without each factor, from the fold's fit.
        let without = fitSet.map { l -> [Double] in
            guard let term = active.firstIndex(of: l).map({ $0 + 1 }) else { return testEta }
            let reduced = Self.coefficientsWithout(term: term, coefficients: fit.coefficients, hessian: fit.hessian)
            return testDesign.multiplied(by: reduced)
        }
        // Baselines: the training rate, and the training rate per stage.
        let trainWon = trainOutcomes.reduce(0, +)
        let rate = trainWon / Double(train.count)
        var stageProbability: [Double]?
        if let stages {
            var stageCount: [Int: (Int, Int)] = [:]
            for row in train {
                guard let stage = stages[row] else { continue }
                let current = stageCount[stage] ?? (0, 0)
                stageCount[stage] = (current.0 + 1, current.1 + (outcomes[row] >= 0.5 ? 1 : 0))
            }
            stageProbability = test.map { row in
                guard let stage = stages[row], let counts = stageCount[stage] else { return rate }
                return OutcomeBinning.shrunkRate(won: counts.1, count: counts.0, overallRate: rate, pseudoCounts: pseudoCounts)
            }
        }
        return FoldRows(
            test: test,
            figures: RowFigures(
                eta: testEta, platt: plattProbability, isotonic: isotonicProbability, value: testScores.value,
                difficulty: testScores.difficulty, completeness: completenessOfRow, without: without),
            baseRate: rate, stage: stageProbability)
    }
}
