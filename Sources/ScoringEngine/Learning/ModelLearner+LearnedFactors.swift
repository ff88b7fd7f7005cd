import Foundation
import LinearAlgebra

// The last phases of a learner run (see `learnOnThisThread`): the learned factors, the
// grade cuts and the model, and the reports.

extension ModelLearner {
    /// The model's factors, in base model order, then the new ones, with each factor's final
    /// utility and presence per row.
    struct LearnedFactors: Sendable {
        var factors: [Factor] = []
        /// Final utility per row, per model factor.
        var utilityColumns: [UtilityColumn] = []
        var present: [[Bool]] = []
        /// The data column of every model factor.
        var dataColumn: [Int] = []
        /// The final fit's coefficient of each candidate in it.
        var coefficientOfCandidate: [Double?]
        /// No difficulty factor carries information: the penalty is 0, the difficulty weights equal.
        var difficultyFallback: Bool

        mutating func append(_ learned: LearnedFactor) {
            factors.append(learned.factor)
            utilityColumns.append(learned.utility)
            present.append(learned.present)
        }
    }

    /// A learned factor and what the model does with it: each row's utility and presence.
    typealias LearnedFactor = (factor: Factor, utility: UtilityColumn, present: [Bool])

    /// A factor's utility on every row: its groups' utilities by each row's group (held as
    /// the fit's group column, not copied per row), or the values themselves.
    enum UtilityColumn: Sendable {
        case grouped(rowGroup: [UInt16], utilities: [Double])
        case values([Double])
    }

    /// 9. The learned factors, in base model order (a base factor not learned keeps its
    /// scale, at weight 0), then the new columns in the fit, the parents of interactions not
    /// otherwise in (weight 0), and the interactions.
    func learnedFactors(
        _ run: LearningRun, columns: LearningColumns, designs: LearnedDesigns, prepared: [PreparedColumn],
        final: FinalWeights, base: BaseModelScores, factorColumn: [Int], notes: inout [String]
    ) -> LearnedFactors {
        let baseModel = run.baseModel
        let candidates = columns.candidates
        let learnable = columns.learnable
        var learned = LearnedFactors(
            coefficientOfCandidate: [Double?](repeating: nil, count: candidates.count),
            difficultyFallback: final.weights.difficultySum <= 0)
        if learned.difficultyFallback {
            notes.append(
                "No difficulty factor carries information once the value factors are in: the difficulty penalty is 0 and the difficulty weights are equal."
            )
        }
        func add(_ l: Int) {
            let (factor, coefficient) = learnedFactor(
                l, columns: columns, designs: designs, prepared: prepared, final: final,
                difficultyFallback: learned.difficultyFallback)
            learned.coefficientOfCandidate[learnable[l]] = coefficient
            learned.append(factor)
        }
        for (baseIndex, baseFactor) in baseModel.factors.enumerated() {
            guard let c = candidates.firstIndex(where: { $0.baseFactor == baseIndex }) else { continue }
            learned.dataColumn.append(factorColumn[baseIndex])
            if let l = learnable.firstIndex(of: c) {
                add(l)
            } else {
                let weight = learned.difficultyFallback && baseFactor.side == .difficulty ? 1.0 : 0.0
                learned.append(
                    (
                        baseFactor.withWeight(weight), .values((0..<run.n).map { base.utilities.matrix[$0, baseIndex] }),
                        (0..<run.n).map { base.utilities.present[$0 * baseModel.factors.count + baseIndex] }
                    ))
            }
        }
        let interactionOf = columns.interactionOf
        var newFactors = final.active.filter { candidates[learnable[$0]].baseFactor == nil && interactionOf[$0] == nil }
        let activeInteractions = final.active.filter { interactionOf[$0] != nil }
        for l in activeInteractions {
            for parent in [interactionOf[l]!.first, interactionOf[l]!.second]
            where candidates[learnable[parent]].baseFactor == nil && !newFactors.contains(parent) {
                newFactors.append(parent)
            }
        }
        for l in newFactors + activeInteractions {
            learned.dataColumn.append(candidates[learnable[l]].column)
            add(l)
        }
        return learned
    }

