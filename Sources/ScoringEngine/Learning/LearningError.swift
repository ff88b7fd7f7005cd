/// Why a model could not be learned from a history (or evaluated on one).
public enum LearningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A setting of ``ModelLearner/Options`` is out of range.
    case invalidSetting(name: String, value: String, allowed: String)
    /// Too few outcomes of one kind.
    case tooFewOutcomes(won: Int, lost: Int, needed: Int)
    /// A factor of the model has no column in the data.
    case missingColumn(factor: String, column: String)
    /// A column holds numbers where the factor reads categories, or the reverse.
    case columnKindMismatch(column: String, expected: String)
    /// No value-side factor carries information about the outcome.
    case noSignal
    /// The learned model is invalid (a bug or an extreme input).
    case model(ModelError)
    /// The weight fit failed.
    case weights(WeightFitError)
    /// Evaluation needs a model with a calibration.
    case modelNotCalibrated
    /// The learned model, scored as `kam rank` scores, does not give its training accounts
    /// the grade table the fit computed (a bug).
    case gradesNotReproduced(printed: [GradeWinRate], scored: [GradeWinRate])

    public var description: String {
        switch self {
        case .invalidSetting(let name, let value, let allowed):
            return "the \(name) is \(value); it must be \(allowed)."
        case .tooFewOutcomes(let won, let lost, let needed):
            return "the history has \(won) won and \(lost) lost accounts; learning a model needs at least "
                + "\(needed) of each. Add decided accounts, or use fewer folds."
        case .missingColumn(let factor, let column):
            return "factor '\(factor)' reads column '\(column)', which the file does not have; add the column "
                + "or remove the factor from the model."
        case .columnKindMismatch(let column, let expected):
            return "column '\(column)' should hold \(expected) for its factor; fix the column or the factor's scale."
        case .noSignal:
            return "no value factor's win rate varies in this history, so there is nothing to learn; "
                + "check the outcome column and add candidate columns (--candidates all)."
        case .model(let error):
            return "the learned model is not valid: \(error.description)"
        case .weights(let error):
            return error.description
        case .modelNotCalibrated:
            return "the model has no calibration, so it gives no probabilities; fit it with 'kam model fit' first."
        case .gradesNotReproduced(let printed, let scored):
            func table(_ rates: [GradeWinRate]) -> String {
                rates.map { "\($0.grade.letter) \($0.won)/\($0.count)" }.joined(separator: ", ")
            }
            return "the learned grade cuts do not reproduce the fit's grade table when the model is scored as kam rank "
                + "scores it (fit: \(table(printed)); scored: \(table(scored))); this is a bug in kam, please report it."
        }
    }
}
