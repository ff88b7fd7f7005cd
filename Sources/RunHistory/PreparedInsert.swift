import GRDB
import GRDBSQLite

/// An `INSERT` compiled once and run for every row, its values bound straight to SQLite.
///
/// Recording a million accounts binds some fourteen million values; going through GRDB's
/// `StatementArguments` boxed each in a `DatabaseValue` inside a fresh array per row, about a
/// tenth of the recording's time. Here each value goes to `sqlite3_bind_*` as it is, text and
/// blobs copied by SQLite (`SQLITE_TRANSIENT`), so no pointer outlives its call.
struct PreparedInsert {
    /// Keeps the compiled statement alive (GRDB finalizes it when released).
    private let statement: Statement
    private let connection: OpaquePointer?
    private var handle: OpaquePointer { statement.sqliteStatement }
    /// Tells SQLite to copy text and blobs before the bind call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        connection = db.sqliteConnection
    }

    func bind(_ index: Int32, _ value: Int) {
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Double) {
        sqlite3_bind_double(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Int?) {
        if let value { sqlite3_bind_int64(handle, index, Int64(value)) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds text (never null: an empty string is bound as empty text).
    func bind(_ index: Int32, _ value: String) {
        var text = value
        _ = text.withUTF8 { bytes in
            if let base = bytes.baseAddress {
                sqlite3_bind_text(handle, index, base, Int32(bytes.count), Self.transient)
            } else {
                sqlite3_bind_text(handle, index, "", 0, Self.transient)
            }
        }
    }

    /// Binds UTF-8 bytes as text (never null: no bytes are bound as empty text).
    func bind(_ index: Int32, text bytes: [UInt8]) {
        _ = bytes.withUnsafeBufferPointer { bytes in
            if let base = bytes.baseAddress, !bytes.isEmpty {
                sqlite3_bind_text(handle, index, base, Int32(bytes.count), Self.transient)
            } else {
                sqlite3_bind_text(handle, index, "", 0, Self.transient)
            }
        }
    }

    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds doubles as a blob of little-endian IEEE 754 float64 (the layout of
    /// ``HistoryStore/blob(_:)``).
    func bind(_ index: Int32, doubles: ArraySlice<Double>) {
        #if _endian(little)
        doubles.withUnsafeBytes { bind(index, bytes: $0) }
        #else
        HistoryStore.blob(doubles).withUnsafeBytes { bind(index, bytes: $0) }
        #endif
    }

    /// Binds integers as a blob of little-endian int64.
    func bind(_ index: Int32, integers: [Int]) {
        let words = integers.map { Int64($0).littleEndian }
        words.withUnsafeBytes { bind(index, bytes: $0) }
    }

    /// Binds bytes as a blob (never null: no bytes are bound as an empty blob).
    func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { bind(index, bytes: $0) }
    }

    private func bind(_ index: Int32, bytes: UnsafeRawBufferPointer) {
        if let base = bytes.baseAddress, !bytes.isEmpty {
            sqlite3_bind_blob(handle, index, base, Int32(bytes.count), Self.transient)
        } else {
            sqlite3_bind_zeroblob(handle, index, 0)
        }
    }

    /// Runs the insert with the values bound and makes it ready for the next row.
    ///
    /// - Returns: `nil` when the row was written, else SQLite's primary result code and message.
    func step() -> (code: Int32, message: String)? {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code != SQLITE_DONE else { return nil }
        let message = sqlite3_errmsg(connection).map { String(cString: $0) } ?? "SQLite error \(code)"
        return (code & 0xFF, message)
    }
}
