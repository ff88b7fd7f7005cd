import Foundation
import GRDB
import ScoringEngine

/// A run history: an SQLite file of recorded `kam rank` runs (see ``HistorySchema``).
///
/// Opening checks the file before SQLite writes anything: a file that is not SQLite, an
/// SQLite database without kam's application id, or a history holding schema steps this kam
/// does not know is refused and left byte for byte as it was. A history of an older schema
/// is migrated forward. The journal is WAL (readers never block the writer); every run is
/// recorded in one `BEGIN IMMEDIATE` transaction, so a run killed in the middle leaves
/// nothing, and a second writer waits up to ``busyTimeout`` seconds for the first.
public final class HistoryStore {
    public let path: String
    let queue: DatabaseQueue
    /// Schema steps applied when this store was opened (the file was older, or new).
    public let appliedSteps: [String]
    /// Whether the file was created by this open.
    public let created: Bool

    /// Seconds a writer waits for another writer's transaction before failing.
    public static let busyTimeout: TimeInterval = 300

    /// Opens (and with `create`, creates) the history at `path`.
    ///
    /// - Parameters:
    ///   - create: Create the file if it is missing or empty (recording); without it a
    ///     missing file is ``HistoryError/missing(path:)``.
    ///   - upTo: Apply only the first `upTo` schema steps (tests that build an older history).
    /// - Throws: ``HistoryError``.
    public init(path: String, create: Bool, upTo steps: Int = HistorySchema.version) throws(HistoryError) {
        self.path = path
        let size = Self.fileSize(path)
        if size == nil && !create { throw .missing(path: path) }
        if let size, size > 0 {
            try Self.checkHeader(path: path)
        } else if size == 0 && !create {
            throw .notAKamHistory(path: path)
        }
        let isNew = size == nil || size == 0
        created = isNew
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "kam-history"
        configuration.prepareDatabase { db in
            // WAL: a crash or kill cannot leave a partial transaction; NORMAL is durable
            // against a killed process (only a power loss may drop the last commit).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if isNew { try db.execute(sql: "PRAGMA page_size = \(HistoryStore.pageSize)") }
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw Self.wrap(error, path: path)
        }
        self.queue = queue
        let migrator = HistorySchema.migrator(upTo: steps)
        do {
            // Refuse a newer history before writing anything.
            let applied = try queue.inDatabase { db -> Set<String> in
                guard try db.tableExists("grdb_migrations") else { return [] }
                return try migrator.appliedIdentifiers(db)
            }
            let unknown = applied.subtracting(HistorySchema.steps)
            if !unknown.isEmpty { throw HistoryError.newerVersion(path: path, unknown: unknown.sorted()) }
            try migrator.migrate(queue)
            appliedSteps = HistorySchema.steps.prefix(steps).filter { !applied.contains($0) }
            let mode = try queue.inDatabase { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            if mode?.lowercased() != "wal" {
                try queue.inDatabase { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
            }
            if !applied.isEmpty,
                appliedSteps.contains(HistorySchema.steps[3]) || appliedSteps.contains(HistorySchema.steps[4])
            {
                // Step 4 dropped `account_score`, step 5 shrank the blocks: give their pages
                // back to the file system (the history's size halves). Not needed for
                // correctness, so a failure (another kam reading the history) leaves the pages
                // free for later runs.
                try? queue.inDatabase { db in try db.execute(sql: "VACUUM") }
            }
        } catch let error as HistoryError {
            try? queue.close()
            throw error
        } catch {
            try? queue.close()
            throw Self.wrap(error, path: path)
        }
    }

    /// The page size of a new history, in bytes: SQLite's largest. A run is a few hundred
    /// blobs of about 450 KiB (``AccountBlock``), each a chain of overflow pages written to the
    /// WAL and copied back at the checkpoint page by page: pages of 64 KiB are a sixteenth of
    /// the writes of the default 4 KiB (measured: recording a million accounts about 0.2 s
    /// faster, the commit's checkpoint 0.25 s → 0.10 s). A history created before keeps its pages.
    static let pageSize = 65536

    /// Closes the database (also done when the store is released).
    public func close() {
        try? queue.close()
    }

    // MARK: File checks

    static func fileSize(_ path: String) -> Int? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Reads the 100-byte SQLite header: the magic string and the application id (bytes
    /// 68–71, big-endian).
    static func checkHeader(path: String) throws(HistoryError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .database(path: path, message: "the file cannot be opened for reading; check its permissions.")
        }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        let magic = Array("SQLite format 3\u{0}".utf8)
        guard header.count == 100, Array(header[0..<16]) == magic else { throw .notADatabase(path: path) }
        var id: UInt32 = 0
        for byte in header[68..<72] { id = id << 8 | UInt32(byte) }
        guard Int32(bitPattern: id) == HistorySchema.applicationID else { throw .notAKamHistory(path: path) }
    }

    static func wrap(_ error: any Error, path: String) -> HistoryError {
        if let error = error as? HistoryError { return error }
        if let error = error as? DatabaseError {
            return failure(code: error.resultCode.primaryResultCode.rawValue, message: error.message, path: path)
        }
        return .database(path: path, message: "\(error)")
    }

    /// The error for SQLite's primary result code `code` (with SQLite's message for codes
    /// without a wording of their own).
    static func failure(code: Int32, message: String?, path: String) -> HistoryError {
        switch ResultCode(rawValue: code) {
        case .SQLITE_NOTADB: return .notADatabase(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .database(
                path: path,
                message: "another kam held the history for more than \(Int(busyTimeout)) s; try again when it is done.")
        case .SQLITE_FULL: return .database(path: path, message: "the disk is full.")
        case .SQLITE_READONLY: return .database(path: path, message: "the file or its folder is read-only.")
        case .SQLITE_CANTOPEN:
            return .database(path: path, message: "cannot open the file; check the folder exists and is writable.")
        default: return .database(path: path, message: message ?? "SQLite result code \(code)")
        }
    }

    /// Runs `body` on the connection, mapping SQLite errors to ``HistoryError``.
    func reading<T>(_ body: (Database) throws -> T) throws(HistoryError) -> T {
        do {
            return try queue.inDatabase { db in try body(db) }
        } catch {
            throw Self.wrap(error, path: path)
        }
    }

    // MARK: Runs

    /// Every recorded run, oldest first.
    public func runs() throws(HistoryError) -> [RecordedRun] {
        try reading { db in try Self.fetchRuns(db, where: nil) }
    }

    /// One run.
    public func run(_ id: Int64) throws(HistoryError) -> RecordedRun {
        let found = try reading { db in try Self.fetchRuns(db, where: id) }
        guard let run = found.first else {
            let ids = try reading { db in try Int64.fetchAll(db, sql: "SELECT id FROM run ORDER BY id") }
            throw .unknownRun(path: path, run: id, available: ids)
        }
        return run
    }

    /// The rejected rows of a run, in file order.
    public func rejects(of run: Int64) throws(HistoryError) -> [RecordedReject] {
        try reading { db in
            try Row.fetchAll(
                db, sql: "SELECT line, column_name, code, message FROM rejected_row WHERE run = ? ORDER BY rowid",
                arguments: [run]
            ).map { RecordedReject(line: $0[0], column: $0[1], code: $0[2], message: $0[3]) }
        }
    }

    static func fetchRuns(_ db: Database, where id: Int64?) throws -> [RecordedRun] {
        let hasDetails = try db.tableExists("run_factor")
        let sql = """
            SELECT id, recorded_at, kam_version, model_name, model_file, model_hash, scenario, input_file, input_hash,
                   rows_read, accepted, rejected, grade_a, grade_b, grade_c, grade_d, grade_insufficient, factors,
                   segments\(hasDetails ? ", grading" : "")
            FROM run \(id == nil ? "" : "WHERE id = ?") ORDER BY id
            """
        let rows = try Row.fetchAll(db, sql: sql, arguments: id.map { [$0] } ?? [])
        var details: [Int64: [FactorDetail]] = [:]
        if hasDetails {
            let factorRows = try Row.fetchAll(
                db,
                sql: "SELECT run, factor, side, weight, scale FROM run_factor \(id == nil ? "" : "WHERE run = ?") ORDER BY run, position",
                arguments: id.map { [$0] } ?? [])
            for row in factorRows {
                details[row[0], default: []].append(FactorDetail(id: row[1], side: row[2], weight: row[3], scale: row[4]))
            }
        }
        return rows.map { row in
            let id: Int64 = row[0]
            return RecordedRun(
                id: id, recordedAt: row[1], kamVersion: row[2], modelName: row[3], modelFile: row[4], modelHash: row[5],
                scenario: row[6], inputFile: row[7], inputHash: row[8], rowsRead: row[9], accepted: row[10],
                rejected: row[11], gradeCounts: [row[12], row[13], row[14], row[15], row[16]],
                factorIDs: Self.list(row[17]), segmentIDs: Self.list(row[18]),
                grading: hasDetails ? row[19] : nil, factors: details[id] ?? [])
        }
    }

    // MARK: Lists in text columns

    /// Ids are joined with a unit separator (U+001F), which no id or column name contains.
    static let separator: Character = "\u{1F}"

    static func joined(_ items: [String]) -> String { items.joined(separator: String(separator)) }

    static func list(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }

    // MARK: Utilities blob

    /// Little-endian IEEE 754 doubles, back to back.
    static func blob(_ values: some Collection<Double>) -> Data {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 8)
        for value in values {
            let bits = value.bitPattern
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        }
        return Data(bytes)
    }

    static func doubles(_ data: Data) -> [Double] {
        var values = [Double]()
        values.reserveCapacity(data.count / 8)
        var index = data.startIndex
        while index + 8 <= data.endIndex {
            var bits: UInt64 = 0
            for offset in 0..<8 { bits |= UInt64(data[index + offset]) << UInt64(8 * offset) }
            values.append(Double(bitPattern: bits))
            index += 8
        }
        return values
    }
}