    /// Learnable column `l` as a model factor: its scale from its groups' final utilities
    /// (bins, categories or an interaction table; special values and missing apart), its
    /// weight in the final fit; and its coefficient there.
    func learnedFactor(
        _ l: Int, columns: LearningColumns, designs: LearnedDesigns, prepared: [PreparedColumn], final: FinalWeights,
        difficultyFallback: Bool
    ) -> (LearnedFactor, coefficient: Double?) {
        let c = columns.learnable[l]
        let template = columns.candidates[c].template
        let fit = designs.fits[l][0]
        let groupUtility = designs.utilities[l][0]
        let position = final.active.firstIndex(of: l)
        let coefficient = position.map { final.coefficients[$0] }
        let column = prepared[columns.candidates[c].prepared ?? 0]
        if let interaction = columns.interactionOf[l] {
            let factor = interactionFactor(
                interaction, template: template, columns: columns, groupUtility: groupUtility,
                weight: position.map { final.weights.weights[$0] } ?? 0)
            return ((factor, .grouped(rowGroup: fit.rowGroup, utilities: groupUtility), column.values.map { !$0.isNaN }), coefficient)
        }
        let (scale, specialValues) = Self.learnedScale(
            fit, template: template, groupUtility: groupUtility, isCategorical: column.isCategorical)
        let missingGroup = fit.missingGroup
        let missing = MissingPolicy.fixed(utility: groupUtility[missingGroup], evidence: fit.groups[missingGroup].evidence)
        var weight = position.map { final.weights.weights[$0] } ?? 0
        if difficultyFallback, template.side == .difficulty { weight = 1 }
        let factor = Factor(
            id: template.id, label: template.label, column: template.column, side: template.side, weight: weight,
            direction: template.direction, scale: scale, missing: missing,
            unit: scale.kind == "categorical" ? nil : template.unit, source: template.source,
            specialValues: specialValues)
        let present = fit.rowGroup.map { Int($0) != missingGroup }
        return ((factor, .grouped(rowGroup: fit.rowGroup, utilities: groupUtility), present), coefficient)
    }

    /// An interaction as a factor: the table of cell utilities, rows the first axis's groups,
    /// then missing.
    func interactionFactor(
        _ interaction: (pair: LearnedPair, first: Int, second: Int), template: Factor, columns: LearningColumns,
        groupUtility: [Double], weight: Double
    ) -> Factor {
        let (pair, first, second) = interaction
        let cellColumns = pair.secondAxis.presentGroups + 1
        let rows = pair.firstAxis.presentGroups + 1
        let table = Interaction(
            first: Interaction.Axis(factor: columns.candidates[columns.learnable[first]].template.id, edges: pair.firstAxis.edges),
            second: Interaction.Axis(
                factor: columns.candidates[columns.learnable[second]].template.id, edges: pair.secondAxis.edges,
                labels: pair.secondAxis.labels),
            utilities: (0..<rows).map { i in (0..<cellColumns).map { j in groupUtility[i * cellColumns + j] } })
        return Factor(
            id: template.id, label: template.label, column: template.column, side: .value,
            weight: weight, direction: .increasing,
            scale: .interaction(table), missing: .neutral, unit: template.unit, source: template.source)
    }

    /// The scale of a learned column (categories then `other`, or bins) and its special
    /// values, which keep their own final utility outside the bins. Utilities are stored in
    /// the factor's direction (1 − u for a decreasing factor), special values as learned.
    static func learnedScale(
        _ fit: ColumnFit, template: Factor, groupUtility: [Double], isCategorical: Bool
    ) -> (Scale, [SpecialValue]) {
        let decreasing = template.direction == .decreasing
        func stored(_ u: Double) -> Double { decreasing ? 1 - u : u }
        if isCategorical {
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
            return (.categorical(map: map, other: other), [])
        }
        // Special values (declared or found) keep their own final utility, outside the bins.
        var bins: [Scale.Bin] = []
        for (g, group) in fit.groups.enumerated() where !fit.specialGroups.contains(where: { $0.group == g }) {
            if case .bin(_, let upper) = group.kind {
                bins.append(Scale.Bin(upper: upper, utility: stored(groupUtility[g]), evidence: group.evidence))
            }
        }
        let specialValues = fit.specialGroups.map { group, value in
            SpecialValue(
                value: value, utility: groupUtility[group],
                label: template.specialValues.first { $0.value == value }?.label,
                evidence: fit.groups[group].evidence)
        }
        return (.binned(bins: bins), specialValues)
    }

