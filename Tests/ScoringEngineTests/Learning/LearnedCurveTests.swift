import Foundation
import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// Histories with known curves: a step, a U-shape, a column with a sentinel code, a linear
/// difficulty, and noise.
enum CurveFixtures {
    /// `step` (value, base factor): −0.8 below 40, +0.6 from 40.
    static func step(_ x: Double) -> Double { x < 40 ? -0.8 : 0.6 }
    /// `ushape` (candidate): 0.35 x² − 1.05 on U(−3, 3).
    static func ushape(_ x: Double) -> Double { 0.35 * x * x - 1.05 }
    /// `days` (candidate): 999 ("never contacted", 85% of rows) −0.6; else 1.4 − 0.04 x on 0…30.
    static func days(_ x: Double) -> Double { x == 999 ? -0.6 : 1.4 - 0.04 * x }
    /// `effort` (difficulty, base factor): −0.02 per unit on U(0, 50).
    static func effort(_ x: Double) -> Double { -0.02 * x }
    static let intercept = -1.0

    static func baseModel() -> ScoringModel {
        try! ScoringModel(
            name: "curves",
            factors: [
                ModelFixtures.factor("step", .value, weight: 1, scale: .linear(min: 0, max: 100)),
                ModelFixtures.factor("effort", .difficulty, weight: 1, scale: .linear(min: 0, max: 50)),
            ],
            grading: ModelFixtures.grading())
    }

    struct History {
        var data: LearningData
        var truth: [Double]
    }

    static func history(count n: Int, seed: UInt64) -> History {
        var random = SeededRandom(seed: seed)
        var step = [Double]()
        var ushape = [Double]()
        var days = [Double]()
        var effort = [Double]()
        var noise = [Double]()
        var truth = [Double]()
        var outcomes = [Double]()
        for _ in 0..<n {
            let s = 100 * random.nextDouble()
            let u = 6 * random.nextDouble() - 3
            let d = random.nextDouble() < 0.85 ? 999 : Double(Int(31 * random.nextDouble()))
            let e = 50 * random.nextDouble()
            let eta = intercept + Self.step(s) + Self.ushape(u) + Self.days(d) + Self.effort(e)
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
            step.append(s)
            ushape.append(u)
            days.append(d)
            effort.append(e)
            noise.append(random.nextGaussian())
            truth.append(eta)
        }
        let model = baseModel()
        return History(
            data: LearningData(
                columns: [
                    LearningColumn(name: "step", values: .numeric(step), factor: model.factors[0]),
                    LearningColumn(name: "effort", values: .numeric(effort), factor: model.factors[1]),
                    LearningColumn(name: "ushape", values: .numeric(ushape)),
                    LearningColumn(name: "days", values: .numeric(days)),
                    LearningColumn(name: "noise", values: .numeric(noise)),
                ],
                outcomes: outcomes),
            truth: truth)
    }
}

/// The curves of `history` learned by ``ModelLearner/learnCurves`` on all its columns.
private func learnCurves(_ history: CurveFixtures.History, folds: Int = 5) throws -> (
    ModelLearner.Curves, [PreparedColumn]
) {
    try learnCurves(history.data, learner: ModelLearner(), folds: folds)
}

/// What ``ModelLearner/learnCurves`` needs for every column of `data`: stratified folds
/// (seed 42), the prepared columns and their screening fits.
struct CurveProblem {
    let outcomes: [Double]
    let folds: Int
    let assignment: [Int]
    let prepared: [PreparedColumn]
    let inputs: [ModelLearner.CurveInput]
    let trainRows: [[Int]]
    let testRows: [[Int]]

    init(_ data: LearningData, folds: Int = 5) {
        outcomes = data.outcomes
        self.folds = folds
        let assignment = WeightFit.stratifiedFolds(outcomes: outcomes, count: folds, seed: 42)
        self.assignment = assignment
        let settings = ColumnFit.Settings(
            maximumPreBins: 20, minimumBinCount: 50, pseudoCounts: 20, mergeSignificance: 0.05, minimumCategoryCount: 30)
        let outcomes = outcomes
        prepared = data.columns.map { PreparedColumn($0, outcomes: outcomes, assignment: assignment) }
        inputs = prepared.map { column in
            ModelLearner.CurveInput(
                column: column,
                screening: ColumnFit.learn(
                    column, outcomes: outcomes, assignment: assignment, fold: -1, request: .free, settings: settings),
                request: .free)
        }
        var trainRows = [[Int]](repeating: [], count: folds)
        var testRows = [[Int]](repeating: [], count: folds)
        for row in outcomes.indices {
            for fold in 0..<folds {
                if assignment[row] == fold { testRows[fold].append(row) } else { trainRows[fold].append(row) }
            }
        }
        self.trainRows = trainRows
        self.testRows = testRows
    }

