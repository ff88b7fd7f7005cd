import Foundation
import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// Curves and interaction tables fitted together (``ModelLearner/refitJointly``), on a history
/// whose pair effect is not centred: log-odds −1 + 0.15 a + 1.2 [a ≥ 5][b ≥ 5] + 0.5 [colour =
/// red], with `a`, `b` uniform on 0–10. Learned one after the other, the curves of `a` and `b`
/// take a share of the pair's effect before its table is fitted on the rest; fitted together,
/// the penalized likelihood of curves and table is at its maximum.
@Suite("Curves and interaction tables fitted together")
struct JointRefitTests {
    static func history(count n: Int, seed: UInt64) -> LearningData {
        var random = SeededRandom(seed: seed)
        var a = [Double](), b = [Double](), colour = [String?](), noise = [Double](), outcomes = [Double]()
        let colours = ["red", "green", "blue"]
        for _ in 0..<n {
            let x = 10 * random.nextDouble()
            let y = 10 * random.nextDouble()
            let c = colours[min(2, Int(3 * random.nextDouble()))]
            let eta = -1 + 0.15 * x + (x >= 5 && y >= 5 ? 1.2 : 0) + (c == "red" ? 0.5 : 0)
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
            a.append(x)
            b.append(y)
            colour.append(c)
            noise.append(random.nextGaussian())
        }
        return LearningData(
            columns: [
                LearningColumn(name: "a", values: .numeric(a)),
                LearningColumn(name: "b", values: .numeric(b)),
                LearningColumn(name: "colour", values: .categorical(colour)),
                LearningColumn(name: "noise", values: .numeric(noise)),
            ],
            outcomes: outcomes)
    }

    /// The penalized log-likelihood of `model` at `beta` on every row, and its gradient.
    static func objective(_ model: AdditiveLogistic, beta: [Double], outcomes: [Double], lambda: Double) -> (
        value: Double, gradient: [Double]
    ) {
        let eta = model.linearPredictor(rows: Array(outcomes.indices), coefficients: beta)
        var value = 0.0
        var gradient = [Double](repeating: 0, count: model.parameterCount)
        for row in outcomes.indices {
            let t = eta[row]
            value += outcomes[row] * t - (max(t, 0) + log1p(exp(-abs(t))))
            let residual = outcomes[row] - 1 / (1 + exp(-t))
            gradient[0] += residual
            for (term, offset) in zip(model.terms, model.offsets) { gradient[offset + Int(term.groups[row])] += residual }
        }
        let penalty = model.penalty(beta, lambda: lambda)
        return (value - penalty.value, zip(gradient, penalty.gradient).map { $0 - $1 })
    }

    @Test("fitted together, the score equations of curves and tables hold (one after the other they do not), and the groups carry the joint fit")
    func jointFitIsTheMaximum() throws {
        let problem = CurveProblem(Self.history(count: 20_000, seed: 5))
        let learner = try ModelLearner()
        let curves = try problem.learnCurves(learner)
        let pairs = learner.learnInteractions(
            problem.inputs, curves: curves, outcomes: problem.outcomes, foldCount: problem.folds,
            trainRows: problem.trainRows, testRows: problem.testRows)
        try #require(pairs.contains { Set([$0.first, $0.second]) == [0, 1] }, "no a × b table among \(pairs.map { ($0.first, $0.second) })")
        let joint = try learner.refitJointly(
            problem.inputs, curves: curves, pairs: pairs, outcomes: problem.outcomes, assignment: problem.assignment,
            trainRows: problem.trainRows)
        #expect(joint.fits.count == problem.folds + 1 && joint.curves.count == problem.inputs.count && joint.pairs.count == pairs.count)

        // The curves and tables as learned one after the other, as a point of the same model.
        var sequential = curves.finalFit.coefficients
        for pair in pairs { sequential += pair.fits[0].groups.map(\.logOdds) }
        let beta = joint.fits[0].coefficients
        let atJoint = Self.objective(joint.model, beta: beta, outcomes: problem.outcomes, lambda: curves.lambda)
        let atSequential = Self.objective(joint.model, beta: sequential, outcomes: problem.outcomes, lambda: curves.lambda)
        // Gradients in accounts (a group's Σ (y − p) less its penalty's pull): 7e-10 at the joint fit, 9.9 one
        // after the other when this was written.
        let largestJoint = atJoint.gradient.map(abs).max() ?? .infinity
        let largestSequential = atSequential.gradient.map(abs).max() ?? 0
        #expect(largestJoint <= 1e-6, "largest score at the joint fit: \(largestJoint)")
        #expect(largestSequential >= 1, "largest score one after the other: \(largestSequential)")
        #expect(atJoint.value > atSequential.value, "\(atJoint.value) against \(atSequential.value)")

        // Every slot's groups carry that slot's coefficients: a curve's group β₀ + θ, a cell δ.
        for slot in joint.fits.indices {
            let coefficients = joint.fits[slot].coefficients
            for (k, column) in joint.curves.enumerated() {
                let offset = joint.model.offsets[k]
                for (g, group) in column[slot].groups.enumerated() {
                    #expect(abs(group.logOdds - (coefficients[0] + coefficients[offset + g])) <= 1e-12)
                }
            }
            for (index, table) in joint.pairs.enumerated() {
                let offset = joint.model.offsets[problem.inputs.count + index]
                for (c, cell) in table[slot].groups.enumerated() { #expect(cell.logOdds == coefficients[offset + c]) }
            }
        }
    }
}
