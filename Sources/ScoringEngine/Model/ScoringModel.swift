/// The weighted-factor valuation model (seed §3.2.3 (五)): factors with weights per side,
/// how scores become grades, segment rules and named weight scenarios.
///
/// Weights are normalized per side when the model is made, so the value weights sum to 1
/// and the difficulty weights sum to 1; a score is then 100 × Σ weight × utility, in 0...100.
///
/// A model is checked once, when it is made (``init(name:factors:grading:segments:scenarios:columns:missingCodes:columnUnits:calibration:)``
/// is the only way to make one; the model file reader adds the line numbers): what scores
/// it later (``Scorer``, ``ScoringPipeline``, the SQL export) cannot fail on it. It is
/// `Encodable` (the run history hashes its JSON) but not `Decodable`, which would make
/// models without that check.
public struct ScoringModel: Sendable, Equatable, Encodable {
    public let name: String
    /// Factors in model order; their weights are normalized per side.
    public let factors: [Factor]
    public let grading: GradingPolicy
    public let segments: [SegmentRule]
    /// Alternative weight sets scored in the same matrix product as the model's own weights.
    public let scenarios: [WeightScenario]
    /// Which columns identify and describe an account.
    public let columns: AccountColumns
    /// Field texts that mean "no value" (compared after trimming, ignoring case); a blank
    /// field is always missing.
    public let missingCodes: [String]
    /// Units of columns read by segment rules (e.g. `cumulative_consumption: wan`).
    public let columnUnits: [String: String]
    /// The weights as written, before normalization; scenarios are on this scale.
    public let declaredWeights: [Double]
    /// The map from ranking score to probability of winning, for a model learned from
    /// outcomes (`kam model fit`); `nil` for a hand-set model.
    public let calibration: Calibration?

    /// Makes a model, normalizing the weights of each side to sum to 1.
    ///
    /// - Throws: `ModelError` when there are no factors, a factor id repeats, a weight is
    ///   negative or not finite, a side has no positive weight, or a scale is malformed.
    public init(
        name: String, factors: [Factor], grading: GradingPolicy, segments: [SegmentRule] = [],
        scenarios: [WeightScenario] = [], columns: AccountColumns = AccountColumns(),
        missingCodes: [String] = ["NA", "N/A", "unknown", "-", "未知", "无"],
        columnUnits: [String: String] = [:], calibration: Calibration? = nil
    ) throws(ModelError) {
        guard !factors.isEmpty else { throw .noFactors }
        var seen = Set<String>()
        for factor in factors {
            guard seen.insert(factor.id).inserted else { throw .duplicateFactor(factor.id) }
            try Self.validate(scale: factor.scale, of: factor.id)
            if case .fixed(let utility, _) = factor.missing, !(0...1).contains(utility) {
                throw .invalidMissingUtility(factor: factor.id, utility: utility)
            }
            try Self.validateSpecialValues(of: factor)
        }
        for factor in factors { try Self.validateInteraction(of: factor, in: factors) }
        self.declaredWeights = factors.map(\.weight)
        self.factors = try Self.normalized(factors.map { ($0.id, $0.weight) }, factors: factors)
            .map { factors[$0.index].withWeight($0.weight) }
        var scenarioNames = Set<String>()
        for scenario in scenarios {
            guard scenarioNames.insert(scenario.name).inserted else { throw .duplicateScenario(scenario.name) }
            for id in scenario.weights.keys where !seen.contains(id) {
                throw .unknownFactorInScenario(scenario: scenario.name, factor: id)
            }
            // A scenario must be usable as it stands: signs and a positive total per side,
            // checked here once rather than when a command first scores it.
            let raw = factors.enumerated().map { index, factor in
                (id: factor.id, weight: scenario.weights[factor.id] ?? factors[index].weight)
            }
            do {
                _ = try Self.normalized(raw, factors: factors)
            } catch {
                switch error {
                case .allWeightsZero(let side): throw .scenarioWeightsZero(scenario: scenario.name, side: side)
                default: throw error
                }
            }
        }
        self.name = name
        self.grading = grading
        self.segments = segments
        self.scenarios = scenarios
        self.columns = columns
        self.missingCodes = missingCodes
        self.columnUnits = columnUnits
        self.calibration = calibration
    }

