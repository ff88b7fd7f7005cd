import ArgumentParser
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension Kam {
    struct KPI: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kpi",
            abstract: "Team performance: the seed's indicators and the 100-point scorecard (绩效考核).",
            discussion: """
                Reads a plan and actuals per person and period and reports the department's \
                indicators (seed §2.1) for everyone, and the 100-point scorecard of §2.2 for \
                managers and specialists.

                Indicators (percent; above 100% shown as it is):
                  sales    销售计划完成率    sales / planned_sales × 100%
                  dev      开发计划完成率    accounts_developed / planned_developments × 100%
                  settle   销售合同结算率    settled / planned_settlement × 100%
                  collect  合同回款率        cash_collected / cash_due × 100%
                  expense  商务费用控制      expenses / expense_budget × 100%
                  churn    大客户流失率      accounts_lost / accounts_at_start × 100%
                  new      大客户新开发率    new_accounts / accounts_at_start × 100%
                  growth   销售增长率        (sales − previous_sales) / previous_sales × 100%
                  profile  大客户档案完整率  mean account completeness in --prospects × 100%
                Completeness is the model's weighted share of factors present in an account's \
                row; accounts count for their manager. Expense control above 100% is over \
                budget. A zero denominator (a plan of zero, no cash due, no budget, no accounts at the \
                start) or a figure not recorded makes an indicator n/a, with the reason; never \
                a division by zero. A team's value is the ratio of its members' sums.

                Scorecard (--scorecard, default models/scorecard.yaml, the seed's rules): sales \
                completion 25 (100% of plan earns 25, −1 per 5% below, +1 per 5% above), sales \
                growth 10 (+1 per growth_step 万 on the previous period, no deduction for a \
                fall), new customers 5 (+1 per account above plan, −1 per two short), ratings \
                (market information 10, teamwork 10, knowledge 10, judgement 4, communication \
                6, responsibility 5), attendance 5, conduct 5, service 5 (−5 per complaint). \
                How partial steps count, whether bonus points may pass an item's maximum, and \
                how n/a items count are set in the scorecard file.

                Plan CSV: period, person, role (director|manager|specialist), planned_sales, \
                planned_new_accounts, expense_budget; optional team, planned_settlement, \
                planned_developments, growth_step. Actuals CSV: period, person, sales, \
                new_accounts; optional settled, cash_collected, cash_due, expenses, \
                accounts_at_start, accounts_lost, accounts_developed, previous_sales, and the \
                scorecard's columns (complaints, absence_days, late_count, \
                unreported_field_days, conduct_violations and the ratings). Money in 万元 \
                (元, 万, 亿 accepted); counts whole; a list "2;0;5" gives one count per month. \
                Periods: 2024Q2, 2024-06 or 2024; growth without previous_sales uses the \
                previous period's actual row.

                Rows that cannot be used (a bad value, a duplicate, a plan row without actuals \
                or the reverse) are listed as file:line:column and written to \
                <file>.rejects.csv; never dropped silently. Exit status: 0 ok, 64 usage, 65 bad \
                data (or any reject with --strict), 66 input missing, 70 internal failure.
                """)

        @Option(help: "The plan file (CSV): one row per person and period.")
        var plan: String

        @Option(help: "The actuals file (CSV): one row per person and period.")
        var actual: String

        @Option(help: "Review only this period, e.g. 2024Q2 (default: every period of the plan).")
        var period: String?

        @Option(help: "Report per person (with scorecards) or per team.")
        var by: KPIGrouping = .person

        @Option(help: "A prospect list (CSV) for profile completeness; accounts count for their manager.")
        var prospects: String?

        @OptionGroup var modelOptions: ModelOptions

        @Option(name: .customLong("scorecard"), help: "The scorecard file (YAML). (default: models/scorecard.yaml)")
        var scorecardPath: String?

        /// The scorecard file to read (see ``BundledFiles``).
        var scorecard: String { BundledFiles.locate(scorecardPath, name: "scorecard.yaml") }

        @Option(help: "The output format; xlsx writes a workbook (people or teams, indicators, scorecard and rejected sheets).")
        var format: WorkbookOutputFormat = .table

        @OptionGroup var destination: ReportOptions.Output

        @OptionGroup var labels: ReportOptions.Labels

        @Option(help: "The folder for rejects files, named <input name>.rejects.csv.")
        var rejectsDir: String = "."

        @Option(help: "The input files' text encoding: \(TextEncoding.allCases.map(\.rawValue).joined(separator: ", ")).")
        var encoding: TextEncoding = .auto

        @Option(help: "The field delimiter: ',' ';' or 'tab' (default: detected from each header).")
        var delimiter: String?

        @Flag(help: "Fail (exit 65) if any row is rejected.")
        var strict = false

        @OptionGroup var messages: ReportOptions.Quiet

        func validate() throws {
            try InputOptions.validate(delimiter: delimiter)
            if let period, period.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("Please specify a '--period' such as 2024Q2, 2024-06 or 2024.")
            }
            try format.validate(output: destination.output)
        }

        func readTable(_ path: String, what: String) throws -> CSVTable {
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError.inputMissing("\(path): no such file. Check the path of the \(what).")
            }
            let reader = CSVReader(options: CSVOptions(delimiter: delimiter.flatMap(InputOptions.delimiterByte), encoding: encoding))
            return try reader.read(contentsOf: path)
        }

        func loadScorecard() throws -> Scorecard {
            guard FileManager.default.fileExists(atPath: scorecard) else {
                throw CLIError.inputMissing("\(scorecard): no such scorecard file. Give the path with --scorecard.")
            }
            return try ScorecardFileReader().read(contentsOf: scorecard)
        }

        func rejectsPath(for input: String) -> String {
            let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
            return rejectsDir == "." ? "\(stem).rejects.csv" : rejectsDir + "/" + stem + ".rejects.csv"
        }

        /// Reads the prospect list, scores completeness, and summarizes it by manager.
        func loadProfiles() throws -> (profiles: [String: ProfileSummary], read: ProspectsRead)? {
            guard let prospects else { return nil }
            let model = try modelOptions.load()
            let table = try readTable(prospects, what: "prospect list")
            let loaded = try ProspectListLoader(model: model).load(table)
            let utilities = UtilityBuilder(model: model).build(loaded.batch)
            let profiles = ProfileSummary.byManager(
                accounts: loaded.batch.accounts, completeness: utilities.completeness,
                minimumCompleteness: model.grading.minimumCompleteness, missingCodes: model.missingCodes)
            var path: String? = nil
            if !loaded.rejects.isEmpty {
                path = rejectsPath(for: prospects)
            }
            _ = try RejectsOptions.writeRejects(
                loaded.rejects, header: loaded.header, to: rejectsPath(for: prospects), protecting: inputs)
            return (
                profiles,
                ProspectsRead(
                    file: prospects, modelName: model.name, rowsRead: loaded.rowsRead, accepted: loaded.batch.count,
                    rejects: loaded.rejects, rejectsPath: path)
            )
        }

        func writeRejects(_ rejects: [PerformanceReject], header: [String], input: String) throws -> String? {
            try RejectsOptions.writeRejects(rejects, header: header, to: rejectsPath(for: input), protecting: inputs)
        }

        /// The files this run reads, which no output may replace.
        var inputs: [ProtectedInput] {
            var inputs = protectedInputs(others: [(plan, "plan"), (actual, "actuals file"), (scorecard, "scorecard")])
            if let prospects { inputs += protectedInputs(list: prospects, model: modelOptions.model) }
            return inputs
        }

        func run() throws {
            try runReportingErrors {
                let (review, loaded, scorecardRules, profiles, planRejects, actualRejects) = try reviewed()
                let report = KPIReport(
                    review: review, loaded: loaded, scorecard: scorecardRules, scorecardFile: scorecard, grouping: by,
                    language: labels.lang, prospects: profiles?.read, planRejectsPath: planRejects, actualRejectsPath: actualRejects)
                try write(report)
                if !messages.quiet, format.sendsSummaryToStandardError(output: destination.output) {
                    for line in report.summaryLines() { printError(line) }
                }
            }
        }

        /// Reads the scorecard, plan, actuals and profiles, writes the rejects, and reviews
        /// (shared by `kam kpi` and `kam report`).
        func reviewed() throws -> (
            review: PerformanceReview, loaded: PerformanceInputLoader.Result, scorecard: Scorecard,
            profiles: (profiles: [String: ProfileSummary], read: ProspectsRead)?, planRejects: String?, actualRejects: String?
        ) {
            let scorecardRules = try loadScorecard()
            let planTable = try readTable(plan, what: "plan")
            let actualTable = try readTable(actual, what: "actuals file")
            let reviewPeriod = period.map { ReviewPeriod($0) }
            let loaded = try PerformanceInputLoader(scorecard: scorecardRules).load(
                plan: planTable, actual: actualTable, period: reviewPeriod)
            let planRejects = try writeRejects(loaded.planRejects, header: planTable.header, input: plan)
            let actualRejects = try writeRejects(loaded.actualRejects, header: actualTable.header, input: actual)
            guard !loaded.join.records.isEmpty else {
                for reject in (loaded.planRejects + loaded.actualRejects).prefix(20) {
                    printError((labels.lang == .zh ? "  拒绝 " : "  rejected ") + reject.description(labels.lang))
                }
                throw PerformanceDataError.nothingToReview(file: plan)
            }
            let profiles = try loadProfiles()
            if strict {
                let rejects =
                    (loaded.planRejects + loaded.actualRejects).map { (file: $0.file, text: $0.description) }
                    + (profiles?.read.rejects ?? []).map { (file: $0.file, text: $0.description) }
                if let first = rejects.first {
                    throw DatasetError.strictRejects(file: first.file, count: rejects.count, first: first.text)
                }
            }
            let review = PerformanceReview(records: loaded.join.records, scorecard: scorecardRules, profiles: profiles?.profiles)
            return (review, loaded, scorecardRules, profiles, planRejects, actualRejects)
        }

        func write(_ report: KPIReport) throws {
            var sink = try FileSink.open(destination.output, format: format.opened, protecting: inputs)
            switch format {
            case .table: sink.write(report.table())
            case .markdown: sink.write(report.table(markdown: true))
            case .csv: report.writeCSV(to: &sink)
            case .json: report.writeJSON(to: &sink)
            case .xlsx: try ReportWorkbook.write(report.workbook(), to: &sink, output: destination.output)
            }
            try sink.finish()
        }
    }
}
