import Foundation
import Reports
import RunHistory
import ScoringEngine
import ScoringIO

/// The steps of `kam rank`: what to show, ranking in memory or streamed, then writing and
/// recording.
extension Kam.Rank {
    /// What the command line asks to show.
    struct Selection {
        /// The index of `--scenario` among the model's scenarios (`nil`: none given, or unknown).
        var scenarioIndex: Int?
        /// The grades of `--grade`, if given.
        var wanted: Set<Grade>?
        /// How many rows to show at most (`--top`, else 20 in a table, all in csv/json).
        var limit: Int
        var conditions: [ListCondition]
        var sortKey: ListSortKey?
        /// Whether `--where` or `--sort` filters or reorders the ranking.
        var filtering: Bool { !conditions.isEmpty || sortKey != nil }
    }

    /// A page of a whole ranking as its producer hands it over, with its rows' expected wins.
    typealias ProducedPage = (report: RankReport, expectedWins: Double)

    /// Totals of a ranking that the writer's pages add to as they are made (a reference, so
    /// the pages made while writing count too).
    final class PageTally {
        /// The sum of the probabilities of the rows shown.
        var expectedWins = 0.0
        /// Rows written so far by a ranking filtered page by page.
        var filteredShown: Int? = nil
    }

    /// A ranking ready to write and record.
    struct RankedList {
        var report: RankReport
        var rejected: [Reject]
        var header: [String]
        /// Further pages of a streamed csv/json ranking (the first is in `report`).
        var morePages: () throws -> RankReport? = { nil }
        /// The rows of a whole ranking written page by page.
        var shownCount: Int? = nil
        var tally = PageTally()
        /// What the run history records: the in-memory assessment, or the streamed accounts
        /// and statistics.
        var inMemoryAssessment: BatchAssessment? = nil
        var streamedAccounts: RecordedAccounts? = nil
        var recordStatistics: UtilityBuilder.Statistics? = nil
        /// The list's content hash, taken from the blocks the streamed ranking read (a run to
        /// record); `nil`: the file is hashed when the run is recorded.
        var inputHash: String? = nil
    }

    /// The pages of a streamed ranking: the rows of its first report (or that report, made
    /// ahead by the page producer) and the pages after it.
    struct StreamedPages {
        var first: (batch: ProspectBatch, ranks: [Int])
        var firstPage: RankReport? = nil
        var morePages: () throws -> RankReport? = { nil }
        var shownCount: Int? = nil
    }

    /// Makes the report of a page of a streamed ranking: assessed with the whole list's
    /// statistics and, when counting, its rows' probabilities added to the expected wins.
    struct PageReporter {
        let pipeline: ScoringPipeline
        let scenario: Int
        let statistics: UtilityBuilder.Statistics
        let loaded: ProspectListLoader.Result
        let wholeList: (gradeCounts: [Grade: Int], accepted: Int)
        let language: Language
        let digits: Int
        let tally: PageTally

        func report(_ batch: ProspectBatch, ranks: [Int], counting: Bool = true) -> RankReport {
            assessed(pipeline.assess(batch, scenario: scenario, statistics: statistics), ranks: ranks, counting: counting)
        }

        func assessed(_ assessment: BatchAssessment, ranks: [Int], counting: Bool = true) -> RankReport {
            var report = RankReport(
                assessment: assessment, rows: ranks.enumerated().map { ($1, $0) }, loaded: loaded,
                language: language, rejectsPath: nil, wholeList: wholeList)
            report.digits = digits
            if counting { tally.expectedWins += report.rows.reduce(0.0) { $0 + (report.probability($1.row) ?? 0) } }
            return report
        }
    }

