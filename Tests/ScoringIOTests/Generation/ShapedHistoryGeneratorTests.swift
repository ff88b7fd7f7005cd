import Foundation
import RealModule
import ScoringTestSupport
import Testing

@testable import ScoringIO

@Suite("Shaped history generator (kam generate --outcomes)")
struct ShapedHistoryGeneratorTests {
    private static func history(rows: Int, seed: UInt64, blankRate: Double = 0.03) -> [UInt8] {
        ShapedHistoryGenerator(options: try! GeneratorOptions(rows: rows, seed: seed, blankRate: blankRate)).bytes()
    }

    /// 200,000 rows with seed 7, read back once for the statistical tests.
    private static let large = ShapedHistoryRows(
        history(rows: 200_000, seed: 7), keeping: ["decision_cycle_months", "industry", "credit_rating"])

    @Test("the same seed writes the same bytes; another seed writes others")
    func reproducible() {
        let first = Self.history(rows: 5000, seed: 11)
        let second = Self.history(rows: 5000, seed: 11)
        #expect(first == second)
        #expect(first != Self.history(rows: 5000, seed: 12))
    }

    @Test("a shorter history is a prefix of a longer one with the same seed")
    func prefix() {
        let short = Self.history(rows: 5000, seed: 3)
        let long = Self.history(rows: 9000, seed: 3)
        #expect(Array(long.prefix(short.count)) == short)
    }

    @Test("the header is the prospect list's plus outcome and followup_status")
    func header() {
        let list = GeneratedList(Self.history(rows: 10, seed: 1))
        #expect(list.header == ProspectListGenerator.columns + ["outcome", "followup_status"])
        #expect(list.rows.allSatisfy { $0.count == 29 })
    }

    @Test("the first 27 columns are the prospect list's, but for the rare industry relabel")
    func sameListAsGenerate() throws {
        let options = try GeneratorOptions(rows: 20_000, seed: 5, badRows: 0)
        let history = GeneratedList(ShapedHistoryGenerator(options: options).bytes())
        let list = GeneratedList(ProspectListGenerator(options: options).bytes())
        try #require(history.rows.count == list.rows.count)
        let industry = list.column("industry")
        var relabelled = 0
        for (historyRow, listRow) in zip(history.rows, list.rows) {
            var cells = Array(historyRow.prefix(27))
            if cells[industry] == ShapedHistoryTruth.rareIndustry {
                #expect(listRow[industry] == "telecom")
                cells[industry] = "telecom"
                relabelled += 1
            }
            #expect(cells == listRow)
        }
        // About 0.3% of 20,000: 60 expected, binomial SD about 8.
        #expect((30...90).contains(relabelled))
    }

    @Test("every row's outcome was drawn from exactly the truth's log-odds of its written cells")
    func logOddsMatchTheText() throws {
        let generator = ShapedHistoryGenerator(options: try GeneratorOptions(rows: 20_000, seed: 13, blankRate: 0.1))
        var drawn: [Double] = []
        var bytes: [UInt8] = []
        generator.write(chunksTo: { (chunk: [UInt8]) in bytes.append(contentsOf: chunk) }, observingLogOdds: { drawn.append($0) })
        #expect(bytes == generator.bytes())
        let rows = ShapedHistoryRows(bytes)
        try #require(drawn.count == 20_000 && rows.logOdds.count == 20_000)
        // The same functions, summed in the same order: equal to the last bit.
        let differing = zip(drawn, rows.logOdds).filter { $0 != $1 }.count
        #expect(differing == 0)
    }

    @Test("the overall win rate is between 20% and 40% and the leak agrees about 99% of the time")
    func rates() {
        let rows = Self.large
        let n = Double(rows.won.count)
        let winRate = Double(rows.won.filter { $0 }.count) / n
        #expect(winRate > 0.2 && winRate < 0.4)
        // Agreement = 0.98 + 0.02 / 2 = 0.99; SE = √(0.99·0.01/n) ≈ 0.00022.
        let agreement = Double(zip(rows.won, rows.leakWon).filter { $0 == $1 }.count) / n
        #expect(abs(agreement - 0.99) < 3 * (0.99 * 0.01 / n).squareRoot())
    }

