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

    func learnOnThisThread(
        _ data: LearningData, baseModel: ScoringModel, progress: (@Sendable (Int, Int) -> Void)?
    ) throws(LearningError) -> LearnedModel {
        let clock = PhaseClock()
        let n = data.count
        let outcomes = data.outcomes.map { $0 >= 0.5 ? 1.0 : 0.0 }
        let won = outcomes.reduce(0) { $0 + Int($1) }
        let lost = n - won
        let foldCount = min(options.folds, won, lost)
        guard foldCount >= 2 else { throw .tooFewOutcomes(won: won, lost: lost, needed: 2) }
        let plan = stepPlan(accounts: n, folds: foldCount)
        let steps = progress.map { LearningSteps(total: plan.total, report: $0) }
        let minimumBin = minimumBinCount(accounts: n)
        let settings = ColumnFit.Settings(
            maximumPreBins: options.maximumPreBins, minimumBinCount: minimumBin, pseudoCounts: options.pseudoCounts,
            mergeSignificance: options.mergeSignificance, minimumCategoryCount: options.minimumCategoryCount)
        var notes: [String] = []

        // 1. Which column each base factor reads, and the candidates.
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
        let assignment = WeightFit.stratifiedFolds(outcomes: outcomes, count: foldCount, seed: options.seed)
        let needed = data.columns.indices.filter { factorColumn.contains($0) || options.candidates == .all }
        let columns = data.columns
        let prepared = parallelMap(needed.count) {
            PreparedColumn(columns[needed[$0]], outcomes: outcomes, assignment: assignment)
        }
        clock.lap("sorting columns")
        var preparedIndex = [Int?](repeating: nil, count: columns.count)
        for (position, column) in needed.enumerated() { preparedIndex[column] = position }

        var candidates: [Candidate] = []
        var usedIDs = Set(baseModel.factors.map(\.id))
        for (columnIndex, column) in columns.enumerated() {
            let readers = baseModel.factors.indices.filter { factorColumn[$0] == columnIndex }
            if !readers.isEmpty {
                for reader in readers {
                    let factor = baseModel.factors[reader]
                    let position = preparedIndex[columnIndex]
                    let empty = position.map { prepared[$0].presentCount == 0 } ?? true
                    candidates.append(
                        Candidate(
                            column: columnIndex, baseFactor: reader, template: factor,
                            request: Self.monotoneDirection(of: factor).map { .monotone(increasing: $0) } ?? .free,
                            prepared: position, preset: empty ? .noValues : nil))
                }
                continue
            }
            var id = Self.factorID(forColumn: column.name)
            if usedIDs.contains(id) {
                var suffix = 2
                while usedIDs.contains("\(id)_\(suffix)") { suffix += 1 }
                id = "\(id)_\(suffix)"
            }
            usedIDs.insert(id)
            let template = Factor(
                id: id, label: LocalizedLabel(en: column.name, zh: column.name), column: column.name, side: .value,
                weight: 0, direction: .increasing, scale: .linear(min: 0, max: 1), missing: .neutral,
                unit: baseModel.columnUnits[column.name], source: "learned from outcomes (kam model fit)")
            guard options.candidates == .all, let position = preparedIndex[columnIndex] else {
                candidates.append(
                    Candidate(column: columnIndex, baseFactor: nil, template: template, request: .free, prepared: nil, preset: .notConsidered))
                continue
            }
            let column = prepared[position]
            let included = options.includedColumns.contains(columns[columnIndex].name)
            var preset: FactorReport.Reason?
            if column.presentCount == 0 {
                preset = .noValues
            } else if !included, let why = ColumnScreening.idLikeReason(columns[columnIndex]) {
                preset = .idLike(why)
            } else if column.isCategorical, column.labels.count > options.maximumCategoryLabels {
                if !included, let hint = ColumnScreening.leakHint(columns[columnIndex]) {
                    preset = .possibleLeak(hint: hint, auc: nil)
                } else {
                    preset = .tooManyLabels(count: column.labels.count, limit: options.maximumCategoryLabels)
                }
            }
            candidates.append(
                Candidate(column: columnIndex, baseFactor: nil, template: template, request: .free, prepared: position, preset: preset))
        }
        var learnable = candidates.indices.filter { candidates[$0].preset == nil }

        // 2. Folds, and every learnable column's groups on all rows (slot 0) and per fold.
        let candidateList = candidates
        let slots = foldCount + 1
        let learnableList = learnable
        let flatFits = parallelMap(learnable.count * slots) { job in
            let candidate = candidateList[learnableList[job / slots]]
            return ColumnFit.learn(
                prepared[candidate.prepared ?? 0], outcomes: outcomes, assignment: assignment, fold: job % slots - 1,
                request: candidate.request, settings: settings)
        }
        // screeningFits[l][0] all rows, screeningFits[l][k + 1] fold k's training rows.
        let screeningFits = learnable.indices.map { Array(flatFits[($0 * slots)..<($0 * slots + slots)]) }
        var groupUtilities = learnable.indices.map { l in screeningFits[l].map { $0.utilities(side: candidates[learnable[l]].template.side).utilities } }
        let flat = learnable.indices.map { screeningFits[$0][0].utilities(side: candidates[learnable[$0]].template.side).flat }
        var informationValues = learnable.indices.map { OutcomeBinning.informationValue(screeningFits[$0][0].groups.map(\.evidence)) }
        var singleAUC: [Double?] = parallelMap(learnable.count) { l in
            // Out of fold: each row scored by the log-odds of its group learned without its fold.
            var counts = (0..<foldCount).map { screeningFits[l][$0 + 1].groups.map { _ in (won: 0, lost: 0) } }
            for row in 0..<n {
                let fold = assignment[row]
                let group = Int(screeningFits[l][fold + 1].rowGroup[row])
                if outcomes[row] >= 0.5 { counts[fold][group].won += 1 } else { counts[fold][group].lost += 1 }
            }
            var groups: [(score: Double, won: Int, lost: Int)] = []
            for fold in 0..<foldCount {
                for (g, group) in screeningFits[l][fold + 1].groups.enumerated() {
                    groups.append((group.logOdds, counts[fold][g].won, counts[fold][g].lost))
                }
            }
            return RankStatistics.areaUnderROC(groups: groups)
        }

        clock.lap("screening groups (all folds), single-factor AUC")
        // 4 (started here). The base model's utilities and scores read only the data: they are
        // computed on a thread of their own during step 3, and a failure is thrown where step 4 was.
        let baseFactorColumns = factorColumn
        let baseModelScores = Background { () -> Result<(UtilityBuilder.Utilities, ScoreColumns), LearningError> in
            do throws(LearningError) {
                let baseBatch = try Self.batch(for: baseModel, data: data, columnOf: baseFactorColumns).batch
                let baseUtilities = UtilityBuilder(model: baseModel).build(baseBatch)
                do throws(ModelError) {
                    return .success((baseUtilities, ScoreColumns(try Scorer(model: baseModel).scores(baseUtilities.matrix), scenario: 0)))
                } catch {
                    throw .model(error)
                }
            } catch {
                return .failure(error)
            }
        }
        // 3. Which learnable columns enter the fit. The checks that read a whole column (the
        // marginal trend of a flat base factor, the leak hints of a new column) are pure: they
        // run first, on every core, for the columns the rules below ask them of.
        let screenedAUC = singleAUC
        let leakThreshold = options.leakThreshold
        let included = options.includedColumns
        let columnChecks = parallelMap(learnable.count) { l -> (trend: Bool?, hint: String?) in
            let candidate = candidateList[learnableList[l]]
            if let auc = screenedAUC[l], auc >= leakThreshold { return (nil, nil) }
            if flat[l] {
                guard candidate.baseFactor != nil, case .monotone = candidate.request else { return (nil, nil) }
                return (Self.marginalTrend(columns[candidate.column], outcomes: outcomes), nil)
            }
            guard candidate.baseFactor == nil, !included.contains(columns[candidate.column].name) else { return (nil, nil) }
            return (nil, ColumnScreening.leakHint(columns[candidate.column]))
        }
        var reasons = [FactorReport.Reason?](repeating: nil, count: candidates.count)
        for (index, candidate) in candidates.enumerated() { reasons[index] = candidate.preset }
        var fitSet: [Int] = []  // indices into `learnable`
        for l in learnable.indices {
            let c = learnable[l]
            let inBase = candidates[c].baseFactor != nil
            let presentFit = screeningFits[l][0].groups.filter { $0.kind != .missing && $0.evidence.count > 0 }
            let presentGroups = presentFit.count
            // Enough present values for two bins: pooling them all into one is the data's doing.
            let couldSplit = presentFit.reduce(0) { $0 + $1.evidence.count } >= 2 * minimumBin
            if let auc = singleAUC[l], auc >= options.leakThreshold {
                reasons[c] = .leak(auc: auc, threshold: options.leakThreshold)
            } else if flat[l] {
                // Flat after a monotone fit can mean the win rate moves the other way.
                if inBase, case .monotone(let rises) = candidates[c].request,
                    columnChecks[l].trend == !rises
                {
                    reasons[c] = .shapeContradicted(winRateShouldRise: rises)
                } else {
                    reasons[c] = .flat
                }
            } else if inBase, case .monotone(let rises) = candidates[c].request, presentGroups <= 1, couldSplit {
                // The declared direction pooled every value into one group: what is left is
                // missing against present, which is not what the factor means.
                reasons[c] = .shapeContradicted(winRateShouldRise: rises)
            } else if inBase {
                reasons[c] = .baseModelFactor
                fitSet.append(l)
            } else if !options.includedColumns.contains(columns[candidates[c].column].name),
                let hint = columnChecks[l].hint
            {
                reasons[c] = .possibleLeak(hint: hint, auc: singleAUC[l])
            } else if informationValues[l] >= options.minimumInformationValue {
                reasons[c] = .informative(iv: informationValues[l], threshold: options.minimumInformationValue)
                fitSet.append(l)
            } else {
                reasons[c] = .weakInformation(iv: informationValues[l], threshold: options.minimumInformationValue)
            }
        }
        var sides = learnable.map { candidates[$0].template.side }
        guard fitSet.contains(where: { sides[$0] == .value }) else { throw .noSignal }

        // The expert direction e (WeightFit's): 100 w for value, −100 p w for difficulty, 0 for new columns.
        let basePenalty = baseModel.grading.ranking.key == .priority ? baseModel.grading.ranking.difficultyPenalty : 1
        var expertAll: [Double] = learnable.map { c in
            guard let base = candidates[c].baseFactor else { return 0 }
            let factor = baseModel.factors[base]
            return factor.side == .value ? 100 * factor.weight : -100 * basePenalty * factor.weight
        }

        clock.lap("choosing columns")
        // 4. The base model on the same accounts: weights-only baseline and band shares (computed
        // alongside step 3, see `baseModelScores`).
        let (baseUtilities, baseScores) = try baseModelScores.wait().get()
        let baseValueBand = baseScores.value.map { baseModel.grading.valueBands.index(of: $0) }
        let baseDifficultyBand = baseScores.difficulty.map { baseModel.grading.difficultyBands.index(of: $0) }
        let baseGrade = (0..<n).map { baseModel.grading.grid[baseValueBand[$0]][baseDifficultyBand[$0]] }

        var trainRows: [[Int]] = Array(repeating: [], count: foldCount)
        var testRows: [[Int]] = Array(repeating: [], count: foldCount)
        for row in 0..<n {
            for fold in 0..<foldCount {
                if assignment[row] == fold { testRows[fold].append(row) } else { trainRows[fold].append(row) }
            }
        }
        clock.lap("base model scores")
        steps?.advance(plan.preparation)
        // 4a. The curves of the entered columns, learned jointly on fine bins (penalized
        // binned GAM); the screening groups above only decided which columns enter.
        var curveFits = screeningFits
        // Interactions by learnable index: the pair and its parents' learnable indices.
        var interactionOf: [Int: (pair: LearnedPair, first: Int, second: Int)] = [:]
        // Curves refitted together with the pairs: their utilities as learned without them, by learnable index.
        var curvesWithoutPairs: [Int: [[Double]]] = [:]
        if options.maximumCurveBins > 0 {
            let inputs = fitSet.map { l in
                CurveInput(
                    column: prepared[candidates[learnable[l]].prepared ?? 0], screening: screeningFits[l][0],
                    request: candidates[learnable[l]].request,
                    declaredSpecials: candidates[learnable[l]].template.specialValues.map(\.value))
            }
            let curves = try learnCurves(
                inputs, outcomes: outcomes, assignment: assignment, foldCount: foldCount, trainRows: trainRows,
                testRows: testRows, clock: clock, steps: steps)
            var sentinelNotes: [String] = []
            for (k, l) in fitSet.enumerated() {
                curveFits[l] = curves.fits[k]
                groupUtilities[l] = curves.fits[k].map { $0.utilities(side: sides[l]).utilities }
                if !curves.sentinels[k].isEmpty {
                    sentinelNotes.append(
                        candidates[learnable[l]].template.column + " = "
                            + curves.sentinels[k].map { formatPlain($0) }.joined(separator: ", "))
                }
            }
            if !sentinelNotes.isEmpty {
                notes.append("Special values with a utility of their own (declared, or sentinels found at the edge of the range; not smoothed into their neighbours, written under special_values): \(sentinelNotes.joined(separator: "; ")).")
            }
            let ownStrengths = fitSet.indices.compactMap { k -> String? in
                guard k < curves.multipliers.count, curves.multipliers[k] != 1 else { return nil }
                return candidates[learnable[fitSet[k]]].template.column + " " + String(format: "%g", curves.lambda * curves.multipliers[k])
            }
            notes.append(
                "Curves learned jointly on up to \(curves.binLimit) fine bins per numeric factor; smoothing strength \(formatPlain(curves.lambda)) chosen by out-of-fold log loss"
                    + (ownStrengths.isEmpty ? "." : "; refined per factor by the same loss: \(ownStrengths.joined(separator: ", "))."))
            // 4a'. Pairwise interactions on the residuals of the curves: each joins as a
            // derived column whose groups are the cells of its table.
            // Columns with no effect of their own may still interact (new columns only: a base
            // factor left out keeps its base scale, whose groups a table cannot name).
            let others = learnable.indices.filter { l in
                guard !fitSet.contains(l), candidates[learnable[l]].baseFactor == nil else { return false }
                switch reasons[learnable[l]] {
                case .weakInformation, .flat: break
                default: return false
                }
                // Written as a factor of weight 0, its scale must be valid: two bins, or a category.
                let kinds = screeningFits[l][0].groups.map(\.kind)
                let bins = kinds.filter { if case .bin = $0 { return true } else { return false } }.count
                let categories = kinds.filter { if case .category = $0 { return true } else { return false } }.count
                return bins >= 2 || categories >= 1
            }
            let pairs = learnInteractions(
                inputs, others: others.map { (prepared[candidates[learnable[$0]].prepared ?? 0], screeningFits[$0][0]) },
                curves: curves, outcomes: outcomes, foldCount: foldCount, trainRows: trainRows, testRows: testRows)
            clock.lap("interactions: FAST ranking, selection on the folds, tables")
            steps?.advance(plan.interactions)
            var tableFits = pairs.map(\.fits)
            // Outer bags always refit the final model (the curves alone when no pair joined).
            let bags = options.outerBags
            if bags > 1 || (!pairs.isEmpty && options.refitsWithInteractions && n <= Self.largeHistory) {
                let joint = try refitJointly(
                    inputs, curves: curves, pairs: pairs, outcomes: outcomes, assignment: assignment, trainRows: trainRows,
                    bags: bags)
                // The comparison's "without interactions" keeps the curves learned without them,
                // bagged as the model is.
                let plain =
                    bags > 1 && !pairs.isEmpty
                    ? try refitJointly(
                        inputs, curves: curves, pairs: [], outcomes: outcomes, assignment: assignment, trainRows: trainRows,
                        bags: bags) : nil
                for (k, l) in fitSet.enumerated() {
                    if !pairs.isEmpty {
                        curvesWithoutPairs[l] = plain.map { $0.curves[k].map { $0.utilities(side: sides[l]).utilities } } ?? groupUtilities[l]
                    }
                    curveFits[l] = joint.curves[k]
                    groupUtilities[l] = joint.curves[k].map { $0.utilities(side: sides[l]).utilities }
                }
                tableFits = joint.pairs
                clock.lap(bags > 1 ? "final fit: \(bags) outer bags per slot" : "interactions: curves and tables fitted together")
                if bags > 1 {
                    notes.append(
                        "The curves\(pairs.isEmpty ? "" : " and tables") are the mean of \(bags) fits, each on a random \(Int((options.baggedShare * 100).rounded()))% of the accounts (outer bags).")
                }
            }
            let entered = fitSet + others
            for (pair, fits) in zip(pairs, tableFits) {
                let first = entered[pair.first]
                let second = entered[pair.second]
                let a = candidates[learnable[first]]
                let b = candidates[learnable[second]]
                var id = "\(a.template.id)_x_\(b.template.id)"
                while usedIDs.contains(id) { id += "_2" }
                usedIDs.insert(id)
                let template = Factor(
                    id: id, label: LocalizedLabel(en: "\(a.template.label.en) × \(b.template.label.en)", zh: "\(a.template.label.zh) × \(b.template.label.zh)"),
                    column: a.template.column, side: .value, weight: 0, direction: .increasing, scale: .linear(min: 0, max: 1),
                    missing: .neutral, unit: a.template.unit, source: "pairwise interaction learned from outcomes (kam model fit)")
                candidates.append(
                    Candidate(column: a.column, baseFactor: nil, template: template, request: .free, prepared: a.prepared, preset: nil))
                reasons.append(.interaction(improvement: pair.improvement))
                learnable.append(candidates.count - 1)
                let l = learnable.count - 1
                curveFits.append(fits)
                groupUtilities.append(fits.map { $0.utilities(side: .value).utilities })
                informationValues.append(OutcomeBinning.informationValue(pair.fits[0].groups.map(\.evidence)))
                singleAUC.append(nil)
                sides.append(.value)
                expertAll.append(0)
                fitSet.append(l)
                interactionOf[l] = (pair, first, second)
            }
            if !pairs.isEmpty {
                notes.append(
                    "Pairwise interactions (FAST-ranked, kept while they lower the out-of-fold log loss): "
                        + pairs.map { "\(candidates[learnable[entered[$0.first]]].template.column) × \(candidates[learnable[entered[$0.second]]].template.column)" }
                        .joined(separator: ", ") + ".")
            }
        }
        clock.lap("interactions: derived columns")
        let fits = curveFits
        let grid = options.strength == .crossValidated ? weightStrengthGrid(accounts: n) : {
            if case .fixed(let lambda) = options.strength { return [lambda] }
            return [1]
        }()

        // 4b. Orientation of new columns. A base factor keeps the expert's direction (a wrong
        // sign drops it below). A column the base model does not have has no declared
        // direction: when, given the other factors, its coefficient is negative in a joint
        // ridge fit on every row (collinear indicators often turn), its utility is reversed,
        // u → 1 − u, in every fold, so that it enters with a positive weight instead of being
        // dropped. The report says which were reversed.
        var reversedColumns: [Int] = []  // indices into `learnable`
        let newColumns = fitSet.filter { candidates[learnable[$0]].baseFactor == nil }
        if !newColumns.isEmpty {
            let allRows = Array(0..<n)
            let design = Self.design(rows: allRows, tables: fitSet.map { groupUtilities[$0][0] }, groups: fitSet.map { fits[$0][0].rowGroup })
            let terms = fitSet.count + 1
            let orientation = try RidgeLogistic.fit(
                design: design, outcomes: outcomes, penalty: [0] + [Double](repeating: 1, count: fitSet.count),
                prior: [Double](repeating: 0, count: terms), start: [Double](repeating: 0, count: terms))
            var reversed: [Int] = []
            for (position, l) in fitSet.enumerated() where candidates[learnable[l]].baseFactor == nil {
                let beta = orientation.coefficients[position + 1]
                guard (sides[l] == .value ? beta : -beta) < 0 else { continue }
                groupUtilities[l] = groupUtilities[l].map { table in table.map { 1 - $0 } }
                curvesWithoutPairs[l] = curvesWithoutPairs[l].map { $0.map { table in table.map { 1 - $0 } } }
                reversed.append(l)
            }
            reversedColumns = reversed
        }
        let utilities = groupUtilities
        let plainUtilities = curvesWithoutPairs

        clock.lap("orientation of new columns")
        // 5. λ by cross-validation on the learned utilities (each fold's own groups).
        @Sendable func learnedDesign(_ active: [Int], slot: Int, rows: [Int]) -> Matrix {
            Self.design(rows: rows, tables: active.map { utilities[$0][slot] }, groups: active.map { fits[$0][slot].rowGroup })
        }
        /// The design of the curves as learned before any pair joined (the refit with the pairs
        /// changes neither a curve's groups nor its rows' groups, only its utilities).
        @Sendable func plainDesign(_ active: [Int], slot: Int, rows: [Int]) -> Matrix {
            Self.design(
                rows: rows, tables: active.map { (plainUtilities[$0] ?? utilities[$0])[slot] },
                groups: active.map { fits[$0][slot].rowGroup })
        }
        let pathColumns = fitSet
        let learnedPath = try crossValidatedPath(
            folds: foldCount, trainRows: trainRows, testRows: testRows, outcomes: outcomes, grid: grid,
            expert: fitSet.map { expertAll[$0] }, n: n, computesAUC: false, steps: steps
        ) { fold, rows in learnedDesign(pathColumns, slot: fold + 1, rows: rows) }
        let lambda = learnedPath.lambda

        clock.lap("weights: λ path on the folds")
        // 5'. With interactions, the same curves without them, for the comparison (item 4 of
        // the report: with and without interactions on the same folds, Platt-calibrated per fold).
        // Above ``largeHistory`` accounts, at the strength chosen above rather than on its own
        // path (for time; there the strength barely moves the weights).
        var withoutInteractionsProbability: [Double]?
        let plainColumns = fitSet.filter { interactionOf[$0] == nil }
        if plainColumns.count < fitSet.count {
            let plainPath = try crossValidatedPath(
                folds: foldCount, trainRows: trainRows, testRows: testRows, outcomes: outcomes,
                grid: n > Self.largeHistory ? [lambda] : grid,
                expert: plainColumns.map { expertAll[$0] }, n: n, computesAUC: false
            ) { fold, rows in plainDesign(plainColumns, slot: fold + 1, rows: rows) }
            var probability = [Double](repeating: 0, count: n)
            for fold in 0..<foldCount {
                let train = trainRows[fold]
                let trainEta = plainDesign(plainColumns, slot: fold + 1, rows: train).multiplied(by: plainPath.coefficients[fold])
                let platt = PlattScaling.fit(scores: trainEta, outcomes: train.map { outcomes[$0] })
                for row in testRows[fold] {
                    probability[row] = LogisticRegression.logistic(platt.intercept + platt.slope * plainPath.outOfFold[row])
                }
            }
            withoutInteractionsProbability = probability
            clock.lap("weights without interactions (comparison)")
        }
        // 6. Weights-only baseline: the base model's utilities, same folds.
        let baseExpert = WeightFit.expertDirection(baseModel)
        let baseMatrix = baseUtilities.matrix
        let weightsOnlyPath = try crossValidatedPath(
            folds: foldCount, trainRows: trainRows, testRows: testRows, outcomes: outcomes, grid: grid,
            expert: baseExpert, n: n, computesAUC: false, steps: steps
        ) { _, rows in Self.design(rows: rows, matrix: baseMatrix) }
        let weightsOnlyProbability = weightsOnlyPath.outOfFold.map(LogisticRegression.logistic)

        clock.lap("weights-only baseline path")
        // 7. Each fold at λ: drop contradicted factors, calibrators, grades, contributions;
        // and (8.) the final fit on every row. The folds and the final fit are independent:
        // they run on the available cores, each computing alone what the loop over the folds
        // computed, and their results are written back in fold order (every sum keeps its
        // order, so the figures are the same bits as one fold after the other).
        let sideCount = Double(Set(baseModel.factors.map(\.side)).count)
        let stages = data.stages
        let pseudoCounts = options.pseudoCounts
        let allRows = Array(0..<n)
        let averageStart = (0..<(fitSet.count + 1)).map { term in
            learnedPath.coefficients.reduce(0) { $0 + $1[term] } / Double(foldCount)
        }
        let frozenFitSet = fitSet
        let frozenSides = sides
        let frozenExpert = expertAll
        let frozenInteractions = Set(interactionOf.keys)
        let foldTrainRows = trainRows
        let foldTestRows = testRows
        // Job 0 is the final fit (the longest, so it starts first), jobs 1… the folds.
        // Each fold's rows are written into these as soon as it is done (so that at most the
        // folds in flight hold theirs); the folds' held-out rows are disjoint.
        let sink = FoldRowsSink(count: n, columns: fitSet.count)
        let refits = parallelMap(foldCount + 1) { job -> Result<FoldRefit, LearningError> in
            do throws(LearningError) {
                if job == 0 {
                    let (active, fit, dropped, _) = try fitDroppingContradicted(
                        frozenFitSet, sides: frozenSides, lambda: lambda, outcomes: outcomes, expertAll: frozenExpert,
                        start: averageStart
                    ) { active in learnedDesign(active, slot: 0, rows: allRows) }
                    return .success(.final(active: active, fit: fit, dropped: dropped))
                }
                let fold = job - 1
                let refit = try refitFold(
                    fold, fitSet: frozenFitSet, sides: frozenSides, expertAll: frozenExpert, interactions: frozenInteractions,
                    fits: fits, lambda: lambda, start: learnedPath.coefficients[fold], prior: learnedPath.priors[fold],
                    trainRows: foldTrainRows[fold], testRows: foldTestRows[fold], outcomes: outcomes, stages: stages,
                    sideCount: sideCount, pseudoCounts: pseudoCounts, design: learnedDesign)
                sink.store(refit)
                steps?.advance()
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
        let oofEta = sink.eta
        let plattProbability = sink.platt
        let isotonicProbability = sink.isotonic
        let oofValue = sink.value
        let oofDifficulty = sink.difficulty
        let oofCompleteness = sink.completeness
        let withoutEta = sink.without
        let baseRateProbability = sink.baseRate
        let stageProbability = sink.stage
        clock.lap("fold refits (contradicted, calibrators, contributions) and final weights fit")
        guard case let (finalActive, finalFit, dropped)? = finalResult else { preconditionFailure("the final fit has no result") }
        let finalCoefficients = Array(finalFit.coefficients.dropFirst())
        let intercept = finalFit.coefficients[0]
        let finalWeights = Self.sideWeights(finalActive.map { sides[$0] }, coefficients: finalCoefficients)
        for l in fitSet where !finalActive.contains(l) {
            reasons[learnable[l]] = .contradicted(coefficient: dropped[l] ?? 0)
        }
        // One verdict per column: a reversed column that the final fit still drops is only
        // "contradicted"; the note lists the reversed columns that are in the model.
        let reversedKept = reversedColumns.filter { finalActive.contains($0) }
        if !reversedKept.isEmpty {
            notes.append(
                "Reversed, given the other factors (their utility falls where their own win rate rises): "
                    + reversedKept.map { candidates[learnable[$0]].template.column }.joined(separator: ", ") + ".")
        }

        // Calibration: chosen on the folds, fitted on the out-of-fold log-odds on the priority scale.
        let plattLoss = BinaryOutcomeMetrics.logLoss(probabilities: plattProbability, outcomes: outcomes) ?? .infinity
        let isotonicLoss = BinaryOutcomeMetrics.logLoss(probabilities: isotonicProbability, outcomes: outcomes) ?? .infinity
        let useIsotonic: Bool
        switch options.calibration {
        case .crossValidated: useIsotonic = isotonicLoss < plattLoss
        case .platt: useIsotonic = false
        case .isotonic: useIsotonic = true
        }
        let valueSum = finalWeights.valueSum
        let oofPriority = oofEta.map { ($0 - intercept) * 100 / valueSum }
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

        clock.lap("calibration")
        // 9. The learned factors, in base model order, then the new ones.
        var factors: [Factor] = []
        var factorUtilityColumns: [[Double]] = []  // final utility per row, per model factor
        var factorPresent: [[Bool]] = []
        var coefficientOfCandidate = [Double?](repeating: nil, count: candidates.count)
        let difficultyFallback = finalWeights.difficultySum <= 0
        if difficultyFallback {
            notes.append("No difficulty factor carries information once the value factors are in: the difficulty penalty is 0 and the difficulty weights are equal.")
        }
        func learnedFactor(_ l: Int) -> (Factor, [Double], [Bool]) {
            let c = learnable[l]
            let template = candidates[c].template
            let fit = fits[l][0]
            let groupUtility = utilities[l][0]
            let decreasing = template.direction == .decreasing
            func stored(_ u: Double) -> Double { decreasing ? 1 - u : u }
            let scale: Scale
            var specialValues: [SpecialValue] = []
            if let (pair, first, second) = interactionOf[l] {
                // The table of cell utilities, rows the first axis's groups, then missing.
                let columns = pair.secondAxis.presentGroups + 1
                let rows = pair.firstAxis.presentGroups + 1
                let table = Interaction(
                    first: Interaction.Axis(factor: candidates[learnable[first]].template.id, edges: pair.firstAxis.edges),
                    second: Interaction.Axis(
                        factor: candidates[learnable[second]].template.id, edges: pair.secondAxis.edges,
                        labels: pair.secondAxis.labels),
                    utilities: (0..<rows).map { i in (0..<columns).map { j in groupUtility[i * columns + j] } })
                let position = finalActive.firstIndex(of: l)
                coefficientOfCandidate[c] = position.map { finalCoefficients[$0] }
                let factor = Factor(
                    id: template.id, label: template.label, column: template.column, side: .value,
                    weight: position.map { finalWeights.weights[$0] } ?? 0, direction: .increasing,
                    scale: .interaction(table), missing: .neutral, unit: template.unit, source: template.source)
                let values = prepared[candidates[c].prepared ?? 0].values
                return (factor, fit.rowGroup.map { groupUtility[Int($0)] }, values.map { !$0.isNaN })
            }
            if prepared[candidates[c].prepared ?? 0].isCategorical {
                var map: [Scale.Category] = []
                var other: Scale.Category?
                for (g, group) in fit.groups.enumerated() {
                    switch group.kind {
                    case .category(let label):
                        map.append(Scale.Category(label: label, utility: stored(groupUtility[g]), evidence: group.evidence))
                    case .other:
                        other = Scale.Category(label: Scale.otherLabel, utility: stored(groupUtility[g]), evidence: group.evidence)
                    default: break
                    }
                }
                if map.isEmpty, let pooled = other {
                    // Every label was rare: keep one category so the scale is valid.
                    map = [Scale.Category(label: Scale.otherLabel + "_only", utility: pooled.utility, evidence: Evidence(count: 0, won: 0))]
                }
                scale = .categorical(map: map, other: other)
            } else {
                // Special values (declared or found) keep their own final utility, outside the bins.
                var bins: [Scale.Bin] = []
                for (g, group) in fit.groups.enumerated() where !fit.specialGroups.contains(where: { $0.group == g }) {
                    if case .bin(_, let upper) = group.kind {
                        bins.append(Scale.Bin(upper: upper, utility: stored(groupUtility[g]), evidence: group.evidence))
                    }
                }
                scale = .binned(bins: bins)
                specialValues = fit.specialGroups.map { group, value in
                    SpecialValue(
                        value: value, utility: groupUtility[group],
                        label: template.specialValues.first { $0.value == value }?.label,
                        evidence: fit.groups[group].evidence)
                }
            }
            let missingGroup = fit.missingGroup
            let missing = MissingPolicy.fixed(utility: groupUtility[missingGroup], evidence: fit.groups[missingGroup].evidence)
            let position = finalActive.firstIndex(of: l)
            var weight = position.map { finalWeights.weights[$0] } ?? 0
            if difficultyFallback, template.side == .difficulty { weight = 1 }
            coefficientOfCandidate[c] = position.map { finalCoefficients[$0] }
            let factor = Factor(
                id: template.id, label: template.label, column: template.column, side: template.side, weight: weight,
                direction: template.direction, scale: scale, missing: missing,
                unit: scale.kind == "categorical" ? nil : template.unit, source: template.source,
                specialValues: specialValues)
            let rowUtility = fit.rowGroup.map { groupUtility[Int($0)] }
            let present = fit.rowGroup.map { Int($0) != missingGroup }
            return (factor, rowUtility, present)
        }
        var factorDataColumn: [Int] = []  // the data column of every model factor
        for (baseIndex, baseFactor) in baseModel.factors.enumerated() {
            guard let c = candidates.firstIndex(where: { $0.baseFactor == baseIndex }) else { continue }
            factorDataColumn.append(factorColumn[baseIndex])
            if let l = learnable.firstIndex(of: c) {
                let (factor, column, present) = learnedFactor(l)
                factors.append(factor)
                factorUtilityColumns.append(column)
                factorPresent.append(present)
            } else {
                let weight = difficultyFallback && baseFactor.side == .difficulty ? 1.0 : 0.0
                factors.append(baseFactor.withWeight(weight))
                factorUtilityColumns.append((0..<n).map { baseUtilities.matrix[$0, baseIndex] })
                factorPresent.append((0..<n).map { baseUtilities.present[$0 * baseModel.factors.count + baseIndex] })
            }
        }
        // New columns in the fit, then parents of interactions not otherwise in (weight 0),
        // then the interactions.
        var newFactors = finalActive.filter { candidates[learnable[$0]].baseFactor == nil && interactionOf[$0] == nil }
        let activeInteractions = finalActive.filter { interactionOf[$0] != nil }
        for l in activeInteractions {
            for parent in [interactionOf[l]!.first, interactionOf[l]!.second]
            where candidates[learnable[parent]].baseFactor == nil && !newFactors.contains(parent) {
                newFactors.append(parent)
            }
        }
        for l in newFactors + activeInteractions {
            factorDataColumn.append(candidates[learnable[l]].column)
            let (factor, column, present) = learnedFactor(l)
            factors.append(factor)
            factorUtilityColumns.append(column)
            factorPresent.append(present)
        }

        // 10. Grading cuts (win rates falling A to D, shares near the base model's), and the model.
        let factorCount = factors.count
        var elements = [Double](repeating: 0, count: n * factorCount)
        for (j, column) in factorUtilityColumns.enumerated() {
            for row in 0..<n { elements[row * factorCount + j] = column[row] }
        }
        let utilityMatrix = Matrix(rows: n, columns: factorCount, elements: elements)
        clock.lap("factors")
        let model: ScoringModel
        let scores: ScoreColumns
        var completeness = [Double](repeating: 0, count: n)
        let gradeChoice: GradeCutChoice
        // The grade search is most of the finishing steps; the last two are the check
        // through the scoring pipeline and the reports.
        let searchSteps = plan.finishing - 2
        var searchStepsDone = 0
        do {
            let provisional = try baseModel.replacing(factors: factors)
            scores = ScoreColumns(try Scorer(model: provisional).scores(utilityMatrix), scenario: 0)
            let shares = UtilityBuilder(model: provisional).completenessShares
            for (j, present) in factorPresent.enumerated() {
                for row in 0..<n where present[row] { completeness[row] += shares[j] }
            }
            completeness = completeness.map { min($0, 1) }
            let minimum = baseModel.grading.minimumCompleteness
            let penalty = difficultyFallback ? 0 : finalWeights.penalty
            gradeChoice = try Self.learnedGrading(
                base: baseModel.grading,
                training: GradeScores(
                    value: scores.value, difficulty: scores.difficulty, outcomes: outcomes,
                    graded: completeness.map { $0 >= minimum }),
                outOfFold: GradeScores(
                    value: oofValue, difficulty: oofDifficulty, outcomes: outcomes,
                    graded: oofCompleteness.map { $0 >= minimum }),
                baseGrades: baseGrade, baseValueBands: baseValueBand, baseDifficultyBands: baseDifficultyBand,
                penalty: penalty
            ) { share in
                let reached = min(Int(share * Double(searchSteps)), searchSteps)
                guard let steps, reached > searchStepsDone else { return }
                steps.advance(reached - searchStepsDone)
                searchStepsDone = reached
            }
            model = try provisional.replacing(grading: gradeChoice.grading, calibration: .some(calibration))
        } catch let error as ModelError {
            throw .model(error)
        } catch let error as LearningError {
            throw error
        } catch {
            throw .model(.noFactors)
        }
        notes += gradeChoice.notes
        let oofGrades = (0..<n).map {
            model.grading.grade(value: oofValue[$0], difficulty: oofDifficulty[$0], completeness: oofCompleteness[$0])
        }
        let priority = (0..<n).map { model.grading.ranking.key(value: scores.value[$0], difficulty: scores.difficulty[$0]) }
        let probability = priority.map { calibration.probability(ofScore: $0) }
        let grades = (0..<n).map {
            model.grading.grade(value: scores.value[$0], difficulty: scores.difficulty[$0], completeness: completeness[$0])
        }
        let trainingScores = AccountScores(
            value: scores.value, difficulty: scores.difficulty, priority: priority, probability: probability,
            completeness: completeness, grades: grades)
        let trainingGradeWinRates = Self.gradeWinRates(grades: grades, outcomes: outcomes)

        clock.lap("scores, grade cuts")
        steps?.advance(searchSteps - searchStepsDone)
        // 10b. The grade table the report prints for the training accounts must be the one the
        // model as written gives them, scored the way `kam rank` scores (ScoringPipeline).
        // It reads only the model and the data, so it runs on a thread of its own while this
        // one writes the reports; a failure is thrown once they are done (nothing below throws).
        let dataColumns = factorDataColumn
        let pipelineCheck = Background { () -> Result<[Grade], LearningError> in
            do throws(LearningError) {
                return .success(try Self.pipelineGrades(model: model, data: data, columnOf: dataColumns))
            } catch {
                return .failure(error)
            }
        }
        // 11. Reports.
        let modelAUC = RankStatistics.areaUnderROC(scores: oofEta, outcomes: outcomes)
        // The out-of-fold AUC without each factor of the fit (a sort of every account each: on all cores).
        let withoutScores = withoutEta
        let withoutAUC = parallelMap(fitSet.count) { RankStatistics.areaUnderROC(scores: withoutScores[$0], outcomes: outcomes) }
        var reports: [FactorReport] = []
        for (c, candidate) in candidates.enumerated() {
            let template = candidate.template
            let l = learnable.firstIndex(of: c)
            var groups: [FactorReport.Group] = []
            var shape: FactorReport.Shape?
            if let l {
                let fit = fits[l][0]
                shape = fit.shape
                for (g, group) in fit.groups.enumerated() {
                    let utility = utilities[l][0][g]
                    let isMissing = group.kind == .missing
                    groups.append(
                        FactorReport.Group(
                            kind: group.kind, count: group.evidence.count, won: group.evidence.won, logOdds: group.logOdds,
                            weightOfEvidence: OutcomeBinning.weightOfEvidence(group.evidence, won: won, lost: lost),
                            utility: utility,
                            scaleUtility: isMissing || template.direction == .increasing ? utility : 1 - utility))
                }
            }
            let contribution: Double? = l.flatMap { l in
                fitSet.firstIndex(of: l).flatMap { k in
                    guard let full = modelAUC, let without = withoutAUC[k] else { return nil }
                    return full - without
                }
            }
            let kept: Bool
            switch reasons[c] {
            case .baseModelFactor, .informative, .interaction: kept = true
            default: kept = false
            }
            let reportColumn =
                l.flatMap { interactionOf[$0] }.map {
                    "\(columns[candidates[learnable[$0.first]].column].name) × \(columns[candidates[learnable[$0.second]].column].name)"
                } ?? columns[candidate.column].name
            reports.append(
                FactorReport(
                    column: reportColumn, factorID: template.id, label: template.label, side: template.side,
                    direction: template.direction, inBaseModel: candidate.baseFactor != nil,
                    kind: columns[candidate.column].isCategorical ? .categorical : .numeric, shape: shape,
                    status: kept ? .kept : .leftOut, reason: reasons[c] ?? .notConsidered, groups: groups,
                    informationValue: l.map { informationValues[$0] }, singleFactorAUC: l.flatMap { singleAUC[$0] },
                    contribution: contribution, coefficient: coefficientOfCandidate[c],
                    weight: kept || candidate.baseFactor != nil
                        ? model.factors.first { $0.id == template.id }?.weight ?? 0 : 0))
        }
        let leaks = reports.filter { if case .leak = $0.reason { return true } else { return false } }
        if !leaks.isEmpty {
            notes.append("Left out as likely leaks (written after the outcome): \(leaks.map(\.column).joined(separator: ", ")).")
        }

        let learnedProbability = useIsotonic ? isotonicProbability : plattProbability
        let bins = options.calibrationBins
        let metrics = MetricsTable(
            learned: OutcomeMetrics(probabilities: learnedProbability, outcomes: outcomes, calibrationBins: bins),
            weightsOnly: OutcomeMetrics(probabilities: weightsOnlyProbability, outcomes: outcomes, calibrationBins: bins),
            stageBaseline: data.stages == nil
                ? nil : OutcomeMetrics(probabilities: stageProbability, outcomes: outcomes, calibrationBins: bins),
            baseRate: OutcomeMetrics(probabilities: baseRateProbability, outcomes: outcomes, calibrationBins: bins))
        // The base model as written: its priority, Platt-calibrated on each fold's training rows.
        var baseModelProbability = [Double](repeating: 0, count: n)
        let basePriority = (0..<n).map {
            baseModel.grading.ranking.key(value: baseScores.value[$0], difficulty: baseScores.difficulty[$0])
        }
        for fold in 0..<foldCount {
            let platt = PlattScaling.fit(
                scores: trainRows[fold].map { basePriority[$0] }, outcomes: trainRows[fold].map { outcomes[$0] })
            for row in testRows[fold] {
                baseModelProbability[row] = LogisticRegression.logistic(platt.intercept + platt.slope * basePriority[row])
            }
        }
        var compared: [(ModelComparison.Candidate, [Double])] = [(.baseModel, baseModelProbability), (.weightsOnly, weightsOnlyProbability)]
        if let withoutInteractionsProbability {
            compared += [(.learned, withoutInteractionsProbability), (.learnedWithInteractions, learnedProbability)]
        } else {
            compared.append((.learned, learnedProbability))
        }
        let comparison = ModelComparison(
            probabilities: compared,
            outcomes: outcomes, assignment: assignment, folds: foldCount)
        clock.lap("reports")
        let scoredTable = Self.gradeWinRates(grades: try pipelineCheck.wait().get(), outcomes: outcomes)
        guard scoredTable == trainingGradeWinRates else {
            throw .gradesNotReproduced(printed: trainingGradeWinRates, scored: scoredTable)
        }
        clock.lap("grades checked through the scoring pipeline (after the reports, alongside them)")
        steps?.advance()
        steps?.finish()
        return LearnedModel(
            model: model, factors: reports, metrics: metrics, comparison: comparison,
            gradeWinRates: Self.gradeWinRates(grades: oofGrades, outcomes: outcomes),
            trainingGradeWinRates: trainingGradeWinRates, gradesOrdered: gradeChoice.ordered,
            strength: lambda, strengthTable: learnedPath.table, calibrationMethod: useIsotonic ? "isotonic" : "platt",
            calibrationLogLoss: CalibrationComparison(platt: plattLoss, isotonic: isotonicLoss),
            difficultyPenalty: model.grading.ranking.difficultyPenalty, intercept: intercept,
            valueCoefficientSum: valueSum, folds: foldCount, seed: options.seed, outcomeCount: n, wonCount: won,
            minimumBinCount: minimumBin, trainingScores: trainingScores, notes: notes, timings: clock.phases)
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
        var eta: [Double]
        var platt: [Double]
        var isotonic: [Double]
        var value: [Double]
        var difficulty: [Double]
        var completeness: [Double]
        var without: [[Double]]
        var baseRate: [Double]
        var stage: [Double]

        init(count n: Int, columns: Int) {
            let zeros = [Double](repeating: 0, count: n)
            (eta, platt, isotonic, value, difficulty, completeness) = (zeros, zeros, zeros, zeros, zeros, zeros)
            without = [[Double]](repeating: zeros, count: columns)
            (baseRate, stage) = (zeros, zeros)
        }

        func store(_ refit: FoldRows) {
            lock.lock()
            defer { lock.unlock() }
            for (position, row) in refit.test.enumerated() {
                eta[row] = refit.eta[position]
                platt[row] = refit.platt[position]
                isotonic[row] = refit.isotonic[position]
                value[row] = refit.value[position]
                difficulty[row] = refit.difficulty[position]
                completeness[row] = refit.completeness[position]
                baseRate[row] = refit.baseRate
                if let stage = refit.stage { self.stage[row] = stage[position] }
            }
            for k in without.indices {
                for (position, row) in refit.test.enumerated() { without[k][row] = refit.without[k][position] }
            }
        }
    }

    /// One fold's held-out rows and what its refit says of each (see ``refitFold``).
    struct FoldRows: Sendable {
        var test: [Int]
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
            test: test, eta: testEta, platt: plattProbability, isotonic: isotonicProbability, value: testScores.value,
            difficulty: testScores.difficulty, completeness: completenessOfRow, without: without, baseRate: rate,
            stage: stageProbability)
    }
}
