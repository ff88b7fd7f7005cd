import ArgumentParser
import Foundation
import RunHistory
import ScoringEngine
import ScoringIO

extension Kam.Rank {
    /// Accounts read again, assessed and recorded at a time (a streamed full ranking): two
    /// pages are mapped side by side, so a page holds half what one did when one thread
    /// mapped them (the same peak memory). A multiple of the accounts in a history block, so
    /// that every page but the last is sealed into whole blocks off the recording thread.
    static let defaultRecordPageRows = 1 << 15

    /// Opens the history `--record` names before any work, so that a file that is not a
    /// kam history (or a newer one) stops the run at once (exit 65), untouched.
    func openRecordHistory() throws -> HistoryStore? {
        guard let record else { return nil }
        return try HistoryLocation.open(HistoryLocation.recordPath(given: record, list: input.file), create: true, quiet: quiet)
    }

    /// Records the run: its description, every accepted account of the whole list with its
    /// rank, and the rejected rows, in one transaction. `inputHash` is the list's content hash
    /// when the ranking took it as it read the file (else the file is read again for it).
    ///
    /// The accounts come from the engine's results, never from formatted rows: a list read
    /// into memory is recorded from its assessment; a streamed list from the rows its one
    /// ranking pass kept (``RecordedAccounts``: each row's record and rank), handed out a page
    /// at a time in account-id order, each page assessed with the whole list's statistics.
    func recordRun(
        into store: HistoryStore, model: ScoringModel, pipeline: ScoringPipeline, scenario: Int,
        inMemory assessment: BatchAssessment?, streamed accounts: RecordedAccounts?,
        statistics: UtilityBuilder.Statistics?, rowsRead: Int, inputHash: String?, rejected: [Reject], progress: Progress
    ) throws {
        progress.phase("recording the run into \(store.path)")
        var clock = RecordTimings()
        let description = RunDescription(
            model: model, scorer: pipeline.scorer, scenario: scenario, modelFile: modelOptions.model,
            inputFile: input.file == "/dev/stdin" ? "-" : input.file,
            inputHash: inputHash ?? (input.file == "/dev/stdin" ? "" : ContentHash.ofFile(atPath: input.file) ?? ""),
            rowsRead: rowsRead, kamVersion: Kam.configuration.version)
        clock.lap(\.hash)
        let hold = diagnostics.recordHold
        var held = false
        func holdIfAsked() {
            guard let hold, !held else { return }
            held = true
            printError("kam: test: history transaction open")
            Thread.sleep(forTimeInterval: hold)
        }
        let recorded: RecordedRun
        do {
            recorded = try store.record(description) { recorder in
                clock.lap(\.open)
                for reject in rejected {
                    try recorder.reject(
                        RecordedReject(line: reject.line, column: reject.column, code: reject.reason.code, message: reject.message))
                }
                if let assessment {
                    let order = assessment.rankedRows()
                    var ranks = [Int](repeating: 0, count: assessment.count)
                    for (position, row) in order.enumerated() { ranks[row] = position + 1 }
                    try recorder.append(assessment, ranks: ranks)
                    holdIfAsked()
                    return
                }
                guard let accounts, let statistics else { return }
                // Pages in account-id order, so the inserts only grow the (run, account) B-tree
                // at its right edge: far cheaper for SQLite than inserting in rank order.
                clock.lap(\.insert)
                // Pages are mapped, assessed and sealed into blocks on two threads of their own
                // while SQLite inserts the one before (one page taken ahead per worker). Pages
                // of whole blocks leave only the inserts to this thread.
                let sealer = recorder.sealer
                let producer = PageProducer(
                    pipeline: pipeline, scenario: scenario, statistics: statistics,
                    pageRows: max(diagnostics.recordPageRows ?? Self.defaultRecordPageRows, 1),
                    finish: { page, _ in (page: page, sealed: sealer?.seal(page.assessment, ranks: page.ranks)) },
                    pages: accounts.take(upTo:))
                defer { producer.stop() }
                while let (page, sealed) = try producer.next() {
                    clock.lap(\.wait)
                    let taken = try sealed.map(recorder.append) ?? false
                    if !taken { try recorder.append(page.assessment, ranks: page.ranks, inKeyOrder: true) }
                    clock.lap(\.insert)
                    holdIfAsked()
                }
                holdIfAsked()
                clock.blocks = (recorder.sealedBlocksWritten, recorder.blocksWritten)
            }
            clock.lap(\.commit)
        }
        if diagnostics.timings { printError(clock.summary) }
        if !quiet {
            printError(
                labels.lang == .zh
                    ? "kam: 已把第 \(recorded.id) 次运行（\(recorded.accepted) 个客户，拒绝 \(recorded.rejected) 行）记入 \(store.path)"
                    : "kam: recorded run \(recorded.id) (\(recorded.accepted) accounts, \(recorded.rejected) rejected) in \(store.path)")
        }
    }

}

/// Processor time of the parts of recording a run (`kam rank --record --timings`).
struct RecordTimings {
    var hash = 0.0, open = 0.0, wait = 0.0, insert = 0.0, commit = 0.0
    /// Blocks of accounts sealed on the page threads, of those written before the run ends
    /// (the last block is written then).
    var blocks = (sealed: 0, written: 0)
    private var last = RecordTimings.processorTime()

    /// Seconds of processor time used by the process so far.
    static func processorTime() -> Double {
        let usage = Progress.resourceUsage()
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Adds the time since the last lap to `part`.
    mutating func lap(_ part: WritableKeyPath<RecordTimings, Double>) {
        let now = Self.processorTime()
        self[keyPath: part] += now - last
        last = now
    }

    var summary: String {
        func seconds(_ value: Double) -> String { formatDecimal(value, digits: 3) + " s" }
        return "kam: timing: recording (processor time): hashing the list \(seconds(hash)), opening the transaction "
            + "\(seconds(open)), inserting \(seconds(insert)), committing \(seconds(commit)); "
            + "mapping, assessing and sealing pages on two threads of their own, while waiting for them "
            + "\(seconds(wait)) (the process's time, both threads); \(blocks.sealed) of the first \(blocks.written) "
            + "blocks sealed there"
    }
}