    /// The accounts × factors matrix of the factors' utility columns, written in blocks of
    /// rows as ``design(rows:tables:groups:)`` is.
    static func utilityMatrix(_ utilityColumns: [UtilityColumn], accounts n: Int) -> Matrix {
        let factorCount = utilityColumns.count
        var elements = [Double](repeating: 0, count: n * factorCount)
        var first = 0
        while first < n {
            let last = min(first + designBlockRows, n)
            for (j, column) in utilityColumns.enumerated() {
                switch column {
                case .grouped(let rowGroup, let utilities):
                    for row in first..<last { elements[row * factorCount + j] = utilities[Int(rowGroup[row])] }
                case .values(let values):
                    for row in first..<last { elements[row * factorCount + j] = values[row] }
                }
            }
            first = last
        }
        return Matrix(rows: n, columns: factorCount, elements: elements)
    }
}

// MARK: - Grade cuts and the model

extension ModelLearner {
    /// The model with its grade cuts and calibration, and what it gives the training accounts.
    struct GradedModel: Sendable {
        var model: ScoringModel
        var choice: GradeCutChoice
        var trainingScores: AccountScores
        var trainingGradeWinRates: [GradeWinRate]
        /// Every account's grade from its out-of-fold scores.
        var outOfFoldGrades: [Grade]
        /// The finishing steps of the grade search not yet reported.
        var searchStepsLeft: Int
    }

