/// A team or allocation problem that cannot be solved as given, with what to fix.
public enum AllocationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stage's response would push the probability of advancing above 1:
    /// `ceiling × advance rate of the fitted chain > 1`.
    case responseAboveOne(stage: Int, ceiling: Double, advanceRate: Double)
    /// The pipeline chain cannot be used (a stage never closes).
    case pipeline(ForecastError)

    public var description: String {
        switch self {
        case .responseAboveOne(let stage, let ceiling, let advanceRate):
            let limit = advanceRate > 0 ? 1 / advanceRate : .infinity
            return
                "response.stage_\(stage).ceiling is \(ceiling), but the pipeline's stage \(stage) advances with probability \(advanceRate) per period, so full effort would advance it with probability \(ceiling * advanceRate) > 1; use a ceiling of at most \(limit)."
        case .pipeline(let error):
            return error.description
        }
    }
}
