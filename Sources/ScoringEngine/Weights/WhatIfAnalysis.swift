import Foundation

/// For one account: the smallest change of a single factor's raw value that moves it up one
/// grade (to any better grade), factor by factor, each verified by scoring the changed
/// batch again.
///
/// ## The search
///
/// With every other value fixed, the account's score on the factor's side is linear in the
/// factor's utility u: S(u) = S₀ + 100·w·(u − u₀). Its grade can only change where S
/// crosses a band cut, so the utilities that give a better grade are found exactly from the
/// cuts (a score equal to a cut is in the band above). The utility nearest u₀ in that set is
/// mapped back to a raw value through the factor's scale and direction (inverting the
/// linear, log and piecewise formulas; batch-relative scales with the batch's statistics;
/// for a category, the label whose utility is nearest), rounded outward to the column's
/// step (whole numbers when the batch's values are whole, else a hundredth of the scale's
/// span), and then **verified**: the batch is scored again with that one value changed and
/// the account's new grade read off. If rounding or a shift of batch statistics keeps the
/// grade, the search steps further along the scale (up to 50 steps) before giving up.
///
/// Changes are compared by |Δu|, the change in utility (for a linear scale, the fraction of
/// the scale's span), and ``best`` is the smallest verified one.
public struct WhatIfAnalysis: Sendable {
    /// One factor's verified change.
    public struct Change: Sendable, Equatable {
        public let factorIndex: Int
        /// The raw value now (`nil` when missing); for a category, its code's label in
        /// ``currentLabel``.
        public let currentValue: Double?
        public let currentLabel: String?
        public let currentUtility: Double
        /// The raw value that moves the grade up (for a category, ``newLabel``).
        public let newValue: Double?
        public let newLabel: String?
        public let newUtility: Double
        /// Grade and scores after the change, from scoring the changed batch again.
        public let newGrade: Grade
        public let newValueScore: Double
        public let newDifficultyScore: Double

        /// |new utility − current utility|.
        public var utilityChange: Double { abs(newUtility - currentUtility) }
    }

    /// Why a factor cannot move the grade up on its own.
    public enum Obstacle: Sendable, Equatable {
        /// No utility in 0...1 gives a better grade.
        case noUtilityUpgrades
        /// The factor has weight 0.
        case zeroWeight
        /// A better utility exists but no raw value on the scale reached it when verified.
        case notReachable
    }

    public let row: Int
    public let grade: Grade
    public let valueScore: Double
    public let difficultyScore: Double
    /// Verified changes, smallest utility change first.
    public let changes: [Change]
    /// Factors that cannot do it alone, with the reason.
    public let obstacles: [(factorIndex: Int, obstacle: Obstacle)]
    /// For an account with insufficient information: missing factors that, filled in
    /// (largest completeness share first), would bring completeness to the minimum.
    public let factorsToFill: [Int]

    /// The smallest verified change, if any.
    public var best: Change? { changes.first }

