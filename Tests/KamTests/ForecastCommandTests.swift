import Foundation
import ScoringTestSupport
import Testing

@Suite("kam forecast end to end", .serialized)
struct ForecastCommandTests {
    static let sample = "datasets/prospects.csv"

    func forecast(_ extra: [String]) throws -> KamRunner.Outcome {
        let directory = try KamRunner.temporaryDirectory()
        return try KamRunner.run(["forecast", Self.sample, "--rejects", directory + "/rejects.csv"] + extra)
    }

    @Test("the table shows accounts, per-month totals with P10/P50/P90 and group totals within 100 columns")
    func table() throws {
        let outcome = try forecast(["--runs", "200"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let text = outcome.standardOutput
        #expect(text.contains("Forecast: 283 accounts over 12 months from 2025-01"))
        #expect(text.contains("Revenue won per month, team"))
        #expect(text.contains("grade A"))
        #expect(text.contains("manager 王经理"))
        #expect(text.contains("Not forecast: 12 accounts without a stage"))
        for line in text.split(separator: "\n") {
            #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "line wider than 100 columns: \(line)")
        }
        let chinese = try forecast(["--runs", "50", "--lang", "zh"])
        #expect(chinese.standardOutput.contains("团队每月赢单收入"))
        for line in chinese.standardOutput.split(separator: "\n") {
            #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "line wider than 100 columns: \(line)")
        }
    }

    @Test("csv accounts: expected revenue is probability × deal value, flagged accounts have no probability")
    func accountsCSV() throws {
        let outcome = try forecast(["--format", "csv", "--runs", "20"])
        #expect(outcome.status == 0)
        let records = CSVCheck.parse(outcome.standardOutput)
        let header = try #require(records.first)
        let column = { (name: String) in header.firstIndex(of: name)! }
        let rows = records.dropFirst()
        #expect(rows.count == 295)
        var flagged = 0
        for row in rows {
            if let p = Double(row[column("probability")]), let value = Double(row[column("deal_value")]) {
                let revenue = try #require(Double(row[column("expected_revenue")]))
                #expect(abs(revenue - p * value) <= 0.005 + 1e-6 * value)
                #expect((0...1).contains(p))
            }
            if row[column("status")] != "score_aware" {
                flagged += 1
                #expect(row[column("probability")].isEmpty)
            }
        }
        #expect(flagged == 12)
        // Ranked by expected revenue.
        let revenues = rows.compactMap { Double($0[column("expected_revenue")]) }
        #expect(revenues == revenues.sorted(by: >))
    }

    @Test("csv totals: the same seed gives the same numbers; another seed other intervals, same expectations")
    func totalsDeterministic() throws {
        let first = try forecast(["--format", "csv", "--view", "totals", "--runs", "300", "--seed", "7"])
        let again = try forecast(["--format", "csv", "--view", "totals", "--runs", "300", "--seed", "7"])
        let other = try forecast(["--format", "csv", "--view", "totals", "--runs", "300", "--seed", "8"])
        #expect(first.status == 0)
        #expect(first.standardOutput == again.standardOutput)
        #expect(first.standardOutput != other.standardOutput)
        let a = CSVCheck.parse(first.standardOutput)
        let b = CSVCheck.parse(other.standardOutput)
        let expected = a[0].firstIndex(of: "expected")!
        #expect(a.map { $0[expected] } == b.map { $0[expected] })
        let p10 = a[0].firstIndex(of: "p10")!
        let p90 = a[0].firstIndex(of: "p90")!
        for row in a.dropFirst() { #expect(Double(row[p10])! <= Double(row[p90])!) }
        #expect(a.dropFirst().filter { $0[0] == "team" }.count == 12)
    }

    @Test("json carries the summary, stage outlook, accounts and totals")
    func json() throws {
        let outcome = try forecast(["--format", "json", "--runs", "50", "--top", "5", "--horizon", "4"])
        #expect(outcome.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "kam.forecast/1")
        #expect(object["mode"] as? String == "score_aware")
        #expect((object["accounts"] as? [Any])?.count == 5)
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["no_stage"] as? Int == 12)
        let totals = try #require(object["totals"] as? [[String: Any]])
        #expect(totals.first?["dimension"] as? String == "team")
        #expect((totals.first?["periods"] as? [Any])?.count == 4)
        #expect((object["rejects"] as? [Any])?.count == 5)
    }

    @Test("a pipeline fitted with another scoring model is refused; bad options are usage errors")
    func errors() throws {
        let directory = try KamRunner.temporaryDirectory()
        var text = try String(contentsOfFile: Paths.packageRoot + "/models/pipeline.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "scoring_model: \"default\"", with: "scoring_model: \"enterprise\"")
        try text.write(toFile: directory + "/other.yaml", atomically: true, encoding: .utf8)
        let mismatch = try forecast(["--pipeline", directory + "/other.yaml"])
        #expect(mismatch.status == 65)
        #expect(mismatch.standardError.contains("fitted with the scoring model 'enterprise'"))
        let usage = try forecast(["--runs", "0"])
        #expect(usage.status == 64)
        #expect(usage.standardError.contains("Please specify a '--runs' of at least 1."))
        #expect(try forecast(["--pipeline", directory + "/none.yaml"]).status == 66)
    }
}