    /// A copy with some parts replaced; the new factors' weights are normalized per side
    /// again and become the declared weights.
    ///
    /// Scenarios follow new factors onto their new scale: a scenario's weight `s` for a
    /// factor whose declared weight goes from `w` to `w′` becomes `w′ · s / w`, so the
    /// scenario still multiplies the factor's weight by `s / w` (growth's "budget weighs
    /// more" stays more, whatever the new weights); when `w` is 0 it becomes `s · T′ / T`,
    /// with `T`, `T′` the side's declared totals before and after. Entries for factors the
    /// new model lacks are dropped.
    public func replacing(
        name: String? = nil, factors: [Factor]? = nil, grading: GradingPolicy? = nil,
        calibration: Calibration?? = .none
    ) throws(ModelError) -> ScoringModel {
        let declared = factors ?? self.factors.enumerated().map { $0.element.withWeight(declaredWeights[$0.offset]) }
        var newDeclared: [String: (side: Factor.Side, weight: Double)] = [:]
        for factor in declared { newDeclared[factor.id] = (factor.side, factor.weight) }
        let newTotals = Self.sideTotals(declared.map { ($0.side, $0.weight) })
        var oldDeclared: [String: Double] = [:]
        for (index, factor) in self.factors.enumerated() { oldDeclared[factor.id] = declaredWeights[index] }
        let oldTotals = Self.sideTotals(self.factors.enumerated().map { ($1.side, declaredWeights[$0]) })
        let keptScenarios = scenarios.map { scenario in
            var weights: [String: Double] = [:]
            for (id, weight) in scenario.weights {
                guard let new = newDeclared[id] else { continue }
                guard factors != nil, let old = oldDeclared[id] else {
                    weights[id] = weight
                    continue
                }
                weights[id] =
                    old > 0
                    ? (new.weight * weight / old).isFinite ? new.weight * weight / old : new.weight * (weight / old)
                    : weight * Self.ratio(newTotals[new.side], oldTotals[new.side])
            }
            return WeightScenario(name: scenario.name, weights: weights)
        }
        return try ScoringModel(
            name: name ?? self.name, factors: declared, grading: grading ?? self.grading, segments: segments,
            scenarios: keptScenarios, columns: columns, missingCodes: missingCodes, columnUnits: columnUnits,
            calibration: calibration ?? self.calibration)
    }

    /// A copy without the factors that read any of `columns` (their scenario entries go
    /// too); the others keep their declared weights.
    ///
    /// - Throws: `ModelError.noFactors` or `.allWeightsZero(side:)` when no factor, or no
    ///   weighted factor of a side, would be left.
    public func removing(factorsReading columns: Set<String>) throws(ModelError) -> ScoringModel {
        let kept = factors.indices.filter { !columns.contains(factors[$0].column) }
        guard kept.count < factors.count else { return self }
        guard !kept.isEmpty else { throw .noFactors }
        return try replacing(factors: kept.map { factors[$0].withWeight(declaredWeights[$0]) })
    }

    /// The calibrated probability of winning for an account's scores; `nil` when the model
    /// has no calibration.
    public func probability(value: Double, difficulty: Double) -> Double? {
        calibration?.probability(ofScore: grading.ranking.key(value: value, difficulty: difficulty))
    }

    /// The factors feeding one side.
    public func factors(on side: Factor.Side) -> [Factor] {
        factors.filter { $0.side == side }
    }

