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
                var inMemoryAssessment: BatchAssessment?
                var streamedAccounts: RecordedAccounts?
                var recordStatistics: UtilityBuilder.Statistics?
                let pipeline: ScoringPipeline
                do { pipeline = try ScoringPipeline(model: model) } catch { throw CLIError.inFile(modelOptions.model, error) }
                let scenarioIndex = scenario.flatMap { pipeline.scorer.scenarioNames.firstIndex(of: $0) }
                let wanted = grade.flatMap(parseGrades)
                let limit = top ?? (format == .table || format == .markdown ? 20 : Int.max)
                let conditions = try list.parsedConditions()
                let sortKey = try list.sortKey()
                if let problem = RankReport.listProblem(conditions: conditions, sort: sortKey, model: model) {
                    throw CLIError.usage(problem)
                }
                let filtering = !conditions.isEmpty || sortKey != nil
                // Rows written so far by a ranking filtered page by page.
                var filteredShown: Int? = nil
                var report: RankReport
                let rejected: [Reject]
                let header: [String]
                // Further pages of a streamed csv/json ranking (the first is in `report`).
                var morePages: () throws -> RankReport? = { nil }
                var shownCount: Int? = nil
                var expectedWins = 0.0
                // The threads that map, assess and format the pages of a whole ranking, and its
                // first page (formatted by the writer, as a report's own rows are).
                var pageProducer: PageProducer<(report: RankReport, expectedWins: Double)>?
                var firstPage: RankReport?
                defer { pageProducer?.stop() }
                if diagnostics.inMemory || !ProspectStream.canStream(input.file) || model.factors.count > ProspectStream.maximumFactors {
                    progress.phase("reading \(input.file)", rows: input.estimatedRows)
                    let loaded = try input.load(model: model, progress: progress)
                    let scenarioIndex = try checkedScenario(scenarioIndex, pipeline: pipeline)
                    progress.phase("scoring \(loaded.batch.count) accounts", rows: loaded.batch.count)
                    let assessment = pipeline.assess(loaded.batch, scenario: scenarioIndex)
                    if history != nil { inMemoryAssessment = assessment }
                    progress.phase("ranking", rows: loaded.batch.count)
                    var rows: [(rank: Int, row: Int)] = []
                    let probe = RankReport(assessment: assessment, rows: [], loaded: loaded, language: labels.lang, rejectsPath: nil)
                    for (position, row) in assessment.rankedRows().enumerated() {
                        if rows.count >= limit, sortKey == nil { break }
                        if let wanted, !wanted.contains(assessment.grades[row]) { continue }
                        if !conditions.isEmpty, probe.rows([(position + 1, row)], matching: conditions).isEmpty { continue }
                        rows.append((position + 1, row))
                    }
                    if let sortKey { rows = Array(probe.sorted(rows, by: sortKey).prefix(limit)) }
                    report = RankReport(assessment: assessment, rows: rows, loaded: loaded, language: labels.lang, rejectsPath: nil)
                    (rejected, header) = (loaded.rejects, loaded.header)
                } else {
                    // Streaming: bounded memory, both cores; a scenario the model lacks is
                    // reported after the file is read, as on the in-memory path.
                    // csv and json are written a page of rows at a time, in bounded memory
                    // however many rows are shown.
                    progress.phase("reading and scoring \(input.file)", rows: input.estimatedRows)
                    let ranking = try input.rank(
                        model: model, scorer: pipeline.scorer, scenario: scenarioIndex ?? 0,
                        limit: filtering ? .max : limit, grades: wanted, blockSize: diagnostics.blockSize, workers: diagnostics.workers,
                        runCapacity: diagnostics.memoryRows ?? ProspectStream.runCapacity(memory: sortMemory),
                        paged: filtering || format == .csv || format == .json || format == .xlsx,
                        keepsRecords: history != nil, progress: progress)
                    streamedAccounts = ranking.recorded
                    let scenarioIndex = try checkedScenario(scenarioIndex, pipeline: pipeline)
                    let statistics = ranking.statistics
                    recordStatistics = statistics
                    let loaded = ranking.loaderResult
                    let wholeList = (ranking.gradeCounts, ranking.acceptedCount)
                    let language = labels.lang
                    func pageReport(_ batch: ProspectBatch, ranks: [Int], counting: Bool = true) -> RankReport {
                        assessedReport(pipeline.assess(batch, scenario: scenarioIndex, statistics: statistics), ranks: ranks, counting: counting)
                    }
                    func assessedReport(_ assessment: BatchAssessment, ranks: [Int], counting: Bool = true) -> RankReport {
                        var report = RankReport(
                            assessment: assessment, rows: ranks.enumerated().map { ($1, $0) }, loaded: loaded,
                            language: language, rejectsPath: nil, wholeList: wholeList)
                        report.digits = digits
                        if counting { expectedWins += report.rows.reduce(0.0) { $0 + (report.probability($1.row) ?? 0) } }
                        return report
                    }
                    var first = (batch: ranking.shown, ranks: ranking.ranks)
                    if filtering, let pages = ranking.pages {
                        // --where and --sort: the whole ranking is read back page by page (in
                        // bounded memory) and each page filtered. csv and xlsx in rank order
                        // are written as the pages come; a table, json (whose summary counts the
                        // shown rows first) and --sort keep the matching rows.
                        func keep(_ page: RankReport, upTo count: Int) -> RankReport {
                            page.showing(Array(page.rows(page.rows, matching: conditions).prefix(count)))
                        }
                        if sortKey == nil, format == .csv || format == .xlsx {
                            var remaining = limit
                            func nextFiltered() throws -> RankReport? {
                                guard remaining > 0, let page = try nextPage(pages) else { return nil }
                                let shown = keep(pageReport(page.batch, ranks: page.ranks, counting: false), upTo: remaining)
                                expectedWins += shown.rows.reduce(0.0) { $0 + (shown.probability($1.row) ?? 0) }
                                remaining -= shown.rows.count
                                filteredShown = limit - remaining
                                return shown
                            }
                            morePages = nextFiltered
                            filteredShown = 0
                            first = (ranking.shown, [])
                        } else {
                            var kept = ranking.shown
                            var ranks: [Int] = []
                            while sortKey != nil || ranks.count < limit, let page = try nextPage(pages) {
                                let shown = keep(
                                    pageReport(page.batch, ranks: page.ranks, counting: false),
                                    upTo: sortKey == nil ? limit - ranks.count : .max)
                                kept.append(contentsOf: page.batch.rows(shown.rows.map(\.row)))
                                ranks += shown.rows.map(\.rank)
                            }
                            first = (kept, ranks)
                        }
                    } else if let pages = ranking.pages {
                        // Pages are read back in order, then mapped, assessed and (csv, json)
                        // formatted on two threads of their own while this one writes the
                        // pages before. Each page's expected wins are summed as on this thread
                        // and added in page order.
                        shownCount = pages.count
                        let ahead: RankReport.RowFormat? =
                            list.selectedColumns != nil ? nil : format == .csv ? .csv : format == .json ? .json : nil
                        let producer = PageProducer(
                            pipeline: pipeline, scenario: scenarioIndex, statistics: statistics, pageRows: shownPageRows,
                            finish: { page, index in
                                let report = assessedReport(page.assessment, ranks: page.ranks, counting: false)
                                let wins = report.rows.reduce(0.0) { $0 + (report.probability($1.row) ?? 0) }
                                guard index > 0, let ahead else { return (report: report, expectedWins: wins) }
                                return (report: report.formattedAhead(as: ahead), expectedWins: wins)
                            },
                            pages: pages.take(upTo:))
                        pageProducer = producer
                        if let page = try producer.next() {
                            expectedWins += page.expectedWins
                            firstPage = page.report
                        }
                        var written = 0
                        morePages = {
                            written += shownPageRows
                            progress.update(rows: written)
                            guard let page = try producer.next() else { return nil }
                            expectedWins += page.expectedWins
                            return page.report
                        }
                    }
                    progress.phase("explaining \(shownCount ?? first.ranks.count) accounts", rows: shownCount ?? first.ranks.count)
                    report =
                        firstPage ?? pageReport(first.batch, ranks: first.ranks)
                    if let sortKey { report = report.showing(Array(report.sorted(report.rows, by: sortKey).prefix(limit))) }
                    (rejected, header) = (ranking.rejects, ranking.header)
                    if diagnostics.timings { printTimings(ranking) }
                    if !quiet, let note = Self.passNote(ranking, model: model) { printError(note) }
                }
                progress.phase("writing rejects")
                let rejectsPath = try writeRejects(rejected, header: header)
                if strict, let first = rejected.first {
                    throw DatasetError.strictRejects(file: input.file, count: rejected.count, first: first.description)
                }
                var final = RankReport(
                    assessment: report.assessment, rows: report.rows, loaded: report.loaded, language: labels.lang,
                    rejectsPath: rejectsPath)
                final.wholeList = report.wholeList
                final.digits = digits
                if let shownCount { final.pagedTotals = (shownCount, 0) }
                progress.phase("writing \(shownCount ?? final.rows.count) rows", rows: shownCount ?? final.rows.count)
                try write(final, to: &sink, morePages: morePages)
                if let shownCount { final.pagedTotals = (shownCount, expectedWins) }
                if let filteredShown { final.pagedTotals = (filteredShown, expectedWins) }
                if let history {
                    try recordRun(
                        into: history, model: model, pipeline: pipeline, scenario: scenarioIndex ?? 0,
                        inMemory: inMemoryAssessment, streamed: streamedAccounts, statistics: recordStatistics,
                        rowsRead: report.loaded.rowsRead, rejected: rejected,
                        progress: progress)
                }
                progress.finish()
                if !quiet, format == .csv || format == .json || destination.output != nil {
                    for line in final.summaryLines() { printError(line) }
                } else if quiet, !rejected.isEmpty {
                    // Quiet, but a row that was not scored is never dropped without a word.
                    printError(
                        labels.lang == .zh
                            ? "拒绝 \(rejected.count) 行" + (rejectsPath.map { "（已写入 \($0)）" } ?? "") + "。"
                            : "\(rejected.count) row\(rejected.count == 1 ? "" : "s") rejected"
                                + (rejectsPath.map { " (written to \($0))" } ?? "") + ".")
                }
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
            let read = ranking.pages == nil ? " and read \(ranking.shown.count) shown rows again" : " (shown rows are read again page by page as they are written)"
            printError("kam: timing: select\(read): \(seconds(timings.select))")
            printError("kam: timing: statistics: \(ranking.statisticsSource.rawValue)")
            if ranking.recorded != nil { printError("kam: timing: ranking the accounts to record: \(seconds(timings.record))") }
        }

        /// The files this run reads, which no output may replace.
        var inputs: [ProtectedInput] { protectedInputs(list: input.file, model: modelOptions.model) }

        /// Writes rejected rows, if any, and returns where (a stale rejects file at that path
        /// is emptied to its header on a clean run).
        func writeRejects(_ rejected: [Reject], header: [String]) throws -> String? {
            try RejectsOptions.writeRejects(rejected, header: header, to: RejectsOptions.path(rejects, input: input.file), protecting: inputs)
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
