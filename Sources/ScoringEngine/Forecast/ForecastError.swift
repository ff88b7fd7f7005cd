import LinearAlgebra

/// A pipeline, history or forecast that cannot be used, and what to change.
///
/// ScoringIO adds the file and line when the problem comes from a file.
public enum ForecastError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A transition probability is outside 0...1 or not a number.
    case invalidProbability(from: PipelineState, to: PipelineState, value: Double)
    /// A stage's probabilities do not sum to 1.
    case rowSum(stage: Int, sum: Double)
    /// Counts are not 5 rows of 7.
    case countShape
    /// A count is negative.
    case negativeCount
    /// A row of an absorbing chain has a negative entry or does not sum to 1 (zero-based row).
    case invalidChain(row: Int, sum: Double)
    /// From this stage (1-based) the pipeline never reaches won or lost.
    case stageNeverCloses(stage: Int)
    /// LAPACK found I − Q singular.
    case singularChain(LinearAlgebraError)
    /// No account-period started in this stage, so its row cannot be estimated.
    case noObservedPeriods(stage: Int)
    /// No account history has a complete period before the end of observation.
    case noCompletePeriods(observedUntil: CalendarDate)
    /// The conversion model has too few resolved snapshots of one outcome.
    case tooFewOutcomes(won: Int, lost: Int, minimum: Int)
    /// The logistic fit failed.
    case conversionFit(String)
    /// The scoring model differs from the one the conversion model was fitted with.
    case modelMismatch(expected: String, found: String)

    public var description: String {
        switch self {
        case .invalidProbability(let from, let to, let value):
            return "the probability of moving from stage \(from) to \(to.key) is \(value); "
                + "probabilities must be between 0 and 1."
        case .rowSum(let stage, let sum):
            return "the probabilities out of stage \(stage) sum to \(Self.plain(sum)); "
                + "they must sum to 1 (staying in the stage included). Adjust the stage's 'to' entries."
        case .countShape:
            return "the counts must give one number for each of stage_1…stage_5, won and lost."
        case .negativeCount:
            return "a count is negative; counts are numbers of account-periods, 0 or more."
        case .invalidChain(let row, let sum):
            return "row \(row + 1) of the chain has a negative entry or sums to \(Self.plain(sum)), not 1."
        case .stageNeverCloses(let stage):
            return "from stage \(stage) the pipeline can never reach won or lost, so time to close is "
                + "infinite; give stage \(stage) (or a stage it leads to) a probability of moving to won or lost."
        case .singularChain(let error):
            return "the chain's I − Q matrix is singular (\(error)); some stage never closes."
        case .noObservedPeriods(let stage):
            return "no account was observed in stage \(stage) for a whole period, so its transitions "
                + "cannot be estimated; use a longer event log or --period week."
        case .noCompletePeriods(let date):
            return "no account has a complete period before \(date); the log is too short to fit."
        case .tooFewOutcomes(let won, let lost, let minimum):
            return "the snapshots hold \(won) won and \(lost) lost accounts with known outcomes; "
                + "the conversion model needs at least \(minimum) of each. Add snapshots or fit "
                + "the pipeline without --snapshots (stage-only)."
        case .conversionFit(let message):
            return "the conversion model could not be fitted: \(message)"
        case .modelMismatch(let expected, let found):
            return "the pipeline's conversion model was fitted with the scoring model '\(expected)', "
                + "but the model given is '\(found)'; pass --model with the same model, or refit."
        }
    }

    static func plain(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let scaled = (value * 10_000).rounded() / 10_000
        return "\(scaled)"
    }
}
