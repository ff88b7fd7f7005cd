import ArgumentParser
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension Kam {
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain one account's grade and the smallest single-factor change that would raise it.",
            discussion: """
                Shows the account's value and difficulty scores, every factor's raw value, utility, \
                points and effect on priority, and for each factor the smallest change of its raw \
                value that moves the account up one grade (or better), found along the factor's \
                scale and verified by scoring the list again with that one value changed — or \
                says that no single factor can. For an account with insufficient information it \
                lists the missing values to collect first.
                """)

        @Argument(help: "The account id (as in the list's id column).")
        var accountID: String

        @OptionGroup var input: InputOptions
        @OptionGroup var modelOptions: ModelOptions

        @OptionGroup var formatting: ReportOptions.Format

        @OptionGroup var labels: ReportOptions.Labels

        func run() throws {
            try runReportingErrors {
                let model = try modelOptions.load()
                let loaded = try input.load(model: model)
                guard let row = loaded.batch.accounts.firstIndex(where: { $0.id == accountID }) else {
                    let idColumn = loaded.header.firstIndex(of: model.columns.id)
                    if let idColumn,
                        let reject = loaded.rejects.first(where: { $0.fields.count > idColumn && $0.fields[idColumn] == accountID })
                    {
                        throw CLIError.accountRejected(account: accountID, reject: reject.description)
                    }
                    throw CLIError.noSuchAccount(
                        list: input.file, account: accountID, sample: loaded.batch.accounts.prefix(3).map(\.id),
                        more: loaded.batch.count > 3)
                }
                let whatIf = WhatIfAnalysis.analyze(batch: loaded.batch, row: row, model: model)
                let assessment = ScoringPipeline(model: model).assess(loaded.batch)
                let report = ExplainReport(
                    assessment: assessment, row: row, whatIf: whatIf, batch: loaded.batch, file: input.file, language: labels.lang)
                try FileSink.write(report.render(formatting.format), format: formatting.format)
            }
        }
    }
}
