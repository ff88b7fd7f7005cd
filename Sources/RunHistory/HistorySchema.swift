import GRDB

/// The tables of a run history and the steps that build them, oldest first.
///
/// A history is an SQLite file whose header carries kam's application id
/// (``applicationID``, `PRAGMA application_id`), so that kam never writes into a database
/// another program made. Its schema is a list of named steps (GRDB's `DatabaseMigrator`,
/// recorded in the table `grdb_migrations`); opening a history applies the steps it lacks,
/// each in its own transaction, and refuses a history holding a step this kam does not know
/// (a newer kam wrote it).
///
/// Tables (version 3):
/// - `run`: one row per recorded `kam rank` run: when, which kam, model (name, file,
///   content hash, grading policy), scenario, input (name, content hash), row counts, grade
///   counts, and the factor and segment ids in the order the per-account lists use.
/// - `account_score`: one row per accepted account of a run, keyed by (run, account):
///   rank, grade, value, difficulty, priority, completeness, P(won) (null when the model is
///   not calibrated), segment ids, ids of factors whose value was missing, and the utility of
///   every factor (a blob of little-endian float64 in `run.factors` order). `WITHOUT ROWID`,
///   so that a run's rows are stored in account order: comparing two runs is a merge of two
///   ordered scans, and one account's history is one key lookup per run.
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
    public static let steps = ["1-runs", "2-model-details", "3-stages"]

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
        return migrator
    }
}
