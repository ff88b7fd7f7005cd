import ArgumentParser
import Foundation
import Reports
import RunHistory
import ScoringEngine

extension Kam {
    /// `kam runs`: the runs recorded with `kam rank --record`.
    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the runs recorded in a run history (kam rank --record).",
            discussion: """
                Each run: when it was recorded (UTC), the model (name and content hash), the \
                scenario, the prospect list (name and content hash), rows read, scored and \
                rejected, and the accounts per grade. The history is DB, else $KAM_HISTORY, else \
                kam-history.sqlite in the current folder. Exit status: 0 ok, 65 not a kam history \
                (or one from a newer kam), 66 no such file, 74 the database cannot be read.
                """)

        @Argument(help: "The run history (SQLite).")
        var database: String?

        @OptionGroup var report: HistoryReportOptions

        func validate() throws { _ = try report.textFormat("runs") }

        func run() throws {
            try runReportingErrors {
                let (path, store) = try HistoryLocation.openExisting(given: database)
                let runs = try store.runs()
                try report.write(RunsReport(path: path, runs: runs, language: report.labels.lang).render(try report.textFormat("runs")))
            }
        }
    }

    /// `kam changes`: what changed between two recorded runs.
    struct Changes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what changed between two recorded runs (default: the last two).",
            discussion: """
                Accounts that moved grade (with the factors whose utilities moved most), new and \
                dropped accounts, accounts that entered or left insufficient information (with the \
                factors lost or collected), and the C accounts whose priority rose most (关注变化, \
                watch for changes). A model that changed between the runs is said first, with \
                its hashes and the weights and scales that differ, so that a grade move from new \
                weights is not taken for a change in the account. Accounts are matched by id.

                Exit status: 0 ok, 64 an unknown run, 65 not a kam history (or newer) or fewer \
                than two runs, 66 no such file, 74 the database cannot be read.
                """)

        @Argument(help: "The run history (SQLite; default: $KAM_HISTORY, else kam-history.sqlite).")
        var database: String?

        @Option(help: "The earlier run's id (default: the run before --to).")
        var from: Int64?

        @Option(help: "The later run's id (default: the last run).")
        var to: Int64?

        @Option(help: "Show at most N accounts per list (default: 20 in a table or markdown, all in csv/json).")
        var top: Int?

        @Option(help: "How many factors to name per account.")
        var factors: Int = 3

        @OptionGroup var report: HistoryReportOptions

        func validate() throws {
            if let top, top < 1 { throw ValidationError("Please specify a '--top' of at least 1.") }
            if factors < 0 { throw ValidationError("Please specify '--factors' of at least 0.") }
            try report.format.validate(output: report.destination.output)
        }

        func run() throws {
            try runReportingErrors {
                let (path, store) = try HistoryLocation.openExisting(given: database)
                let limit = top ?? (report.format == .table || report.format == .markdown ? 20 : nil)
                let changes = try store.changes(from: from, to: to, limit: limit, factorsPerAccount: factors)
                let rendered = ChangesReport(path: path, changes: changes, language: report.labels.lang)
                if report.format == .csv, changes.model.isChanged {
                    for line in rendered.modelLines() { printError("kam: \(line)") }
                }
                if let text = report.format.text {
                    try report.write(rendered.render(text))
                } else {
                    try report.write(rendered.workbook())
                }
            }
        }
    }

    /// `kam history`: one account over the recorded runs.
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one account's grade and scores over the recorded runs.",
            discussion: """
                One line per recorded run: grade, rank, value, difficulty, priority, completeness, \
                P(won) when the model is calibrated, the model hash (marked when it changed from \
                the run before) and the factors whose value was missing.

                Exit status: 0 ok, 64 no run holds the account, 65 not a kam history (or newer), \
                66 no such file, 74 the database cannot be read.
                """)

        @Argument(help: "The account id (as in the list's id column).")
        var account: String

        @Argument(help: "The run history (SQLite; default: $KAM_HISTORY, else kam-history.sqlite).")
        var database: String?

        @OptionGroup var report: HistoryReportOptions

        func validate() throws { _ = try report.textFormat("history") }

        func run() throws {
            try runReportingErrors {
                let (path, store) = try HistoryLocation.openExisting(given: database)
                let history = try store.history(of: account)
                try report.write(
                    AccountHistoryReport(path: path, history: history, language: report.labels.lang)
                        .render(try report.textFormat("history")))
            }
        }
    }
}