    /// Analyzes account `row` of `batch` under the model's own weights.
    ///
    /// - Complexity: per factor one pipeline run (O(N·F)) per verification step.
    public static func analyze(batch: ProspectBatch, row: Int, model: ScoringModel) -> WhatIfAnalysis {
        let pipeline = ScoringPipeline(model: model)
        let assessment = pipeline.assess(batch)
        let grade = assessment.grades[row]
        let value = assessment.value(row)
        let difficulty = assessment.difficulty(row)
        let factorCount = model.factors.count
        let weights = assessment.scorer.scenarioWeights[0]
        let utilities = assessment.utilities
        let grading = model.grading

        if grade == .insufficient {
            // Fill the missing factors with the largest completeness share first.
            let sideCount = Double(Set(model.factors.map(\.side)).count)
            var completeness = utilities.completeness[row]
            var fill: [Int] = []
            let missing = (0..<factorCount).filter { !utilities.present[row * factorCount + $0] }
                .sorted { weights[$0] > weights[$1] }
            for index in missing where completeness < grading.minimumCompleteness {
                completeness += weights[index] / sideCount
                fill.append(index)
            }
            return WhatIfAnalysis(
                row: row, grade: grade, valueScore: value, difficultyScore: difficulty, changes: [], obstacles: [],
                factorsToFill: fill)
        }
        guard grade != .a else {
            return WhatIfAnalysis(
                row: row, grade: grade, valueScore: value, difficultyScore: difficulty, changes: [], obstacles: [],
                factorsToFill: [])
        }

        var changes: [Change] = []
        var obstacles: [(Int, Obstacle)] = []
        for j in 0..<factorCount {
            let factor = model.factors[j]
            let w = weights[j]
            guard w > 0 else {
                obstacles.append((j, .zeroWeight))
                continue
            }
            let u0 = utilities.matrix[row, j]
            let completeness = utilities.completeness[row] + (utilities.present[row * factorCount + j] ? 0 : w / 2)
            let sideScore = factor.side == .value ? value : difficulty
            let other = factor.side == .value ? difficulty : value
            func gradeAt(_ u: Double) -> Grade {
                let score = sideScore + 100 * w * (u - u0)
                return factor.side == .value
                    ? grading.grade(value: score, difficulty: other, completeness: completeness)
                    : grading.grade(value: other, difficulty: score, completeness: completeness)
            }
            // Utility targets: the nearest utility on each side of u0 with a better grade.
            let cuts = factor.side == .value ? grading.valueBands.cuts : grading.difficultyBands.cuts
            var points = cuts.map { u0 + ($0 - sideScore) / (100 * w) }.filter { $0 > 0 && $0 < 1 }
            points += [0, 1]
            points.sort()
            var targets: [Double] = []
            // Segments [pₖ, pₖ₊₁): the grade at pₖ holds on the whole segment.
            for (k, start) in points.enumerated() {
                let end = k + 1 < points.count ? points[k + 1] : 1
                guard gradeAt(start) < grade else { continue }
                if start >= u0 {
                    targets.append(start)
                } else if end <= u0 {
                    // Just below the segment's end (the end itself belongs to the next segment).
                    targets.append(end == 1 && start == 1 ? 1 : max(start, end - 1e-9))
                } else {
                    targets.append(u0)
                }
            }
            guard !targets.isEmpty else {
                obstacles.append((j, .noUtilityUpgrades))
                continue
            }
            targets.sort { abs($0 - u0) < abs($1 - u0) }
            var found: Change?
            for target in targets {
                if let change = Self.reach(
                    target: target, factor: j, batch: batch, row: row, model: model, pipeline: pipeline, assessment: assessment,
                    grade: grade)
                {
                    found = change
                    break
                }
            }
            if let found { changes.append(found) } else { obstacles.append((j, .notReachable)) }
        }
        changes.sort { ($0.utilityChange, $0.factorIndex) < ($1.utilityChange, $1.factorIndex) }
        return WhatIfAnalysis(
            row: row, grade: grade, valueScore: value, difficultyScore: difficulty, changes: changes, obstacles: obstacles,
            factorsToFill: [])
    }

    /// Finds and verifies a raw value of factor `j` whose utility is about `target`.
    static func reach(
        target: Double, factor j: Int, batch: ProspectBatch, row: Int, model: ScoringModel, pipeline: ScoringPipeline,
        assessment: BatchAssessment, grade: Grade
    ) -> Change? {
        let factor = model.factors[j]
        let factorCount = model.factors.count
        let u0 = assessment.utilities.matrix[row, j]
        let present = assessment.utilities.present[row * factorCount + j]
        func verify(_ column: FactorColumn) -> BatchAssessment? {
            var changed = batch
            changed.factorColumns[j] = column
            let result = pipeline.assess(changed)
            return result.grades[row] < grade ? result : nil
        }
        switch batch.factorColumns[j] {
        case .categorical(let codes):
            guard case .categorical(let map, _) = factor.scale else { return nil }
            func label(_ code: Int32) -> String? {
                code < 0 ? nil : Int(code) < map.count ? map[Int(code)].label : Scale.otherLabel
            }
            // Labels ordered by utility distance to the current utility, among those with
            // a better grade when verified.
            let order = map.indices.sorted {
                abs(utility(ofBase: map[$0].utility, factor) - u0) < abs(utility(ofBase: map[$1].utility, factor) - u0)
            }
            for code in order where Int32(code) != codes[row] {
                let u = utility(ofBase: map[code].utility, factor)
                // Only labels on the target's side of u0 (or beyond it).
                guard (target >= u0 && u >= target - 1e-12) || (target < u0 && u <= target + 1e-12) else { continue }
                var changed = codes
                changed[row] = Int32(code)
                if let result = verify(.categorical(changed)) {
                    return Change(
                        factorIndex: j, currentValue: nil, currentLabel: label(codes[row]),
                        currentUtility: u0, newValue: nil, newLabel: map[code].label,
                        newUtility: result.utilities.matrix[row, j], newGrade: result.grades[row],
                        newValueScore: result.value(row), newDifficultyScore: result.difficulty(row))
                }
            }
            return nil
        case .numeric(let values):
            let statistics = assessment.utilities.statistics
            guard let raw = rawValue(forUtility: target, factor: factor, index: j, statistics: statistics, near: values[row])
            else { return nil }
            // Which way along the raw axis improves: toward `raw` from the current value
            // (or from the utility's side when the value is missing).
            let current = values[row]
            let step = Self.step(values: values, factor: factor, index: j, statistics: statistics)
            var direction: Double
            if !current.isNaN {
                direction = raw >= current ? 1 : -1
            } else {
                let probe = rawValue(
                    forUtility: min(1, max(0, target + (target >= u0 ? 0.01 : -0.01))), factor: factor, index: j, statistics: statistics,
                    near: raw)
                direction = (probe ?? raw) >= raw ? 1 : -1
            }
            var candidate = roundOutward(raw, step: step, direction: direction)
            for _ in 0...50 {
                var changed = values
                changed[row] = candidate
                if let result = verify(.numeric(changed)) {
                    return Change(
                        factorIndex: j, currentValue: present ? current : nil, currentLabel: nil, currentUtility: u0,
                        newValue: candidate, newLabel: nil, newUtility: result.utilities.matrix[row, j],
                        newGrade: result.grades[row], newValueScore: result.value(row),
                        newDifficultyScore: result.difficulty(row))
                }
                candidate += direction * step
            }
            return nil
        }
    }

