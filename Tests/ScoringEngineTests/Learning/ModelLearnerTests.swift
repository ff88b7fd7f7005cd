import Foundation
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

/// One learned model shared by the tests that read it (learning runs once).
private enum Shared {
    static let history = LearningFixtures.history(count: 30_000, seed: 11, leak: true)
    static let learned: LearnedModel = {
        var options = ModelLearner.Options()
        options.candidates = .all
        options.seed = 42
        return try! ModelLearner(options: options).learn(history.data, baseModel: LearningFixtures.baseModel())
    }()

    /// The same history learned with the coarse groups of the screening step as the curves
    /// (`maximumCurveBins = 0`): the shape tests below check those groups (pre-bins,
    /// monotone pooling, ChiMerge) against the marginal truth. The default fine curves are
    /// checked against the truth in LearnedCurveTests.
    static let coarse: LearnedModel = {
        var options = ModelLearner.Options()
        options.candidates = .all
        options.seed = 42
        options.maximumCurveBins = 0
        return try! ModelLearner(options: options).learn(history.data, baseModel: LearningFixtures.baseModel())
    }()

    static func coarseReport(_ column: String) -> FactorReport {
        guard let report = coarse.factors.first(where: { $0.column == column }) else {
            preconditionFailure("no report for \(column)")
        }
        return report
    }

    static func report(_ column: String) -> FactorReport {
        guard let report = learned.factors.first(where: { $0.column == column }) else {
            preconditionFailure("no report for \(column)")
        }
        return report
    }

    static func values(_ column: String) -> [Double] {
        guard let found = history.data.columns.first(where: { $0.name == column }), case .numeric(let values) = found.values
        else { preconditionFailure("no numeric column \(column)") }
        return values
    }
}

/// Checks every non-empty bin of a numeric report against the truth: the bin's shrunk
/// log-odds lies within 3 standard errors of logit(mean σ(true log-odds)) over its rows.
private func expectBinsMatchTruth(_ report: FactorReport, values: [Double], truth: [Double]) {
    for group in report.groups {
        guard case .bin(let lower, let upper) = group.kind, group.count > 0 else { continue }
        var total = 0.0
        var count = 0
        for (row, x) in values.enumerated() where !x.isNaN && x >= (lower ?? -.infinity) && x < (upper ?? .infinity) {
            total += 1 / (1 + exp(-truth[row]))
            count += 1
        }
        #expect(count == group.count)
        let rate = total / Double(count)
        let standardError = 1 / (Double(count) * rate * (1 - rate)).squareRoot()
        let expected = log(rate / (1 - rate))
        #expect(
            abs(group.logOdds - expected) <= 3 * standardError,
            "bin [\(lower ?? -.infinity), \(upper ?? .infinity)): \(group.logOdds) vs \(expected) ± \(3 * standardError)")
    }
}

private func uppers(_ report: FactorReport) -> [Double] {
    report.groups.compactMap { if case .bin(_, let upper) = $0.kind { return upper } else { return nil } }
}

