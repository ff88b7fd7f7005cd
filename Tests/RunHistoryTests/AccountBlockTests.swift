import Foundation
import GRDB
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import RunHistory

/// Accounts stored in blocks (schema step 4): many blocks, accounts in any order, the step
/// from an older history.
@Suite("Run history: accounts in blocks")
struct AccountBlockTests {
    /// `count` accounts with varied values: ids of different lengths (so that byte order and
    /// length matter), non-ASCII names, missing factors, segments, stages, P(won) on some runs.
    static func accounts(_ count: Int, seed: Int, probability: Bool, stages: Bool) -> [AccountScore] {
        (0..<count).map { index in
            let mix = (index &* 2_654_435_761 &+ seed) & 0xFFFF
            let id = index % 7 == 0 ? "K-\(index)" : "K-\(String(format: "%06d", index))"
            return AccountScore(
                account: id, name: "客户 \(index) \"Ltd\"", rank: (index * 37 + seed) % count + 1,
                grade: Grade.allCases[mix % 5], value: Double(mix) / 655.35, difficulty: Double(mix % 1000) / 10,
                priority: Double(mix) / 700 - 3, completeness: mix % 3 == 0 ? 0.75 : 1,
                probability: probability ? Double(mix) / 65_536 : nil, segments: mix % 4 == 0 ? ["premium", "north"] : [],
                missing: mix % 3 == 0 ? ["f2"] : [], utilities: [Double(mix) / 65_536, 0.5, 1 / 3 + Double(index)],
                stage: stages && mix % 6 != 0 ? 1 + mix % 5 : nil)
        }
    }

    /// The lists and counts of a comparison.
    static func lists(_ changes: RunChanges) -> [[AccountChange]] {
        [
            changes.gradeMoves, changes.newAccounts, changes.droppedAccounts, changes.enteredInsufficient,
            changes.leftInsufficient, changes.risingC,
        ]
    }

    static func byteOrder(_ scores: [AccountScore]) -> [AccountScore] {
        scores.sorted { $0.account.utf8.lexicographicallyPrecedes($1.account.utf8) }
    }

