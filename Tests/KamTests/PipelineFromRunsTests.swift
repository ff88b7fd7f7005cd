import Foundation
import RunHistory
import ScoringEngine
import ScoringTestSupport
import Testing

/// `kam pipeline fit --runs`: stage moves taken from recorded runs (a hand-built history of
/// six monthly runs with planted stage paths) instead of an event log.
@Suite("kam pipeline fit --runs end to end", .serialized)
struct PipelineFromRunsTests {
    /// Stages per monthly run (the 15th, January to June 2026); `nil`: not in that list.
    static let paths: [(account: String, stages: [Int?])] = [
        ("A", [1, 2, 3, 4, 5, nil]),  // 1→2 2→3 3→4 4→5, leaves from stage 5 in June
        ("B", [1, 1, 2, nil, nil, nil]),  // 1→1 1→2, leaves from stage 2 in April
        ("C", [3, 3, 3, 3, 3, 3]),  // 3→3 five times
        ("D", [4, 5, 5, 5, 5, 5]),  // 4→5, 5→5 four times
        ("E", [2, 2, 2, 2, 2, 2]),  // 2→2 five times
    ]

    static func plantedHistory() throws -> String {
        let path = try KamRunner.temporaryDirectory() + "/runs.sqlite"
        let store = try HistoryStore(path: path, create: true)
        defer { store.close() }
        for month in 0..<6 {
            let description = RunDescription(
                recordedAt: DateComponents(
                    calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2026,
                    month: month + 1, day: 15
                ).date!,
                kamVersion: "test", modelName: "planted", modelFile: "planted.yaml", modelHash: "m", grading: "{}",
                scenario: "", inputFile: "q\(month).csv", inputHash: "", rowsRead: 5,
                factors: [FactorDetail(id: "f", side: "value", weight: 1, scale: "linear")], segments: [])
            _ = try store.record(description) { recorder in
                for (index, path) in paths.enumerated() {
                    guard let stage = path.stages[month] else { continue }
                    try recorder.append(
                        AccountScore(
                            account: path.account, rank: index + 1, grade: .b, value: 50, difficulty: 40, priority: 10,
                            completeness: 1, utilities: [0.5], stage: stage))
                }
            }
        }
        return path
    }

    /// counts[from stage][to state] of the JSON report.
    static func counts(_ json: String) throws -> [[Int]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rows = try #require(object["transitions"] as? [[String: Any]])
        return try rows.map { row in
            try #require(row["to"] as? [[String: Any]]).map { $0["count"] as? Int ?? -1 }
        }
    }

    @Test("--dropped stage5-won: the planted moves, stage 5 leavers won and earlier leavers lost")
    func plantedMoves() throws {
        let history = try Self.plantedHistory()
        let folder = try KamRunner.temporaryDirectory()
        let outcome = try KamRunner.run([
            "pipeline", "fit", "--runs", history, "--dropped", "stage5-won", "--output", folder + "/p.yaml", "--format",
            "json",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("6 runs with stages (2026-01-15 to 2026-06-15), 5 accounts, 2 left the lists"))
        // Columns: stages 1…5, won, lost.
        let expected = [
            [1, 2, 0, 0, 0, 0, 0],
            [0, 5, 1, 0, 0, 0, 1],
            [0, 0, 5, 1, 0, 0, 0],
            [0, 0, 0, 0, 2, 0, 0],
            [0, 0, 0, 0, 4, 1, 0],
        ]
        #expect(try Self.counts(outcome.standardOutput) == expected)
        #expect(FileManager.default.fileExists(atPath: folder + "/p.yaml"))
    }

    @Test("--runs needs --dropped (64); censored leavers leave nothing closed: exit 65 that says why")
    func refusals() throws {
        let history = try Self.plantedHistory()
        let folder = try KamRunner.temporaryDirectory()
        let missing = try KamRunner.run(["pipeline", "fit", "--runs", history, "--output", folder + "/p.yaml"])
        #expect(missing.status == 64)
        #expect(missing.standardError.contains("Please say what leaving the recorded lists means"))
        let both = try KamRunner.run(["pipeline", "fit", "datasets/history/events.csv", "--runs", history, "--dropped", "lost"])
        #expect(both.status == 64)
        let censored = try KamRunner.run([
            "pipeline", "fit", "--runs", history, "--dropped", "censored", "--output", folder + "/p.yaml",
        ])
        #expect(censored.status == 65)
        #expect(censored.standardError.contains("no account closed (won or lost) in the recorded runs"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/p.yaml"))
    }
}