    /// The normalized weights of the model's own weights (first) and of each of its scenarios,
    /// in model factor order: the weight sets every score of the model is computed with.
    ///
    /// The scenarios were checked when the model was made, so this does not throw.
    public var weightSets: [[Double]] {
        [factors.map(\.weight)]
            + scenarios.map { scenario in
                do {
                    return try weights(for: scenario)
                } catch {
                    preconditionFailure("Scenario '\(scenario.name)' was checked when the model was made: \(error)")
                }
            }
    }

    /// The normalized weights of a scenario (the model's own weights for `nil`), in model
    /// factor order. A factor a scenario does not name keeps the model's weight before
    /// normalization (its declared weight), so a scenario is written on the model file's scale.
    public func weights(for scenario: WeightScenario?) throws(ModelError) -> [Double] {
        guard let scenario else { return factors.map(\.weight) }
        let raw = factors.enumerated().map { index, factor in
            (id: factor.id, weight: scenario.weights[factor.id] ?? declaredWeights[index])
        }
        return try Self.normalized(raw, factors: factors).map(\.weight)
    }

    /// Normalizes weights per side; checks signs and that each side has a positive total.
    ///
    /// Each weight is divided by its side's sum. When that sum overflows (weights near
    /// 1e308), each weight is first divided by the side's largest, so the sum lies in 1...n:
    /// weights of 1e308 each normalize to 1/n like any other equal weights.
    static func normalized(_ weights: [(id: String, weight: Double)], factors: [Factor]) throws(ModelError)
        -> [(index: Int, weight: Double)]
    {
        var largest: [Factor.Side: Double] = [:]
        for (index, entry) in weights.enumerated() {
            guard entry.weight.isFinite, entry.weight >= 0 else {
                throw .negativeWeight(factor: entry.id, weight: entry.weight)
            }
            largest[factors[index].side] = Swift.max(largest[factors[index].side, default: 0], entry.weight)
        }
        for side in Factor.Side.allCases where !(largest[side, default: 0] > 0) {
            throw .allWeightsZero(side: side)
        }
        // The plain sum gives the same bits as always; only a side whose sum overflows is
        // normalized through its largest weight.
        var sums: [Factor.Side: Double] = [:]
        for (index, entry) in weights.enumerated() { sums[factors[index].side, default: 0] += entry.weight }
        var totals: [Factor.Side: Double] = [:]
        for (index, entry) in weights.enumerated() {
            let side = factors[index].side
            totals[side, default: 0] += entry.weight / largest[side]!
        }
        return weights.enumerated().map { index, entry in
            let side = factors[index].side
            if let sum = sums[side], sum.isFinite { return (index, entry.weight / sum) }
            return (index, entry.weight / largest[side]! / totals[side]!)
        }
    }

    /// Each side's total weight as (largest weight, sum of weights divided by it), a form
    /// whose sum cannot overflow.
    static func sideTotals(_ weights: [(side: Factor.Side, weight: Double)]) -> [Factor.Side: (largest: Double, scaledSum: Double)] {
        var largest: [Factor.Side: Double] = [:]
        for entry in weights { largest[entry.side] = Swift.max(largest[entry.side, default: 0], entry.weight) }
        var totals: [Factor.Side: (largest: Double, scaledSum: Double)] = [:]
        for entry in weights {
            let top = largest[entry.side]!
            let scaled = top > 0 ? entry.weight / top : 0
            totals[entry.side, default: (top, 0)].scaledSum += scaled
        }
        return totals
    }

    /// `new / old` for two side totals in the form of ``sideTotals(_:)``; 1 when either is
    /// missing or zero.
    static func ratio(_ new: (largest: Double, scaledSum: Double)?, _ old: (largest: Double, scaledSum: Double)?) -> Double {
        guard let new, let old, new.largest > 0, old.largest > 0, old.scaledSum > 0 else { return 1 }
        return (new.largest / old.largest) * (new.scaledSum / old.scaledSum)
    }