    /// The utility after direction of a base (scale) utility.
    static func utility(ofBase base: Double, _ factor: Factor) -> Double {
        factor.direction == .increasing ? base : 1 - base
    }

    /// A raw value whose utility is `target` (after direction), or `nil` if the scale
    /// cannot reach it; for a non-monotone piecewise scale the solution nearest `near`.
    static func rawValue(
        forUtility target: Double, factor: Factor, index: Int, statistics: UtilityBuilder.Statistics, near: Double
    ) -> Double? {
        let base = factor.direction == .increasing ? target : 1 - target
        guard base >= -1e-12, base <= 1 + 1e-12 else { return nil }
        let b = min(max(base, 0), 1)
        switch factor.scale {
        case .linear(let low, let high):
            return low + b * (high - low)
        case .log(let low, let high, let offset):
            return low - offset + exp(b * Foundation.log(high - low + offset))
        case .piecewise(let points):
            var solutions: [Double] = []
            for (left, right) in zip(points, points.dropFirst()) {
                let lowU = min(left.utility, right.utility)
                let highU = max(left.utility, right.utility)
                guard b >= lowU - 1e-12, b <= highU + 1e-12 else { continue }
                if right.utility == left.utility {
                    solutions.append(near.isNaN ? left.x : min(max(near, left.x), right.x))
                } else {
                    solutions.append(left.x + (b - left.utility) / (right.utility - left.utility) * (right.x - left.x))
                }
            }
            if let first = points.first, abs(first.utility - b) < 1e-12 { solutions.append(first.x) }
            if let last = points.last, abs(last.utility - b) < 1e-12 { solutions.append(last.x) }
            let anchor = near.isNaN ? (solutions.first ?? 0) : near
            return solutions.min { abs($0 - anchor) < abs($1 - anchor) }
        case .minMax:
            let low = statistics.minimum[index]
            let high = statistics.maximum[index]
            guard low.isFinite, high.isFinite, high > low else { return nil }
            return low + b * (high - low)
        case .zScore(let clip):
            let mean = statistics.mean[index]
            let deviation = statistics.standardDeviation[index]
            guard mean.isFinite, deviation > 0 else { return nil }
            return mean + (b * 2 * clip - clip) * deviation
        case .binned(let bins):
            // A value inside the bin whose utility is nearest b (the nearest such bin to
            // `near`): its lower edge, or just below the first edge.
            let best = bins.map { abs($0.utility - b) }.min() ?? 0
            var solutions: [Double] = []
            for (position, bin) in bins.enumerated() where abs(bin.utility - b) <= best + 1e-12 {
                if position > 0, let lower = bins[position - 1].upper {
                    solutions.append(lower)
                } else if let upper = bin.upper {
                    solutions.append(near.isNaN ? upper - 1 : min(near, upper - 1))
                }
            }
            let anchor = near.isNaN ? (solutions.first ?? 0) : near
            return solutions.min { abs($0 - anchor) < abs($1 - anchor) }
        case .categorical, .interaction:
            // An interaction moves only with its parents' values.
            return nil
        }
    }

    /// The rounding step of a column: 1 when every present value is whole, else a
    /// hundredth of the scale's span (a power of ten).
    static func step(values: [Double], factor: Factor, index: Int, statistics: UtilityBuilder.Statistics) -> Double {
        let present = values.filter { !$0.isNaN }
        if !present.isEmpty, present.allSatisfy({ $0 == $0.rounded() }) { return 1 }
        var span: Double
        switch factor.scale {
        case .linear(let low, let high), .log(let low, let high, _): span = high - low
        case .piecewise(let points): span = (points.last?.x ?? 1) - (points.first?.x ?? 0)
        case .binned(let bins):
            let edges = bins.compactMap(\.upper)
            span = (edges.last ?? 1) - (edges.first ?? 0)
        default: span = (statistics.maximum[index] - statistics.minimum[index])
        }
        if !(span.isFinite && span > 0) { span = 1 }
        return pow(10, (Foundation.log10(span) - 2).rounded(.down))
    }

    /// `value` rounded to a multiple of `step`, away from the current value (`direction`).
    static func roundOutward(_ value: Double, step: Double, direction: Double) -> Double {
        let scaled = value / step
        let rounded = direction > 0 ? scaled.rounded(.up) : scaled.rounded(.down)
        // Avoid -0 and representation noise such as 2.3000000000000003.
        let result = rounded * step
        return (result * 1e9).rounded() / 1e9 + 0
    }
}
