import Foundation
import ScoringTestSupport
import Testing

@Suite("kam backtest end to end", .serialized)
struct BacktestCommandTests {
    static let arguments = ["backtest", "datasets/history/events.csv", "datasets/history/snapshots.csv", "--cut", "2024-01-01"]

    @Test("the table compares the three forecasts, with reliability and revenue per month, in 100 columns")
    func table() throws {
        let outcome = try KamRunner.run(Self.arguments)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let text = outcome.standardOutput
        #expect(text.contains("stage win rate (naive)"))
        #expect(text.contains("pipeline + scores"))
        #expect(text.contains("Reliability"))
        #expect(text.contains("2024-12"))
        for line in text.split(separator: "\n") {
            #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "line wider than 100 columns: \(line)")
        }
    }

    @Test("json: the score-aware forecast has the lowest Brier score and log loss and the highest AUC")
    func json() throws {
        let outcome = try KamRunner.run(Self.arguments + ["--format", "json"])
        #expect(outcome.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let methods = try #require(object["methods"] as? [[String: Any]])
        #expect(methods.map { $0["method"] as? String } == ["stage_win_rate", "stage_only", "score_aware"])
        let brier = methods.compactMap { $0["brier"] as? Double }
        let logLoss = methods.compactMap { $0["log_loss"] as? Double }
        let auc = methods.compactMap { $0["auc"] as? Double }
        #expect(brier[2] < brier[1] && brier[2] < brier[0])
        #expect(logLoss[2] < logLoss[1] && logLoss[2] < logLoss[0])
        #expect(auc[2] > auc[1] && auc[2] > auc[0])
        #expect((methods[2]["reliability"] as? [Any])?.count == 10)
    }

    @Test("csv views: summary, reliability, revenue and accounts")
    func csv() throws {
        let summary = CSVCheck.parse(try KamRunner.run(Self.arguments + ["--format", "csv"]).standardOutput)
        #expect(summary.count == 4)
        let reliability = CSVCheck.parse(try KamRunner.run(Self.arguments + ["--format", "csv", "--view", "reliability"]).standardOutput)
        #expect(reliability.count == 31)
        let revenue = CSVCheck.parse(try KamRunner.run(Self.arguments + ["--format", "csv", "--view", "revenue"]).standardOutput)
        #expect(revenue.count == 13)
        let accounts = CSVCheck.parse(try KamRunner.run(Self.arguments + ["--format", "csv", "--view", "accounts"]).standardOutput)
        #expect(accounts.first?.last == "won_period")
        #expect(accounts.count > 500)
        let markdown = try KamRunner.run(Self.arguments + ["--format", "markdown", "--lang", "zh"])
        #expect(markdown.standardOutput.contains("| 管道模型+评分 |"))
    }

    @Test("a cut after the end of the log is a usage error")
    func badCut() throws {
        let outcome = try KamRunner.run([
            "backtest", "datasets/history/events.csv", "datasets/history/snapshots.csv", "--cut", "2030-01-01",
        ])
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains("Please specify a '--cut' on or before the end of the log (2024-12-31)."))
        #expect(
            try KamRunner.run(["backtest", "datasets/history/events.csv", "datasets/history/snapshots.csv", "--cut", "soon"]).status == 64)
    }
}