@Suite("Model learner")
struct ModelLearnerTests {
    @Test("a step-shaped monotone utility is recovered: edges near 10 and 30, bins within 3 SE of the truth")
    func stepMonotone() {
        let report = Shared.coarseReport("budget")
        #expect(report.shape == .monotone(winRateIncreases: true))
        let edges = uppers(report)
        // Pre-bins are 1/20 of U(0, 50) wide: 2.5.
        #expect(edges.contains { abs($0 - 10) <= 2.5 })
        #expect(edges.contains { abs($0 - 30) <= 2.5 })
        expectBinsMatchTruth(report, values: Shared.values("budget"), truth: Shared.history.truth)
        let logOdds = report.groups.filter { if case .bin = $0.kind { return $0.count > 0 } else { return false } }.map(\.logOdds)
        #expect(zip(logOdds, logOdds.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("a non-monotone step utility of a candidate is recovered by the free shape")
    func stepFree() {
        let report = Shared.coarseReport("region_score")
        #expect(report.shape == .free)
        #expect(report.status == .kept)
        let edges = uppers(report)
        #expect(edges.contains { abs($0 - 10) <= 2.5 })
        #expect(edges.contains { abs($0 - 30) <= 2.5 })
        expectBinsMatchTruth(report, values: Shared.values("region_score"), truth: Shared.history.truth)
    }

    @Test("a linear difficulty effect is recovered as monotone bins, harder with more delay")
    func monotoneLinear() {
        let report = Shared.coarseReport("delay")
        #expect(report.shape == .monotone(winRateIncreases: false))
        expectBinsMatchTruth(report, values: Shared.values("delay"), truth: Shared.history.truth)
        let bins = report.groups.filter { if case .bin = $0.kind { return $0.count > 0 } else { return false } }
        #expect(zip(bins, bins.dropFirst()).allSatisfy { $0.logOdds > $1.logOdds && $0.utility < $1.utility })
        // The missing group (true effect −0.6 on 10% of rows) gets its own utility.
        let missing = report.groups.first { $0.kind == .missing }
        #expect((missing?.count ?? 0) > 2000)
    }

    @Test("every learned bin holds at least the minimum count")
    func minimumCount() {
        let minimum = Shared.coarse.minimumBinCount
        #expect(minimum == max(50, Int((0.02 * 30_000).rounded(.up))))
        for report in Shared.coarse.factors where report.kind == .numeric {
            for group in report.groups {
                if case .bin = group.kind, group.count > 0 { #expect(group.count >= minimum, "\(report.column)") }
            }
        }
    }

    @Test("a rare category is pooled into other, near the overall rate; an unseen label gets other's utility")
    func categories() throws {
        // The coarse groups: other's log-odds is the pooled labels' rate shrunk by m = 20.
        let coarse = try #require(
            Shared.coarseReport("industry").groups.first { if case .other = $0.kind { return true } else { return false } })
        #expect(coarse.kind == .other(pooled: ["Rare"]))
        #expect(coarse.count == 5)
        let overall = Double(Shared.coarse.wonCount) / Double(Shared.coarse.outcomeCount)
        let shrunk = (Double(coarse.won) + 20 * overall) / 25
        #expect(coarse.logOdds.isApproximatelyEqual(to: log(shrunk / (1 - shrunk)), absoluteTolerance: 1e-12, relativeTolerance: 0))
        // The joint curves keep the same groups; other's coefficient is shrunk toward the
        // intercept by the ridge m p̄(1 − p̄): with 5 accounts its true effect (+2.5 above
        // Beta) is shrunk to less than half.
        let report = Shared.report("industry")
        let other = try #require(report.groups.first { if case .other = $0.kind { return true } else { return false } })
        #expect(other.kind == .other(pooled: ["Rare"]))
        #expect(other.count == 5)
        let beta = try #require(report.groups.first { $0.kind == .category("Beta") })
        #expect(other.logOdds - beta.logOdds > 0 && other.logOdds - beta.logOdds < 1.25, "\(other.logOdds) vs \(beta.logOdds)")
        // The learned scale stores other; a label never seen scores like a pooled one.
        let model = Shared.learned.model
        let factor = try #require(model.factors.first { $0.column == "industry" })
        guard case .categorical(_, let stored) = factor.scale else {
            Issue.record("industry is not categorical")
            return
        }
        #expect(stored?.utility == other.scaleUtility)
        let data = LearningData(
            columns: [
                LearningColumn(name: "budget", values: .numeric([20, 20])),
                LearningColumn(name: "delay", values: .numeric([10, 10])),
                LearningColumn(name: "region_score", values: .numeric([20, 20])),
                LearningColumn(name: "industry", values: .categorical(["Zeta", "rare"])),
            ], outcomes: [1, 0])
        let evaluation = try ModelLearner.evaluate(model: model, on: data)
        #expect(evaluation.scores.value[0] == evaluation.scores.value[1])
        #expect(evaluation.unknownLabels == 0)
    }

    @Test("a planted leak (the outcome with 2% noise) is flagged and left out of the model")
    func leak() {
        let report = Shared.report("followup_status")
        guard case .leak(let auc, let threshold) = report.reason else {
            Issue.record("not flagged: \(report.reason)")
            return
        }
        #expect(auc > 0.95 && threshold == 0.90)
        #expect(report.status == .leftOut)
        #expect(!Shared.learned.model.factors.contains { $0.column == "followup_status" })
        #expect(Shared.learned.notes.contains { $0.contains("followup_status") })
    }

    @Test("noise is left out (flat or weak information); informative candidates join")
    func candidates() {
        let noise = Shared.report("noise")
        #expect(noise.status == .leftOut)
        switch noise.reason {
        case .flat: break
        case .weakInformation(let iv, _): #expect(iv < 0.02)
        default: Issue.record("noise: \(noise.reason)")
        }
        #expect(Shared.learned.model.factors.map(\.column) == ["budget", "delay", "region_score", "industry"])
        #expect(Shared.report("industry").contribution.map { $0 > 0 } == true)
    }

    @Test("scoring the learned model through the normal path reproduces the in-memory fitted scores to 1e-12")
    func roundTrip() throws {
        let evaluation = try ModelLearner.evaluate(model: Shared.learned.model, on: Shared.history.data)
        let fitted = Shared.learned.trainingScores
        #expect(evaluation.scores.value.isApproximatelyEqual(to: fitted.value, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(evaluation.scores.difficulty.isApproximatelyEqual(to: fitted.difficulty, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(evaluation.scores.priority.isApproximatelyEqual(to: fitted.priority, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(evaluation.scores.probability.isApproximatelyEqual(to: fitted.probability, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(
            evaluation.scores.completeness.isApproximatelyEqual(to: fitted.completeness, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(evaluation.scores.grades == fitted.grades)
    }

    @Test("priority is proportional to the fitted log-odds: logit = β₀ + (B_V/100)·priority")
    func priorityIsLogOdds() {
        let learned = Shared.learned
        // The calibration is monotone in priority, and the grades' out-of-fold win rates fall A > B > C > D.
        let rates = learned.gradeWinRates.prefix(4).compactMap(\.winRate)
        #expect(rates.count == 4)
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 > $1 })
        #expect(learned.valueCoefficientSum > 0)
        #expect(learned.difficultyPenalty > 0)
        let metrics = learned.metrics
        #expect((metrics.learned.areaUnderROC ?? 0) > (metrics.weightsOnly?.areaUnderROC ?? 1))
        #expect(metrics.learned.logLoss < metrics.baseRate.logLoss)
        #expect(metrics.learned.calibrationError < 0.03)
    }

    @Test("a setting out of range is rejected with what is allowed")
    func settings() {
        var options = ModelLearner.Options()
        options.folds = 1
        #expect(throws: LearningError.invalidSetting(name: "number of folds", value: "1", allowed: "between 2 and 100")) {
            try ModelLearner(options: options)
        }
        #expect(
            LearningError.invalidSetting(name: "number of folds", value: "1", allowed: "between 2 and 100").description
                == "the number of folds is 1; it must be between 2 and 100.")
    }

    @Test("a base factor without a column in the data is named")
    func missingColumn() {
        let data = LearningData(columns: [LearningColumn(name: "budget", values: .numeric([1, 2, 3, 4]))], outcomes: [1, 0, 1, 0])
        #expect(throws: LearningError.missingColumn(factor: "delay", column: "delay")) {
            try ModelLearner().learn(data, baseModel: LearningFixtures.baseModel())
        }
    }
}
