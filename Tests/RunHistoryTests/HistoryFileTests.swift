import Foundation
import GRDB
import RunHistory
import ScoringEngine
import Testing

@Suite("Run history: files that are not a history, older and newer schemas")
struct HistoryFileTests {
    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("A file that is not SQLite is refused and left byte for byte")
    func notSQLite() throws {
        let path = try temporaryHistoryPath()
        try Data("account_id,budget\nK-1,10\n".utf8).write(to: URL(fileURLWithPath: path))
        let before = try bytes(path)
        #expect(throws: HistoryError.notADatabase(path: path)) { try HistoryStore(path: path, create: true) }
        #expect(try bytes(path) == before)
        #expect(HistoryError.notADatabase(path: path).exitStatus == 65)
    }

    @Test("An SQLite database another program made is refused and left byte for byte")
    func otherSQLite() throws {
        let path = try temporaryHistoryPath()
        let other = try DatabaseQueue(path: path)
        try other.write { db in try db.execute(sql: "CREATE TABLE customers (id TEXT); INSERT INTO customers VALUES ('x')") }
        try other.close()
        let before = try bytes(path)
        #expect(throws: HistoryError.notAKamHistory(path: path)) { try HistoryStore(path: path, create: true) }
        #expect(try bytes(path) == before)
    }

    @Test("A history from a newer kam is refused and left byte for byte")
    func newerVersion() throws {
        let path = try temporaryHistoryPath()
        let store = try HistoryStore(path: path, create: true)
        try PlantedRuns.record(into: store)
        store.close()
        let raw = try DatabaseQueue(path: path)
        try raw.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('3-future')") }
        try raw.close()
        let before = try bytes(path)
        #expect(throws: HistoryError.newerVersion(path: path, unknown: ["3-future"])) {
            try HistoryStore(path: path, create: true)
        }
        #expect(try bytes(path) == before)
    }

    @Test("A history of schema version 1 is migrated and its runs still compare")
    func olderVersion() throws {
        let path = try temporaryHistoryPath()
        let old = try HistoryStore(path: path, create: true, upTo: 1)
        let first = try old.record(PlantedRuns.description()) { recorder in
            for score in PlantedRuns.earlier { try recorder.append(score) }
        }
        old.close()
        let store = try HistoryStore(path: path, create: true)
        #expect(store.appliedSteps == ["2-model-details", "3-stages", "4-account-blocks", "5-compact-utilities"])
        #expect(!store.created)
        let runs = try store.runs()
        #expect(runs.map(\.id) == [first.id])
        #expect(runs[0].factors.isEmpty && runs[0].grading == nil && runs[0].accepted == PlantedRuns.earlier.count)
        _ = try store.record(PlantedRuns.description(input: "q4.csv")) { recorder in
            for score in PlantedRuns.later { try recorder.append(score) }
        }
        let changes = try store.changes()
        #expect(!changes.model.detailsKnown)
        #expect(changes.gradeMoves.map(\.account) == ["A1"])
        let again = try HistoryStore(path: path, create: false)
        #expect(again.appliedSteps.isEmpty)
    }

    @Test("A history is in WAL mode and carries kam's application id")
    func walAndApplicationID() throws {
        let path = try temporaryHistoryPath()
        let store = try HistoryStore(path: path, create: true)
        try PlantedRuns.record(into: store)
        store.close()
        let raw = try DatabaseQueue(path: path)
        let (mode, id, check) = try raw.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int32.fetchOne(db, sql: "PRAGMA application_id"),
                try String.fetchOne(db, sql: "PRAGMA integrity_check")
            )
        }
        try raw.close()
        #expect(mode == "wal" && id == HistorySchema.applicationID && check == "ok")
    }

    @Test("A missing history is reported for reading commands and created for recording")
    func missingFile() throws {
        let path = try temporaryHistoryPath()
        #expect(throws: HistoryError.missing(path: path)) { try HistoryStore(path: path, create: false) }
        let store = try HistoryStore(path: path, create: true)
        #expect(store.created && store.appliedSteps == HistorySchema.steps)
    }
}