    /// Checks an interaction against its parents: both are other, non-interaction factors
    /// of the model; the first is numeric and its column is the interaction's (the
    /// interaction is present when that column is); a categorical axis lists the parent's
    /// labels in code order.
    static func validateInteraction(of factor: Factor, in factors: [Factor]) throws(ModelError) {
        guard case .interaction(let table) = factor.scale else { return }
        func bad(_ reason: String) -> ModelError { .invalidScale(factor: factor.id, reason: reason) }
        for axis in [table.first, table.second] {
            guard let parent = factors.first(where: { $0.id == axis.factor }), parent.id != factor.id else {
                throw bad("the interaction reads factor '\(axis.factor)', which is not another factor of the model.")
            }
            if case .interaction = parent.scale { throw bad("'\(axis.factor)' is itself an interaction.") }
            if parent.scale.isBatchRelative { throw bad("'\(axis.factor)' has a batch-relative scale; an interaction needs fixed groups.") }
            if parent.isCategorical {
                let labels = parent.scale.categoryLabels
                guard axis.labels == labels else {
                    throw bad(
                        "the categories of '\(axis.factor)' must be the factor's own, in its order: \(labels.joined(separator: ", ")).")
                }
            } else if axis.isCategorical {
                throw bad("'\(axis.factor)' reads numbers; give its axis 'below' edges, not categories.")
            }
        }
        guard let first = factors.first(where: { $0.id == table.first.factor }), !first.isCategorical else {
            throw bad("the first factor of an interaction must read numbers (put a categorical factor second).")
        }
        guard first.column == factor.column, first.unit == factor.unit else {
            throw bad(
                "an interaction reads its first factor's column '\(first.column)'\(first.unit.map { " (unit \($0))" } ?? ""); set 'column' (and 'unit') to match."
            )
        }
    }

    /// Checks a factor's special values: a numeric, fixed scale (not categorical, batch-relative
    /// or an interaction); finite, distinct values; stated utilities in 0...1; a missing policy
    /// that gives a utility (`worst`, `neutral` or stated) when a value states none.
    static func validateSpecialValues(of factor: Factor) throws(ModelError) {
        guard !factor.specialValues.isEmpty else { return }
        func bad(_ reason: String) -> ModelError { .invalidSpecialValue(factor: factor.id, reason: reason) }
        switch factor.scale {
        case .categorical: throw bad("a categorical factor reads labels; list a code among its categories instead of under special_values.")
        case .interaction: throw bad("an interaction has no raw values of its own; declare special values on its parent factors.")
        case .minMax, .zScore:
            throw bad(
                "a \(factor.scale.kind) scale takes its range from the batch, which special values would distort; use a fixed scale (linear, log, piecewise or binned)."
            )
        default: break
        }
        var seen = Set<Double>()
        for special in factor.specialValues {
            guard special.value.isFinite else { throw bad("special value \(special.value) is not a finite number.") }
            guard seen.insert(special.value).inserted else {
                throw bad("special value \(formatPlain(special.value)) is listed twice; list each code once.")
            }
            if let utility = special.utility {
                guard (0...1).contains(utility) else {
                    throw bad(
                        "the utility of special value \(formatPlain(special.value)) is \(formatPlain(utility)); it must be between 0 and 1."
                    )
                }
            } else {
                switch factor.missing {
                case .mean, .required:
                    throw bad(
                        "special value \(formatPlain(special.value)) has no utility and the missing policy '\(factor.missing.name)' gives none; write {value: \(formatPlain(special.value)), utility: u} or use missing: worst or neutral."
                    )
                default: break
                }
            }
        }
    }

