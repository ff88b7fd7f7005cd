/// A model that cannot be used: inconsistent weights, scales, bands or grid.
///
/// Model files turn these into `ModelFileError`s that add the file and line.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case noFactors
    case duplicateFactor(String)
    case negativeWeight(factor: String, weight: Double)
    case allWeightsZero(side: Factor.Side)
    case invalidScale(factor: String, reason: String)
    case bandCount(names: Int, cuts: Int)
    case bandCuts([Double])
    case gridShape(expectedRows: Int, expectedColumns: Int)
    case gridHoldsInsufficient
    case completenessOutOfRange(Double)
    case penaltyOutOfRange(Double)
    case unknownFactorInScenario(scenario: String, factor: String)
    case duplicateScenario(String)
    case scenarioWeightsZero(scenario: String, side: Factor.Side)
    case invalidMissingUtility(factor: String, utility: Double)
    case invalidCalibration(reason: String)
    case invalidSpecialValue(factor: String, reason: String)

    public var description: String {
        switch self {
        case .noFactors:
            return "the model has no factors; add at least one value factor and one difficulty factor."
        case .duplicateFactor(let id):
            return "factor '\(id)' is defined twice; give each factor its own id."
        case .negativeWeight(let factor, let weight):
            return "weight for '\(factor)' is \(formatPlain(weight)); weights must be finite numbers of at least 0."
        case .allWeightsZero(let side):
            return
                "every \(side.rawValue) factor has weight 0 (or there is none); give at least one \(side.rawValue) factor a positive weight."
        case .invalidScale(let factor, let reason):
            return "scale of '\(factor)': \(reason)"
        case .bandCount(let names, let cuts):
            return "bands need one more name than cut points, all names different (found \(names) names and \(cuts) cuts)."
        case .bandCuts(let cuts):
            return "band cut points \(cuts.map(formatPlain)) must increase strictly and lie within 0...100."
        case .gridShape(let rows, let columns):
            return "the grade grid must have \(rows) rows (one per value band) of \(columns) grades (one per difficulty band)."
        case .gridHoldsInsufficient:
            return "the grade grid may hold only A, B, C and D; insufficient information comes from 'minimum_completeness'."
        case .completenessOutOfRange(let value):
            return "minimum_completeness is \(formatPlain(value)); it must be between 0 and 1."
        case .penaltyOutOfRange(let value):
            return
                "difficulty_penalty is \(formatPlain(value)); it must be a number from 0 to \(formatPlain(RankingPolicy.maximumDifficultyPenalty)) (a larger penalty leaves the value score no say in the order and its priorities overflow)."
        case .unknownFactorInScenario(let scenario, let factor):
            return "scenario '\(scenario)' sets a weight for '\(factor)', which is not a factor of the model."
        case .duplicateScenario(let name):
            return "scenario '\(name)' is defined twice; give each scenario its own name."
        case .scenarioWeightsZero(let scenario, let side):
            return
                "scenario '\(scenario)' gives every \(side.rawValue) factor weight 0; give at least one \(side.rawValue) factor a positive weight (a factor the scenario does not name keeps the model's weight)."
        case .invalidMissingUtility(let factor, let utility):
            return "the missing-value utility of '\(factor)' is \(formatPlain(utility)); it must be between 0 and 1."
        case .invalidCalibration(let reason):
            return "calibration: \(reason)"
        case .invalidSpecialValue(let factor, let reason):
            return "special_values of '\(factor)': \(reason)"
        }
    }
}
