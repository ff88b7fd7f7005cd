import Foundation
import LinearAlgebra
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
        var a = [Double]()
        var b = [Double]()
        var colour = [String?]()
        var noise = [Double]()
        var outcomes = [Double]()
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
                LearningColumn(name: "colour", values: .categorical(CategoryLabels(colour))),
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

    @Test(
        "fitted together, the score equations of curves and tables hold (one after the other they do not), and the groups carry the joint fit"
    )
    func jointFitIsTheMaximum() throws {
        let problem = CurveProblem(Self.history(count: 20_000, seed: 5))
        let learner = try ModelLearner()
        let curves = try problem.learnCurves(learner)
        let pairs = learner.learnInteractions(
            problem.inputs, curves: curves, outcomes: problem.outcomes, foldCount: problem.folds,
            trainRows: problem.trainRows, testRows: problem.testRows)
        try #require(
            pairs.contains { Set([$0.first, $0.second]) == [0, 1] }, "no a × b table among \(pairs.map { ($0.first, $0.second) })")
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

    @Test("an outer bag is a stratified share of the slot's rows, in row order, the same for the same seed and stream")
    func baggedRowsAreStratified() {
        let outcomes = (0..<1000).map { $0 % 7 == 0 ? 1.0 : 0.0 }
        let rows = Array(stride(from: 0, to: 1000, by: 2))
        let bag = ModelLearner.baggedRows(rows, outcomes: outcomes, share: 0.85, stream: 0, seed: 42)
        let won = rows.filter { outcomes[$0] == 1 }.count
        let lost = rows.count - won
        #expect(bag.filter { outcomes[$0] == 1 }.count == Int((0.85 * Double(won)).rounded(.up)))
        #expect(bag.filter { outcomes[$0] == 0 }.count == Int((0.85 * Double(lost)).rounded(.up)))
        #expect(Set(bag).isSubset(of: Set(rows)) && Set(bag).count == bag.count)
        #expect(bag == bag.sorted())
        #expect(bag == ModelLearner.baggedRows(rows, outcomes: outcomes, share: 0.85, stream: 0, seed: 42))
        #expect(bag != ModelLearner.baggedRows(rows, outcomes: outcomes, share: 0.85, stream: 1, seed: 42))
    }

    @Test(
        "with outer bags every slot's curves and tables are the mean of the bags' fits, each on its bag of the slot's rows; one bag is the plain refit"
    )
    func outerBagsAverageTheFits() throws {
        // As `ModelLearner.learn` does: one OpenBLAS thread throughout, so that the fits
        // compared below round alike whatever other tests run meanwhile.
        try BLASThreads.withThreadCount(1) { try outerBagsAverageTheFitsOnOneThread() }
    }

    func outerBagsAverageTheFitsOnOneThread() throws {
        let problem = CurveProblem(Self.history(count: 6_000, seed: 5))
        var options = ModelLearner.Options()
        options.maximumInteractions = 2
        let learner = try ModelLearner(options: options)
        let curves = try problem.learnCurves(learner)
        let pairs = learner.learnInteractions(
            problem.inputs, curves: curves, outcomes: problem.outcomes, foldCount: problem.folds,
            trainRows: problem.trainRows, testRows: problem.testRows)
        try #require(!pairs.isEmpty)
        func refit(bags: Int) throws -> ModelLearner.JointRefit {
            try learner.refitJointly(
                problem.inputs, curves: curves, pairs: pairs, outcomes: problem.outcomes, assignment: problem.assignment,
                trainRows: problem.trainRows, bags: bags)
        }
        let plain = try refit(bags: 1)
        let bagged = try refit(bags: 3)
        let one = try learner.refitJointly(
            problem.inputs, curves: curves, pairs: pairs, outcomes: problem.outcomes, assignment: problem.assignment,
            trainRows: problem.trainRows)
        #expect(plain.fits.map(\.coefficients) == one.fits.map(\.coefficients))

        let n = problem.outcomes.count
        let learned = [curves.finalFit] + curves.foldFits
        for slot in [0, 2] {
            var start = learned[slot].coefficients
            for pair in pairs { start += pair.fits[slot].groups.map(\.logOdds) }
            let rows = slot == 0 ? Array(0..<n) : problem.trainRows[slot - 1]
            var sum = [Double](repeating: 0, count: start.count)
            for stream in 0..<3 {
                let bag = ModelLearner.baggedRows(rows, outcomes: problem.outcomes, share: 0.85, stream: stream, seed: 42)
                let fit = try bagged.model.fit(
                    rows: bag, outcomes: problem.outcomes, lambda: curves.lambda, start: start, keepsFactor: false)
                for k in sum.indices { sum[k] += fit.coefficients[k] }
            }
            // The same fits summed in the same order: equal to rounding.
            let mean = sum.map { $0 / 3 }
            let largest = zip(mean, bagged.fits[slot].coefficients).map { abs($0 - $1) }.max() ?? .infinity
            #expect(largest <= 1e-12, "slot \(slot): \(largest)")
            // Bagging moves the fit, but not far from the plain one.
            let moved = zip(plain.fits[slot].coefficients, bagged.fits[slot].coefficients).map { abs($0 - $1) }.max() ?? 0
            #expect(moved > 0 && moved < 1, "slot \(slot): \(moved)")
            // Every group carries the mean: a curve's group β̄₀ + θ̄ (before any monotone projection; these are free).
            for (k, column) in bagged.curves.enumerated() {
                let offset = bagged.model.offsets[k]
                for (g, group) in column[slot].groups.enumerated() {
                    #expect(abs(group.logOdds - (mean[0] + mean[offset + g])) <= 1e-12)
                }
            }
        }
    }
}