    func learnCurves(_ learner: ModelLearner) throws -> ModelLearner.Curves {
        try learner.learnCurves(
            inputs, outcomes: outcomes, assignment: assignment, foldCount: folds, trainRows: trainRows, testRows: testRows)
    }
}

/// The curves of every column of `data` learned by `learner`'s ``ModelLearner/learnCurves``
/// (stratified folds, seed 42), and the prepared columns.
func learnCurves(_ data: LearningData, learner: ModelLearner, folds: Int = 5) throws -> (
    ModelLearner.Curves, [PreparedColumn]
) {
    let problem = CurveProblem(data, folds: folds)
    return (try problem.learnCurves(learner), problem.prepared)
}

private enum Shared {
    static let history = CurveFixtures.history(count: 20_000, seed: 7)
    static let curves = try! learnCurves(history)
}

@Suite("Learned curves (penalized binned GAM)")
struct LearnedCurveTests {
    /// Compares term `term`'s centred curve with the centred truth per bin (the mean true
    /// effect of the bin's rows): returns the share of non-empty bins within `k` standard
    /// errors and the mean |z|.
    private func agreement(
        term: Int, effect: (Double) -> Double, k: Double = 3, excluding excluded: ClosedRange<Double>? = nil
    ) -> (share: Double, meanZ: Double, bins: Int) {
        let (curves, _) = Shared.curves
        let column = Shared.history.data.columns[term]
        guard case .numeric(let values) = column.values else { return (0, .infinity, 0) }
        let groups = curves.additive.terms[term].groups
        let size = curves.additive.terms[term].size
        var count = [Double](repeating: 0, count: size)
        var total = [Double](repeating: 0, count: size)
        var touches = [Bool](repeating: false, count: size)
        for (row, x) in values.enumerated() {
            count[Int(groups[row])] += 1
            total[Int(groups[row])] += effect(x)
            if let excluded, excluded.contains(x) { touches[Int(groups[row])] = true }
        }
        let (estimate, errors) = curves.finalFit.centeredCurve(term: term, weights: count)
        let grand = total.reduce(0, +) / count.reduce(0, +)
        var within = 0
        var bins = 0
        var sumZ = 0.0
        for g in 0..<size where count[g] > 0 && !touches[g] {
            let truth = total[g] / count[g] - grand
            let z = abs(estimate[g] - truth) / errors[g]
            bins += 1
            sumZ += z
            if z <= k { within += 1 }
        }
        return (Double(within) / Double(bins), sumZ / Double(bins), bins)
    }

    @Test("a U-shape is recovered on fine bins: ≥ 95% of bins within 3 standard errors of the truth, mean |z| ≤ 1.5")
    func uShape() {
        let result = agreement(term: 2, effect: CurveFixtures.ushape)
        #expect(result.bins >= 100, "fine bins: \(result.bins)")
        #expect(result.share >= 0.95, "\(result)")
        #expect(result.meanZ <= 1.5, "\(result)")
    }

    @Test("a step is recovered: away from the step (x outside 33…47) ≥ 95% of bins within 3 standard errors; the jump 1.4 within 0.15")
    func step() {
        // The second-difference penalty blurs a jump over a few bins on either side: those
        // bins (values 33…47, about 14% of the bins) are biased toward the ramp by design.
        let result = agreement(term: 0, effect: CurveFixtures.step, excluding: 33...47)
        #expect(result.bins >= 100)
        #expect(result.share >= 0.95, "\(result)")
        #expect(result.meanZ <= 1.5, "\(result)")
        let (curves, _) = Shared.curves
        guard case .numeric(let values) = Shared.history.data.columns[0].values else { return }
        let groups = curves.additive.terms[0].groups
        var below = (sum: 0.0, count: 0.0)
        var above = (sum: 0.0, count: 0.0)
        let theta = curves.finalFit.curve(term: 0)
        for (row, x) in values.enumerated() {
            if x < 30 { below = (below.sum + theta[Int(groups[row])], below.count + 1) }
            if x >= 50 { above = (above.sum + theta[Int(groups[row])], above.count + 1) }
        }
        let jump = above.sum / above.count - below.sum / below.count
        #expect(abs(jump - 1.4) <= 0.15, "jump \(jump)")
    }

    @Test("a sentinel (999 on 85% of rows) gets its own bin, and it and the line beside it are within 3 standard errors")
    func sentinel() {
        let (curves, prepared) = Shared.curves
        #expect(curves.sentinels[3] == [999])
        #expect(curves.sentinels[2].isEmpty && curves.sentinels[0].isEmpty && curves.sentinels[4].isEmpty)
        let bins = CurveBins.make(prepared[3], maximumBins: 256, minimumCount: 10)
        let sentinelBin = bins.bins.firstIndex { $0.role == .sentinel(999) }
        #expect(sentinelBin == bins.bins.count - 2)
        // Special bins come after the value order and hold their value only.
        #expect(bins.bins[bins.bins.count - 2].lower == 999 && bins.bins[bins.bins.count - 2].upper == (999.0).nextUp)
        #expect(bins.bins[bins.orderedCount - 1].upper == nil && bins.orderedCount == bins.bins.count - 2)
        let result = agreement(term: 3, effect: CurveFixtures.days)
        #expect(result.share >= 0.95, "\(result)")
    }

