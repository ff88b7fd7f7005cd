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
    public private(set) var blocksWritten = 0
    /// Of those, the blocks sealed off the recording thread (``append(_:)-(SealedPage)``).
    public private(set) var sealedBlocksWritten = 0
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
        try write(Self.fields(score))
    }

    /// A recorded account as a block stores it.
    private static func fields(_ score: AccountScore) -> AccountBlock.AccountFields {
        AccountBlock.AccountFields(
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
        precondition(assessment.model.factors.count == factorCount, "The assessment's model has the run's factors")
        try Self.forEachAccount(of: assessment, ranks: ranks, rows: rows) { (fields) throws(HistoryError) in
            try write(fields)
        }
    }

    /// Hands `body` rows `rows` of an assessment as a block stores them, in that order
    /// (`ranks[i]` is row `i`'s rank). The lists of segments and missing factors are built in
    /// two buffers reused for every row.
    static func forEachAccount<Failure: Error>(
        of assessment: BatchAssessment, ranks: [Int], rows: some Sequence<Int>,
        _ body: (AccountBlock.AccountFields) throws(Failure) -> Void
    ) throws(Failure) {
        precondition(ranks.count == assessment.count, "One rank per assessed account")
        let model = assessment.model
        let factorCount = model.factors.count
        let factorIDs = model.factors.map { Array($0.id.utf8) }
        let segmentIDs = model.segments.map { Array($0.id.utf8) }
        let separator = Array(String(HistoryStore.separator).utf8)
        let elements = assessment.utilities.matrix.elements
        let present = assessment.utilities.present
        let completeness = assessment.utilities.completeness
        let grades = assessment.grades
        let accounts = assessment.accounts
        // `value(_:)`, `difficulty(_:)`, `priority(_:)` and the model's `probability`, with
        // what they read taken once per page.
        let scores = assessment.scores
        let (valueColumn, difficultyColumn) = (assessment.scenario, assessment.scorer.scenarioCount + assessment.scenario)
        let ranking = model.grading.ranking
        let calibration = model.calibration
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
            let value = scores[row, valueColumn]
            let difficulty = scores[row, difficultyColumn]
            let priority = ranking.key(value: value, difficulty: difficulty)
            let account = accounts[row]
            try body(
                AccountBlock.AccountFields(
                    account: account.id, name: account.name, rank: ranks[row], grade: grades[row], value: value,
                    difficulty: difficulty, priority: priority, completeness: completeness[row],
                    probability: calibration?.probability(ofScore: priority), segments: segments, missing: missing,
                    utilities: elements[range], stage: account.stage))
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

    private func write(_ fields: AccountBlock.AccountFields) throws(HistoryError) {
        if inBlocks {
            count(fields.grade)
            if unsorted.isEmpty, lastAccount.map({ $0.lexicographicallyPrecedes(fields.account.utf8) }) ?? true {
                try add(fields)
            } else {
                // Out of id order (or equal: a duplicate, found when sorting): kept for the end.
                unsorted.append(
                    AccountScore(
                        account: fields.account, name: fields.name, rank: fields.rank, grade: fields.grade,
                        value: fields.value, difficulty: fields.difficulty, priority: fields.priority,
                        completeness: fields.completeness, probability: fields.probability,
                        segments: HistoryStore.list(String(decoding: fields.segments, as: UTF8.self)),
                        missing: HistoryStore.list(String(decoding: fields.missing, as: UTF8.self)),
                        utilities: Array(fields.utilities), stage: fields.stage))
            }
            return
        }
        guard let insert = insertScore else { return }
        insert.bind(1, runID)
        insert.bind(2, fields.account)
        insert.bind(3, fields.name)
        insert.bind(4, fields.rank)
        insert.bind(5, fields.grade.rawValue)
        insert.bind(6, fields.value)
        insert.bind(7, fields.difficulty)
        insert.bind(8, fields.priority)
        insert.bind(9, fields.completeness)
        insert.bind(10, fields.probability)
        insert.bind(11, text: fields.segments)
        insert.bind(12, text: fields.missing)
        insert.bind(13, doubles: fields.utilities)
        if recordsStage { insert.bind(14, fields.stage) }
        if let failure = insert.step() {
            if failure.code == SQLITE_CONSTRAINT {
                throw .database(path: path, message: "account '\(fields.account)' appears twice in one run.")
            }
            throw HistoryStore.failure(code: failure.code, message: failure.message, path: path)
        }
        count(fields.grade)
    }

    /// Adds an account whose id follows every id added before to the block, writing the block
    /// when it is full.
    private func add(_ fields: AccountBlock.AccountFields) throws(HistoryError) {
        block.append(fields)
        // (The last id's bytes are copied into the array kept, without a new one per account.)
        if lastAccount == nil { lastAccount = [] }
        lastAccount?.removeAll(keepingCapacity: true)
        lastAccount?.append(contentsOf: fields.account.utf8)
        if block.count == AccountBlock.capacity { try flush() }
    }

    /// Writes the block being filled (if it holds any account).
    private func flush() throws(HistoryError) {
        guard block.count > 0 else { return }
        try insert(block.sealed(compactUtilities: compactUtilities, table: &codeTable))
        block.removeAll()
    }

    /// Writes one block as a row of `account_block`.
    private func insert(_ sealed: SealedBlock) throws(HistoryError) {
        guard let insert = insertBlock else { return }
        insert.bind(1, runID)
        insert.bind(2, sealed.firstAccount)
        insert.bind(3, sealed.count)
        insert.bind(4, blob: sealed.accounts)
        insert.bind(5, integers: sealed.ranks)
        insert.bind(6, blob: sealed.grades)
        insert.bind(7, doubles: sealed.scores[...])
        if let probabilities = sealed.probabilities {
            insert.bind(8, doubles: probabilities[...])
        } else {
            insert.bind(8, nil as Double?)
        }
        insert.bind(9, blob: sealed.names)
        insert.bind(10, blob: sealed.segments)
        insert.bind(11, blob: sealed.missing)
        insert.bind(12, blob: sealed.utilities)
        if let stages = sealed.stages { insert.bind(13, blob: stages) } else { insert.bind(13, nil as Double?) }
        if let failure = insert.step() {
            throw HistoryStore.failure(code: failure.code, message: failure.message, path: path)
        }
        blocksWritten += 1
    }

    // MARK: Pages sealed off the recording thread

    /// Seals the pages of this run into blocks on any thread (``PageSealer/seal(_:ranks:)``),
    /// for ``append(_:)-(SealedPage)``; `nil` for a history that keeps a row per account.
    public var sealer: PageSealer? {
        inBlocks ? PageSealer(factorCount: factorCount, compactUtilities: compactUtilities) : nil
    }

    /// Writes a sealed page's full blocks and takes its last, partial block as the block being
    /// filled: the same rows as writing its assessment account by account would give, when the
    /// page starts a block and follows the ids written before.
    ///
    /// - Returns: `false`, writing nothing, when the page cannot be taken so: a block is being
    ///   filled (the page before did not end one), accounts wait to be sorted in, its first id
    ///   does not follow the last one written, or it was sealed for another layout. The caller
    ///   then appends the page's assessment.
    public func append(_ page: SealedPage) throws(HistoryError) -> Bool {
        guard inBlocks, page.compactUtilities == compactUtilities, page.tail.factorCount == factorCount,
            unsorted.isEmpty, block.count == 0,
            lastAccount.map({ $0.lexicographicallyPrecedes(page.firstAccount) }) ?? true
        else { return false }
        for sealed in page.blocks { try insert(sealed) }
        sealedBlocksWritten += page.blocks.count
        for (order, count) in page.gradeCounts.enumerated() { gradeCounts[order] += count }
        accepted += page.count
        block = page.tail
        lastAccount = page.lastAccount
        return true
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
                try add(Self.fields(score))
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

/// Fills a run's blocks from pages of its accounts on any thread (the recording thread then
/// only binds them: ``RunRecorder/append(_:)-(SealedPage)``).
public struct PageSealer: Sendable {
    let factorCount: Int
    let compactUtilities: Bool

    /// A page's accounts (in id order, `ranks[i]` the rank of row `i`) as full blocks and a
    /// last, partial one; `nil` when the page is empty or its ids are not strictly increasing
    /// (the recording thread then writes it account by account, and sorts).
    public func seal(_ assessment: BatchAssessment, ranks: [Int]) -> SealedPage? {
        guard assessment.count > 0, assessment.model.factors.count == factorCount else { return nil }
        struct OutOfOrder: Error {}
        var table = UtilityCodeTable()
        var block = AccountBlock(factorCount: factorCount)
        var blocks: [SealedBlock] = []
        var gradeCounts = [Int](repeating: 0, count: Grade.allCases.count)
        var first: [UInt8]?
        var last: [UInt8] = []
        do throws(OutOfOrder) {
            try RunRecorder.forEachAccount(of: assessment, ranks: ranks, rows: 0..<assessment.count) {
                (fields) throws(OutOfOrder) in
                if first == nil {
                    first = Array(fields.account.utf8)
                } else if !last.lexicographicallyPrecedes(fields.account.utf8) {
                    throw OutOfOrder()
                }
                last.removeAll(keepingCapacity: true)
                last.append(contentsOf: fields.account.utf8)
                gradeCounts[fields.grade.order] += 1
                block.append(fields)
                if block.count == AccountBlock.capacity {
                    blocks.append(block.sealed(compactUtilities: compactUtilities, table: &table))
                    block.removeAll()
                }
            }
        } catch {
            return nil
        }
        guard let first else { return nil }
        return SealedPage(
            blocks: blocks, tail: block, firstAccount: first, lastAccount: last, gradeCounts: gradeCounts,
            count: assessment.count, compactUtilities: compactUtilities)
    }
}

/// A page of a run's accounts sealed into blocks (``PageSealer``).
public struct SealedPage: Sendable {
    let blocks: [SealedBlock]
    /// The accounts after the last full block (possibly none).
    let tail: AccountBlock
    let firstAccount: [UInt8]
    let lastAccount: [UInt8]
    let gradeCounts: [Int]
    let count: Int
    let compactUtilities: Bool
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
