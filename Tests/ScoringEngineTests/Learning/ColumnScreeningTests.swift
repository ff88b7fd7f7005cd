import Foundation
import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// Id-like columns and leak hints (issue 13, item 5), and one verdict per column.
@Suite("Column screening: ids, leaks, one verdict per column")
struct ColumnScreeningTests {
    static let n = 2_000

    static func numeric(_ name: String, _ values: [Double]) -> LearningColumn { LearningColumn(name: name, values: .numeric(values)) }
    static func labels(_ name: String, _ values: [String?]) -> LearningColumn {
        LearningColumn(name: name, values: .categorical(CategoryLabels(values)))
    }

    @Test("planted id-like columns are named; ordinary numbers and categories are not")
    func idLike() {
        var random = SeededRandom(seed: 1)
        let shuffledRun = (0..<Self.n).map { Double(100_001 + $0) }.shuffled(using: &random)
        #expect(ColumnScreening.idLikeReason(Self.numeric("lead", shuffledRun))?.contains("nearly a run") == true)
        let entered = (0..<Self.n).map { 20_240_101 + Double($0) * 0.37 }
        #expect(ColumnScreening.idLikeReason(Self.numeric("entered", entered))?.contains("rise with the row order") == true)
        let textIDs = (0..<Self.n).map { String(format: "K-%05d", $0) as String? }
        #expect(ColumnScreening.idLikeReason(Self.labels("ref", textIDs))?.contains("distinct labels") == true)
        let numbered = (0..<Self.n).map { _ in Double(random.next() % 1_000_000) }
        #expect(ColumnScreening.idLikeReason(Self.numeric("customer_no", numbered))?.contains("its name says id") == true)
        // Not ids: amounts (wide whole numbers), measurements, few categories.
        let amounts = (0..<Self.n).map { _ in Double(random.next() % 1_000_000) }
        #expect(ColumnScreening.idLikeReason(Self.numeric("deal_value", amounts)) == nil)
        #expect(ColumnScreening.idLikeReason(Self.numeric("share", (0..<Self.n).map { _ in random.nextDouble() })) == nil)
        #expect(ColumnScreening.idLikeReason(Self.labels("industry", (0..<Self.n).map { ["a", "b", "c"][$0 % 3] })) == nil)
    }

