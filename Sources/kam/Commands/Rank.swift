import ArgumentParser
import Foundation
import ScoringEngine
import ScoringIO

extension Kam {
    struct Rank: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score, grade and rank a prospect list, with the reasons for each grade.",
            discussion: """
                Every account gets a value score and a difficulty score (0–100), a grade \
                (A 全力以赴, B 控制投入, C 关注变化, D 暂缓观察, or insufficient information 信息不足), \
                its segments, and each factor's contribution. Rows that cannot be scored are \
                listed with file:line:column and written to the rejects file; they are never \
                dropped silently. Exit status: 0 ok, 64 usage, 65 bad data (or any reject with \
                --strict), 66 input missing, 70 internal failure.
                """)

        @OptionGroup var input: InputOptions
        @OptionGroup var modelOptions: ModelOptions

        @Option(help: "Show only the first N accounts of the ranking (default: 20 in a table, all in csv/json).")
        var top: Int?

        @Option(help: "Show only these grades, e.g. A,B (I for insufficient information).")
        var grade: String?

        @Option(help: "The output format.")
        var format: OutputFormat = .table

        @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
        var output: String?

        @Option(help: "Where to write rejected rows (default: <input name>.rejects.csv in the current folder).")
        var rejects: String?

        @Option(help: "Rank by this weight scenario of the model (default: the model's own weights).")
        var scenario: String?

        @Option(help: "The language of labels: en or zh.")
        var lang: Language = .en

        @Flag(help: "Fail (exit 65) if any row is rejected.")
        var strict = false

        @Flag(help: "Print nothing on standard error except errors.")
        var quiet = false

        @Flag(help: .hidden)
        var timings = false

        func validate() throws {
            if let top, top < 1 { throw ValidationError("Please specify a '--top' of at least 1.") }
            if let grade, parseGrades(grade) == nil {
                throw ValidationError("Please specify '--grade' as letters from A, B, C, D, I separated by commas, e.g. A,B.")
            }
        }

        func parseGrades(_ text: String) -> Set<Grade>? {
            var grades = Set<Grade>()
            for part in text.split(separator: ",") {
                guard let grade = Grade(letter: part.trimmingCharacters(in: .whitespaces)) else { return nil }
                grades.insert(grade)
            }
            return grades.isEmpty ? nil : grades
        }

        func run() throws {
            try runReportingErrors {
                let progress = Progress(enabled: !quiet && standardErrorIsTerminal, timings: timings)
                let model = try modelOptions.load()
                progress.phase("reading \(input.file)", rows: input.estimatedRows)
                let loaded = try input.load(model: model, progress: progress)
                let pipeline: ScoringPipeline
                do { pipeline = try ScoringPipeline(model: model) } catch { throw CLIError.badData("\(modelOptions.model): \(error)") }
                var scenarioIndex = 0
                if let scenario {
                    guard let index = pipeline.scorer.scenarioNames.firstIndex(of: scenario) else {
                        throw ValidationError(
                            "Please specify a '--scenario' the model defines: \(pipeline.scorer.scenarioNames.joined(separator: ", ")).")
                    }
                    scenarioIndex = index
                }
                progress.phase("scoring \(loaded.batch.count) accounts", rows: loaded.batch.count)
                let assessment = pipeline.assess(loaded.batch, scenario: scenarioIndex)
                progress.phase("writing rejects")
                let rejectsPath = try writeRejects(loaded)
                if strict, let first = loaded.rejects.first {
                    throw CLIError.badData(
                        DatasetError.strictRejects(file: input.file, count: loaded.rejects.count, first: first.description)
                            .description)
                }
                let wanted = grade.flatMap(parseGrades)
                let limit = top ?? (format == .table || format == .markdown ? 20 : Int.max)
                progress.phase("ranking", rows: loaded.batch.count)
                var rows: [(rank: Int, row: Int)] = []
                for (position, row) in assessment.rankedRows().enumerated() {
                    if rows.count >= limit { break }
                    if let wanted, !wanted.contains(assessment.grades[row]) { continue }
                    rows.append((position + 1, row))
                }
                let report = RankReport(
                    assessment: assessment, rows: rows, loaded: loaded, language: lang, rejectsPath: rejectsPath)
                progress.phase("writing \(rows.count) rows", rows: rows.count)
                try write(report)
                progress.finish()
                if !quiet, format == .csv || format == .json || output != nil {
                    for line in report.summaryLines() { printError(line) }
                }
            }
        }

        /// Writes rejected rows, if any, and returns where.
        func writeRejects(_ loaded: ProspectListLoader.Result) throws -> String? {
            guard !loaded.rejects.isEmpty else { return nil }
            let stem = URL(fileURLWithPath: input.file).deletingPathExtension().lastPathComponent
            let path = rejects ?? "\(stem).rejects.csv"
            do {
                try RejectsWriter.write(loaded.rejects, header: loaded.header, to: path)
            } catch {
                throw CLIError.cannotWrite(path)
            }
            return path
        }

        func write(_ report: RankReport) throws {
            var sink: FileSink
            if let output {
                sink = try FileSink(path: output)
            } else {
                sink = FileSink(handle: .standardOutput)
            }
            switch format {
            case .table: sink.write(report.table())
            case .markdown: sink.write(report.table(markdown: true))
            case .csv: report.writeCSV(to: &sink)
            case .json: report.writeJSON(to: &sink)
            }
            sink.flush()
        }
    }
}
