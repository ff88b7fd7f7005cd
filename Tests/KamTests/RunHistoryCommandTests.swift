import Foundation
import GRDB
import RunHistory
import ScoringEngine
import ScoringTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `kam` process started in the background, whose standard error is read as it comes.
final class BackgroundKam: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var errorText = ""
    private var outputDone = false
    private var errorDone = false

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = KamRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Paths.packageRoot)
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        Thread {
            _ = output.fileHandleForReading.readDataToEndOfFile()
            self.lock.lock()
            self.outputDone = true
            self.lock.unlock()
        }.start()
        Thread {
            while true {
                let data = error.fileHandleForReading.availableData
                self.lock.lock()
                if data.isEmpty {
                    self.errorDone = true
                    self.lock.unlock()
                    return
                }
                self.errorText += String(decoding: data, as: UTF8.self)
                self.lock.unlock()
            }
        }.start()
    }

    var standardError: String {
        lock.lock()
        defer { lock.unlock() }
        return errorText
    }

    /// Waits until standard error contains `text` (false after `timeout` seconds or if the
    /// process ended first).
    func waitFor(_ text: String, timeout: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if standardError.contains(text) { return true }
            if !process.isRunning { return standardError.contains(text) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Waits for the process to end; its exit status.
    func finish() -> Int32 {
        process.waitUntilExit()
        while true {
            lock.lock()
            let done = outputDone && errorDone
            lock.unlock()
            if done { break }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return process.terminationStatus
    }
}

@Suite("kam rank --record, kam runs, kam changes, kam history", .serialized)
struct RunHistoryCommandTests {
    static let holdMarker = "kam: test: history transaction open"

    func generate(_ directory: String, rows: Int, seed: Int, bad: Int = 0, name: String = "list.csv") throws -> String {
        let path = directory + "/" + name
        let outcome = try KamRunner.run([
            "generate", "--rows", String(rows), "--seed", String(seed), "--bad-rows", String(bad), "--output", path,
        ])
        #expect(outcome.status == 0)
        return path
    }

    func query<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    @Test("Every accepted account is recorded with its rank, grade and scores, as kam rank reports them")
    func recordMatchesRanking() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = try generate(directory, rows: 3000, seed: 5, bad: 12)
        let database = directory + "/h.sqlite"
        let ranked = directory + "/ranked.csv"
        let first = try KamRunner.run([
            "rank", list, "--format", "csv", "-o", ranked, "--record", database, "--rejects", directory + "/r.csv", "--quiet",
        ])
        #expect(first.status == 0, "\(first.standardError)")
        // Streamed with small blocks and a ranking spilled to disk in runs of 500, then in memory.
        let second = try KamRunner.run([
            "rank", list, "--record", database, "--block-size", "4096", "--memory-rows", "500", "--rejects",
            directory + "/r.csv", "--quiet",
        ])
        #expect(second.status == 0, "\(second.standardError)")
        let third = try KamRunner.run([
            "rank", list, "--in-memory", "--record", database, "--rejects", directory + "/r.csv", "--quiet",
        ])
        #expect(third.status == 0, "\(third.standardError)")

        let store = try HistoryStore(path: database, create: false)
        let runs = try store.runs()
        #expect(runs.count == 3)
        let lines = try String(contentsOfFile: ranked, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(runs.allSatisfy { $0.accepted == lines.count && $0.rejected == 12 && $0.rowsRead == 3000 })
        #expect(runs.allSatisfy { $0.gradeCounts.reduce(0, +) == lines.count })
        #expect(runs[0].inputHash == ContentHash.ofFile(atPath: list) && runs[0].inputHash.count == 16)
        #expect(try store.rejects(of: runs[0].id).count == 12)
        // The CSV's rank, id, grade, value, difficulty, priority, completeness against the record.
        let recorded = try store.accounts(of: 1)
        var byAccount: [String: AccountScore] = [:]
        for score in recorded { byAccount[score.account] = score }
        var checked = 0
        for line in lines {
            // rank,account_id,name,…: names may be quoted, so take the fields around them.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard let row = byAccount[fields[1]] else {
                Issue.record("account \(fields[1]) not recorded")
                continue
            }
            #expect(row.rank == Int(fields[0]))
            checked += 1
        }
        #expect(checked == lines.count)
        // Spot-check the numbers of the first rows (no quoted names in the generated list's first columns).
        for line in lines.prefix(50) {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let row = try #require(byAccount[fields[1]])
            #expect(row.grade.rawValue == (fields[8] == "insufficient" ? "I" : fields[8]))
            for (value, field) in [(row.value, 10), (row.difficulty, 11), (row.priority, 12), (row.completeness, 13)] {
                #expect(abs(value - Double(fields[field])!) <= 5e-5, "\(fields[1]) column \(field)")
            }
        }
        // The three runs (two streamed, one in memory) recorded the same bits.
        let streamedAgain = try store.accounts(of: 2)
        let inMemory = try store.accounts(of: 3)
        let same = zip(recorded, zip(streamedAgain, inMemory)).filter { $0 == $1.0 && $0 == $1.1 }.count
        #expect(recorded.count == streamedAgain.count && recorded.count == inMemory.count)
        #expect(same == lines.count)
        let changes = try KamRunner.run(["changes", database, "--from", "1", "--to", "3"])
        #expect(changes.status == 0)
        #expect(changes.standardOutput.contains("0 new, 0 dropped, 0 moved grade"))
        #expect(changes.standardOutput.contains("The list is the same bytes"))
    }

    @Test("Without a path the history is kam-history.sqlite beside the list, or KAM_HISTORY")
    func defaultLocation() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = try generate(directory, rows: 50, seed: 1)
        let beside = try BackgroundKam(["rank", list, "--record", "--quiet"])
        #expect(beside.finish() == 0)
        #expect(FileManager.default.fileExists(atPath: directory + "/kam-history.sqlite"))
        let elsewhere = directory + "/elsewhere.sqlite"
        let environment = try BackgroundKam(["rank", list, "--record", "--quiet"], environment: ["KAM_HISTORY": elsewhere])
        #expect(environment.finish() == 0)
        let runs = try BackgroundKam(["runs", "--format", "csv"], environment: ["KAM_HISTORY": elsewhere])
        #expect(runs.finish() == 0)
        #expect(try HistoryStore(path: elsewhere, create: false).runs().count == 1)
        #expect(try HistoryStore(path: directory + "/kam-history.sqlite", create: false).runs().count == 1)
    }

    @Test("Two kam rank --record writing one history at once: both runs land whole")
    func concurrentWriters() throws {
        let directory = try KamRunner.temporaryDirectory()
        let first = try generate(directory, rows: 4000, seed: 11, name: "a.csv")
        let second = try generate(directory, rows: 3000, seed: 12, name: "b.csv")
        let database = directory + "/h.sqlite"
        // The first holds its transaction open for 2 s after writing its first accounts; the
        // second starts then, so it must wait for the lock and write after.
        let holding = try BackgroundKam([
            "rank", first, "--record", database, "--record-hold", "2", "--rejects", directory + "/a.rejects.csv",
        ])
        #expect(holding.waitFor(Self.holdMarker))
        let waiting = try BackgroundKam([
            "rank", second, "--record", database, "--quiet", "--rejects", directory + "/b.rejects.csv",
        ])
        // And a third at the same time, without any hold.
        let third = try BackgroundKam(["rank", second, "--record", database, "--quiet", "--rejects", directory + "/c.csv"])
        #expect(holding.finish() == 0, "\(holding.standardError)")
        #expect(waiting.finish() == 0, "\(waiting.standardError)")
        #expect(third.finish() == 0, "\(third.standardError)")
        let store = try HistoryStore(path: database, create: false)
        let runs = try store.runs()
        #expect(runs.count == 3)
        #expect(Set(runs.map(\.accepted)) == [4000, 3000])
        let counts = try query(database) { db in
            try Row.fetchAll(db, sql: "SELECT run, SUM(count) FROM account_block GROUP BY run ORDER BY run")
                .map { [$0[0], $0[1]] as [Int] }
        }
        #expect(counts.map { $0[1] } == runs.map(\.accepted))
        #expect(try query(database) { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }

    @Test("A run killed in the middle leaves a valid history without a partial run")
    func killedRun() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = try generate(directory, rows: 2000, seed: 21)
        let big = try generate(directory, rows: 5000, seed: 22, name: "big.csv")
        let database = directory + "/h.sqlite"
        let complete = try KamRunner.run(["rank", list, "--record", database, "--quiet"])
        #expect(complete.status == 0)
        // Killed while its transaction holds the first 1,000 of 5,000 accounts.
        let killed = try BackgroundKam([
            "rank", big, "--record", database, "--record-hold", "60", "--record-page-rows", "1000",
        ])
        #expect(killed.waitFor(Self.holdMarker, timeout: 900))
        kill(killed.process.processIdentifier, SIGKILL)
        _ = killed.finish()
        #expect(killed.process.terminationReason == .uncaughtSignal)
        #expect(try query(database) { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        let store = try HistoryStore(path: database, create: false)
        #expect(try store.runs().map(\.accepted) == [2000])
        let orphans = try query(database) { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account_block WHERE run NOT IN (SELECT id FROM run)")
        }
        #expect(orphans == 0)
        #expect(try query(database) { db in try Int.fetchOne(db, sql: "SELECT SUM(count) FROM account_block") } == 2000)
        // The history takes the next run as usual.
        let next = try KamRunner.run(["rank", list, "--record", database, "--quiet"])
        #expect(next.status == 0)
        #expect(try store.runs().count == 2)
    }

    @Test("A file that is not a kam history, or from a newer kam, stops the run with exit 65 and is left untouched")
    func refusedFiles() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = try generate(directory, rows: 50, seed: 3)
        let notSQLite = directory + "/notes.sqlite"
        try Data("these are my notes\n".utf8).write(to: URL(fileURLWithPath: notSQLite))
        let other = directory + "/other.sqlite"
        let queue = try DatabaseQueue(path: other)
        try queue.write { db in try db.execute(sql: "CREATE TABLE t (x); INSERT INTO t VALUES (1)") }
        try queue.close()
        let newer = directory + "/newer.sqlite"
        let store = try HistoryStore(path: newer, create: true)
        store.close()
        let raw = try DatabaseQueue(path: newer)
        try raw.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9-future')") }
        try raw.close()
        for (path, message) in [
            (notSQLite, "not a kam run history (not an SQLite database); it was left untouched"),
            (other, "an SQLite database that is not a kam run history; it was left untouched"),
            (newer, "a kam run history written by a newer kam (schema steps 9-future are unknown to this kam); it was left untouched"),
        ] {
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let rank = try KamRunner.run(["rank", list, "--record", path, "--rejects", directory + "/r.csv"])
            #expect(rank.status == 65)
            #expect(
                rank.standardError == "kam: error: \(path): \(message). "
                    + (path == newer
                        ? "Use that newer kam, or record into another file.\n"
                        : path == notSQLite
                            ? "Give another file with --record or KAM_HISTORY, or move this one away.\n"
                            : "Give another file with --record or KAM_HISTORY.\n"))
            #expect(rank.standardOutput.isEmpty)
            for command in [["runs", path], ["changes", path], ["history", "K-000001", path]] {
                let outcome = try KamRunner.run(command)
                #expect(outcome.status == 65, "\(command)")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
        let missing = try KamRunner.run(["runs", directory + "/none.sqlite"])
        #expect(missing.status == 66)
        #expect(!FileManager.default.fileExists(atPath: directory + "/none.sqlite"))
    }

    @Test("A history of schema version 1 is migrated forward by kam rank --record")
    func olderSchema() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = try generate(directory, rows: 200, seed: 4)
        let database = directory + "/old.sqlite"
        let old = try HistoryStore(path: database, create: true, upTo: 1)
        old.close()
        let first = try KamRunner.run(["rank", list, "--record", database, "--rejects", directory + "/r.csv"])
        #expect(first.status == 0)
        #expect(
            first.standardError.contains(
                "run history migrated to schema version 5 (2-model-details, 3-stages, 4-account-blocks, 5-compact-utilities)"))
        let runs = try KamRunner.run(["runs", database, "--format", "csv"])
        #expect(runs.status == 0)
        #expect(runs.standardOutput.split(separator: "\n").count == 2)
    }

    /// Earlier: A1 B, C1 C (priority 20), D1 A. Later: A1 A, C1 C (25), N1 B; a new weight for f1.
    static func plantedHistory(_ path: String) throws {
        let store = try HistoryStore(path: path, create: true)
        func description(_ weight: Double, _ hash: String) -> RunDescription {
            RunDescription(
                recordedAt: Date(timeIntervalSince1970: 1_790_000_000), kamVersion: "test", modelName: "planted",
                modelFile: "planted.yaml", modelHash: hash, grading: "{}", scenario: "", inputFile: "q.csv",
                inputHash: hash, rowsRead: 3,
                factors: [
                    FactorDetail(id: "f1", side: "value", weight: weight, scale: "s"),
                    FactorDetail(id: "f2", side: "difficulty", weight: 1, scale: "s"),
                ], segments: [])
        }
        func score(_ id: String, _ rank: Int, _ grade: Grade, _ priority: Double, _ utilities: [Double]) -> AccountScore {
            AccountScore(
                account: id, name: "n" + id, rank: rank, grade: grade, value: 50, difficulty: 40, priority: priority,
                completeness: 1, utilities: utilities)
        }
        _ = try store.record(description(1, "aaaa")) { recorder in
            try recorder.append(score("D1", 1, .a, 60, [0.9, 0.1]))
            try recorder.append(score("A1", 2, .b, 40, [0.3, 0.5]))
            try recorder.append(score("C1", 3, .c, 20, [0.2, 0.5]))
        }
        _ = try store.record(description(0.8, "bbbb")) { recorder in
            try recorder.append(score("A1", 1, .a, 55, [0.7, 0.4]))
            try recorder.append(score("N1", 2, .b, 45, [0.5, 0.5]))
            try recorder.append(score("C1", 3, .c, 25, [0.2, 0.5]))
        }
    }

    @Test("kam changes on a hand-built pair of runs prints exactly the planted moves")
    func plantedChangesCommand() throws {
        let directory = try KamRunner.temporaryDirectory()
        let database = directory + "/planted.sqlite"
        try Self.plantedHistory(database)
        let csv = try KamRunner.run(["changes", database, "--format", "csv"])
        #expect(csv.status == 0)
        #expect(
            csv.standardOutput == """
                section,account,name,from_grade,to_grade,from_rank,to_rank,from_value,to_value,from_difficulty,to_difficulty,from_priority,to_priority,from_completeness,to_completeness,factor_moves,collected,lost
                grade_move,A1,nA1,B,A,2,1,50.0000,50.0000,40.0000,40.0000,40.0000,55.0000,1.0000,1.0000,f1:+0.4000;f2:-0.1000,,
                new,N1,nN1,,B,,2,,50.0000,,40.0000,,45.0000,,1.0000,,,
                dropped,D1,nD1,A,,1,,50.0000,,40.0000,,60.0000,,1.0000,,,,
                rising_c,C1,nC1,C,C,3,3,50.0000,50.0000,40.0000,40.0000,20.0000,25.0000,1.0000,1.0000,,,

                """)
        // The changed model is said on standard error next to the CSV, and first in a table.
        #expect(csv.standardError.contains("MODEL CHANGED: planted (hash aaaa) → planted (hash bbbb)"))
        let table = try KamRunner.run(["changes", database])
        #expect(table.status == 0)
        #expect(
            table.standardOutput.contains(
                "MODEL CHANGED: planted (hash aaaa) → planted (hash bbbb). Grade moves may come from the model, not from the accounts."))
        #expect(table.standardOutput.contains("  weights: f1 1.000 → 0.800"))
        let zh = try KamRunner.run(["changes", database, "--lang", "zh", "--format", "markdown"])
        #expect(zh.status == 0)
        #expect(zh.standardOutput.contains("### 优先级上升最多的 C 类客户(关注变化) (1)"))
        #expect(zh.standardOutput.contains("模型已改变"))
        let json = try KamRunner.run(["changes", database, "--format", "json"])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "kam.changes/1")
        #expect(((object["grade_move"] as? [String: Any])?["count"] as? Int) == 1)
        #expect(((object["model"] as? [String: Any])?["changed"] as? Bool) == true)
        let unknown = try KamRunner.run(["changes", database, "--from", "5"])
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains("there is no run 5; the recorded runs are 1, 2"))
    }

    @Test("The same model under another scenario is said as changed weights, with the weights that differ")
    func changedScenario() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = try generate(directory, rows: 300, seed: 8)
        let database = directory + "/scenario.sqlite"
        for extra in [[], ["--scenario", "growth"]] {
            let outcome = try KamRunner.run(["rank", list, "--record", database, "--quiet", "--rejects", directory + "/r.csv"] + extra)
            #expect(outcome.status == 0)
        }
        let changes = try KamRunner.run(["changes", database])
        #expect(changes.status == 0)
        #expect(changes.standardOutput.contains("WEIGHTS CHANGED: the same model default (hash "))
        #expect(changes.standardOutput.contains("  scenario: model weights → growth"))
        #expect(changes.standardOutput.contains("  weights: share 0.250 → 0.280, budget 0.300 → 0.360"))
    }

    @Test("kam history shows one account over the runs in every format")
    func historyCommand() throws {
        let directory = try KamRunner.temporaryDirectory()
        let database = directory + "/planted.sqlite"
        try Self.plantedHistory(database)
        let csv = try KamRunner.run(["history", "A1", database, "--format", "csv"])
        #expect(csv.status == 0)
        #expect(
            csv.standardOutput == """
                run,recorded_at,model_hash,model_changed,account,name,grade,rank,value,difficulty,priority,completeness,probability,missing
                1,2026-09-21T14:13:20Z,aaaa,0,A1,nA1,B,2,50.0000,40.0000,40.0000,1.0000,,
                2,2026-09-21T14:13:20Z,bbbb,1,A1,nA1,A,1,50.0000,40.0000,55.0000,1.0000,,

                """)
        let table = try KamRunner.run(["history", "N1", database, "--lang", "zh"])
        #expect(table.status == 0)
        #expect(table.standardOutput.contains("不在名单中"))
        #expect(table.standardOutput.contains("已改变"))
        let json = try KamRunner.run(["history", "A1", database, "--format", "json"])
        #expect((try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])?["account"] as? String == "A1")
        let nobody = try KamRunner.run(["history", "Z9", database])
        #expect(nobody.status == 64)
    }
}
