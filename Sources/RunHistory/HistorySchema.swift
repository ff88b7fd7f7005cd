import Foundation
import GRDB
import GRDBSQLite
import ScoringEngine

/// The tables of a run history and the steps that build them, oldest first.
///
/// A history is an SQLite file whose header carries kam's application id
/// (``applicationID``, `PRAGMA application_id`), so that kam never writes into a database
/// another program made. Its schema is a list of named steps (GRDB's `DatabaseMigrator`,
/// recorded in the table `grdb_migrations`); opening a history applies the steps it lacks,
/// each in its own transaction, and refuses a history holding a step this kam does not know
/// (a newer kam wrote it).
///
/// Tables (version 5):
/// - `run`: one row per recorded `kam rank` run: when, which kam, model (name, file,
///   content hash, grading policy), scenario, input (name, content hash), row counts, grade
///   counts, and the factor and segment ids in the order the per-account lists use.
/// - `account_block` (step 4): the accepted accounts of a run, ``AccountBlock/capacity`` to a
///   row, column by column (see ``AccountBlock``), keyed by (run, first account id), in id
///   order. Step 4 moves every `account_score` row into blocks and drops that table.
/// - `account_score` (steps 1–3): one row per accepted account of a run, keyed by (run, account):
///   rank, grade, value, difficulty, priority, completeness, P(won) (null when the model is
///   not calibrated), segment ids, ids of factors whose value was missing, and the utility of
///   every factor (a blob of little-endian float64 in `run.factors` order). `WITHOUT ROWID`,
///   so that a run's rows are stored in account order: comparing two runs is a merge of two
///   ordered scans, and one account's history is one key lookup per run.
/// - `account_block.utilities` (step 5): factor by factor, codes into each factor's distinct
///   values (``AccountBlock/compactUtilities(_:count:factorCount:table:)``), about a seventh of
///   the float64 of step 4; step 5 converts the blocks of step 4.
/// - `rejected_row`: the rows of a run that could not be scored, with line, column and reason.
/// - `run_factor` (step 2): each factor's side, weight under the run's scenario and scale, so
///   that a changed model is explained, not only detected.
/// - `account_score.stage` (step 3): the account's development stage 1...5 when the list had
///   one (null otherwise), so that `kam pipeline fit --runs` can derive stage moves from
///   consecutive runs.
public enum HistorySchema {
    /// `PRAGMA application_id` of a kam history: "kamH" in ASCII.
    public static let applicationID: Int32 = 0x6B61_6D48

    /// The schema steps this kam knows, in order.
    public static let steps = ["1-runs", "2-model-details", "3-stages", "4-account-blocks", "5-compact-utilities"]

    /// The step that stores a block's utilities in the compact layout.
    static var compactUtilitiesStep: String { steps[4] }

