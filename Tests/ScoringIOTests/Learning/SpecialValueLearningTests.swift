import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// `kam model fit` learns a utility of its own for each special value — declared in the base
/// model or found as a sentinel — and the written model scores them as the fit did.
@Suite("Special values learned from outcomes")
struct SpecialValueLearningTests {
    /// 20,000 accounts with known win rates:
    /// - `pdays` (base value factor, declared `special_values: [999]`): 999 on 80% of rows with
    ///   a win rate of exactly σ(−2.2) ≈ 10.0% (no other factor moves it), else 0…27 with
    ///   log-odds 1.0 − 0.08 x;
    /// - `score` (base value factor, declared `[50]` in the middle of its range 0…100): 50 on
    ///   10% of rows with log-odds +1.1 (75% won) against 0.01 (x − 50) − 0.8 beside it —
    ///   a spike no smooth curve would keep;
    /// - `effort` (base difficulty factor): no effect.
    /// Each row's log-odds is the sum of the two value effects minus their means, so the
    /// special groups' own win rates are known: the outcome at 999 depends on `score` too, so
    /// the test compares log-odds from the additive fit, which holds the other factor fixed.
    static let truthAt999 = -2.2
    static let truthAt50 = 1.1

    static func history() -> String {
        var random = SeededRandom(seed: 11)
        var csv = "account_id,pdays,score,effort,outcome\n"
        for row in 0..<20000 {
            let pdays = random.nextDouble() < 0.8 ? 999 : Double(Int(28 * random.nextDouble()))
            let score = random.nextDouble() < 0.1 ? 50 : Double(Int(101 * random.nextDouble()))
            let effort = (50 * random.nextDouble() * 100).rounded() / 100
            let daysEffect = pdays == 999 ? truthAt999 : 1.0 - 0.08 * pdays
            let scoreEffect = score == 50 ? truthAt50 : 0.01 * (score - 50) - 0.8
            let eta = daysEffect + scoreEffect
            let won = random.nextDouble() < 1 / (1 + exp(-eta))
            csv += "K\(row),\(formatPlain(pdays)),\(formatPlain(score)),\(formatPlain(effort)),\(won ? "won" : "lost")\n"
        }
        return csv
    }

    static func baseModel() throws -> ScoringModel {
        let yaml = """
            name: declared
            factors:
              - id: pdays
                side: value
                weight: 1
                direction: decreasing
                scale: {type: linear, min: 0, max: 30}
                special_values: [{value: 999, label: never contacted}]
              - id: score
                side: value
                weight: 1
                scale: {type: linear, min: 0, max: 100}
                special_values: [50]
              - id: effort
                side: difficulty
                weight: 1
                scale: {type: linear, min: 0, max: 50}
            grading:
              value_bands: {names: [low, high], cuts: [50]}
              difficulty_bands: {names: [low, high], cuts: [50]}
              grid:
                high: [A, B]
                low: [C, D]
              minimum_completeness: 0.5
            """
        return try ModelFileReader().read(yaml: yaml, file: "declared.yaml")
    }

