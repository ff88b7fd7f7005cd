import Foundation
import GRDB
import ScoringEngine

extension AccountBlock.BlockError: CustomStringConvertible {
    var description: String {
        "a block of recorded accounts is damaged (its bytes do not hold the accounts it counts); "
            + "the file was changed outside kam"
    }
}

/// Steps through a run's accounts in id order, a block at a time.
final class BlockCursor {
    private let scan: RawScan
    private let columns: AccountBlock.Columns
    private let factorCount: Int
    /// The block holding the current account.
    private(set) var block: AccountBlock
    /// The current account's index in ``block``.
    private(set) var index = -1

    init(_ db: Database, run: Int64, columns: AccountBlock.Columns, factorCount: Int) throws {
        scan = try RawScan(
            db, sql: "SELECT \(columns.sql) FROM account_block WHERE run = ? ORDER BY first_account", arguments: [run])
        self.columns = columns
        self.factorCount = factorCount
        block = AccountBlock(factorCount: factorCount)
    }

    /// Moves to the next account; false after the last.
    func next() throws -> Bool {
        index += 1
        while index >= block.count {
            guard try scan.next() else { return false }
            block = try AccountBlock(scan, columns: columns, factorCount: factorCount)
            index = 0
        }
        return true
    }

    /// Compares the current account's id with `other`'s, in byte order.
    func compare(with other: BlockCursor) -> Int {
        block.compareAccount(index, with: other.block, other.index)
    }
}

extension HistoryStore {
    /// Runs `body`, mapping its errors to ``HistoryError``.
    static func wrapping<T>(path: String, _ body: () throws -> T) throws(HistoryError) -> T {
        do {
            return try body()
        } catch {
            throw wrap(error, path: path)
        }
    }

    /// Every account of a run, in id order.
    public func accounts(of run: Int64) throws(HistoryError) -> [AccountScore] {
        let recorded = try self.run(run)
        return try reading { db in try Self.accounts(db, run: run, factorCount: recorded.factorIDs.count) }
    }

    static func accounts(_ db: Database, run: Int64, factorCount: Int) throws -> [AccountScore] {
        let cursor = try BlockCursor(db, run: run, columns: .all, factorCount: factorCount)
        var scores: [AccountScore] = []
        while try cursor.next() { scores.append(cursor.block.score(cursor.index)) }
        return scores
    }

    /// One account of a run (one block read), `nil` when the run does not hold it.
    static func account(_ db: Database, run: Int64, factorCount: Int, id: String) throws -> AccountScore? {
        let scan = try RawScan(
            db,
            sql: """
                SELECT \(AccountBlock.Columns.all.sql) FROM account_block
                WHERE run = ? AND first_account <= ? ORDER BY first_account DESC LIMIT 1
                """,
            arguments: [run], text: [id])
        guard try scan.next() else { return nil }
        let block = try AccountBlock(scan, columns: .all, factorCount: factorCount)
        return block.index(of: id).map(block.score)
    }
}
