import Foundation
import GRDB
import GRDBSQLite
import ScoringEngine

/// A `SELECT` stepped row by row, its columns read straight from SQLite.
///
/// `kam changes` walks two runs of a million accounts each; most accounts did not change and
/// are never listed, so their ids are compared as SQLite's bytes and no Swift value is made
/// for them. Text and blob bytes are valid only until the next step.
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

    func optionalDouble(_ column: Int32) -> Double? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
    }

    /// The column's bytes (text as UTF-8, or a blob); empty for NULL.
    func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        // sqlite3_column_blob before sqlite3_column_bytes, as SQLite's documentation asks.
        let base = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let base, count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base, count: count)
    }

    func text(_ column: Int32) -> String {
        String(decoding: bytes(column), as: UTF8.self)
    }

    /// A recorded grade (`A`…`D`, `insufficient`) from its first byte.
    func grade(_ column: Int32) -> Grade {
        let bytes = bytes(column)
        guard let first = bytes.first else { return .insufficient }
        switch first {
        case UInt8(ascii: "A"): return .a
        case UInt8(ascii: "B"): return .b
        case UInt8(ascii: "C"): return .c
        case UInt8(ascii: "D"): return .d
        default: return .insufficient
        }
    }

    /// Little-endian float64s of a blob column (see ``HistoryStore/blob(_:)``).
    func doubles(_ column: Int32) -> [Double] {
        let bytes = bytes(column)
        return (0..<(bytes.count / 8)).map { index in
            Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
        }
    }

    /// Compares this row's column with another scan's, as SQLite orders text (bytes, then
    /// length): negative, zero or positive.
    func compare(_ column: Int32, with other: RawScan, _ otherColumn: Int32) -> Int {
        let left = bytes(column)
        let right = other.bytes(otherColumn)
        let common = min(left.count, right.count)
        if common > 0, let a = left.baseAddress, let b = right.baseAddress {
            let order = memcmp(a, b, common)
            if order != 0 { return Int(order) }
        }
        return left.count - right.count
    }
}
