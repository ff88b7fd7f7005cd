import LinearAlgebra

/// Scores, grades and segments a batch: utilities → one matrix product for every scenario
/// → grades → segments. The result can be ranked and explained.
public struct ScoringPipeline: Sendable {
    public let model: ScoringModel
    public let scorer: Scorer

    public init(model: ScoringModel) {
        self.model = model
        self.scorer = Scorer(model: model)
    }

    /// Assesses every account of a batch.
    ///
    /// - Parameters:
    ///   - batch: the accounts and their raw factor values.
    ///   - scenario: the index of the scenario grades and ranks follow (0 = the model's weights).
    ///   - statistics: statistics for batch-relative scales; `nil` computes them from the batch.
    public func assess(_ batch: ProspectBatch, scenario: Int = 0, statistics: UtilityBuilder.Statistics? = nil)
        -> BatchAssessment
    {
        precondition(scenario < scorer.scenarioCount, "Scenario index out of range")
        let builder = UtilityBuilder(model: model)
        let statistics = statistics ?? builder.statistics(of: batch)
        // Score U₀ (mean-filled entries at 0), then add the mean fills: the same arithmetic
        // as the streaming reader, which learns the means only at the end of the file.
        var unfilled = builder.buildUnfilled(batch, statistics: statistics)
        var scoreElements = [Double]()
        scorer.scores(rowMajor: unfilled.matrix.elements, rows: batch.count, into: &scoreElements)
        for (row, factors) in unfilled.meanMissing.enumerated() where !factors.isEmpty {
            scorer.addMeanFills(factors, meanUtility: statistics.meanUtility, to: &scoreElements, row: row)
        }
        let scores = Matrix(rows: batch.count, columns: 2 * scorer.scenarioCount, elements: scoreElements)
        unfilled.fillMeans(meanUtility: statistics.meanUtility)
        return assembled(
            accounts: batch.accounts, segmentData: batch.segmentData, utilities: unfilled.utilities, scores: scores,
            scenario: scenario, statistics: statistics)
    }

    /// The assessment of accounts whose utilities a streaming pass computed already
    /// (``ScoredRows``: utilities, completeness and present factors as the pass's panels
    /// computed them), without reading their factor values again: they are scored, the `mean`
    /// fills added, and they are graded and segmented, all as ``assess(_:scenario:statistics:)``
    /// does from the utilities, so the assessment is equal to it bit for bit.
    ///
    /// - Parameters:
    ///   - accounts: The accounts, row `i` of `scored` being account `i`.
    ///   - segmentData: The columns segment rules read, for the same rows.
    ///   - scored: What the pass kept of each row.
    ///   - scenario: The index of the scenario grades and ranks follow.
    ///   - statistics: The whole list's statistics (the pass's).
    public func assessment(
        of accounts: [Account], segmentData: SegmentData, scored: ScoredRows, scenario: Int,
        statistics: UtilityBuilder.Statistics
    ) -> BatchAssessment {
        precondition(scenario < scorer.scenarioCount, "Scenario index out of range")
        precondition(scored.count == accounts.count, "One scored row per account")
        precondition(scored.factorCount == model.factors.count, "Rows scored with this pipeline's model")
        let factorCount = scored.factorCount
        let meanFactors = model.factors.indices.filter { model.factors[$0].missing == .mean }
        var elements = [Double](repeating: 0, count: accounts.count * factorCount)
        var present = [Bool](repeating: true, count: accounts.count * factorCount)
        var completeness = [Double](repeating: 0, count: accounts.count)
        for row in 0..<accounts.count {
            let base = row * factorCount
            scored.copyUtilities(row, into: &elements, at: base)
            completeness[row] = scored.completeness(row)
            for factor in 0..<factorCount where !scored.isPresent(row, factor) { present[base + factor] = false }
        }
        var scoreElements = [Double]()
        scorer.scores(rowMajor: elements, rows: accounts.count, into: &scoreElements)
        var missingMeans: [Int] = []
        for row in 0..<accounts.count {
            let base = row * factorCount
            missingMeans.removeAll(keepingCapacity: true)
            for factor in meanFactors where !present[base + factor] { missingMeans.append(factor) }
            guard !missingMeans.isEmpty else { continue }
            scorer.addMeanFills(missingMeans, meanUtility: statistics.meanUtility, to: &scoreElements, row: row)
            for factor in missingMeans { elements[base + factor] = statistics.meanUtility[factor] }
        }
        return assembled(
            accounts: accounts, segmentData: segmentData,
            utilities: UtilityBuilder.Utilities(
                matrix: Matrix(rows: accounts.count, columns: factorCount, elements: elements), present: present,
                completeness: completeness, statistics: statistics),
            scores: Matrix(rows: accounts.count, columns: 2 * scorer.scenarioCount, elements: scoreElements),
            scenario: scenario, statistics: statistics)
    }