    /// Whether the history has the schema step `identifier` (false for a database without
    /// GRDB's table of steps).
    static func hasStep(_ identifier: String, _ db: Database) throws -> Bool {
        guard try db.tableExists("grdb_migrations") else { return false }
        return try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM grdb_migrations WHERE identifier = ?)", arguments: [identifier]) ?? false
    }

    /// The current schema version (the number of steps).
    public static var version: Int { steps.count }

    /// The migrator holding every step (or the first `upTo` steps, for tests that build an
    /// older history).
    public static func migrator(upTo count: Int = steps.count) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        if count >= 1 {
            migrator.registerMigration(steps[0]) { db in
                try db.execute(sql: "PRAGMA application_id = \(applicationID)")
                try db.execute(
                    sql: """
                        CREATE TABLE run (
                            id INTEGER PRIMARY KEY,
                            recorded_at TEXT NOT NULL,
                            kam_version TEXT NOT NULL,
                            model_name TEXT NOT NULL,
                            model_file TEXT NOT NULL,
                            model_hash TEXT NOT NULL,
                            scenario TEXT NOT NULL,
                            input_file TEXT NOT NULL,
                            input_hash TEXT NOT NULL,
                            rows_read INTEGER NOT NULL,
                            accepted INTEGER NOT NULL,
                            rejected INTEGER NOT NULL,
                            grade_a INTEGER NOT NULL DEFAULT 0,
                            grade_b INTEGER NOT NULL DEFAULT 0,
                            grade_c INTEGER NOT NULL DEFAULT 0,
                            grade_d INTEGER NOT NULL DEFAULT 0,
                            grade_insufficient INTEGER NOT NULL DEFAULT 0,
                            factors TEXT NOT NULL,
                            segments TEXT NOT NULL
                        );
                        CREATE TABLE account_score (
                            run INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                            account TEXT NOT NULL,
                            name TEXT NOT NULL,
                            rank INTEGER NOT NULL,
                            grade TEXT NOT NULL,
                            value REAL NOT NULL,
                            difficulty REAL NOT NULL,
                            priority REAL NOT NULL,
                            completeness REAL NOT NULL,
                            probability REAL,
                            segments TEXT NOT NULL,
                            missing TEXT NOT NULL,
                            utilities BLOB NOT NULL,
                            PRIMARY KEY (run, account)
                        ) WITHOUT ROWID;
                        CREATE TABLE rejected_row (
                            run INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                            line INTEGER NOT NULL,
                            column_name TEXT,
                            code TEXT NOT NULL,
                            message TEXT NOT NULL
                        );
                        CREATE INDEX rejected_row_by_run ON rejected_row(run);
                        """)
            }
        }
        if count >= 2 {
            migrator.registerMigration(steps[1]) { db in
                try db.execute(
                    sql: """
                        ALTER TABLE run ADD COLUMN grading TEXT;
                        CREATE TABLE run_factor (
                            run INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                            position INTEGER NOT NULL,
                            factor TEXT NOT NULL,
                            side TEXT NOT NULL,
                            weight REAL NOT NULL,
                            scale TEXT NOT NULL,
                            PRIMARY KEY (run, position)
                        ) WITHOUT ROWID;
                        """)
            }
        }
        if count >= 3 {
            migrator.registerMigration(steps[2]) { db in
                try db.execute(sql: "ALTER TABLE account_score ADD COLUMN stage INTEGER")
            }
        }
        if count >= 4 {
            migrator.registerMigration(steps[3]) { db in
                try db.execute(
                    sql: """
                        CREATE TABLE account_block (
                            run INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                            first_account TEXT NOT NULL,
                            count INTEGER NOT NULL,
                            accounts BLOB NOT NULL,
                            ranks BLOB NOT NULL,
                            grades BLOB NOT NULL,
                            scores BLOB NOT NULL,
                            probabilities BLOB,
                            names BLOB NOT NULL,
                            segments BLOB NOT NULL,
                            missing BLOB NOT NULL,
                            utilities BLOB NOT NULL,
                            stages BLOB,
                            PRIMARY KEY (run, first_account)
                        );
                        """)
                try moveAccountsIntoBlocks(db)
                try db.execute(sql: "DROP TABLE account_score")
            }
        }
        if count >= 5 {
            migrator.registerMigration(steps[4]) { db in try compactBlockUtilities(db) }
        }
        return migrator
    }

    /// Step 5: every block whose utilities are float64 account by account (step 4) gets them
    /// in the compact layout (``AccountBlock/compactUtilities(_:count:factorCount:table:)``),
    /// the same bytes recording the run writes.
    static func compactBlockUtilities(_ db: Database) throws {
        let path = db.sqliteConnection.flatMap { sqlite3_db_filename($0, "main") }.map { String(cString: $0) } ?? ""
        let runs = try Row.fetchAll(db, sql: "SELECT id, factors FROM run ORDER BY id")
        let update = try db.makeStatement(sql: "UPDATE account_block SET utilities = ? WHERE rowid = ?")
        var table = UtilityCodeTable()
        for run in runs {
            let id: Int64 = run[0]
            let factorCount = HistoryStore.list(run[1]).count
            let blocks = try Int64.fetchAll(
                db, sql: "SELECT rowid FROM account_block WHERE run = ? ORDER BY first_account", arguments: [id])
            for block in blocks {
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT count, utilities FROM account_block WHERE rowid = ?", arguments: [block])
                else { continue }
                let count: Int = row[0]
                let data: Data = row[1] ?? Data()
                guard count > 0 else {
                    throw HistoryError.database(
                        path: path, message: "run \(id): a block of no accounts; the file was changed outside kam.")
                }
                // Only step-4 columns (exactly count × factors float64) are converted.
                guard data.count == count * factorCount * 8 else { continue }
                let compact = AccountBlock.compactUtilities(
                    HistoryStore.doubles(data), count: count, factorCount: factorCount, table: &table)
                try update.execute(arguments: [Data(compact), block])
            }
        }
    }

    /// Step 4: every run's `account_score` rows, read in key order, written again as blocks
    /// (``AccountBlock``) holding the same values.
    static func moveAccountsIntoBlocks(_ db: Database) throws {
        let path = db.sqliteConnection.flatMap { sqlite3_db_filename($0, "main") }.map { String(cString: $0) } ?? ""
        let runs = try Row.fetchAll(db, sql: "SELECT id, factors FROM run ORDER BY id")
        for run in runs {
            let id: Int64 = run[0]
            let factorCount = HistoryStore.list(run[1]).count
            let recorder = try RunRecorder(db: db, runID: id, factorCount: factorCount, path: path)
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT account, name, rank, grade, value, difficulty, priority, completeness, probability, segments,
                        missing, utilities, stage
                    FROM account_score WHERE run = ? ORDER BY account
                    """,
                arguments: [id])
            while let row = try rows.next() {
                let utilities = HistoryStore.doubles(row[11] ?? Data())
                let account: String = row[0]
                guard utilities.count == factorCount else {
                    throw HistoryError.database(
                        path: path,
                        message: "run \(id), account '\(account)': \(utilities.count) utilities recorded for "
                            + "\(factorCount) factors; the file was changed outside kam.")
                }
                let gradeText: String = row[3] ?? ""
                guard let grade = Grade(rawValue: gradeText) else {
                    throw HistoryError.database(
                        path: path,
                        message: "run \(id), account '\(account)': grade '\(gradeText)' is not a kam grade; "
                            + "the file was changed outside kam.")
                }
                try recorder.appendInOrder(
                    AccountScore(
                        account: account, name: row[1], rank: row[2], grade: grade,
                        value: row[4], difficulty: row[5], priority: row[6], completeness: row[7], probability: row[8],
                        segments: HistoryStore.list(row[9]), missing: HistoryStore.list(row[10]), utilities: utilities,
                        stage: row[12]))
            }
            try recorder.finish()
        }
    }
}