    @Test("leak hints: status words in the name or the labels, free text; none for ordinary columns")
    func leakHints() {
        #expect(
            ColumnScreening.leakHint(Self.labels("close_reason", (0..<Self.n).map { ["price", "timing"][$0 % 2] }))?.contains("'reason'")
                == true)
        #expect(ColumnScreening.leakHint(Self.labels("跟进状态", (0..<Self.n).map { ["a", "b"][$0 % 2] })) != nil)
        let statuses = (0..<Self.n).map { ["contract signed", "closed lost", "pending"][$0 % 3] as String? }
        #expect(ColumnScreening.leakHint(Self.labels("stage_note", statuses))?.contains("status words") == true)
        let notes = (0..<Self.n).map { "called back on day \($0 % 700), client asked for a new quote" as String? }
        #expect(ColumnScreening.leakHint(Self.labels("remarks", notes))?.contains("free text") == true)
        #expect(ColumnScreening.leakHint(Self.labels("industry", (0..<Self.n).map { ["a", "b", "c"][$0 % 3] })) == nil)
        #expect(ColumnScreening.leakHint(Self.numeric("referrals_signed_count", [Double](repeating: 1, count: Self.n))) == nil)
        #expect(ColumnScreening.leakHint(Self.numeric("largest_contract", [Double](repeating: 1, count: Self.n))) == nil)
    }

    /// The fixture history with planted columns: a numeric id, a text id, a free-text note
    /// written after the outcome (AUC below the threshold), and a status column.
    static func planted(seed: UInt64) -> LearningData {
        let history = LearningFixtures.history(count: 4_000, seed: seed)
        var random = SeededRandom(seed: seed + 100)
        let n = history.data.count
        var columns = history.data.columns
        columns.append(Self.numeric("lead_number", (0..<n).map { Double(5_000 + $0) }.shuffled(using: &random)))
        columns.append(Self.labels("reference", (0..<n).map { "REF-\($0 * 7 + 3)" }))
        columns.append(
            Self.labels(
                "sales_note",
                history.data.outcomes.enumerated().map { row, won in
                    let good = random.nextDouble() < 0.7 ? won == 1 : won == 0
                    return (good ? "good talk with the client, follow up " : "client not responsive, parked ") + "note \(row % 2000)"
                }))
        columns.append(Self.labels("account_status", (0..<n).map { _ in ["active", "dormant"][Int(random.next() % 2)] }))
        return LearningData(columns: columns, outcomes: history.data.outcomes)
    }

    @Test("the learner leaves planted ids and leaks out with one verdict each; --include keeps an id column")
    func learnerVerdicts() throws {
        let data = Self.planted(seed: 31)
        var options = ModelLearner.Options()
        options.candidates = .all
        let learned = try ModelLearner(options: options).learn(data, baseModel: LearningFixtures.baseModel())
        func reason(_ column: String) -> FactorReport.Reason? { learned.factors.first { $0.column == column }?.reason }
        guard case .idLike = reason("lead_number") else {
            Issue.record("lead_number: \(String(describing: reason("lead_number")))")
            return
        }
        guard case .idLike = reason("reference") else {
            Issue.record("reference: \(String(describing: reason("reference")))")
            return
        }
        guard case .possibleLeak = reason("sales_note") else {
            Issue.record("sales_note: \(String(describing: reason("sales_note")))")
            return
        }
        guard case .possibleLeak = reason("account_status") else {
            Issue.record("account_status: \(String(describing: reason("account_status")))")
            return
        }
        for column in ["lead_number", "reference", "sales_note", "account_status"] {
            #expect(!learned.model.factors.contains { $0.column == column }, "\(column) is in the model")
        }
        Self.expectOneVerdict(learned)

        options.includedColumns = ["lead_number"]
        let included = try ModelLearner(options: options).learn(data, baseModel: LearningFixtures.baseModel())
        let lead = try #require(included.factors.first { $0.column == "lead_number" })
        if case .idLike = lead.reason { Issue.record("--include did not keep lead_number") }
    }

    /// Every column has one verdict: the notes name no column that its report calls
    /// contradicted, left out or a leak, except the notes that list left-out leaks.
    static func expectOneVerdict(_ learned: LearnedModel) {
        for factor in learned.factors where factor.status == .leftOut || factor.weight == 0 {
            for note in learned.notes where note.hasPrefix("Reversed") {
                #expect(!note.contains(factor.column), "\(factor.column) is left out (\(factor.reason)) and listed as \(note)")
            }
        }
    }

    @Test("a base factor whose declared direction the data does not follow gets weight 0 with one verdict")
    func shapeContradicted() throws {
        // delay is declared a difficulty (win rate falls with it); here the win rate rises with it.
        var random = SeededRandom(seed: 8)
        let model = try ScoringModel(
            name: "three",
            factors: [
                ModelFixtures.factor("budget", .value, weight: 1, scale: .linear(min: 0, max: 50)),
                ModelFixtures.factor("delay", .difficulty, weight: 0.5, scale: .linear(min: 0, max: 60)),
                ModelFixtures.factor("risk", .difficulty, weight: 0.5, scale: .linear(min: 0, max: 10)),
            ], grading: ModelFixtures.grading())
        var budget: [Double] = []
        var delay: [Double] = []
        var risk: [Double] = []
        var outcomes: [Double] = []
        for _ in 0..<4_000 {
            let b = 50 * random.nextDouble()
            let d = 60 * random.nextDouble()
            let r = 10 * random.nextDouble()
            budget.append(b)
            delay.append(d)
            risk.append(r)
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-(-0.5 + 0.05 * b + 0.03 * d - 0.3 * r))) ? 1 : 0)
        }
        let data = LearningData(
            columns: [
                LearningColumn(name: "budget", values: .numeric(budget), factor: model.factors[0]),
                LearningColumn(name: "delay", values: .numeric(delay), factor: model.factors[1]),
                LearningColumn(name: "risk", values: .numeric(risk), factor: model.factors[2]),
            ], outcomes: outcomes)
        let learned = try ModelLearner().learn(data, baseModel: model)
        let report = try #require(learned.factors.first { $0.column == "delay" })
        #expect(report.weight == 0)
        #expect(learned.model.factors.first { $0.id == "delay" }?.weight == 0)
        if case .shapeContradicted(let rises) = report.reason { #expect(rises == false) } else { Issue.record("delay: \(report.reason)") }
        #expect(learned.factors.first { $0.column == "risk" }?.weight ?? 0 > 0)
        Self.expectOneVerdict(learned)
    }
}