    /// Grades (every scenario) and segments scored accounts.
    private func assembled(
        accounts: [Account], segmentData: SegmentData, utilities: UtilityBuilder.Utilities, scores: Matrix,
        scenario: Int, statistics: UtilityBuilder.Statistics
    ) -> BatchAssessment {
        let count = accounts.count
        let table = GradeTable(model.grading)
        let byOrder = Grade.allCases  // A, B, C, D, insufficient: Grade.order 0…4
        var gradesByScenario: [[Grade]] = []
        var orders = [UInt8](repeating: 0, count: count)
        var cells = [Int64](repeating: 0, count: count)
        for index in 0..<scorer.scenarioCount {
            let columns = ScoreColumns(scores, scenario: index)
            columns.value.withUncheckedView { values in
                columns.difficulty.withUncheckedView { difficulties in
                    utilities.completeness.withUncheckedView { completeness in
                        cells.withUncheckedMutableView { cells in
                            orders.withUncheckedMutableView { orders in
                                table.grades(
                                    values: values, difficulties: difficulties, completeness: completeness, cells: cells,
                                    into: orders)
                            }
                        }
                    }
                }
            }
            gradesByScenario.append(orders.map { byOrder[Int($0)] })
        }
        let evaluable = model.segments.map { rule in rule.columns.allSatisfy { segmentData.columns[$0] != nil } }
        var segments = [[Int]](repeating: [], count: count)
        for (index, rule) in model.segments.enumerated() where evaluable[index] {
            let members = rule.members(in: segmentData, count: count)
            for row in 0..<count where members[row] { segments[row].append(index) }
        }
        var assessment = BatchAssessment(
            model: model, accounts: accounts, utilities: utilities, scorer: scorer, scores: scores,
            scenario: scenario, gradesByScenario: gradesByScenario, segments: segments,
            evaluatedSegments: model.segments.indices.filter { evaluable[$0] })
        assessment.constantFactors = Self.constantFactors(model: model, statistics: statistics)
        return assessment
    }

    /// Ids of min-max and z-score factors whose present values are all equal in the
    /// statistics: every account gets utility 0.5 on them, so they do not rank.
    public static func constantFactors(model: ScoringModel, statistics: UtilityBuilder.Statistics) -> [String] {
        model.factors.indices.compactMap { index in
            let factor = model.factors[index]
            switch factor.scale {
            case .minMax:
                let low = statistics.minimum[index]
                let high = statistics.maximum[index]
                return low.isFinite && high.isFinite && !(high > low) ? factor.id : nil
            case .zScore:
                let deviation = statistics.standardDeviation[index]
                return deviation.isFinite && !(deviation > 0) ? factor.id : nil
            default:
                return nil
            }
        }
    }
}

/// The scores, grades and segments of every account in a batch.
public struct BatchAssessment: Sendable {
    public let model: ScoringModel
    public let accounts: [Account]
    public let utilities: UtilityBuilder.Utilities
    public let scorer: Scorer
    /// accounts × 2S: value scores of each scenario, then difficulty scores.
    public let scores: Matrix
    /// The scenario that grades and ranking follow.
    public let scenario: Int
    /// Grades per scenario, per account.
    public let gradesByScenario: [[Grade]]
    /// Indices into `model.segments` of the segments each account is in.
    public let segments: [[Int]]
    /// Indices of the segment rules whose columns the file has (the others were not evaluated).
    public let evaluatedSegments: [Int]

    public var count: Int { accounts.count }

    public var grades: [Grade] { gradesByScenario[scenario] }

    public func value(_ row: Int, scenario: Int? = nil) -> Double {
        scores[row, scenario ?? self.scenario]
    }

    public func difficulty(_ row: Int, scenario: Int? = nil) -> Double {
        scores[row, scorer.scenarioCount + (scenario ?? self.scenario)]
    }

    public func completeness(_ row: Int) -> Double { utilities.completeness[row] }

    /// The ranking key of an account under the ranked scenario (higher ranks first).
    public func priority(_ row: Int) -> Double {
        model.grading.ranking.key(value: value(row), difficulty: difficulty(row))
    }

    /// Row indices in rank order: by grade first when the model says so (A … D, then
    /// insufficient information), then by the ranking key, highest first, then by account id
    /// so that equal keys always come out in the same order.
    ///
    /// - Complexity: O(n log n).
    public func rankedRows() -> [Int] {
        let order = RankingOrder(model: model)
        let grades = self.grades
        let keys = (0..<count).map(priority)
        return (0..<count).sorted { left, right in
            order.ranksBefore(grade: grades[left], key: keys[left], grades[right], keys[right]) {
                accounts[left].id < accounts[right].id
            }
        }
    }

    /// The explanation of one account under the ranked scenario.
    public func explanation(of row: Int) -> Explanation {
        let factorCount = model.factors.count
        let range = (row * factorCount)..<((row + 1) * factorCount)
        return Explanation(
            model: model, utilities: utilities.matrix.elements[range], present: utilities.present[range],
            weights: scorer.scenarioWeights[scenario])
    }

    /// Ids of min-max and z-score factors that are constant over the statistics used (their
    /// utility is 0.5 for everyone; see ``ScoringPipeline/constantFactors(model:statistics:)``).
    public internal(set) var constantFactors: [String] = []

    /// Ids of factors whose scale is batch-relative (their utilities depend on this batch).
    public var batchRelativeFactors: [String] {
        model.factors.filter { $0.scale.isBatchRelative || $0.missing == .mean }.map(\.id)
    }
}
