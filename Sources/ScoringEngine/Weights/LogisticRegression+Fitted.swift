import LinearAlgebra

extension LogisticRegression {
    /// A fitted logistic regression: coefficients, their uncertainty, and predictions.
    ///
    /// Produced only by ``LogisticRegression/fit(_:outcomes:sampleWeights:offsets:featureNames:)``.
    /// `Sendable` and `Codable`, so it can be saved and reloaded.
    public struct Fitted: Sendable, Codable, Equatable {
        /// The feature names given to `fit` (may be empty).
        public let featureNames: [String]

        /// β₀, or `nil` when the model has no intercept.
        public let intercept: Double?

        /// β, one per feature column, on the log-odds scale.
        public let coefficients: [Double]

        /// The standard error of β₀, or `nil` without an intercept.
        public let interceptStandardError: Double?

        /// √(H⁻¹)ₖₖ for each feature: H is the penalized Hessian at the optimum.
        public let standardErrors: [Double]

        /// H⁻¹, the approximate posterior covariance of all terms, in term order (the
        /// intercept first when fitted, then the features).
        public let covariance: Matrix

        /// Σ sᵢ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)] at the estimate (≤ 0).
        public let logLikelihood: Double

        /// The log-likelihood minus ½ Σ Dₖ (βₖ − μₖ)²: the maximized objective.
        public let penalizedLogLikelihood: Double

        /// tr(H⁻¹ ZᵀWZ): the effective number of parameters the data determined; the term
        /// count with λ = 0, approaching the number of unpenalized terms as λ grows.
        public let effectiveParameterCount: Double

        /// Σ sᵢ, the total sample weight fitted (the row count without weights).
        public let totalWeight: Double

        /// Newton iterations run.
        public let iterations: Int

        /// Whether the convergence test passed within the iteration limit (``stopReason`` is
        /// ``LogisticRegression/StopReason/converged`` or
        /// ``LogisticRegression/StopReason/roundingLimit``).
        public let converged: Bool

        /// Why the iterations stopped.
        public let stopReason: StopReason

        /// Objective evaluations (passes over the rows without the design), line searches
        /// included.
        public let objectiveEvaluations: Int

        /// The terms of the model in ``covariance`` order.
        public var terms: [Term] {
            (intercept == nil ? [] : [.intercept]) + coefficients.indices.map { Term.feature($0) }
        }

        /// One row of the usual coefficient table.
        public struct Estimate: Sendable, Equatable, Codable {
            /// Which coefficient.
            public let term: Term
            /// Its display name.
            public let name: String
            /// The estimate, on the log-odds scale.
            public let value: Double
            /// Its standard error.
            public let standardError: Double
            /// The Wald statistic value / standardError (0 when the standard error is 0).
            public let zScore: Double
            /// The two-sided Wald p-value for "the coefficient is 0", in 0...1.
            public let pValue: Double

            /// The interval value ± `criticalValue` · standardError (1.959964 gives 95%).
            public func confidenceInterval(criticalValue: Double = 1.959963984540054) -> ClosedRange<Double> {
                (value - criticalValue * standardError)...(value + criticalValue * standardError)
            }
        }

        /// The coefficient table, intercept first.
        public var estimates: [Estimate] {
            var values: [(Term, Double, Double)] = []
            if let intercept, let interceptStandardError {
                values.append((.intercept, intercept, interceptStandardError))
            }
            for (index, value) in coefficients.enumerated() {
                values.append((.feature(index), value, standardErrors[index]))
            }
            return values.map { term, value, standardError in
                let z = standardError > 0 ? value / standardError : 0
                return Estimate(
                    term: term, name: term.name(featureNames: featureNames), value: value,
                    standardError: standardError, zScore: z,
                    pValue: NormalDistribution.twoSidedPValue(z))
            }
        }

        /// The Wald statistics βⱼ / SEⱼ of the features.
        public var zScores: [Double] {
            zip(coefficients, standardErrors).map { $1 > 0 ? $0 / $1 : 0 }
        }

        /// The two-sided Wald p-values of the features.
        public var pValues: [Double] {
            zScores.map(NormalDistribution.twoSidedPValue)
        }

        /// The log-odds η = β₀ + Xβ + o for each row of `features` (BLAS dgemv).
        ///
        /// - Precondition: `features.columns == coefficients.count`; `offsets` has one entry
        ///   per row when given.
        public func linearPredictor(_ features: Matrix, offsets: [Double]? = nil) -> [Double] {
            precondition(
                features.columns == coefficients.count,
                "LogisticRegression.Fitted needs \(coefficients.count) feature columns, got \(features.columns)")
            precondition(
                offsets.map { $0.count == features.rows } ?? true,
                "LogisticRegression.Fitted needs one offset per row")
            var eta = features.multiplied(by: coefficients)
            for row in eta.indices {
                eta[row] += (intercept ?? 0) + (offsets?[row] ?? 0)
            }
            return eta
        }

        /// P(won) = σ(β₀ + xᵢ·β + oᵢ) for each row of `features`, in 0...1.
        public func predict(_ features: Matrix, offsets: [Double]? = nil) -> [Double] {
            linearPredictor(features, offsets: offsets).map(LogisticRegression.logistic)
        }

        /// P(won) for one row of feature values.
        public func predict(row: [Double], offset: Double = 0) -> Double {
            precondition(row.count == coefficients.count, "LogisticRegression.Fitted.predict(row:) needs \(coefficients.count) values")
            var eta = (intercept ?? 0) + offset
            for (value, coefficient) in zip(row, coefficients) { eta += value * coefficient }
            return LogisticRegression.logistic(eta)
        }

        /// Out-of-sample quality on labelled rows.
        public struct Evaluation: Sendable, Equatable, Codable {
            /// Mean log loss in nats (lower is better); see ``BinaryOutcomeMetrics/logLoss(probabilities:outcomes:weights:)``.
            public let logLoss: Double?
            /// Area under the ROC curve (0.5 chance, 1 perfect); `nil` with one class only.
            public let areaUnderROC: Double?
        }

        /// Log loss and AUC of this model's predictions on `features` and `outcomes`.
        public func evaluate(
            on features: Matrix, outcomes: [Double], sampleWeights: [Double]? = nil,
            offsets: [Double]? = nil
        ) -> Evaluation {
            let eta = linearPredictor(features, offsets: offsets)
            return Evaluation(
                logLoss: BinaryOutcomeMetrics.logLoss(
                    probabilities: eta.map(LogisticRegression.logistic), outcomes: outcomes,
                    weights: sampleWeights),
                areaUnderROC: BinaryOutcomeMetrics.areaUnderROC(
                    scores: eta, outcomes: outcomes, weights: sampleWeights))
        }
    }
}
