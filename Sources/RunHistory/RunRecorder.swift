import Foundation
import GRDB
import GRDBSQLite
import ScoringEngine

/// Writes one run's accounts and rejected rows inside the run's transaction (see
/// ``HistoryStore/record(_:body:)``). Accounts arriving in id order fill blocks of
/// ``AccountBlock/capacity`` (one `account_block` row each), written as they fill; accounts out
/// of that order are sorted in when the run ends. One prepared statement per table, reused
/// for every row, its values bound straight to SQLite (``PreparedInsert``).
public final class RunRecorder {
    /// The id the run will have once committed.
    public let runID: Int64
    let db: Database
    let path: String
    let factorCount: Int
    /// Histories at schema step 4 keep accounts in blocks (``AccountBlock``); older ones
    /// (tests build them) one row per account in `account_score`.
    private let inBlocks: Bool
    private let insertScore: PreparedInsert?
    private let insertBlock: PreparedInsert?
    private let insertReject: PreparedInsert
    /// Whether the history has the stage column (schema step 3; tests build older ones).
    private let recordsStage: Bool
    private(set) var gradeCounts = [Int](repeating: 0, count: Grade.allCases.count)
    /// Accounts written so far.
    public private(set) var accepted = 0
    /// Rejected rows written so far.
    public private(set) var rejected = 0
    /// The block being filled, written when full.
    private var block: AccountBlock
    /// The id of the last account added to a block (blocks take ids in increasing order).
    private var lastAccount: [UInt8]?
    /// Accounts that came one at a time or out of id order: sorted and merged with the run's
    /// blocks when the run ends (``finish()``).
    private var unsorted: [AccountScore] = []
    /// Blocks written so far.
    private var blocksWritten = 0
    /// Whether blocks keep their utilities in the compact layout (schema step 5; step 4
    /// writes float64 account by account, and step 5 converts them).
    private let compactUtilities: Bool
    /// Reused to encode each block's utilities.
    private var codeTable = UtilityCodeTable()

