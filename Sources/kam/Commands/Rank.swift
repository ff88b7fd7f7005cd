import ArgumentParser
import Foundation
import Reports
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
                dropped silently. Lists of any size are read in blocks on every core, in bounded \
                memory: a ranking of every row larger than --memory is sorted in runs on disk \
                (in $TMPDIR) and written a page at a time. Exit status: 0 ok, 64 usage, 65 bad data (or any reject with \
                --strict), 66 input missing, 70 internal failure, 73 output cannot be created, \
                74 write failed.
                """)

        @OptionGroup var input: InputOptions
        @OptionGroup var modelOptions: ModelOptions
        @OptionGroup var list: ListOptions

        @Option(help: "Show only the first N accounts of the ranking (default: 20 in a table, all in csv/json).")
        var top: Int?

        @Option(help: "Show only these grades, e.g. A,B (I for insufficient information).")
        var grade: String?

        @Option(help: "The output format; xlsx writes a workbook (ranked, rejected and model sheets) to --output.")
        var format: RankFormat = .table

        @Flag(help: "With --format csv: lay the file out for Excel (UTF-8 with a byte-order mark, CRLF line ends).")
        var excel = false

        @Option(help: "With --format csv: the output's text encoding, utf8 or gb18030 (what Chinese Excel opens as 'CSV').")
        var outputEncoding: CSVOutputStyle.Encoding = .utf8

        @OptionGroup var destination: ReportOptions.Output

        @Option(help: "Where to write rejected rows (default: <input name>.rejects.csv in the current folder).")
        var rejects: String?

        @Option(help: "Rank by this weight scenario of the model (default: the model's own weights).")
        var scenario: String?

        @OptionGroup var labels: ReportOptions.Labels

        @Option(help: "Decimals of scores, points and probabilities in csv output (0 to 12).")
        var digits: Int = 4

        @Flag(help: "Fail (exit 65) if any row is rejected.")
        var strict = false

        @Option(
            defaultAsFlag: "", parsing: .next,
            help: ArgumentHelp(
                "Record the run (every account's scores, the rejected rows) in a run history: this SQLite file, else $KAM_HISTORY, else kam-history.sqlite beside the list. See 'kam runs', 'kam changes', 'kam history'.",
                valueName: "DB"))
        var record: String?

        @Flag(help: "Print nothing on standard error except errors and, when rows were rejected, one line with their count.")
        var quiet = false

        @Option(
            help: ArgumentHelp(
                "Memory in MiB for sorting a ranking of every row (csv/json without --top, or a large --top); a larger ranking is sorted in runs on disk (default: 256, less what the account ids of a large list take, down to 32).",
                valueName: "MiB"))
        var memory: Int?

        @OptionGroup(visibility: .hidden) var diagnostics: RankDiagnosticOptions

        /// Shown rows read again, explained and written at a time (csv and json from the
        /// streaming reader): `--page-rows`, else ``defaultPageRows``.
        var shownPageRows: Int { diagnostics.pageRows ?? Self.defaultPageRows }
        static let defaultPageRows = 8192

        /// Bytes for sorting a whole ranking: `--memory`, else what keeps the ids and the sort
        /// within about 352 MiB (``ProspectStream/defaultSortMemory(fileSize:)``).
        var sortMemory: Int {
            if let memory { return memory << 20 }
            let attributes = try? FileManager.default.attributesOfItem(atPath: input.file)
            return ProspectStream.defaultSortMemory(fileSize: attributes?[.size] as? Int ?? 0)
        }

        func validate() throws {
            if excel || outputEncoding != .utf8, format != .csv {
                throw ValidationError("Please use '--excel' and '--output-encoding' with '--format csv' (they lay out CSV files).")
            }
            try format.validate(output: destination.output)
            if list.columns != nil, format == .json {
                throw ValidationError("Please use '--columns' with table, markdown, csv or xlsx output (json keeps every field).")
            }
            if let top, top < 1 { throw ValidationError("Please specify a '--top' of at least 1.") }
            if !(0...12).contains(digits) { throw ValidationError("Please specify '--digits' between 0 and 12.") }
            if let blockSize = diagnostics.blockSize, blockSize < 16 {
                throw ValidationError("Please specify a '--block-size' of at least 16.")
            }
            if let workers = diagnostics.workers, workers < 1 {
                throw ValidationError("Please specify '--workers' of at least 1.")
            }
            if let memory, memory < 1 { throw ValidationError("Please specify a '--memory' of at least 1 (MiB).") }
            if let memoryRows = diagnostics.memoryRows, memoryRows < 1 {
                throw ValidationError("Please specify '--memory-rows' of at least 1.")
            }
            if let pageRows = diagnostics.pageRows, pageRows < 1 {
                throw ValidationError("Please specify '--page-rows' of at least 1.")
            }
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

        /// `kam rank --format`: the shared formats and a workbook.
        typealias RankFormat = WorkbookOutputFormat

        func run() throws {
            try runReportingErrors {
                let progress = Progress(enabled: !quiet && standardErrorIsTerminal, timings: diagnostics.timings, language: labels.lang)
                // Opened first, so an output that cannot be created (or is an input) stops the
                // run before any work; the old file is replaced only when all is written.
                var sink = try FileSink.open(destination.output, format: format.opened, protecting: inputs)
                let model = try modelOptions.load()
                let history = try openRecordHistory()
                let pipeline = ScoringPipeline(model: model)
                let selection = try rankSelection(pipeline: pipeline, model: model)
                // The threads that map, assess and format the pages of a whole ranking.
                var pageProducer: PageProducer<ProducedPage>?
                defer { pageProducer?.stop() }
                let ranked: RankedList
                if diagnostics.inMemory || !ProspectStream.canStream(input.file) || model.factors.count > ProspectStream.maximumFactors {
                    ranked = try rankInMemory(
                        model: model, pipeline: pipeline, selection: selection, recording: history != nil, progress: progress)
                } else {
                    ranked = try rankStreamed(
                        model: model, pipeline: pipeline, selection: selection, recording: history != nil, progress: progress,
                        pageProducer: &pageProducer)
                }
                try finish(ranked, to: &sink, history: history, model: model, pipeline: pipeline, selection: selection, progress: progress)
            }
        }

        /// The scenario index, or the usage error for a scenario the model does not define.
        func checkedScenario(_ index: Int?, pipeline: ScoringPipeline) throws -> Int {
            guard scenario != nil else { return 0 }
            guard let index else {
                // Thrown from run(), a ValidationError would show the top-level usage; this
                // shows rank's own.
                printError(
                    "Error: Please specify a '--scenario' the model defines: "
                        + "\(pipeline.scorer.scenarioNames.joined(separator: ", ")).\n"
                        + "Usage: " + Kam.usageString(for: Rank.self) + "\n  See 'kam rank --help' for more information.")
                throw ExitCode(64)
            }
            return index
        }

        /// Says how batch statistics were gathered when the file had to be read more than
        /// once (batch-relative scales, or many rows waiting for `mean` fills).
        static func passNote(_ ranking: StreamedRanking, model: ScoringModel) -> String? {
            guard ranking.fileReads > 1 else { return nil }
            let relative = model.factors.filter(\.scale.isBatchRelative).map(\.id)
            let reason =
                relative.isEmpty
                ? "many rows lack a value of a 'mean' factor, so the mean utilities were taken in a first pass"
                : "batch-relative scales (\(relative.joined(separator: ", "))) take their statistics from a first pass"
            return "kam: note: \(ranking.file) was read \(ranking.fileReads) times: \(reason); "
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
            let read =
                ranking.pages == nil
                ? " and read \(ranking.shown.count) shown rows again" : " (shown rows are read again page by page as they are written)"
            printError("kam: timing: select\(read): \(seconds(timings.select))")
            printError("kam: timing: statistics: \(ranking.statisticsSource.rawValue)")
            if ranking.recorded != nil { printError("kam: timing: ranking the accounts to record: \(seconds(timings.record))") }
        }

        /// The files this run reads, which no output may replace.
        var inputs: [ProtectedInput] { protectedInputs(list: input.file, model: modelOptions.model) }

        /// Writes rejected rows, if any, and returns where (a stale rejects file at that path
        /// is emptied to its header on a clean run).
        func writeRejects(_ rejected: [Reject], header: [String]) throws -> String? {
            try RejectsOptions.writeRejects(
                rejected, header: header, to: RejectsOptions.path(rejects, input: input.file), protecting: inputs)
        }

        /// The next page of a paged ranking (its ``DatasetError`` propagates: 66 unreadable, else 65).
        func nextPage(_ pages: ShownPages) throws -> (batch: ProspectBatch, ranks: [Int])? {
            try pages.next(upTo: shownPageRows)
        }

        func write(_ report: RankReport, to sink: inout FileSink, morePages: () throws -> RankReport? = { nil }) throws {
            if let columns = list.selectedColumns {
                try write(report, columns: columns, to: &sink, morePages: morePages)
                try sink.finish()
                return
            }
            switch format {
            case .table: show(report.table(summary: !quiet), into: &sink)
            case .markdown: show(report.table(markdown: true, summary: !quiet), into: &sink)
            case .csv where excel || outputEncoding != .utf8:
                let style = excel ? CSVOutputStyle.excel(encoding: outputEncoding) : CSVOutputStyle(encoding: outputEncoding)
                var styled = StyledCSVSink(base: sink, style: style)
                try report.writeCSV(to: &styled, morePages: morePages)
                if let failure = styled.failure { throw failure }
                sink = styled.base
            case .csv: try report.writeCSV(to: &sink, morePages: morePages)
            case .json: try report.writeJSON(to: &sink, morePages: morePages)
            case .xlsx: try ReportWorkbook.write(try report.workbook(morePages: morePages), to: &sink, output: destination.output)
            }
            try sink.finish()
        }
    }
}
