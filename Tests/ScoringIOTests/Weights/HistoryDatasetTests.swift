import Foundation
import LinearAlgebra
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// The bundled histories are exactly what ``HistoryGenerator`` writes, and a fit of the
/// default model to the large one recovers the generator's coefficients.
///
/// To regenerate them after a deliberate change of the generator:
/// `KAM_REGENERATE_DATASETS=1 swift test --filter HistoryDatasetTests`.
@Suite("datasets/history*.csv")
struct HistoryDatasetTests {
    static let model = try! ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")

    /// (file, options) of each bundled history.
    static let files: [(String, GeneratorOptions)] = [
        ("datasets/history.csv", try! GeneratorOptions(rows: 2000, seed: 303, blankRate: 0.02)),
        ("datasets/history-small.csv", try! GeneratorOptions(rows: 60, seed: 304, blankRate: 0.02)),
    ]

    @Test("each bundled history is byte for byte what the generator writes")
    func reproducible() throws {
        for (file, options) in Self.files {
            let generated = HistoryGenerator(model: Self.model, options: options).bytes()
            let path = Paths.packageRoot + "/" + file
            if ProcessInfo.processInfo.environment["KAM_REGENERATE_DATASETS"] == "1" {
                try Data(generated).write(to: URL(fileURLWithPath: path))
            }
            let committed = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect([UInt8](committed) == generated, "\(file) differs from the generator's output")
        }
    }

    @Test("a maximum-likelihood fit to datasets/history.csv recovers the true coefficients within 3.5 standard errors")
    func recovery() throws {
        let table = try CSVReader().read(contentsOf: Paths.packageRoot + "/datasets/history.csv")
        let history = try HistoryLoader(model: Self.model).load(table)
        #expect(history.list.rejects.isEmpty)
        #expect(history.outcomeRejects.isEmpty)
        let rows = history.decidedRows
        #expect(rows.count == 2000)
        let utilities = WeightFit.rows(UtilityBuilder(model: Self.model).build(history.list.batch).matrix, rows)
        let outcomes = rows.map { history.outcomes[$0]! }
        let fitted = try LogisticRegression().fit(utilities, outcomes: outcomes)
        let truth = HistoryGenerator(model: Self.model, options: Self.files[0].1).coefficients
        for (index, value) in truth.enumerated() {
            #expect(
                abs(fitted.coefficients[index] - value) <= 3.5 * fitted.standardErrors[index],
                "\(Self.model.factors[index].id): \(fitted.coefficients[index]) ± \(fitted.standardErrors[index]) vs \(value)")
        }
        #expect(abs(fitted.intercept! - HistoryGenerator.trueIntercept) <= 3.5 * fitted.interceptStandardError!)
    }

    @Test("outcome words: won/lost in English and Chinese, blanks are open, anything else is rejected with its place")
    func outcomeWords() throws {
        let header =
            "account_id,annual_ad_budget,expected_share,strategic_importance,service_fit,expected_margin,development_cost,deal_risk,incumbent_strength,credit_rating,payment_delay_days,tech_difficulty,decision_cycle_months,inside_contact,support_balance,result"
        let row = "100,35%,3,3,18%,10,2,3,A,30,2,6,yes,0"
        let lines = [header, "K-1,\(row),won", "K-2,\(row),输单", "K-3,\(row),", "K-4,\(row),maybe", "K-5,\(row),1"]
        let table = try CSVReader().read(bytes: Array((lines.joined(separator: "\n") + "\n").utf8), file: "h.csv")
        let history = try HistoryLoader(model: Self.model, outcomeColumn: "result").load(table)
        #expect(history.outcomes == [1, 0, nil, nil, 1])
        #expect(history.openCount == 1)
        #expect(
            history.outcomeRejects.map(\.description) == [
                "h.csv:5:16: 'result' is 'maybe', which is not an outcome; write won or lost (or 1/0, 赢单/输单), or leave it blank while the account is still open."
            ])
        #expect(throws: WeightsFileError.self) { try HistoryLoader(model: Self.model).load(table) }
    }
}
