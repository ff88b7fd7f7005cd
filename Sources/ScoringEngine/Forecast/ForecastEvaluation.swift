/// How good a set of probability forecasts of a yes/no outcome (won or not) turned out:
/// Brier score, log loss, AUC and a ten-bin reliability table.
///
/// - Brier score: mean of (pᵢ − yᵢ)², 0 (perfect) … 1; a constant forecast of the base
///   rate ȳ scores ȳ(1 − ȳ).
/// - Log loss: mean of −[yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)] in nats, probabilities clipped to
///   [1e-15, 1 − 1e-15] (``BinaryOutcomeMetrics/logLoss(probabilities:outcomes:weights:)``).
/// - AUC: the probability that a won account got a higher forecast than a lost one, ties
///   counting one half (``BinaryOutcomeMetrics/areaUnderROC(scores:outcomes:weights:)``);
///   nil when all outcomes are equal.
/// - Reliability: forecasts in ten bins [0, 0.1), [0.1, 0.2), …, [0.9, 1.0] (1.0 in the
///   last); per bin the count, the mean forecast and the observed share won. A calibrated
///   forecast has the two close in every bin with many accounts.
public struct ForecastEvaluation: Sendable, Equatable {
    /// One bin of the reliability table.
    public struct ReliabilityBin: Sendable, Equatable {
        /// The bin's range of forecasts, [lower, upper) (the last includes 1).
        public let lower: Double
        public let upper: Double
        public let count: Int
        /// Mean forecast and observed share won; NaN for an empty bin.
        public let meanForecast: Double
        public let observedRate: Double
    }

    public let count: Int
    /// The observed share won, ȳ.
    public let baseRate: Double
    public let brierScore: Double
    public let logLoss: Double
    public let areaUnderROC: Double?
    public let reliability: [ReliabilityBin]

    /// The number of reliability bins.
    public static let binCount = 10

    /// Evaluates forecasts against outcomes.
    ///
    /// - Precondition: equal, non-zero counts; probabilities in 0...1.
    public init(probabilities: [Double], outcomes: [Bool]) {
        precondition(!probabilities.isEmpty && probabilities.count == outcomes.count, "One outcome per forecast")
        precondition(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 }, "Forecasts are probabilities in 0...1")
        let n = Double(probabilities.count)
        let y = outcomes.map { $0 ? 1.0 : 0.0 }
        count = probabilities.count
        baseRate = y.reduce(0, +) / n
        brierScore = zip(probabilities, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / n
        logLoss = BinaryOutcomeMetrics.logLoss(probabilities: probabilities, outcomes: y) ?? .nan
        areaUnderROC = BinaryOutcomeMetrics.areaUnderROC(scores: probabilities, outcomes: y)
        var counts = [Int](repeating: 0, count: Self.binCount)
        var forecastSums = [Double](repeating: 0, count: Self.binCount)
        var wonCounts = [Double](repeating: 0, count: Self.binCount)
        for (p, outcome) in zip(probabilities, y) {
            let bin = min(Int(p * Double(Self.binCount)), Self.binCount - 1)
            counts[bin] += 1
            forecastSums[bin] += p
            wonCounts[bin] += outcome
        }
        reliability = (0..<Self.binCount).map { bin in
            ReliabilityBin(
                lower: Double(bin) / Double(Self.binCount), upper: Double(bin + 1) / Double(Self.binCount),
                count: counts[bin],
                meanForecast: counts[bin] > 0 ? forecastSums[bin] / Double(counts[bin]) : .nan,
                observedRate: counts[bin] > 0 ? wonCounts[bin] / Double(counts[bin]) : .nan)
        }
    }
}