    init(db: Database, runID: Int64, factorCount: Int, path: String) throws {
        self.db = db
        self.runID = runID
        self.factorCount = factorCount
        self.path = path
        block = AccountBlock(factorCount: factorCount)
        inBlocks = try db.tableExists("account_block")
        compactUtilities = try inBlocks && HistorySchema.hasStep(HistorySchema.compactUtilitiesStep, db)
        if inBlocks {
            recordsStage = true
            insertScore = nil
            insertBlock = try PreparedInsert(
                db,
                sql: """
                    INSERT INTO account_block (run, first_account, count, accounts, ranks, grades, scores, probabilities,
                        names, segments, missing, utilities, stages)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
        } else {
            recordsStage = try db.columns(in: "account_score").contains { $0.name == "stage" }
            insertBlock = nil
            insertScore = try PreparedInsert(
                db,
                sql: """
                    INSERT INTO account_score (run, account, name, rank, grade, value, difficulty, priority, completeness,
                        probability, segments, missing, utilities\(recordsStage ? ", stage" : ""))
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?\(recordsStage ? ", ?" : ""))
                    """)
        }
        insertReject = try PreparedInsert(
            db, sql: "INSERT INTO rejected_row (run, line, column_name, code, message) VALUES (?, ?, ?, ?, ?)")
    }

    /// Writes one account.
    public func append(_ score: AccountScore) throws(HistoryError) {
        precondition(score.utilities.count == factorCount, "An account has one utility per factor of the run")
        if inBlocks {
            // Accounts one at a time come in any order: they are sorted at the end.
            unsorted.append(score)
            count(score.grade)
            return
        }
        try appendInOrder(score)
    }

    /// Writes one account whose id follows the ids written before (byte order); an account
    /// out of that order is kept and sorted in at the end, as ``append(_:)-(AccountScore)`` does.
    func appendInOrder(_ score: AccountScore) throws(HistoryError) {
        precondition(score.utilities.count == factorCount, "An account has one utility per factor of the run")
        try write(
            account: score.account, name: score.name, rank: score.rank, grade: score.grade, value: score.value,
            difficulty: score.difficulty, priority: score.priority, completeness: score.completeness,
            probability: score.probability, segments: Array(HistoryStore.joined(score.segments).utf8),
            missing: Array(HistoryStore.joined(score.missing).utf8), utilities: score.utilities[...], stage: score.stage)
    }

    /// Writes every account of an assessment (a page of a ranking), `ranks[i]` being the
    /// 1-based rank of row `i` in the whole list.
    ///
    /// Rows are written in account-id order (byte order of the UTF-8, SQLite's order of the
    /// key): successive inserts land next to each other in the (run, account) B-tree.
    ///
    /// - Parameter inKeyOrder: The rows are in key order already (a page of
    ///   ``ScoringIO/RecordedAccounts``): written as they are.
    public func append(_ assessment: BatchAssessment, ranks: [Int], inKeyOrder: Bool = false) throws(HistoryError) {
        precondition(ranks.count == assessment.count, "One rank per assessed account")
        let order = inKeyOrder ? Array(0..<assessment.count) : Self.keyOrder(assessment.accounts.map(\.id))
        try append(assessment, ranks: ranks, rows: order)
    }

    /// Writes rows `rows` of an assessment, in that order (see ``append(_:ranks:)``).
    func append(_ assessment: BatchAssessment, ranks: [Int], rows: [Int]) throws(HistoryError) {
        let model = assessment.model
        let factorCount = model.factors.count
        precondition(factorCount == self.factorCount, "The assessment's model has the run's factors")
        // The id lists are built as UTF-8 in two buffers reused for every row.
        let factorIDs = model.factors.map { Array($0.id.utf8) }
        let segmentIDs = model.segments.map { Array($0.id.utf8) }
        let separator = Array(String(HistoryStore.separator).utf8)
        let elements = assessment.utilities.matrix.elements
        let present = assessment.utilities.present
        let grades = assessment.grades
        let accounts = assessment.accounts
        var missing: [UInt8] = []
        var segments: [UInt8] = []
        for row in rows {
            let range = (row * factorCount)..<((row + 1) * factorCount)
            missing.removeAll(keepingCapacity: true)
            for factor in 0..<factorCount where !present[range.lowerBound + factor] {
                if !missing.isEmpty { missing += separator }
                missing += factorIDs[factor]
            }
            segments.removeAll(keepingCapacity: true)
            for (position, segment) in assessment.segments[row].enumerated() {
                if position > 0 { segments += separator }
                segments += segmentIDs[segment]
            }
            let value = assessment.value(row)
            let difficulty = assessment.difficulty(row)
            let account = accounts[row]
            try write(
                account: account.id, name: account.name, rank: ranks[row], grade: grades[row], value: value,
                difficulty: difficulty, priority: assessment.priority(row), completeness: assessment.completeness(row),
                probability: model.probability(value: value, difficulty: difficulty), segments: segments,
                missing: missing, utilities: elements[range], stage: account.stage)
        }
    }

    /// Row indices in the byte order of their ids' UTF-8 (SQLite's text order).
    ///
    /// Sorted on the first eight bytes of each id as one big-endian integer, the whole ids
    /// compared only among ids sharing those bytes: a million ids sort in a fraction of the
    /// time a comparison of strings takes.
    static func keyOrder(_ ids: [String]) -> [Int] {
        var keyed = ids.enumerated().map { index, id -> (prefix: UInt64, index: Int) in
            var prefix: UInt64 = 0
            var taken = 0
            for byte in id.utf8.prefix(8) {
                prefix = prefix << 8 | UInt64(byte)
                taken += 1
            }
            return (taken == 0 ? 0 : prefix << (8 * UInt64(8 - taken)), index)
        }
        keyed.sort { left, right in
            if left.prefix != right.prefix { return left.prefix < right.prefix }
            return ids[left.index].utf8.lexicographicallyPrecedes(ids[right.index].utf8)
        }
        return keyed.map(\.index)
    }

    private func count(_ grade: Grade) {
        gradeCounts[grade.order] += 1
        accepted += 1
    }

    private func write(
        account: String, name: String, rank: Int, grade: Grade, value: Double, difficulty: Double, priority: Double,
        completeness: Double, probability: Double?, segments: [UInt8], missing: [UInt8], utilities: ArraySlice<Double>,
        stage: Int?
    ) throws(HistoryError) {
        if inBlocks {
            count(grade)
            if unsorted.isEmpty, lastAccount.map({ $0.lexicographicallyPrecedes(account.utf8) }) ?? true {
                try add(
                    account: account.utf8, name: name, rank: rank, grade: grade, value: value, difficulty: difficulty,
                    priority: priority, completeness: completeness, probability: probability, segments: segments,
                    missing: missing, utilities: utilities, stage: stage)
            } else {
                // Out of id order (or equal: a duplicate, found when sorting): kept for the end.
                unsorted.append(
                    AccountScore(
                        account: account, name: name, rank: rank, grade: grade, value: value, difficulty: difficulty,
                        priority: priority, completeness: completeness, probability: probability,
                        segments: HistoryStore.list(String(decoding: segments, as: UTF8.self)),
                        missing: HistoryStore.list(String(decoding: missing, as: UTF8.self)), utilities: Array(utilities),
                        stage: stage))
            }
            return
        }
        guard let insert = insertScore else { return }
        insert.bind(1, runID)
        insert.bind(2, account)
        insert.bind(3, name)
        insert.bind(4, rank)
        insert.bind(5, grade.rawValue)
        insert.bind(6, value)
        insert.bind(7, difficulty)
        insert.bind(8, priority)
        insert.bind(9, completeness)
        insert.bind(10, probability)
        insert.bind(11, text: segments)
        insert.bind(12, text: missing)
        insert.bind(13, doubles: utilities)
        if recordsStage { insert.bind(14, stage) }
        if let failure = insert.step() {
            if failure.code == SQLITE_CONSTRAINT {
                throw .database(path: path, message: "account '\(account)' appears twice in one run.")
            }
            throw HistoryStore.failure(code: failure.code, message: failure.message, path: path)
        }
        count(grade)
    }

    /// Adds an account whose id follows every id added before to the block, writing the block
    /// when it is full.
    private func add(
        account: some Collection<UInt8>, name: String, rank: Int, grade: Grade, value: Double, difficulty: Double, priority: Double,
        completeness: Double, probability: Double?, segments: [UInt8], missing: [UInt8], utilities: ArraySlice<Double>,
        stage: Int?
    ) throws(HistoryError) {
        block.append(
            account: account, name: name, rank: rank, grade: grade, value: value, difficulty: difficulty,
            priority: priority, completeness: completeness, probability: probability, segments: segments,
            missing: missing, utilities: utilities, stage: stage)
        // (The last id's bytes are copied into the array kept, without a new one per account.)
        if lastAccount == nil { lastAccount = [] }
        lastAccount?.removeAll(keepingCapacity: true)
        lastAccount?.append(contentsOf: account)
        if block.count == AccountBlock.capacity { try flush() }
    }

    /// Writes the block being filled (if it holds any account).
    private func flush() throws(HistoryError) {
        guard block.count > 0, let insert = insertBlock else { return }
        insert.bind(1, runID)
        insert.bind(2, block.firstAccount)
        insert.bind(3, block.count)
        insert.bind(4, blob: block.accounts.encoded)
        insert.bind(5, integers: block.ranks)
        insert.bind(6, blob: block.grades)
        insert.bind(7, doubles: (block.values + block.difficulties + block.priorities + block.completenesses)[...])
        if block.hasProbability {
            insert.bind(8, doubles: block.probabilities[...])
        } else {
            insert.bind(8, nil as Double?)
        }
        insert.bind(9, blob: block.names.encoded)
        insert.bind(10, blob: block.segments.encoded)
        insert.bind(11, blob: block.missing.encoded)
        if compactUtilities {
            insert.bind(
                12,
                blob: AccountBlock.compactUtilities(
                    block.utilities, count: block.count, factorCount: factorCount, table: &codeTable))
        } else {
            insert.bind(12, doubles: block.utilities[...])
        }
        if block.hasStage { insert.bind(13, blob: block.stages) } else { insert.bind(13, nil as Double?) }
        if let failure = insert.step() {
            throw HistoryStore.failure(code: failure.code, message: failure.message, path: path)
        }
        blocksWritten += 1
        block.removeAll()
    }

    /// Writes what is still held: the accounts that came one at a time or out of order are
    /// merged with the blocks already written (read back, the run's blocks written again).
    func finish() throws(HistoryError) {
        guard inBlocks else { return }
        if !unsorted.isEmpty {
            try flush()
            var scores = unsorted
            unsorted = []
            if blocksWritten > 0 {
                scores += try HistoryStore.wrapping(path: path) {
                    try HistoryStore.accounts(db, run: runID, factorCount: factorCount)
                }
                try HistoryStore.wrapping(path: path) {
                    try db.execute(sql: "DELETE FROM account_block WHERE run = ?", arguments: [runID])
                }
            }
            let ids = scores.map { Array($0.account.utf8) }
            let order = scores.indices.sorted { ids[$0].lexicographicallyPrecedes(ids[$1]) }
            lastAccount = nil
            for index in order {
                let score = scores[index]
                if let last = lastAccount, last == ids[index] {
                    throw .database(path: path, message: "account '\(score.account)' appears twice in one run.")
                }
                try add(
                    account: ids[index], name: score.name, rank: score.rank, grade: score.grade, value: score.value,
                    difficulty: score.difficulty, priority: score.priority, completeness: score.completeness,
                    probability: score.probability, segments: Array(HistoryStore.joined(score.segments).utf8),
                    missing: Array(HistoryStore.joined(score.missing).utf8), utilities: score.utilities[...],
                    stage: score.stage)
            }
        }
        try flush()
    }

    /// Writes one rejected row.
    public func reject(_ reject: RecordedReject) throws(HistoryError) {
        let insert = insertReject
        insert.bind(1, runID)
        insert.bind(2, reject.line)
        insert.bind(3, reject.column)
        insert.bind(4, reject.code)
        insert.bind(5, reject.message)
        if let failure = insert.step() {
            throw HistoryStore.failure(code: failure.code, message: failure.message, path: path)
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
                // Accounts are inserted in key order, so the B-tree only grows at its right
                // edge; a cache of 64 MiB holds that edge and lets SQLite write the new pages
                // to the WAL as they fill instead of holding the whole run in memory.
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
                    try recorder.finish()
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

    /// The page cache while recording, in KiB (64 MiB).
    static let recordCacheKiB = 1 << 16

    /// `2026-12-04T21:38:15Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