    @Test("noise gets a flat curve: its range is within 4 standard errors of 0")
    func noiseFlat() {
        let (curves, _) = Shared.curves
        let size = curves.additive.terms[4].size
        var count = [Double](repeating: 0, count: size)
        for g in curves.additive.terms[4].groups { count[Int(g)] += 1 }
        let (estimate, errors) = curves.finalFit.centeredCurve(term: 4, weights: count)
        for g in 0..<size where count[g] > 0 { #expect(abs(estimate[g]) <= 4 * errors[g]) }
    }

    @Test("a planted edge code is a sentinel; a code at the edge next to the other values is a mass point, not a sentinel")
    func sentinelDetection() {
        let outcomes = (0..<1000).map { Double($0 % 2) }
        let assignment = [Int](repeating: 0, count: 1000)
        // −1 on 20% of rows, the rest 0…99: apart (negative while the rest are ≥ 0).
        let coded = (0..<1000).map { $0 % 5 == 0 ? -1.0 : Double($0 % 100) }
        let bins = CurveBins.make(
            PreparedColumn(LearningColumn(name: "x", values: .numeric(coded)), outcomes: outcomes, assignment: assignment),
            maximumBins: 256, minimumCount: 10)
        #expect(bins.sentinels == [-1])
        let special = bins.bins[bins.bins.count - 2]
        #expect(special.role == .sentinel(-1) && special.lower == -1 && special.upper == (-1.0).nextUp && special.count == 200)
        #expect(bins.bins[0].lower == nil && bins.bins[0].role == .smooth)
        // 0 on 30% of rows, the rest 1…50: a mass point (own bin), not a sentinel.
        let zeros = (0..<1000).map { $0 % 10 < 3 ? 0.0 : Double(1 + $0 % 50) }
        let massBins = CurveBins.make(
            PreparedColumn(LearningColumn(name: "x", values: .numeric(zeros)), outcomes: outcomes, assignment: assignment),
            maximumBins: 256, minimumCount: 10)
        #expect(massBins.sentinels.isEmpty)
        #expect(massBins.bins[0].role == .massPoint(0) && !massBins.chain.contains(0))
        // Its upper edge is the next bin's smallest value (here 4: the file says `below: 4`), not 0's
        // next representable number (5e-324), and every row still lands in its own bin.
        #expect(massBins.bins[0].upper == 4 && massBins.bins[1].lower == 4, "\(massBins.bins.prefix(3))")
        #expect(massBins.bins.allSatisfy { ($0.upper ?? 1).magnitude >= 1e-300 || $0.upper == 0 })
        for (row, value) in zeros.enumerated() { #expect((massBins.rowBin[row] == 0) == (value == 0)) }
        // A 0/1 column: both values are mass points, neither a sentinel.
        let binary = CurveBins.make(
            PreparedColumn(
                LearningColumn(name: "x", values: .numeric((0..<1000).map { Double($0 % 3 == 0 ? 1 : 0) })),
                outcomes: outcomes, assignment: assignment),
            maximumBins: 256, minimumCount: 10)
        #expect(binary.sentinels.isEmpty && binary.bins[1].role == .massPoint(1))
        #expect(binary.bins[0].upper == 1 && binary.bins[1].lower == 1, "\(binary.bins)")
        // Uniform values: no sentinel, every bin in the chain but missing.
        let uniform = (0..<1000).map { Double($0) }
        let plain = CurveBins.make(
            PreparedColumn(LearningColumn(name: "x", values: .numeric(uniform)), outcomes: outcomes, assignment: assignment),
            maximumBins: 64, minimumCount: 10)
        #expect(plain.sentinels.isEmpty && plain.chain.count == plain.bins.count - 1 && plain.bins.count - 1 <= 64)
    }

    @Test("learned end to end, the model's held-out AUC is within 0.003 of the known-truth ceiling")
    func aucCeiling() throws {
        var options = ModelLearner.Options()
        options.candidates = .all
        let learned = try ModelLearner(options: options).learn(Shared.history.data, baseModel: CurveFixtures.baseModel())
        let days = try #require(learned.factors.first { $0.column == "days" })
        #expect(days.status == .kept)
        let test = CurveFixtures.history(count: 20_000, seed: 8)
        let evaluation = try ModelLearner.evaluate(model: learned.model, on: test.data)
        let ceiling = try #require(RankStatistics.areaUnderROC(scores: test.truth, outcomes: test.data.outcomes))
        let auc = try #require(evaluation.metrics.areaUnderROC)
        #expect(auc >= ceiling - 0.003, "AUC \(auc) vs ceiling \(ceiling)")
    }
}