    /// The scenario, grades, row limit, conditions and sort key the options ask for.
    ///
    /// - Throws: A usage error for a `--where` or `--sort` the model's fields cannot answer.
    func rankSelection(pipeline: ScoringPipeline, model: ScoringModel) throws -> Selection {
        let scenarioIndex = scenario.flatMap { pipeline.scorer.scenarioNames.firstIndex(of: $0) }
        let wanted = grade.flatMap(parseGrades)
        let limit = format.listedAccounts(top)
        let conditions = try list.parsedConditions()
        let sortKey = try list.sortKey()
        if let problem = RankReport.listProblem(conditions: conditions, sort: sortKey, model: model) {
            throw CLIError.usage(problem)
        }
        return Selection(scenarioIndex: scenarioIndex, wanted: wanted, limit: limit, conditions: conditions, sortKey: sortKey)
    }

    /// Reads the whole list into memory, assesses it and keeps the rows to show.
    func rankInMemory(
        model: ScoringModel, pipeline: ScoringPipeline, selection: Selection, recording: Bool, progress: Progress
    ) throws -> RankedList {
        let loaded = try input.loadShowingReading(model: model, progress: progress)
        let scenarioIndex = try checkedScenario(selection.scenarioIndex, pipeline: pipeline)
        progress.phase("scoring \(loaded.batch.count) accounts", rows: loaded.batch.count)
        let assessment = pipeline.assess(loaded.batch, scenario: scenarioIndex)
        progress.phase("ranking", rows: loaded.batch.count)
        let rows = shownRows(of: assessment, loaded: loaded, selection: selection)
        let report = RankReport(assessment: assessment, rows: rows, loaded: loaded, language: labels.lang, rejectsPath: nil)
        return RankedList(
            report: report, rejected: loaded.rejects, header: loaded.header, inMemoryAssessment: recording ? assessment : nil)
    }

    /// The rows of an in-memory ranking to show, with their ranks: in rank order, of the
    /// wanted grades, matching the conditions, at most `limit` (the first `limit` in `--sort`
    /// order when sorted).
    func shownRows(
        of assessment: BatchAssessment, loaded: ProspectListLoader.Result, selection: Selection
    ) -> [(rank: Int, row: Int)] {
        var rows: [(rank: Int, row: Int)] = []
        let probe = RankReport(assessment: assessment, rows: [], loaded: loaded, language: labels.lang, rejectsPath: nil)
        for (position, row) in assessment.rankedRows().enumerated() {
            if rows.count >= selection.limit, selection.sortKey == nil { break }
            if let wanted = selection.wanted, !wanted.contains(assessment.grades[row]) { continue }
            if !selection.conditions.isEmpty, probe.rows([(position + 1, row)], matching: selection.conditions).isEmpty { continue }
            rows.append((position + 1, row))
        }
        if let sortKey = selection.sortKey { rows = Array(probe.sorted(rows, by: sortKey).prefix(selection.limit)) }
        return rows
    }

