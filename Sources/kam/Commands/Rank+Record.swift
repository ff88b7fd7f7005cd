import ArgumentParser
import Foundation
import RunHistory
import ScoringEngine
import ScoringIO

extension Kam.Rank {
    /// Accounts read again, assessed and recorded at a time (a streamed full ranking).
    static let defaultRecordPageRows = 1 << 16

    /// Opens the history `--record` names before any work, so that a file that is not a
    /// kam history (or a newer one) stops the run at once (exit 65), untouched.
    func openRecordHistory() throws -> HistoryStore? {
        guard let record else { return nil }
        return try HistoryLocation.open(HistoryLocation.recordPath(given: record, list: input.file), create: true, quiet: quiet)
    }

    /// Records the run: its description, every accepted account of the whole list with its
    /// rank, and the rejected rows, in one transaction.
    ///
    /// The accounts come from the engine's results, never from formatted rows: a list read
    /// into memory is recorded from its assessment; a streamed list is ranked in full once
    /// more (every row, in bounded memory) and read back a page at a time, each page assessed
    /// with the whole list's statistics, so a million-account run is recorded without holding
    /// it in memory.
    func recordRun(
        into store: HistoryStore, model: ScoringModel, pipeline: ScoringPipeline, scenario: Int,
        inMemory assessment: BatchAssessment?, rowsRead: Int, rejected: [Reject], progress: Progress
    ) throws {
        progress.phase("recording the run into \(store.path)")
        let description = RunDescription(
            model: model, scorer: pipeline.scorer, scenario: scenario, modelFile: modelOptions.model,
            inputFile: input.file == "/dev/stdin" ? "-" : input.file,
            inputHash: input.file == "/dev/stdin" ? "" : ContentHash.ofFile(atPath: input.file) ?? "",
            rowsRead: rowsRead, kamVersion: Kam.configuration.version)
        let hold = recordHold
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
                let ranking = try input.rank(
                    model: model, scorer: pipeline.scorer, scenario: scenario, limit: .max, grades: nil,
                    blockSize: blockSize, workers: workers,
                    runCapacity: memoryRows ?? ProspectStream.runCapacity(memory: sortMemory), paged: true)
                guard let pages = ranking.pages else { return }
                // Held back and written in account order once the whole run is known (see
                // RunRecorder.stage): far cheaper for SQLite than inserting in rank order.
                while let page = try Self.recordPage(pages, rows: recordPageRows ?? Self.defaultRecordPageRows) {
                    recorder.stage(pipeline.assess(page.batch, scenario: scenario, statistics: ranking.statistics), ranks: page.ranks)
                }
                try recorder.writeStaged(pausingAfter: hold == nil ? nil : recordPageRows ?? Self.defaultRecordPageRows, pause: holdIfAsked)
                holdIfAsked()
            }
        } catch let error as HistoryError {
            throw HistoryLocation.cliError(error)
        }
        if !quiet {
            printError(
                lang == .zh
                    ? "kam: 已把第 \(recorded.id) 次运行（\(recorded.accepted) 个客户，拒绝 \(recorded.rejected) 行）记入 \(store.path)"
                    : "kam: recorded run \(recorded.id) (\(recorded.accepted) accounts, \(recorded.rejected) rejected) in \(store.path)")
        }
    }

    /// The next page of a ranking being recorded, with dataset errors turned into CLI errors.
    static func recordPage(_ pages: ShownPages, rows: Int) throws -> (batch: ProspectBatch, ranks: [Int])? {
        do {
            return try pages.next(upTo: max(rows, 1))
        } catch {
            if case .unreadable = error { throw CLIError.inputMissing(error.description) }
            throw CLIError.badData(error.description)
        }
    }
}
