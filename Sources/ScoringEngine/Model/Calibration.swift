import Foundation

/// Maps the model's ranking score to a calibrated probability of winning the account.
///
/// The score is the ranking key of ``GradingPolicy/ranking`` — for the key `priority`,
/// value − penalty × difficulty. `kam model fit` chooses the penalty so that priority is
/// proportional to the fitted log-odds, then learns this map on out-of-fold scores.
public struct Calibration: Sendable, Equatable, Codable {
    public enum Method: Sendable, Equatable, Codable {
        /// Platt scaling: p = σ(intercept + slope × score).
        case platt(intercept: Double, slope: Double)
        /// Isotonic regression: linear interpolation between points with strictly increasing
        /// score and non-decreasing probability, constant beyond the first and last point
        /// (as scikit-learn's `IsotonicRegression` predicts).
        case isotonic(points: [Point])

        /// The word used in model files and reports.
        public var name: String {
            switch self {
            case .platt: return "platt"
            case .isotonic: return "isotonic"
            }
        }
    }

    public struct Point: Sendable, Equatable, Codable {
        public let score: Double
        public let probability: Double
        public init(score: Double, probability: Double) {
            self.score = score
            self.probability = probability
        }
    }

    public let method: Method

    /// - Throws: ``ModelError/invalidCalibration(reason:)`` for a non-finite number, a
    ///   probability outside 0...1, fewer than 2 isotonic points, scores that do not increase
    ///   strictly, or probabilities that decrease.
    public init(method: Method) throws(ModelError) {
        switch method {
        case .platt(let intercept, let slope):
            guard intercept.isFinite, slope.isFinite else {
                throw .invalidCalibration(reason: "the Platt intercept and slope must be finite numbers.")
            }
        case .isotonic(let points):
            guard points.count >= 2 else {
                throw .invalidCalibration(reason: "an isotonic calibration needs at least 2 points.")
            }
            guard points.allSatisfy({ $0.score.isFinite && (0...1).contains($0.probability) }) else {
                throw .invalidCalibration(reason: "every point needs a finite score and a probability between 0 and 1.")
            }
            for (left, right) in zip(points, points.dropFirst()) {
                guard left.score < right.score else {
                    throw .invalidCalibration(reason: "the points' scores must increase strictly.")
                }
                guard left.probability <= right.probability else {
                    throw .invalidCalibration(reason: "the points' probabilities must not decrease.")
                }
            }
        }
        self.method = method
    }

    /// The calibrated probability of winning for a ranking score.
    public func probability(ofScore score: Double) -> Double {
        switch method {
        case .platt(let intercept, let slope):
            let z = intercept + slope * score
            return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
        case .isotonic(let points):
            return Scale.interpolate(points, at: score, x: \.score, y: \.probability)
        }
    }
}
