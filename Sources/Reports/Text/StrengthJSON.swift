import ScoringEngine

/// A row of the penalty-strength search, as `kam model fit` and `kam weights fit` write
/// their `"strength_table"`: `{"strength": 0.100000, "log_loss": 0.612345, "auc": 0.700000}`,
/// each number `null` when it is not finite.
struct StrengthJSON: Encodable {
    let strength: JSONNumber
    let logLoss: JSONNumber
    let auc: JSONNumber

    init(_ score: WeightFitResult.StrengthScore) {
        strength = .finite(score.strength)
        logLoss = .finite(score.logLoss)
        auc = .finite(score.areaUnderROC)
    }
}
