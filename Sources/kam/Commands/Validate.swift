import ArgumentParser
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension Kam {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a prospect list against a model without scoring it; list every problem.",
            discussion: """
                Reads the whole file and reports every row that could not be scored, as \
                file:line:column: what is wrong and how to fix it: every such row, and every \
                problem within a row, not only the first. \
                Exit status: 0 when every row can be scored, 65 when some cannot or the file \
                does not fit the model, 66 when a file is missing.
                """)

        @OptionGroup var input: InputOptions
        @OptionGroup var modelOptions: ModelOptions

        @Option(help: "Write the rejected rows to this file too.")
        var rejects: String?

        @Option(help: "The output format: table (file:line:column lines), markdown, csv or json.")
        var format: OutputFormat = .table

        @Option(help: "The language of the summary: en or zh.")
        var lang: Language = .en

        @Flag(help: "Print nothing when every row can be scored; only the problems otherwise.")
        var quiet = false

        func run() throws {
            try runReportingErrors {
                let model = try modelOptions.load()
                // Rows done, rate and time left on a terminal, for lists of more than 100,000 rows.
                let progress = Progress(enabled: !quiet && standardErrorIsTerminal, language: lang)
                progress.phase("checking \(input.file)", rows: input.estimatedRows)
                let (loaded, scorable) = try Self.check(input, model: model, modelPath: modelOptions.model, progress: progress)
                progress.finish()
                let text: String
                switch format {
                case .table, .markdown:
                    text = Self.report(loaded, scorable: scorable, model: model, language: lang, quiet: quiet)
                case .csv: text = Self.csv(loaded, model: model)
                case .json: text = Self.json(loaded, scorable: scorable, model: model)
                }
                try FileSink.write(text, format: format)
                if let rejects {
                    _ = try RejectsOptions.writeRejects(
                        loaded.rejects, header: loaded.header, to: rejects,
                        protecting: protectedInputs(list: input.file, model: modelOptions.model))
                }
                if !loaded.rejects.isEmpty { throw ExitCode(65) }
            }
        }

        /// Reads the file as `kam rank` does: streamed in bounded memory when it is a regular
        /// file (rejects and counts only; nothing is ranked), else into memory. Returns the
        /// reading (its batch holds no accounts when streamed) and how many rows can be scored.
        static func check(
            _ input: InputOptions, model: ScoringModel, modelPath: String, progress: Progress? = nil
        ) throws -> (ProspectListLoader.Result, Int) {
            guard ProspectStream.canStream(input.file), model.factors.count <= ProspectStream.maximumFactors else {
                let loaded = try input.load(model: model, progress: progress)
                return (loaded, loaded.batch.count)
            }
            let scorer = Scorer(model: model)
            let ranking = try input.rank(model: model, scorer: scorer, scenario: 0, limit: 0, grades: nil, progress: progress)
            return (ranking.loaderResult, ranking.acceptedCount)
        }

        static func report(
            _ loaded: ProspectListLoader.Result, scorable: Int, model: ScoringModel, language: Language = .en,
            quiet: Bool = false
        ) -> String {
            var text = ""
            let zh = language == .zh
            // Every problem of each row that cannot be scored, not only the first.
            let problems = ProspectListLoader(model: model).everyProblem(
                of: loaded.rejects, header: loaded.header, file: loaded.file)
            for problem in problems { text += problem.description(language) + "\n" }
            for segment in loaded.unevaluatedSegments {
                text +=
                    zh
                    ? "\(loaded.file): 注意: 文件缺少 \(segment.missingColumns.joined(separator: ", ")), 细分 '\(segment.id)' 不会被评估。\n"
                    : "\(loaded.file): note: segment '\(segment.id)' will not be evaluated; the file lacks "
                        + "\(segment.missingColumns.joined(separator: ", ")).\n"
            }
            if quiet { return text }
            let encoding = loaded.encoding.rawValue
            let delimiter = loaded.delimiter == UInt8(ascii: "\t") ? "tab" : String(UnicodeScalar(loaded.delimiter))
            if zh {
                let delimiter = delimiter == "tab" ? "制表符" : "'\(delimiter)'"
                text += "\(loaded.file): 读取 \(loaded.rowsRead) 行 (\(encoding), 分隔符 \(delimiter)): "
                text += "\(scorable) 行可评分, \(loaded.rejects.count) 行不能"
                text += problems.count > loaded.rejects.count ? " (共 \(problems.count) 个问题)。\n" : "。\n"
            } else {
                text += "\(loaded.file): \(loaded.rowsRead) rows read (\(encoding), delimiter '\(delimiter)'): "
                text += "\(scorable) can be scored, \(loaded.rejects.count) cannot"
                text += problems.count > loaded.rejects.count ? " (\(problems.count) problems).\n" : ".\n"
            }
            return text
        }

        /// One row per problem: file, line, column number and name, the problem's code and message.
        static func csv(_ loaded: ProspectListLoader.Result, model: ScoringModel) -> String {
            let problems = ProspectListLoader(model: model).everyProblem(
                of: loaded.rejects, header: loaded.header, file: loaded.file)
            var text = CSVWriter.record(["file", "line", "column_number", "column", "problem", "message"])
            for problem in problems {
                text += CSVWriter.record([
                    problem.file, String(problem.line), problem.columnNumber.map(String.init) ?? "",
                    problem.column ?? "", problem.reason.code, problem.message,
                ])
            }
            return text
        }

        /// The summary and every problem (schema `kam.validate/1`); missing values are `null`.
        static func json(_ loaded: ProspectListLoader.Result, scorable: Int, model: ScoringModel) -> String {
            let problems = ProspectListLoader(model: model).everyProblem(
                of: loaded.rejects, header: loaded.header, file: loaded.file)
            let report = ValidationReport(
                schema: "kam.validate/1", file: loaded.file, encoding: loaded.encoding.rawValue,
                delimiter: loaded.delimiter == UInt8(ascii: "\t") ? "tab" : String(UnicodeScalar(loaded.delimiter)),
                rowsRead: loaded.rowsRead, scorable: scorable, cannotBeScored: loaded.rejects.count,
                problems: problems.map {
                    .init(line: $0.line, columnNumber: $0.columnNumber, column: $0.column, problem: $0.reason.code, message: $0.message)
                },
                unevaluatedSegments: loaded.unevaluatedSegments.map { .init(id: $0.id, missingColumns: $0.missingColumns) })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let data = (try? encoder.encode(report)) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self) + "\n"
        }

        /// What `kam validate --format json` writes.
        struct ValidationReport: Encodable {
            struct Problem: Encodable {
                let line: Int
                let columnNumber: Int?
                let column: String?
                let problem: String
                let message: String

                func encode(to encoder: Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(line, forKey: .line)
                    try container.encode(columnNumber, forKey: .columnNumber)  // null when the row is at fault
                    try container.encode(column, forKey: .column)
                    try container.encode(problem, forKey: .problem)
                    try container.encode(message, forKey: .message)
                }

                enum CodingKeys: String, CodingKey { case line, columnNumber, column, problem, message }
            }

            struct Segment: Encodable {
                let id: String
                let missingColumns: [String]
            }

            let schema: String
            let file: String
            let encoding: String
            let delimiter: String
            let rowsRead: Int
            let scorable: Int
            let cannotBeScored: Int
            let problems: [Problem]
            let unevaluatedSegments: [Segment]
        }
    }
}