    /// Streaming: bounded memory, both cores; a scenario the model lacks is reported after
    /// the file is read, as on the in-memory path. csv and json are written a page of rows
    /// at a time, in bounded memory however many rows are shown.
    ///
    /// - Parameter pageProducer: Set to the threads that make the pages of a whole ranking,
    ///   for the caller to stop when the run ends.
    func rankStreamed(
        model: ScoringModel, pipeline: ScoringPipeline, selection: Selection, recording: Bool, progress: Progress,
        pageProducer: inout PageProducer<ProducedPage>?
    ) throws -> RankedList {
        progress.phase("reading and scoring \(input.file)", rows: input.estimatedRows)
        // A run to record takes the list's content hash from the blocks the ranking reads.
        let hashing: (@Sendable () -> any ContentObserver)? = recording ? { @Sendable () -> any ContentObserver in HashedContent() } : nil
        let ranking = try input.rank(
            model: model, scorer: pipeline.scorer, scenario: selection.scenarioIndex ?? 0,
            limit: selection.filtering ? .max : selection.limit, grades: selection.wanted, blockSize: diagnostics.blockSize,
            workers: diagnostics.workers, runCapacity: diagnostics.memoryRows ?? ProspectStream.runCapacity(memory: sortMemory),
            paged: selection.filtering || format == .csv || format == .json || format == .xlsx,
            keepsRecords: recording, contentObserver: hashing, progress: progress)
        let scenarioIndex = try checkedScenario(selection.scenarioIndex, pipeline: pipeline)
        let tally = PageTally()
        let reporter = PageReporter(
            pipeline: pipeline, scenario: scenarioIndex, statistics: ranking.statistics, loaded: ranking.loaderResult,
            wholeList: (ranking.gradeCounts, ranking.acceptedCount), language: labels.lang, digits: digits, tally: tally)
        var pages = StreamedPages(first: (batch: ranking.shown, ranks: ranking.ranks))
        if selection.filtering, let shown = ranking.pages {
            pages = try filteredPages(shown, ranking: ranking, reporter: reporter, selection: selection)
        } else if let shown = ranking.pages {
            pages = try producedPages(shown, ranking: ranking, reporter: reporter, progress: progress, pageProducer: &pageProducer)
        }
        let explained = pages.shownCount ?? pages.first.ranks.count
        progress.phase("explaining \(explained) accounts", rows: explained)
        var report = pages.firstPage ?? reporter.report(pages.first.batch, ranks: pages.first.ranks)
        if let sortKey = selection.sortKey {
            report = report.showing(Array(report.sorted(report.rows, by: sortKey).prefix(selection.limit)))
        }
        if diagnostics.timings { printTimings(ranking) }
        if !quiet, let note = Self.passNote(ranking, model: model) { printError(note) }
        return RankedList(
            report: report, rejected: ranking.rejects, header: ranking.header, morePages: pages.morePages,
            shownCount: pages.shownCount, tally: tally, streamedAccounts: ranking.recorded, recordStatistics: ranking.statistics,
            inputHash: (ranking.contentObserved as? HashedContent)?.value)
    }

    /// `--where` and `--sort`: the whole ranking is read back page by page (in bounded
    /// memory) and each page filtered. csv and xlsx in rank order are written as the pages
    /// come; a table, json (whose summary counts the shown rows first) and `--sort` keep the
    /// matching rows.
    func filteredPages(
        _ pages: ShownPages, ranking: StreamedRanking, reporter: PageReporter, selection: Selection
    ) throws -> StreamedPages {
        let limit = selection.limit
        let sortKey = selection.sortKey
        func keep(_ page: RankReport, upTo count: Int) -> RankReport {
            page.showing(Array(page.rows(page.rows, matching: selection.conditions).prefix(count)))
        }
        if sortKey == nil, format == .csv || format == .xlsx {
            let tally = reporter.tally
            var remaining = limit
            func nextFiltered() throws -> RankReport? {
                guard remaining > 0, let page = try nextPage(pages) else { return nil }
                let shown = keep(reporter.report(page.batch, ranks: page.ranks, counting: false), upTo: remaining)
                tally.expectedWins += shown.rows.reduce(0.0) { $0 + (shown.probability($1.row) ?? 0) }
                remaining -= shown.rows.count
                tally.filteredShown = limit - remaining
                return shown
            }
            tally.filteredShown = 0
            return StreamedPages(first: (batch: ranking.shown, ranks: []), morePages: nextFiltered)
        }
        var kept = ranking.shown
        var ranks: [Int] = []
        while sortKey != nil || ranks.count < limit, let page = try nextPage(pages) {
            let shown = keep(
                reporter.report(page.batch, ranks: page.ranks, counting: false),
                upTo: sortKey == nil ? limit - ranks.count : .max)
            kept.append(contentsOf: page.batch.rows(shown.rows.map(\.row)))
            ranks += shown.rows.map(\.rank)
        }
        return StreamedPages(first: (batch: kept, ranks: ranks))
    }

