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
                dropped silently. Lists of any size are read in blocks on every core; with \
                --top (and for tables), in bounded memory. Exit status: 0 ok, 64 usage, 65 bad data (or any reject with \
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

        /// Reads the whole list into memory first (the reference path the streaming one is
        /// tested against; also used for inputs that are not regular files, such as pipes).
        @Flag(help: .hidden)
        var inMemory = false

        /// Bytes per block of the streaming reader (tests use small blocks to cut records).
        @Option(help: .hidden)
        var blockSize: Int?

        /// Worker threads of the streaming reader.
        @Option(help: .hidden)
        var workers: Int?

        func validate() throws {
            if let top, top < 1 { throw ValidationError("Please specify a '--top' of at least 1.") }
            if let blockSize, blockSize < 16 { throw ValidationError("Please specify a '--block-size' of at least 16.") }
            if let workers, workers < 1 { throw ValidationError("Please specify '--workers' of at least 1.") }
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
                let pipeline: ScoringPipeline
                do { pipeline = try ScoringPipeline(model: model) } catch { throw CLIError.badData("\(modelOptions.model): \(error)") }
                let scenarioIndex = scenario.flatMap { pipeline.scorer.scenarioNames.firstIndex(of: $0) }
                let wanted = grade.flatMap(parseGrades)
                let limit = top ?? (format == .table || format == .markdown ? 20 : Int.max)
                let report: RankReport
                let rejected: [Reject]
                let header: [String]
                if inMemory || !ProspectStream.canStream(input.file) || model.factors.count > ProspectStream.maximumFactors {
                    progress.phase("reading \(input.file)", rows: input.estimatedRows)
                    let loaded = try input.load(model: model, progress: progress)
                    let scenarioIndex = try checkedScenario(scenarioIndex, pipeline: pipeline)
                    progress.phase("scoring \(loaded.batch.count) accounts", rows: loaded.batch.count)
                    let assessment = pipeline.assess(loaded.batch, scenario: scenarioIndex)
                    progress.phase("ranking", rows: loaded.batch.count)
                    var rows: [(rank: Int, row: Int)] = []
                    for (position, row) in assessment.rankedRows().enumerated() {
                        if rows.count >= limit { break }
                        if let wanted, !wanted.contains(assessment.grades[row]) { continue }
                        rows.append((position + 1, row))
                    }
                    report = RankReport(assessment: assessment, rows: rows, loaded: loaded, language: lang, rejectsPath: nil)
                    (rejected, header) = (loaded.rejects, loaded.header)
                } else {
                    // Streaming: bounded memory, both cores; a scenario the model lacks is
                    // reported after the file is read, as on the in-memory path.
                    progress.phase("reading and scoring \(input.file)", rows: input.estimatedRows)
                    let ranking = try input.rank(
                        model: model, scorer: pipeline.scorer, scenario: scenarioIndex ?? 0, limit: limit, grades: wanted,
                        blockSize: blockSize, workers: workers)
                    let scenarioIndex = try checkedScenario(scenarioIndex, pipeline: pipeline)
                    progress.phase("explaining \(ranking.shown.count) accounts", rows: ranking.shown.count)
                    let assessment = pipeline.assess(ranking.shown, scenario: scenarioIndex, statistics: ranking.statistics)
                    report = RankReport(
                        assessment: assessment, rows: ranking.ranks.enumerated().map { ($1, $0) },
                        loaded: ranking.loaderResult, language: lang, rejectsPath: nil,
                        wholeList: (ranking.gradeCounts, ranking.acceptedCount))
                    (rejected, header) = (ranking.rejects, ranking.header)
                    if timings { printTimings(ranking) }
                    if !quiet, let note = Self.passNote(ranking, model: model) { printError(note) }
                }
                progress.phase("writing rejects")
                let rejectsPath = try writeRejects(rejected, header: header)
                if strict, let first = rejected.first {
                    throw CLIError.badData(
                        DatasetError.strictRejects(file: input.file, count: rejected.count, first: first.description)
                            .description)
                }
                var final = RankReport(
                    assessment: report.assessment, rows: report.rows, loaded: report.loaded, language: lang,
                    rejectsPath: rejectsPath)
                final.wholeList = report.wholeList
                progress.phase("writing \(final.rows.count) rows", rows: final.rows.count)
                try write(final)
                progress.finish()
                if !quiet, format == .csv || format == .json || output != nil {
                    for line in final.summaryLines() { printError(line) }
                }
            }
        }

        /// The scenario index, or the usage error for a scenario the model does not define.
        func checkedScenario(_ index: Int?, pipeline: ScoringPipeline) throws -> Int {
            guard scenario != nil else { return 0 }
            guard let index else {
                throw ValidationError(
                    "Please specify a '--scenario' the model defines: \(pipeline.scorer.scenarioNames.joined(separator: ", ")).")
            }
            return index
        }

        /// Says how batch statistics were gathered when the file had to be read more than
        /// once (batch-relative scales, or many rows waiting for `mean` fills).
        static func passNote(_ ranking: StreamedRanking, model: ScoringModel) -> String? {
            guard ranking.passes > 1 else { return nil }
            let relative = model.factors.filter(\.scale.isBatchRelative).map(\.id)
            let reason =
                relative.isEmpty
                ? "many rows lack a value of a 'mean' factor, so the mean utilities were taken in a first pass"
                : "batch-relative scales (\(relative.joined(separator: ", "))) take their statistics from a first pass"
            return "kam: note: \(ranking.file) was read \(ranking.passes) times: \(reason); "
                + "scores are the same as reading it once into memory."
        }

        /// Where the time went (`--timings`): per pass, worker time summed over threads.
        func printTimings(_ ranking: StreamedRanking) {
            let timings = ranking.timings
            func seconds(_ value: Double) -> String { formatDecimal(value, digits: 3) + " s" }
            for pass in timings.pass.indices {
                printError(
                    "kam: timing: pass \(pass + 1) of \(ranking.passes): \(seconds(timings.pass[pass])) wall; "
                        + "processor time on \(timings.workers) workers: parse \(seconds(timings.parse[pass])), "
                        + "utilities+BLAS+grades \(seconds(timings.score[pass])); "
                        + "on the merging thread (ids, statistics, top-K): \(seconds(timings.merge[pass]))")
            }
            printError("kam: timing: select and read \(ranking.shown.count) shown rows again: \(seconds(timings.select))")
            printError("kam: timing: statistics: \(ranking.statisticsSource.rawValue)")
        }

        /// Writes rejected rows, if any, and returns where.
        func writeRejects(_ rejected: [Reject], header: [String]) throws -> String? {
            guard !rejected.isEmpty else { return nil }
            let stem = URL(fileURLWithPath: input.file).deletingPathExtension().lastPathComponent
            let path = rejects ?? "\(stem).rejects.csv"
            do {
                try RejectsWriter.write(rejected, header: header, to: path)
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