    @Test(
        "declared special values (999 at the edge, 50 mid-range) get their own learned utility: known log-odds recovered within 4 standard errors, written, read back equal, scored to 1e-12"
    )
    func declared() throws {
        let csv = Self.history()
        let table = try CSVReader().read(bytes: Array(csv.utf8), file: "declared.csv")
        let base = try Self.baseModel()
        let history = try LearningHistoryLoader(model: base).load(table)
        let learned = try ModelLearner().learn(history.data, baseModel: base)

        // The written factors keep the codes, with the label declared and the evidence counted.
        let pdays = try #require(learned.model.factors.first { $0.id == "pdays" })
        let score = try #require(learned.model.factors.first { $0.id == "score" })
        #expect(pdays.specialValues.map(\.value) == [999] && pdays.specialValues[0].label == "never contacted")
        #expect(score.specialValues.map(\.value) == [50])
        func column(_ name: String) -> [Double] {
            guard case .numeric(let values)? = history.data.columns.first(where: { $0.name == name })?.values else { return [] }
            return values
        }
        let outcomes = history.data.outcomes
        for (factor, value) in [(pdays, 999.0), (score, 50.0)] {
            let rows = column(factor.column).indices.filter { column(factor.column)[$0] == value }
            let won = rows.filter { outcomes[$0] >= 0.5 }.count
            #expect(factor.specialValues[0].evidence == Evidence(count: rows.count, won: won))
            #expect(factor.specialValues[0].utility != nil)
        }
        // The special groups' log-odds in the fit, against the truth (the other effect's mean
        // over the special group's rows added: the fit's intercept absorbs it).
        func logOdds(_ id: String, _ value: Double) throws -> (estimate: Double, count: Int) {
            let report = try #require(learned.factors.first { $0.factorID == id })
            let group = try #require(
                report.groups.first { group in
                    if case .bin(let lower?, let upper?) = group.kind { return lower == value && upper == value.nextUp }
                    return false
                })
            return (group.logOdds, group.count)
        }
        let at999 = try logOdds("pdays", 999)
        let at50 = try logOdds("score", 50)
        // Differences between groups of one factor are free of the intercept: the special
        // value against the factor's own value 0 (pdays) or against the neighbours of 50.
        let pdaysReport = try #require(learned.factors.first { $0.factorID == "pdays" })
        let first = try #require(pdaysReport.groups.first { if case .bin(nil, _) = $0.kind { return true } else { return false } })
        let truthGap999 = Self.truthAt999 - 1.0  // 999 against pdays = 0
        let gap999 = at999.estimate - first.logOdds
        let se999 = (1 / (Double(at999.count) * 0.09) + 1 / (Double(first.count) * 0.2)).squareRoot()
        #expect(abs(gap999 - truthGap999) <= 4 * se999 + 0.1, "gap \(gap999), truth \(truthGap999), se \(se999)")
        let scoreReport = try #require(learned.factors.first { $0.factorID == "score" })
        let neighbours = scoreReport.groups.filter { group in
            if case .bin(let lower?, let upper?) = group.kind, upper != lower.nextUp { return lower >= 45 && upper <= 56 }
            return false
        }
        let neighbourCount = neighbours.reduce(0) { $0 + $1.count }
        let neighbourLogOdds = neighbours.reduce(0) { $0 + $1.logOdds * Double($1.count) } / Double(max(neighbourCount, 1))
        let truthGap50 = Self.truthAt50 - (-0.8)  // 50 against values beside it (0.01 (x − 50) ≈ 0)
        let gap50 = at50.estimate - neighbourLogOdds
        let se50 = (1 / (Double(at50.count) * 0.19) + 1 / (Double(max(neighbourCount, 1)) * 0.2)).squareRoot()
        #expect(neighbourCount > 500)
        #expect(abs(gap50 - truthGap50) <= 4 * se50 + 0.1, "gap \(gap50), truth \(truthGap50), se \(se50)")

        // Written, read back equal; scored as kam rank scores, equal to the fit's scores.
        let text = ModelFileWriter().write(learned.model)
        #expect(text.contains("label: never contacted"))
        let reread = try ModelFileReader().read(yaml: text, file: "learned.yaml")
        #expect(reread == learned.model)
        let loaded = try ProspectListLoader(model: reread).load(table)
        let assessment = ScoringPipeline(model: reread).assess(loaded.batch)
        var rowByLine: [Int: Int] = [:]
        for (row, account) in loaded.batch.accounts.enumerated() { rowByLine[account.line] = row }
        let rows = try history.lines.map { try #require(rowByLine[$0]) }
        let expected = learned.trainingScores
        #expect(rows.map { assessment.value($0) }.isApproximatelyEqual(to: expected.value, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(
            rows.map { assessment.difficulty($0) }.isApproximatelyEqual(
                to: expected.difficulty, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(rows.map { assessment.grades[$0] } == expected.grades)
        // Every account's explanation sums to its scores.
        for row in rows.prefix(500) {
            let explanation = assessment.explanation(of: row)
            #expect(
                explanation.total(.value).isApproximatelyEqual(to: assessment.value(row), absoluteTolerance: 1e-9, relativeTolerance: 0))
            #expect(
                explanation.total(.difficulty).isApproximatelyEqual(
                    to: assessment.difficulty(row), absoluteTolerance: 1e-9, relativeTolerance: 0))
        }
    }
}
