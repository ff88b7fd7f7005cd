/// A problem with the data handed to ``LogisticRegression`` or with its hyperparameters.
///
/// Every case is something a user can act on (drop a duplicated factor, add outcomes of
/// the missing class, use a prior); shape mismatches between arrays the caller builds are
/// programmer errors and stop with a `precondition` instead.
///
/// Terms are named through ``LogisticRegression/Term``: `.intercept` or `.feature(j)` with a
/// zero-based feature column `j`. `featureNames` (empty when the caller gave none) is used
/// only for the wording of ``description``.
public enum LogisticRegressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A hyperparameter is out of range: `name` is the parameter, `value` what was given,
    /// `allowed` the range in words.
    case invalidHyperparameter(name: String, value: String, allowed: String)

    /// There are no rows with a positive weight to fit.
    case noData

    /// The outcome of row `row` (zero-based) is `value`, outside 0...1 or not finite.
    case outcomeOutOfRange(row: Int, value: Double)

    /// Entry (`row`, `column`) of the feature matrix is NaN or infinite.
    case nonFiniteFeature(row: Int, column: Int)

    /// The offset of row `row` is NaN or infinite.
    case nonFiniteOffset(row: Int)

    /// The sample weight of row `row` is negative, NaN or infinite.
    case invalidSampleWeight(row: Int, value: Double)

    /// Every row with a positive weight has the same outcome (`value`: 0 or 1), so an
    /// unpenalized intercept (or an unpenalized model) would run off to ±∞.
    case singleOutcomeClass(value: Double)

    /// The outcome is perfectly (or quasi-perfectly) predicted by a combination of the
    /// unpenalized terms: the maximum-likelihood estimate does not exist. `terms` are those
    /// moving most in the diverging direction, `saturatedRows` how many rows had fitted
    /// probabilities numerically 0 or 1.
    case perfectSeparation(terms: [LogisticRegression.Term], saturatedRows: Int, featureNames: [String])

    /// The unpenalized terms are linearly dependent (collinear), so their coefficients are not
    /// identified. `terms` are the columns involved in the dependency (from the null vector of
    /// their Gram matrix).
    case rankDeficient(terms: [LogisticRegression.Term], featureNames: [String])

    /// The penalized Hessian could not be factored although the design passed the rank
    /// check; `term` is where Cholesky stopped. Usually extreme scaling of a feature.
    case numericallySingular(term: LogisticRegression.Term, featureNames: [String])

    /// What went wrong and what to change.
    public var description: String {
        switch self {
        case .invalidHyperparameter(let name, let value, let allowed):
            return "the logistic regression's \(name) is \(value); it must be \(allowed)."
        case .noData:
            return "there are no outcomes to fit (no rows, or every sample weight is 0); "
                + "add rows with a won or lost outcome."
        case .outcomeOutOfRange(let row, let value):
            return "the outcome of row \(row + 1) is \(value); outcomes must be 0 (lost) or 1 "
                + "(won), or a proportion between them."
        case .nonFiniteFeature(let row, let column):
            return "the feature in row \(row + 1), column \(column + 1) is not a finite number; "
                + "fill or drop it before fitting."
        case .nonFiniteOffset(let row):
            return "the offset of row \(row + 1) is not a finite number."
        case .invalidSampleWeight(let row, let value):
            return "the sample weight of row \(row + 1) is \(value); weights must be finite "
                + "and at least 0."
        case .singleOutcomeClass(let value):
            let name = value >= 0.5 ? "won" : "lost"
            return "every outcome is \(name), so the data cannot say what separates won from "
                + "lost; add outcomes of the other kind, or fit with a prior (a penalty "
                + "without an intercept)."
        case .perfectSeparation(let terms, let saturatedRows, let names):
            let list = terms.map { $0.name(featureNames: names) }.joined(separator: ", ")
            return "the outcomes are perfectly separated by \(list.isEmpty ? "the factors" : list): "
                + "some combination of them predicts every won and lost exactly "
                + "(\(saturatedRows) row\(saturatedRows == 1 ? "" : "s") fitted at probability "
                + "0 or 1), so the coefficients run off to infinity. Add more history, drop "
                + "one of those factors, or use a penalty (a prior) so the fit stays finite."
        case .rankDeficient(let terms, let names):
            let list = terms.map { $0.name(featureNames: names) }.joined(separator: ", ")
            return "the factors \(list) are collinear in this data (one is a linear "
                + "combination of the others, or constant), so their separate effects cannot "
                + "be estimated; drop one of them or use a penalty (a prior)."
        case .numericallySingular(let term, let names):
            return "the fit's Hessian is numerically singular at "
                + "\(term.name(featureNames: names)); check that factor for extreme scaling "
                + "or near-duplication, or use a penalty (a prior)."
        }
    }
}