    static func validate(scale: Scale, of id: String) throws(ModelError) {
        func bad(_ reason: String) -> ModelError { .invalidScale(factor: id, reason: reason) }
        switch scale {
        case .linear(let low, let high):
            guard low.isFinite, high.isFinite, low < high else {
                throw bad("min (\(formatPlain(low))) must be less than max (\(formatPlain(high))).")
            }
        case .log(let low, let high, let offset):
            guard low.isFinite, high.isFinite, low < high else {
                throw bad("min (\(formatPlain(low))) must be less than max (\(formatPlain(high))).")
            }
            guard offset >= 1, offset.isFinite else {
                throw bad("offset is \(formatPlain(offset)); it must be at least 1.")
            }
        case .piecewise(let points):
            guard points.count >= 2 else { throw bad("a piecewise scale needs at least 2 points.") }
            guard zip(points, points.dropFirst()).allSatisfy({ $0.x < $1.x }) else {
                throw bad("the points' x values must increase strictly.")
            }
            guard points.allSatisfy({ (0...1).contains($0.utility) && $0.x.isFinite }) else {
                throw bad("every point's utility must be between 0 and 1.")
            }
        case .categorical(let map, let other):
            guard !map.isEmpty else { throw bad("a categorical scale needs at least one category.") }
            guard (map + (other.map { [$0] } ?? [])).allSatisfy({ (0...1).contains($0.utility) }) else {
                throw bad("every category's utility (and other's) must be between 0 and 1.")
            }
            var labels = Set<String>()
            for category in map where !labels.insert(category.label.lowercased()).inserted {
                throw bad("category '\(category.label)' appears twice.")
            }
        case .binned(let bins):
            guard bins.count >= 2 else { throw bad("a binned scale needs at least 2 bins.") }
            guard bins.allSatisfy({ (0...1).contains($0.utility) }) else {
                throw bad("every bin's utility must be between 0 and 1.")
            }
            let uppers = bins.dropLast().compactMap(\.upper)
            guard uppers.count == bins.count - 1, bins.last?.upper == nil else {
                throw bad("every bin but the last needs an upper edge ('below'); the last bin has none.")
            }
            guard uppers.allSatisfy(\.isFinite), zip(uppers, uppers.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw bad("the bins' upper edges must be finite and increase strictly.")
            }
        case .interaction(let table):
            let rows = table.first.presentGroups + 1
            let columns = table.second.presentGroups + 1
            guard table.utilities.count == rows, table.utilities.allSatisfy({ $0.count == columns }) else {
                throw bad(
                    "an interaction table needs \(rows) rows (the first factor's groups, then missing) of \(columns) utilities (the second factor's groups, then missing)."
                )
            }
            guard table.utilities.allSatisfy({ $0.allSatisfy { (0...1).contains($0) } }) else {
                throw bad("every utility of an interaction table must be between 0 and 1.")
            }
            for axis in [table.first, table.second] where !axis.isCategorical {
                guard axis.edges.allSatisfy(\.isFinite), zip(axis.edges, axis.edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw bad("the edges of '\(axis.factor)' must be finite and increase strictly.")
                }
            }
        case .minMax:
            break
        case .zScore(let clip):
            guard clip > 0, clip.isFinite else {
                throw bad("clip is \(formatPlain(clip)); it must be a positive number.")
            }
        }
    }
}

/// A named set of weights to score beside the model's own (for example "growth" putting
/// more weight on budget). Weights not named keep the model's value; each side is
/// normalized again.
public struct WeightScenario: Sendable, Equatable, Codable {
    public let name: String
    public let weights: [String: Double]
    public init(name: String, weights: [String: Double]) {
        self.name = name
        self.weights = weights
    }
}

/// The columns that identify and describe an account. Only `id` is required in a file;
/// `id` may be `@line` for files without an id column (the line number becomes the id).
public struct AccountColumns: Sendable, Equatable, Codable {
    /// The `id` that means "use the record's line number".
    public static let lineNumberID = "@line"

    public var id: String
    public var name: String?
    public var industry: String?
    public var region: String?
    public var manager: String?
    public var stage: String?
    public var dealValue: String?

    public init(
        id: String = "account_id", name: String? = "name", industry: String? = "industry",
        region: String? = "region", manager: String? = "manager", stage: String? = "stage",
        dealValue: String? = "deal_value"
    ) {
        self.id = id
        self.name = name
        self.industry = industry
        self.region = region
        self.manager = manager
        self.stage = stage
        self.dealValue = dealValue
    }
}