    /// A whole ranking: pages are read back in order, then mapped, assessed and (csv, json)
    /// formatted on two threads of their own while this one writes the pages before. Each
    /// page's expected wins are summed as on this thread and added in page order.
    func producedPages(
        _ pages: ShownPages, ranking: StreamedRanking, reporter: PageReporter, progress: Progress,
        pageProducer: inout PageProducer<ProducedPage>?
    ) throws -> StreamedPages {
        let shownCount = pages.count
        let ahead: RankReport.RowFormat? =
            list.selectedColumns != nil ? nil : format == .csv ? .csv : format == .json ? .json : nil
        let producer = PageProducer(
            pipeline: reporter.pipeline, scenario: reporter.scenario, statistics: reporter.statistics, pageRows: shownPageRows,
            finish: { page, index in
                let report = reporter.assessed(page.assessment, ranks: page.ranks, counting: false)
                let wins = report.rows.reduce(0.0) { $0 + (report.probability($1.row) ?? 0) }
                guard index > 0, let ahead else { return (report: report, expectedWins: wins) }
                return (report: report.formattedAhead(as: ahead), expectedWins: wins)
            },
            pages: pages.take(upTo:))
        pageProducer = producer
        let tally = reporter.tally
        var firstPage: RankReport?
        if let page = try producer.next() {
            tally.expectedWins += page.expectedWins
            firstPage = page.report
        }
        var written = 0
        let morePages: () throws -> RankReport? = {
            written += shownPageRows
            progress.update(rows: written)
            guard let page = try producer.next() else { return nil }
            tally.expectedWins += page.expectedWins
            return page.report
        }
        return StreamedPages(
            first: (batch: ranking.shown, ranks: ranking.ranks), firstPage: firstPage, morePages: morePages,
            shownCount: shownCount)
    }

    /// Writes the rejected rows and the ranking (failing with `--strict` when a row was
    /// rejected), records the run with `--record`, and ends with the summary on standard error.
    func finish(
        _ ranked: RankedList, to sink: inout FileSink, history: HistoryStore?, model: ScoringModel, pipeline: ScoringPipeline,
        selection: Selection, progress: Progress
    ) throws {
        progress.phase("writing rejects")
        let rejected = ranked.rejected
        let rejectsPath = try writeRejects(rejected, header: ranked.header)
        if strict, let first = rejected.first {
            throw DatasetError.strictRejects(file: input.file, count: rejected.count, first: first.description)
        }
        let report = ranked.report
        var final = RankReport(
            assessment: report.assessment, rows: report.rows, loaded: report.loaded, language: labels.lang,
            rejectsPath: rejectsPath)
        final.wholeList = report.wholeList
        final.digits = digits
        if let shownCount = ranked.shownCount { final.pagedTotals = (shownCount, 0) }
        progress.phase("writing \(ranked.shownCount ?? final.rows.count) rows", rows: ranked.shownCount ?? final.rows.count)
        try write(final, to: &sink, morePages: ranked.morePages)
        if let shownCount = ranked.shownCount { final.pagedTotals = (shownCount, ranked.tally.expectedWins) }
        if let filteredShown = ranked.tally.filteredShown { final.pagedTotals = (filteredShown, ranked.tally.expectedWins) }
        if let history {
            try recordRun(
                into: history, model: model, pipeline: pipeline, scenario: selection.scenarioIndex ?? 0,
                inMemory: ranked.inMemoryAssessment, streamed: ranked.streamedAccounts, statistics: ranked.recordStatistics,
                rowsRead: report.loaded.rowsRead, inputHash: ranked.inputHash, rejected: rejected, progress: progress)
        }
        progress.finish()
        printSummary(final, rejected: rejected, rejectsPath: rejectsPath)
    }

    /// The summary on standard error (csv, json or a file written), or with `--quiet` the
    /// count of rejected rows: a row that was not scored is never dropped without a word.
    func printSummary(_ final: RankReport, rejected: [Reject], rejectsPath: String?) {
        if !quiet, format == .csv || format == .json || destination.output != nil {
            for line in final.summaryLines() { printError(line) }
        } else if quiet, !rejected.isEmpty {
            printError(
                labels.lang == .zh
                    ? "拒绝 \(rejected.count) 行" + (rejectsPath.map { "（已写入 \($0)）" } ?? "") + "。"
                    : "\(rejected.count) row\(rejected.count == 1 ? "" : "s") rejected"
                        + (rejectsPath.map { " (written to \($0))" } ?? "") + ".")
        }
    }
}