    @Test("10,000 accounts in any order come back whole, in id order, over three blocks")
    func manyBlocks() throws {
        let store = try HistoryStore(path: try temporaryHistoryPath(), create: true)
        let scores = Self.accounts(10_000, seed: 5, probability: true, stages: true)
        // A fixed shuffle (a permutation modulo the prime 10,007).
        let shuffled = scores.enumerated().sorted { ($0.offset * 7919) % 10_007 < ($1.offset * 7919) % 10_007 }.map(\.element)
        let run = try store.record(PlantedRuns.description()) { recorder in
            for score in shuffled { try recorder.append(score) }
        }
        #expect(run.accepted == 10_000)
        let stored = try store.accounts(of: run.id)
        #expect(stored == Self.byteOrder(scores))
        // One account at each block's edge, found by one block read.
        let sorted = Self.byteOrder(scores)
        for index in [0, 4095, 4096, 8191, 8192, 9999] {
            let track = try store.history(of: sorted[index].account)
            #expect(track.entries.count == 1)
            #expect(track.entries[0].score?.rank == sorted[index].rank)
            #expect(track.entries[0].missing == sorted[index].missing)
            #expect(track.name == sorted[index].name)
        }
        #expect(throws: HistoryError.unknownAccount(path: store.path, account: "K-")) { try store.history(of: "K-") }
        let blocks = try DatabaseQueue(path: store.path).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account_block WHERE run = ?", arguments: [run.id])
        }
        #expect(blocks == 3)
    }

    @Test("Pages that stop coming in id order after blocks were written: the run is read back, merged and written again")
    func outOfOrderAfterBlocks() throws {
        let store = try HistoryStore(path: try temporaryHistoryPath(), create: true)
        let sorted = Self.byteOrder(Self.accounts(9000, seed: 8, probability: true, stages: false))
        // The first 6,000 in order (one block written), then the rest backwards.
        let arriving = Array(sorted.prefix(6000)) + sorted.dropFirst(6000).reversed()
        let run = try store.record(PlantedRuns.description()) { recorder in
            for score in arriving { try recorder.appendInOrder(score) }
        }
        #expect(run.accepted == 9000)
        #expect(try store.accounts(of: run.id) == sorted)
        let duplicated = Array(sorted.prefix(5000)) + [sorted[10]] + sorted.dropFirst(5000)
        #expect(throws: HistoryError.self) {
            _ = try store.record(PlantedRuns.description()) { recorder in
                for score in duplicated { try recorder.appendInOrder(score) }
            }
        }
        #expect(try store.runs().count == 1)
    }

    @Test("A duplicate id in one run is refused, whatever the order it comes in")
    func duplicate() throws {
        let store = try HistoryStore(path: try temporaryHistoryPath(), create: true)
        let scores = Self.accounts(5000, seed: 1, probability: false, stages: false)
        #expect(throws: HistoryError.self) {
            _ = try store.record(PlantedRuns.description()) { recorder in
                for score in scores + [scores[4321]] { try recorder.append(score) }
            }
        }
        #expect(try store.runs().isEmpty)
    }

    @Test("Two runs of many accounts compare: every account's move is found across blocks")
    func changesAcrossBlocks() throws {
        let store = try HistoryStore(path: try temporaryHistoryPath(), create: true)
        let earlier = Self.accounts(9000, seed: 2, probability: false, stages: false)
        // The later run: every fifth account up one grade, the first 100 dropped, 50 new.
        var later = earlier.dropFirst(100).map { score -> AccountScore in
            var score = score
            if Int(score.account.dropFirst(2))! % 5 == 0, score.grade != .a, score.grade != .insufficient {
                score.grade = Grade.allCases[score.grade.order - 1]
            }
            return score
        }
        later += (0..<50).map { PlantedScores.score("N-\($0)", rank: 9000 + $0, .c, priority: 1, utilities: [0.5, 0.5, 0.5]) }
        _ = try store.record(PlantedRuns.description()) { recorder in for score in earlier { try recorder.append(score) } }
        _ = try store.record(PlantedRuns.description()) { recorder in for score in later { try recorder.append(score) } }
        let changes = try store.changes()
        let expectedMoves = earlier.dropFirst(100).filter {
            Int($0.account.dropFirst(2))! % 5 == 0 && $0.grade != .a && $0.grade != .insufficient
        }
        #expect(changes.gradeMoveCount == expectedMoves.count)
        #expect(changes.droppedCount == 100 && changes.newCount == 50)
        #expect(changes.sameGrade == 8900 - expectedMoves.count)
        let all = try store.changes(limit: nil)
        #expect(Set(all.gradeMoves.map(\.account)) == Set(expectedMoves.map(\.account)))
        #expect(all.gradeMoves.allSatisfy { $0.from!.grade.order == $0.to!.grade.order + 1 })
    }

    @Test("A version-3 history whose grade was changed outside kam is refused by the step, not read as insufficient")
    func migrationRefusesUnknownGrade() throws {
        let path = try temporaryHistoryPath()
        let old = try HistoryStore(path: path, create: true, upTo: 3)
        _ = try old.record(PlantedRuns.description()) { recorder in
            for score in Self.accounts(20, seed: 1, probability: false, stages: false) { try recorder.append(score) }
        }
        old.close()
        let tampered = try DatabaseQueue(path: path)
        try tampered.write { db in try db.execute(sql: "UPDATE account_score SET grade = 'Z' WHERE account = 'K-000003'") }
        try tampered.close()

        var message = ""
        do {
            _ = try HistoryStore(path: path, create: false)
        } catch {
            message = error.description
        }
        #expect(message.contains("account 'K-000003': grade 'Z' is not a kam grade"))
        // The step ran in one transaction: the old table and its rows are still there.
        let reread = try DatabaseQueue(path: path)
        let grade = try reread.read { db in
            try String.fetchOne(db, sql: "SELECT grade FROM account_score WHERE account = 'K-000003'")
        }
        #expect(grade == "Z")
        try reread.close()
    }

    /// Three runs recorded into a history held at schema version `upTo` (closed, for a
    /// migration to open) and into a new history (open), with a reject per run when asked.
    static func oldAndFresh(upTo version: Int, rejects: Bool) throws
        -> (oldPath: String, newPath: String, runs: [[AccountScore]], fresh: HistoryStore)
    {
        let oldPath = try temporaryHistoryPath()
        let newPath = try temporaryHistoryPath()
        let runs = [
            accounts(6000, seed: 3, probability: true, stages: true),
            accounts(300, seed: 4, probability: false, stages: false),
            accounts(5000, seed: 6, probability: false, stages: true),
        ]
        let old = try HistoryStore(path: oldPath, create: true, upTo: version)
        let fresh = try HistoryStore(path: newPath, create: true)
        for scores in runs {
            for store in [old, fresh] {
                _ = try store.record(PlantedRuns.description()) { recorder in
                    for score in scores { try recorder.append(score) }
                    if rejects {
                        try recorder.reject(RecordedReject(line: 2, column: nil, code: "duplicate_id", message: "twice"))
                    }
                }
            }
        }
        old.close()
        return (oldPath, newPath, runs, fresh)
    }

    /// Every account block of a history file, in order.
    static func blocks(_ path: String) throws -> [Row] {
        try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM account_block ORDER BY run, first_account")
        }
    }

    @Test("A history of schema version 3 moves its accounts into the blocks a new history writes")
    func migratedFromVersion3() throws {
        let (oldPath, newPath, runs, fresh) = try Self.oldAndFresh(upTo: 3, rejects: true)
        let migrated = try HistoryStore(path: oldPath, create: false)
        #expect(migrated.appliedSteps == ["4-account-blocks", "5-compact-utilities"])
        for (index, scores) in runs.enumerated() {
            #expect(try migrated.accounts(of: Int64(index + 1)) == Self.byteOrder(scores))
        }
        #expect(try Self.blocks(oldPath) == Self.blocks(newPath))
        let tables = try DatabaseQueue(path: oldPath).read { db in
            (
                try db.tableExists("account_score"), try String.fetchOne(db, sql: "PRAGMA integrity_check"),
                try Int.fetchOne(db, sql: "PRAGMA freelist_count")
            )
        }
        // The dropped table's pages went back to the file system (VACUUM after the step).
        #expect(!tables.0 && tables.1 == "ok" && tables.2 == 0)
        // The same answers from both files.
        for limit in [nil, 20] as [Int?] {
            let (left, right) = (try migrated.changes(from: 1, to: 3, limit: limit), try fresh.changes(from: 1, to: 3, limit: limit))
            #expect(Self.lists(left) == Self.lists(right))
            #expect(left.transitions == right.transitions && left.sameGrade == right.sameGrade)
            #expect(!left.gradeMoves.isEmpty && left.droppedCount == 1000 && !left.enteredInsufficient.isEmpty)
        }
        #expect(try migrated.stageHistories(dropped: .lost).histories == fresh.stageHistories(dropped: .lost).histories)
        let sample = runs[0][1234].account
        #expect(try migrated.history(of: sample).entries.map(\.score) == fresh.history(of: sample).entries.map(\.score))
    }

    @Test("A history of schema version 4 gets the compact utilities a new history writes, block for block")
    func migratedFromVersion4() throws {
        let (oldPath, newPath, runs, fresh) = try Self.oldAndFresh(upTo: 4, rejects: false)
        func utilityBytes(_ path: String) throws -> (total: Int, float64: Int) {
            try DatabaseQueue(path: path).read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT SUM(length(utilities)) FROM account_block") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT SUM(count) * 3 * 8 FROM account_block") ?? 0
                )
            }
        }
        // Version 4 keeps float64 account by account; the new layout is smaller.
        let before = try utilityBytes(oldPath)
        #expect(before.total == before.float64)
        #expect(try utilityBytes(newPath).total < before.float64)
        #expect(try Self.blocks(oldPath) != Self.blocks(newPath))

        let migrated = try HistoryStore(path: oldPath, create: false)
        #expect(migrated.appliedSteps == ["5-compact-utilities"])
        for (index, scores) in runs.enumerated() {
            #expect(try migrated.accounts(of: Int64(index + 1)) == Self.byteOrder(scores))
        }
        #expect(try Self.blocks(oldPath) == Self.blocks(newPath))
        let check = try DatabaseQueue(path: oldPath).read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
        for limit in [nil, 20] as [Int?] {
            let (left, right) = (try migrated.changes(from: 1, to: 3, limit: limit), try fresh.changes(from: 1, to: 3, limit: limit))
            #expect(Self.lists(left) == Self.lists(right))
            #expect(left.transitions == right.transitions && left.sameGrade == right.sameGrade)
        }
        let sample = runs[2][4321].account
        #expect(try migrated.history(of: sample).entries.map(\.score) == fresh.history(of: sample).entries.map(\.score))
        // Opened again: nothing left to migrate.
        #expect(try HistoryStore(path: oldPath, create: false).appliedSteps.isEmpty)
    }

    /// `count` accounts of `factors` utilities from `value(account, factor)`, encoded and decoded.
    static func roundTrip(count: Int, factors: Int, _ value: (Int, Int) -> Double) throws -> (
        bytes: [UInt8], same: Bool
    ) {
        var utilities: [Double] = []
        for account in 0..<count { for factor in 0..<factors { utilities.append(value(account, factor)) } }
        var table = UtilityCodeTable()
        let bytes = AccountBlock.compactUtilities(utilities, count: count, factorCount: factors, table: &table)
        let decoded = try AccountBlock.utilities(compact: bytes, count: count, factorCount: factors)
        return (bytes, decoded.map(\.bitPattern) == utilities.map(\.bitPattern))
    }

    @Test("Compact utilities decode to the recorded doubles bit for bit, in each mode")
    func compactRoundTrip() throws {
        let nan = Double(nan: 0x1234, signaling: false)
        // One-byte codes (5 values, -0.0 apart from 0.0, a NaN with a payload), two-byte codes
        // (700 values), float64 (every value distinct), a constant.
        let mixed = try Self.roundTrip(count: 4096, factors: 4) { account, factor in
            switch factor {
            case 0: return [0.0, -0.0, 0.25, nan, 1][account % 5]
            case 1: return Double(account % 700) / 7
            case 2: return Double(account) + 0.5
            default: return 0.75
            }
        }
        #expect(mixed.same)
        #expect(mixed.bytes.count == (2 + 5 * 8 + 4096) + (3 + 700 * 8 + 2 * 4096) + (1 + 8 * 4096) + (2 + 8 + 4096))
        #expect(try Self.roundTrip(count: 1, factors: 3) { _, factor in Double(factor) }.same)
        // A column that would be exactly count × factors × 8 bytes (4 × 17 + 12 = 80 for two
        // accounts of five factors) takes one zero byte more, so it is never read as step 4's.
        let padded = try Self.roundTrip(count: 2, factors: 5) { account, factor in factor == 4 ? 1 : Double(account * 10 + factor) }
        #expect(padded.same && padded.bytes.count == 81 && padded.bytes.last == 0)
        // Damaged columns are refused.
        var damaged = mixed.bytes
        damaged.removeLast()
        #expect(throws: AccountBlock.BlockError.self) { try AccountBlock.utilities(compact: damaged, count: 4096, factorCount: 4) }
        #expect(throws: AccountBlock.BlockError.self) { try AccountBlock.utilities(compact: [7], count: 1, factorCount: 1) }
        #expect(throws: AccountBlock.BlockError.self) {
            try AccountBlock.utilities(compact: [1, 0] + [UInt8](repeating: 0, count: 8) + [1], count: 1, factorCount: 1)
        }
    }
}