    /// Checks that the observed wins in each group match Σ σ(ηᵢ) within 3 standard errors
    /// (SE² = Σ pᵢ(1 − pᵢ)), with η recomputed from the rows' text.
    private func expectCalibrated(
        groups: [String: [Int]], _ rows: ShapedHistoryRows,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (name, members) in groups.sorted(by: { $0.key < $1.key }) {
            var expected = 0.0
            var variance = 0.0
            var observed = 0.0
            for row in members {
                let p = ShapedHistoryTruth.winProbability(logOdds: rows.logOdds[row])
                expected += p
                variance += p * (1 - p)
                observed += rows.won[row] ? 1 : 0
            }
            let tolerance = 3 * variance.squareRoot()
            #expect(
                abs(observed - expected) <= tolerance,
                "\(name): \(members.count) rows, \(observed) won, σ(truth) expects \(expected) ± \(tolerance)",
                sourceLocation: sourceLocation)
        }
    }

    @Test("the win rate in each decision-cycle step matches σ(truth) within 3 SE on 200,000 rows")
    func stepBins() throws {
        let rows = Self.large
        let cells = try #require(rows.kept["decision_cycle_months"])
        var groups: [String: [Int]] = [:]
        for (row, cell) in cells.enumerated() {
            let months = ShapedHistoryTruth.number(cell)
            let bin =
                months.map { $0 < 3 ? "below 3" : $0 < 9 ? "3 to 9" : "9 and up" } ?? "missing"
            groups[bin, default: []].append(row)
        }
        #expect(groups.count == 4)
        #expect(groups.values.allSatisfy { $0.count > 1000 })
        expectCalibrated(groups: groups, rows)
        // The steps show in the raw win rates too: short cycles win most, long ones least.
        let rate = { (bin: String) in
            let members = groups[bin] ?? []
            return Double(members.filter { rows.won[$0] }.count) / Double(max(members.count, 1))
        }
        #expect(rate("below 3") > rate("3 to 9") && rate("3 to 9") > rate("9 and up"))
    }

    @Test("the win rate per industry (rare one included) and for a missing credit rating matches σ(truth)")
    func categories() throws {
        let rows = Self.large
        let industries = try #require(rows.kept["industry"])
        var groups: [String: [Int]] = [:]
        for (row, industry) in industries.enumerated() {
            groups["industry " + industry, default: []].append(row)
        }
        let rare = try #require(groups["industry " + ShapedHistoryTruth.rareIndustry])
        // 0.3% of 200,000 = 600 expected (SD about 24).
        #expect((500...700).contains(rare.count))
        let ratings = try #require(rows.kept["credit_rating"])
        for (row, rating) in ratings.enumerated() {
            let missing = ProspectListGenerator.missingCodes.contains(rating)
            groups[missing ? "credit missing" : "credit present", default: []].append(row)
        }
        expectCalibrated(groups: groups, rows)
    }

    @Test("the truth's shapes have the documented values")
    func truthValues() {
        let truth = ShapedHistoryTruth.self
        #expect(truth.decisionCycleEffect(2) == 0.6)
        #expect(truth.decisionCycleEffect(3) == 0)
        #expect(truth.decisionCycleEffect(8.9) == 0)
        #expect(truth.decisionCycleEffect(9) == -0.8)
        #expect(truth.decisionCycleEffect(nil) == 0)
        // 0.9·log₁₀(1 + x/100): closed forms at 900 (0.9) and 9,900 (1.8).
        #expect(truth.budgetEffect(900).isApproximatelyEqual(to: 0.9, absoluteTolerance: 1e-14, relativeTolerance: 1e-14))
        #expect(truth.budgetEffect(9900).isApproximatelyEqual(to: 1.8, absoluteTolerance: 1e-14, relativeTolerance: 1e-14))
        #expect(truth.budgetEffect(300).isApproximatelyEqual(to: 0.9 * log10(4.0), absoluteTolerance: 1e-14, relativeTolerance: 1e-14))
        #expect(truth.creditRatingEffect(nil) == -0.7)
        #expect(truth.creditRatingEffect("AAA") == 0.2)
        #expect(truth.industryEffect(truth.rareIndustry) == 1.0)
        #expect(truth.industryEffect("travel") == 0)
        #expect(truth.winProbability(logOdds: 0) == 0.5)
        #expect(
            truth.winProbability(logOdds: 2).isApproximatelyEqual(
                to: 1 / (1 + exp(-2.0)), absoluteTolerance: 1e-15, relativeTolerance: 1e-14))
        // The portable logarithm agrees with the C library's.
        for x in [1e-300, 0.001, 0.5, 1, 1.5, 2, 10, 12345.678, 1e300] {
            #expect(truth.naturalLogarithm(x).isApproximatelyEqual(to: log(x), absoluteTolerance: 1e-15, relativeTolerance: 1e-15))
        }
        #expect(Set(truth.effects.keys).isDisjoint(with: truth.zeroEffectColumns))
        #expect(Set(truth.effectColumns) == Set(truth.effects.keys))
        #expect(truth.effects["decision_cycle_months"]?.shape == .step)
        #expect(truth.effects["annual_ad_budget"]?.shape == .monotone)
    }

    @Test("logOdds(ofRow:) reads the file's cells: units, separators and missing codes")
    func logOddsOfText() {
        let row = [
            "decision_cycle_months": "2", "annual_ad_budget": "\"9,900\"", "industry": "gaming",
            "credit_rating": "未知", "inside_contact": "yes", "support_balance": "-1",
            "deal_risk": "5", "stage": "NA", "payment_delay_days": "30",
        ]
        let expected = ShapedHistoryTruth.intercept + 0.6 + 1.8 + 0.3 - 0.7 + 0.5 - 0.3 - 0.5 + 0 - 0.3
        #expect(ShapedHistoryTruth.logOdds(ofRow: row).isApproximatelyEqual(to: expected, absoluteTolerance: 1e-12, relativeTolerance: 0))
        var budgetInWan = row
        budgetInWan["annual_ad_budget"] = "9900万"
        #expect(
            ShapedHistoryTruth.logOdds(ofRow: budgetInWan).isApproximatelyEqual(
                to: expected, absoluteTolerance: 1e-12, relativeTolerance: 0))
    }
}
