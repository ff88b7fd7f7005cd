import Foundation
import GRDB
import GRDBSQLite
import ScoringEngine

/// A `SELECT` stepped row by row, its columns read straight from SQLite.
///
/// Reads the blocks of accounts (``AccountBlock``) without making a Swift value of each
/// column first. Text and blob bytes are valid only until the next step.
final class RawScan {
    /// Keeps the compiled statement alive (GRDB finalizes it when released).
    private let statement: Statement
    private let connection: OpaquePointer?
    private var handle: OpaquePointer { statement.sqliteStatement }

    /// Binds `arguments` to the first parameters, then `text` to those after.
    init(_ db: Database, sql: String, arguments: [Int64], text: [String] = []) throws {
        statement = try db.makeStatement(sql: sql)
        connection = db.sqliteConnection
        sqlite3_reset(handle)
        for (index, value) in arguments.enumerated() { sqlite3_bind_int64(handle, Int32(index + 1), value) }
        for (offset, value) in text.enumerated() {
            let index = Int32(arguments.count + offset + 1)
            _ = value.withCString { sqlite3_bind_text(handle, index, $0, Int32(value.utf8.count), Self.transient) }
        }
    }

    /// Tells SQLite to copy text before the bind call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    deinit {
        sqlite3_reset(handle)
    }

    /// Steps to the next row; false after the last.
    func next() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        let message = sqlite3_errmsg(connection).map { String(cString: $0) }
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
    }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    /// The column's bytes (text as UTF-8, or a blob); empty for NULL.
    func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        // sqlite3_column_blob before sqlite3_column_bytes, as SQLite's documentation asks.
        let base = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let base, count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base, count: count)
    }

    /// The column's bytes, copied.
    func byteArray(_ column: Int32) -> [UInt8] { Array(bytes(column)) }

    /// The column's little-endian float64s, if it holds `count` of them.
    func doubles(_ column: Int32, count: Int) -> [Double]? {
        let bytes = bytes(column)
        guard bytes.count == count * 8 else { return nil }
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            #if _endian(little)
            if count > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes) }
            #else
            for index in 0..<count {
                buffer[index] = Double(
                    bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
            }
            #endif
            initialized = count
        }
    }

    /// The column's little-endian int64s, if it holds `count` of them.
    func integers(_ column: Int32, count: Int) -> [Int]? {
        let bytes = bytes(column)
        guard bytes.count == count * 8 else { return nil }
        return (0..<count).map { Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))) }
    }
}
