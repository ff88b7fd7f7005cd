import Foundation
import GRDB
import ScoringEngine

/// Writes one run's accounts and rejected rows inside the run's transaction (see
/// ``HistoryStore/record(_:body:)``). One prepared statement per table, reused for every row.
public final class RunRecorder {
    /// The id the run will have once committed.
    public let runID: Int64
    let db: Database
    let path: String
    let factorCount: Int
    private let insertScore: Statement
    private let insertReject: Statement
    private(set) var gradeCounts = [Int](repeating: 0, count: Grade.allCases.count)
    /// Accounts written so far.
    public private(set) var accepted = 0
    /// Rejected rows written so far.
    public private(set) var rejected = 0

    init(db: Database, runID: Int64, factorCount: Int, path: String) throws {
        self.db = db
        self.runID = runID
        self.factorCount = factorCount
        self.path = path
        insertScore = try db.makeStatement(
            sql: """
                INSERT INTO account_score (run, account, name, rank, grade, value, difficulty, priority, completeness,
                    probability, segments, missing, utilities)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        insertReject = try db.makeStatement(
            sql: "INSERT INTO rejected_row (run, line, column_name, code, message) VALUES (?, ?, ?, ?, ?)")
    }

    /// Writes one account.
    public func append(_ score: AccountScore) throws(HistoryError) {
        precondition(score.utilities.count == factorCount, "An account has one utility per factor of the run")
        try write(
            account: score.account, name: score.name, rank: score.rank, grade: score.grade, value: score.value,
            difficulty: score.difficulty, priority: score.priority, completeness: score.completeness,
            probability: score.probability, segments: HistoryStore.joined(score.segments),
            missing: HistoryStore.joined(score.missing), utilities: HistoryStore.blob(score.utilities))
    }

    /// Writes every account of an assessment (a page of a ranking), `ranks[i]` being the
    /// 1-based rank of row `i` in the whole list.
    public func append(_ assessment: BatchAssessment, ranks: [Int]) throws(HistoryError) {
        precondition(ranks.count == assessment.count, "One rank per assessed account")
        let model = assessment.model
        let factorCount = model.factors.count
        precondition(factorCount == self.factorCount, "The assessment's model has the run's factors")
        let factorIDs = model.factors.map(\.id)
        let segmentIDs = model.segments.map(\.id)
        let elements = assessment.utilities.matrix.elements
        let present = assessment.utilities.present
        let grades = assessment.grades
        // In key order within the page: successive inserts land near each other in the
        // (run, account) B-tree instead of at random.
        let accounts = assessment.accounts
        let order = (0..<assessment.count).sorted { accounts[$0].id.utf8.lexicographicallyPrecedes(accounts[$1].id.utf8) }
        for row in order {
            let range = (row * factorCount)..<((row + 1) * factorCount)
            var missing = ""
            for factor in 0..<factorCount where !present[range.lowerBound + factor] {
                if !missing.isEmpty { missing.append(HistoryStore.separator) }
                missing += factorIDs[factor]
            }
            let value = assessment.value(row)
            let difficulty = assessment.difficulty(row)
            let account = assessment.accounts[row]
            try write(
                account: account.id, name: account.name, rank: ranks[row], grade: grades[row], value: value,
                difficulty: difficulty, priority: assessment.priority(row), completeness: assessment.completeness(row),
                probability: model.probability(value: value, difficulty: difficulty),
                segments: HistoryStore.joined(assessment.segments[row].map { segmentIDs[$0] }), missing: missing,
                utilities: HistoryStore.blob(elements[range]))
        }
    }

    private func write(
        account: String, name: String, rank: Int, grade: Grade, value: Double, difficulty: Double, priority: Double,
        completeness: Double, probability: Double?, segments: String, missing: String, utilities: Data
    ) throws(HistoryError) {
        do {
            insertScore.setUncheckedArguments([
                runID, account, name, rank, grade.rawValue, value, difficulty, priority, completeness, probability,
                segments, missing, utilities,
            ])
            try insertScore.execute()
        } catch {
            if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT {
                throw .database(path: path, message: "account '\(account)' appears twice in one run.")
            }
            throw HistoryStore.wrap(error, path: path)
        }
        gradeCounts[grade.order] += 1
        accepted += 1
    }

    /// Writes one rejected row.
    public func reject(_ reject: RecordedReject) throws(HistoryError) {
        do {
            insertReject.setUncheckedArguments([runID, reject.line, reject.column, reject.code, reject.message])
            try insertReject.execute()
        } catch {
            throw HistoryStore.wrap(error, path: path)
        }
        rejected += 1
    }
}

extension HistoryStore {
    /// Records a run in one transaction: the run row, whatever `body` writes through the
    /// recorder, then the counts. If `body` throws (or the process dies) nothing of the run
    /// is kept.
    ///
    /// The transaction is `BEGIN IMMEDIATE`: another kam recording into the same file waits
    /// (up to ``busyTimeout`` seconds) until this one commits, then writes its own run whole.
    ///
    /// - Returns: The run as recorded.
    /// - Throws: ``HistoryError`` for SQLite failures; whatever `body` throws, unchanged.
    public func record(_ run: RunDescription, body: (RunRecorder) throws -> Void) throws -> RecordedRun {
        var recordedID: Int64 = 0
        do {
            try queue.inDatabase { db in
                // A run's accounts arrive in rank order, not in key order: with SQLite's
                // default 2 MiB cache every insert would evict a page of the (run, account)
                // B-tree and spill it to the WAL again and again. Let the cache hold the run
                // (about 250 bytes an account; SQLite takes the memory only as it needs it).
                try db.execute(sql: "PRAGMA cache_size = -\(Self.recordCacheKiB)")
                try db.inTransaction(.immediate) {
                    // A history opened at an older step (tests) has no model details.
                    let details = try db.tableExists("run_factor")
                    try db.execute(
                        sql: """
                            INSERT INTO run (recorded_at, kam_version, model_name, model_file, model_hash, scenario,
                                input_file, input_hash, rows_read, accepted, rejected, factors, segments)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)
                            """,
                        arguments: [
                            Self.timestamp(run.recordedAt), run.kamVersion, run.modelName, run.modelFile, run.modelHash,
                            run.scenario, run.inputFile, run.inputHash, run.rowsRead,
                            Self.joined(run.factors.map(\.id)), Self.joined(run.segments),
                        ])
                    let id = db.lastInsertedRowID
                    if details {
                        try db.execute(sql: "UPDATE run SET grading = ? WHERE id = ?", arguments: [run.grading, id])
                        let factor = try db.makeStatement(
                            sql: "INSERT INTO run_factor (run, position, factor, side, weight, scale) VALUES (?, ?, ?, ?, ?, ?)")
                        for (position, detail) in run.factors.enumerated() {
                            try factor.execute(arguments: [id, position, detail.id, detail.side, detail.weight, detail.scale])
                        }
                    }
                    let recorder = try RunRecorder(db: db, runID: id, factorCount: run.factors.count, path: path)
                    try body(recorder)
                    let counts = recorder.gradeCounts
                    try db.execute(
                        sql: """
                            UPDATE run SET accepted = ?, rejected = ?, grade_a = ?, grade_b = ?, grade_c = ?, grade_d = ?,
                                grade_insufficient = ? WHERE id = ?
                            """,
                        arguments: [
                            recorder.accepted, recorder.rejected, counts[0], counts[1], counts[2], counts[3], counts[4], id,
                        ])
                    recordedID = id
                    return .commit
                }
            }
        } catch let error as DatabaseError {
            throw Self.wrap(error, path: path)
        }
        return try self.run(recordedID)
    }

    /// The page cache while recording, in KiB (1 GiB: about four million accounts of 12
    /// factors before pages spill to the WAL inside the transaction).
    static let recordCacheKiB = 1 << 20

    /// `2026-12-04T21:38:15Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