    /// 10. Grading cuts (win rates falling A to D, shares near the base model's), and the
    /// model; its scores, grades and probabilities on the training accounts.
    func gradedModel(
        _ run: LearningRun, learned: LearnedFactors, utilityMatrix: Matrix, final: FinalWeights, calibration: Calibration,
        base: BaseModelScores, foldRows: FoldRowsSink
    ) throws(LearningError) -> GradedModel {
        let n = run.n
        let outcomes = run.outcomes
        let baseModel = run.baseModel
        let model: ScoringModel
        let scores: ScoreColumns
        var completeness = [Double](repeating: 0, count: n)
        let gradeChoice: GradeCutChoice
        // The grade search is most of the finishing steps; the last two are the check
        // through the scoring pipeline and the reports.
        let searchSteps = run.plan.finishing - 2
        var searchStepsDone = 0
        let steps = run.steps
        do {
            let provisional = try baseModel.replacing(factors: learned.factors)
            scores = ScoreColumns(Scorer(model: provisional).scores(utilityMatrix), scenario: 0)
            let shares = UtilityBuilder(model: provisional).completenessShares
            for (j, present) in learned.present.enumerated() {
                for row in 0..<n where present[row] { completeness[row] += shares[j] }
            }
            completeness = completeness.map { min($0, 1) }
            let minimum = baseModel.grading.minimumCompleteness
            let penalty = learned.difficultyFallback ? 0 : final.weights.penalty
            gradeChoice = try Self.learnedGrading(
                base: baseModel.grading,
                training: GradeScores(
                    value: scores.value, difficulty: scores.difficulty, outcomes: outcomes,
                    graded: completeness.map { $0 >= minimum }),
                outOfFold: GradeScores(
                    value: foldRows.figures.value, difficulty: foldRows.figures.difficulty, outcomes: outcomes,
                    graded: foldRows.figures.completeness.map { $0 >= minimum }),
                baseGrades: base.grade, baseValueBands: base.valueBand, baseDifficultyBands: base.difficultyBand,
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
        let outOfFold = foldRows.figures
        let oofGrades = (0..<n).map {
            model.grading.grade(value: outOfFold.value[$0], difficulty: outOfFold.difficulty[$0], completeness: outOfFold.completeness[$0])
        }
        let trainingScores = Self.trainingScores(model: model, scores: scores, completeness: completeness, calibration: calibration)
        return GradedModel(
            model: model, choice: gradeChoice, trainingScores: trainingScores,
            trainingGradeWinRates: Self.gradeWinRates(grades: trainingScores.grades, outcomes: outcomes),
            outOfFoldGrades: oofGrades, searchStepsLeft: searchSteps - searchStepsDone)
    }

    /// The training accounts' priorities, probabilities and grades under `model`.
    static func trainingScores(
        model: ScoringModel, scores: ScoreColumns, completeness: [Double], calibration: Calibration
    ) -> AccountScores {
        let n = completeness.count
        let priority = (0..<n).map { model.grading.ranking.key(value: scores.value[$0], difficulty: scores.difficulty[$0]) }
        let probability = priority.map { calibration.probability(ofScore: $0) }
        let grades = (0..<n).map {
            model.grading.grade(value: scores.value[$0], difficulty: scores.difficulty[$0], completeness: completeness[$0])
        }
        return AccountScores(
            value: scores.value, difficulty: scores.difficulty, priority: priority, probability: probability,
            completeness: completeness, grades: grades)
    }

    /// 10b. The training accounts' grades scored the way `kam rank` scores (ScoringPipeline),
    /// on a thread of their own.
    static func startPipelineCheck(model: ScoringModel, data: LearningData, columnOf: [Int]) -> Background<Result<[Grade], LearningError>> {
        Background { () -> Result<[Grade], LearningError> in
            do throws(LearningError) {
                return .success(try Self.pipelineGrades(model: model, data: data, columnOf: columnOf))
            } catch {
                return .failure(error)
            }
        }
    }
}

// MARK: - Reports

extension ModelLearner {
    /// 11. One report per candidate (interactions last): its groups, verdict, AUC figures and weight.
    func factorReports(
        _ run: LearningRun, columns: LearningColumns, designs: LearnedDesigns, foldRows: FoldRowsSink,
        coefficients: [Double?], model: ScoringModel
    ) -> [FactorReport] {
        let outcomes = run.outcomes
        let modelAUC = RankStatistics.areaUnderROC(scores: foldRows.figures.eta, outcomes: outcomes)
        // The out-of-fold AUC without each factor of the fit (a sort of every account each: on all cores).
        let withoutScores = foldRows.figures.without
        let withoutAUC = parallelMap(columns.fitSet.count) { RankStatistics.areaUnderROC(scores: withoutScores[$0], outcomes: outcomes) }
        return columns.candidates.indices.map { c in
            let l = columns.learnable.firstIndex(of: c)
            let contribution: Double? = l.flatMap { l in
                columns.fitSet.firstIndex(of: l).flatMap { k in
                    guard let full = modelAUC, let without = withoutAUC[k] else { return nil }
                    return full - without
                }
            }
            return factorReport(
                c, learnable: l, run: run, columns: columns, designs: designs, contribution: contribution,
                coefficient: coefficients[c], model: model)
        }
    }

    /// The report of candidate `c` (learnable index `l` when it was learned).
    func factorReport(
        _ c: Int, learnable l: Int?, run: LearningRun, columns: LearningColumns, designs: LearnedDesigns,
        contribution: Double?, coefficient: Double?, model: ScoringModel
    ) -> FactorReport {
        let dataColumns = run.data.columns
        let candidate = columns.candidates[c]
        let template = candidate.template
        var groups: [FactorReport.Group] = []
        var shape: FactorReport.Shape?
        if let l {
            let fit = designs.fits[l][0]
            shape = fit.shape
            for (g, group) in fit.groups.enumerated() {
                let utility = designs.utilities[l][0][g]
                let isMissing = group.kind == .missing
                groups.append(
                    FactorReport.Group(
                        kind: group.kind, count: group.evidence.count, won: group.evidence.won, logOdds: group.logOdds,
                        weightOfEvidence: OutcomeBinning.weightOfEvidence(group.evidence, won: run.won, lost: run.lost),
                        utility: utility,
                        scaleUtility: isMissing || template.direction == .increasing ? utility : 1 - utility))
            }
        }
        let kept: Bool
        switch columns.reasons[c] {
        case .baseModelFactor, .informative, .interaction: kept = true
        default: kept = false
        }
        let reportColumn =
            l.flatMap { columns.interactionOf[$0] }.map {
                "\(dataColumns[columns.candidates[columns.learnable[$0.first]].column].name) × \(dataColumns[columns.candidates[columns.learnable[$0.second]].column].name)"
            } ?? dataColumns[candidate.column].name
        return FactorReport(
            column: reportColumn, factorID: template.id, label: template.label, side: template.side,
            direction: template.direction, inBaseModel: candidate.baseFactor != nil,
            kind: dataColumns[candidate.column].isCategorical ? .categorical : .numeric, shape: shape,
            status: kept ? .kept : .leftOut, reason: columns.reasons[c] ?? .notConsidered, groups: groups,
            informationValue: l.map { columns.informationValues[$0] }, singleFactorAUC: l.flatMap { columns.singleAUC[$0] },
            contribution: contribution, coefficient: coefficient,
            weight: kept || candidate.baseFactor != nil
                ? model.factors.first { $0.id == template.id }?.weight ?? 0 : 0)
    }

    /// The out-of-fold metrics of the learned model and its baselines.
    func metricsTable(
        _ run: LearningRun, learned learnedProbability: [Double], weightsOnly weightsOnlyProbability: [Double],
        foldRows: FoldRowsSink
    ) -> MetricsTable {
        let outcomes = run.outcomes
        let bins = options.calibrationBins
        return MetricsTable(
            learned: OutcomeMetrics(probabilities: learnedProbability, outcomes: outcomes, calibrationBins: bins),
            weightsOnly: OutcomeMetrics(probabilities: weightsOnlyProbability, outcomes: outcomes, calibrationBins: bins),
            stageBaseline: run.data.stages == nil
                ? nil : OutcomeMetrics(probabilities: foldRows.stage, outcomes: outcomes, calibrationBins: bins),
            baseRate: OutcomeMetrics(probabilities: foldRows.baseRate, outcomes: outcomes, calibrationBins: bins))
    }

    /// The base model as written (its priority, Platt-calibrated on each fold's training
    /// rows), the weights-only baseline and the learned model (with and without
    /// interactions) compared on the same folds.
    static func modelComparison(
        _ run: LearningRun, base: BaseModelScores, weightsOnly weightsOnlyProbability: [Double], learned learnedProbability: [Double],
        withoutInteractions withoutInteractionsProbability: [Double]?
    ) -> ModelComparison {
        let outcomes = run.outcomes
        var baseModelProbability = [Double](repeating: 0, count: run.n)
        let basePriority = (0..<run.n).map {
            run.baseModel.grading.ranking.key(value: base.scores.value[$0], difficulty: base.scores.difficulty[$0])
        }
        for fold in 0..<run.foldCount {
            let platt = PlattScaling.fit(
                scores: run.trainRows[fold].map { basePriority[$0] }, outcomes: run.trainRows[fold].map { outcomes[$0] })
            for row in run.testRows[fold] {
                baseModelProbability[row] = LogisticRegression.logistic(platt.intercept + platt.slope * basePriority[row])
            }
        }
        var compared: [(ModelComparison.Candidate, [Double])] = [
            (.baseModel, baseModelProbability), (.weightsOnly, weightsOnlyProbability),
        ]
        if let withoutInteractionsProbability {
            compared += [(.learned, withoutInteractionsProbability), (.learnedWithInteractions, learnedProbability)]
        } else {
            compared.append((.learned, learnedProbability))
        }
        return ModelComparison(probabilities: compared, outcomes: outcomes, assignment: run.assignment, folds: run.foldCount)
    }
}
