import ArgumentParser
import ScoringEngine
import ScoringIO

extension SQLDialect: ExpressibleByArgument {}
extension SQLExporter.Cells: ExpressibleByArgument {}

extension Kam.ModelCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the model as one SQL query that scores a table as kam rank scores a list.",
            discussion: """
                The query computes for every row of --table what kam rank computes: each factor's \
                utility and points, completeness and insufficient information, value and \
                difficulty under every scenario, priority, grade, segments, the calibrated P(won) \
                and the rank. Cells are read as kam reads a CSV (units such as 45万 or 23.5%, \
                thousands separators, missing codes); rows kam would reject are left out. \
                Batch-relative scales (minmax, zscore) and the mean missing policy use \
                aggregates over the whole table, so results equal kam rank on the same rows. A \
                model part the SQL cannot compute exactly is refused by name (exit 65), never \
                approximated. See docs/sql-export.md.
                """)

        @OptionGroup var modelOptions: ModelOptions

        @Flag(help: "Write SQL (the only export format).")
        var sql = false

        @Option(help: "The SQL dialect.")
        var dialect: SQLDialect = .duckdb

        @Option(help: "The table or view to score (written as given, so it may be qualified).")
        var table: String = "prospects"

        @Option(help: "Write CREATE VIEW NAME AS the query.")
        var view: String?

        @Option(
            help: ArgumentHelp(
                "How the table holds the factors' numbers: text (read as kam reads CSV cells; works for any column type) or typed (numbers already in the factor's unit; faster).",
                valueName: "kind"))
        var cells: SQLExporter.Cells = .text

        @Option(help: "The scenario grades, priority and points follow (default: the model's own weights).")
        var scenario: String?

        @Option(help: "The language of the action labels: en or zh.")
        var lang: Language = .en

        @Flag(help: "Leave out the rank column (a global sort); grades and scores are unchanged.")
        var noRank = false

        @Flag(help: "Leave out segments (for a table without the segment rules' columns).")
        var noSegments = false

        @Option(
            help:
                "A column holding each row's position: of rows with the same account id, the first by it is kept (as kam keeps the first line); without it all are rejected."
        )
        var lineColumn: String?

        @Option(name: .shortAndLong, help: "Write the SQL to this file instead of standard output.")
        var output: String?

        func validate() throws {
            guard sql else { throw ValidationError("Please specify '--sql' (the only export format).") }
            if table.isEmpty { throw ValidationError("Please specify a non-empty '--table'.") }
        }

        func run() throws {
            try runReportingErrors {
                let model = try modelOptions.load()
                let options = SQLExporter.Options(
                    dialect: dialect, table: table, view: view, cells: cells, scenario: scenario, language: lang,
                    rank: !noRank, segments: !noSegments, lineColumn: lineColumn)
                let text: String
                do throws(SQLExportError) {
                    text = try SQLExporter(model: model, options: options).sql()
                } catch {
                    throw CLIError.inFile(modelOptions.model, error)
                }
                try FileSink.write(text, to: output, format: .csv, protecting: protectedInputs(model: modelOptions.model))
            }
        }
    }
}
