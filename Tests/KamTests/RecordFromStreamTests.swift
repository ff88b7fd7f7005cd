import Foundation
import GRDB
import RunHistory
import ScoringTestSupport
import Testing

/// `kam rank --record` on a file records from the streaming ranking's one pass (the rows it
/// kept, ranked once more in memory, mapped from their kept text): these tests compare what
/// that writes, table by table and row by row (the blocks of accounts byte for byte, and
/// decoded account by account), with what recording from the in-memory
/// assessment writes (`--in-memory`, the reference path: the whole list read, assessed and
/// ranked with `rankedRows()`).
@Suite("kam rank --record from the streaming pass writes what the in-memory path writes", .serialized)
struct RecordFromStreamTests {
    static let folder = Paths.packageRoot + "/Tests/KamTests/Snapshots/rank-writer"

    /// Every column of a table but the run's id (and the time of recording), ordered so that
    /// two runs compare row by row.
    static let tables: [(name: String, sql: String)] = [
        (
            "run",
            """
            SELECT kam_version, model_name, model_file, model_hash, scenario, input_file, input_hash, rows_read,
                accepted, rejected, grade_a, grade_b, grade_c, grade_d, grade_insufficient, factors, segments, grading
            FROM run WHERE id = ?
            """
        ),
        ("run_factor", "SELECT position, factor, side, weight, scale FROM run_factor WHERE run = ? ORDER BY position"),
        (
            "account_block",
            """
            SELECT first_account, count, accounts, ranks, grades, scores, probabilities, names, segments, missing,
                utilities, stages
            FROM account_block WHERE run = ? ORDER BY first_account
            """
        ),
        ("rejected_row", "SELECT line, column_name, code, message FROM rejected_row WHERE run = ? ORDER BY rowid"),
    ]

    func rows(_ database: String, run: Int64) throws -> [String: [Row]] {
        let queue = try DatabaseQueue(path: database)
        defer { try? queue.close() }
        return try queue.read { db in
            var result: [String: [Row]] = [:]
            for table in Self.tables { result[table.name] = try Row.fetchAll(db, sql: table.sql, arguments: [run]) }
            return result
        }
    }

    /// Records `list` with `model` in memory (run 1) and then streamed with each of
    /// `variants` (runs 2, 3, …), and compares every run's tables with run 1's.
    func compare(list: String, model: String, variants: [[String]], scenario: [String] = []) throws {
        let directory = try KamRunner.temporaryDirectory()
        let database = directory + "/h.sqlite"
        let common = ["rank", list, "--model", model, "--record", database, "--rejects", directory + "/r.csv", "--quiet"]
        let reference = try KamRunner.run(common + scenario + ["--in-memory"])
        #expect(reference.status == 0, "\(reference.standardError)")
        for variant in variants {
            let streamed = try KamRunner.run(common + scenario + variant)
            #expect(streamed.status == 0, "\(variant): \(streamed.standardError)")
        }
        let expected = try rows(database, run: 1)
        let store = try HistoryStore(path: database, create: false)
        defer { store.close() }
        let expectedAccounts = try store.accounts(of: 1)
        #expect(expectedAccounts.count > 1000)
        #expect(expected["rejected_row"]!.count > 10)
        #expect(expected["run"]!.count == 1)
        for (index, variant) in variants.enumerated() {
            // Account by account, decoded (a readable message when they differ)…
            let accounts = try store.accounts(of: Int64(index + 2))
            #expect(accounts.count == expectedAccounts.count, "\(model) \(variant): \(accounts.count) accounts")
            let differingAccounts = zip(expectedAccounts, accounts).filter { $0 != $1 }
            for (want, have) in differingAccounts.prefix(3) { Issue.record("\(model) \(variant): \(have) instead of \(want)") }
            #expect(differingAccounts.isEmpty, "\(model) \(variant): \(differingAccounts.count) accounts differ")
            // …and every stored row byte for byte (the blocks as written).
            let got = try rows(database, run: Int64(index + 2))
            for table in Self.tables {
                let want = expected[table.name]!
                let have = got[table.name]!
                #expect(want.count == have.count, "\(model) \(variant) \(table.name): \(have.count) rows, not \(want.count)")
                var differing = 0
                for (left, right) in zip(want, have) where left != right {
                    differing += 1
                    if differing <= 3 { Issue.record("\(model) \(variant) \(table.name): \(right) instead of \(left)") }
                }
                #expect(differing == 0, "\(model) \(variant) \(table.name): \(differing) rows differ")
            }
        }
    }

    static let variants: [[String]] = [
        [],
        // Small blocks (records cut across blocks), one worker, a ranking too large for
        // memory, pages of 100 accounts.
        ["--block-size", "4096", "--workers", "1", "--memory-rows", "300", "--record-page-rows", "100"],
        // The csv of every row (paged output) while recording.
        ["--format", "csv", "--output", "/dev/null"],
    ]

    @Test(
        "Every table, row by row: default (minmax and mean fills), batch-relative and calibrated models",
        arguments: ["default.yaml", "relative.yaml", "calibrated.yaml"])
    func sameTables(model: String) throws {
        try compare(list: Self.folder + "/list.csv", model: Self.folder + "/" + model, variants: Self.variants)
    }

    /// Pages of whole blocks are sealed on the page threads (`PageSealer`); other pages, and
    /// any page after one that ended inside a block, are written account by account.
    @Test("Pages sealed into whole blocks off the recording thread, mixed with pages written account by account")
    func sealedPages() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = directory + "/sealed.csv"
        let generated = try KamRunner.run([
            "generate", "--rows", "21000", "--seed", "47", "--bad-rows", "30", "--output", list,
        ])
        #expect(generated.status == 0)
        try compare(
            list: list, model: Self.folder + "/default.yaml",
            variants: [
                [], ["--record-page-rows", "4096"], ["--record-page-rows", "8192", "--workers", "1"],
                ["--record-page-rows", "5000"], ["--record-page-rows", "100000"],
            ])
        // 20,970 accounts: 5 whole blocks of 4,096 and 490 more. Pages of 4,096 seal every
        // whole block; pages of 5,000 only the first page's block (each later page starts
        // inside a block and is written account by account).
        for (pageRows, sealed) in [(4096, 5), (5000, 1)] {
            let timed = try KamRunner.run([
                "rank", list, "--model", Self.folder + "/default.yaml", "--record", directory + "/timed-\(pageRows).sqlite",
                "--rejects", directory + "/r.csv", "--quiet", "--timings", "--record-page-rows", "\(pageRows)",
            ])
            #expect(timed.status == 0, "\(timed.standardError)")
            #expect(
                timed.standardError.contains("\(sealed) of the first 5 blocks sealed there"),
                "pages of \(pageRows): \(timed.standardError)")
        }
    }

    @Test("Many rows waiting for mean fills, a grade filter and --where record the same")
    func deferredOverflowAndFilters() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = directory + "/blank.csv"
        let generated = try KamRunner.run([
            "generate", "--rows", "4000", "--seed", "31", "--bad-rows", "25", "--blank-rate", "0.4", "--output", list,
        ])
        #expect(generated.status == 0)
        try compare(
            list: list, model: Self.folder + "/default.yaml",
            variants: [[], ["--grade", "C", "--top", "5"], ["--where", "grade=A", "--format", "csv", "--output", "/dev/null"]])
    }
}
