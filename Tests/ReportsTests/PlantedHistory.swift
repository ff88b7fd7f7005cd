import Foundation
import RunHistory
import ScoringEngine
import ScoringTestSupport

/// A run history of three hand-built runs, recorded through the library, for the
/// run-history reports (`kam runs`, `kam changes`, `kam history`).
///
/// Run 1 (q3.csv) and run 2 (q4.csv) share a model; run 3 (q1.csv) has new weights and
/// probabilities. Times are fixed, so the reports are the same on every run.
enum PlantedHistory {
    /// The path the reports name (the history itself is in a temporary folder).
    static let shownPath = "kam-history.sqlite"

    static func description(hash: String, weights: [Double], input: String, seconds: Double, rowsRead: Int) -> RunDescription {
        RunDescription(
            recordedAt: Date(timeIntervalSince1970: 1_790_000_000 + seconds), kamVersion: "test", modelName: "planted",
            modelFile: "planted.yaml", modelHash: hash, grading: "{}", scenario: "", inputFile: "lists/" + input,
            inputHash: "h-" + input, rowsRead: rowsRead,
            factors: PlantedScores.factors(weights: weights), segments: ["premium"])
    }

    /// Run 1 (q3.csv, 8 accounts, one reject): ``PlantedScores/earlier``.
    static let first = PlantedScores.earlier

    /// Run 2 (q4.csv, same model): ``PlantedScores/later``.
    static let second = PlantedScores.later

    /// Run 3 (q1.csv, new weights, calibrated): A1 back to B, C1 up to B, D2 new.
    static let third: [AccountScore] = [
        PlantedScores.score("S1", rank: 1, .a, priority: 72, utilities: [0.9, 0.9, 0.2], probability: 0.61),
        PlantedScores.score("N1", rank: 2, .b, priority: 48, utilities: [0.5, 0.6, 0.5], probability: 0.38),
        PlantedScores.score("A1", rank: 3, .b, priority: 44, utilities: [0.4, 0.5, 0.5], probability: 0.33),
        PlantedScores.score("C1", rank: 4, .b, priority: 36, utilities: [0.3, 0.6, 0.5], probability: 0.27),
        PlantedScores.score("L1", rank: 5, .c, priority: 30, utilities: [0.5, 0.5, 0.6], probability: 0.2),
        PlantedScores.score("C3", rank: 6, .c, priority: 23, utilities: [0.2, 0.2, 0.6], probability: 0.15),
        PlantedScores.score("C2", rank: 7, .d, priority: 9, utilities: [0.1, 0.1, 0.9], probability: 0.05),
        PlantedScores.score("D2", rank: 8, .d, priority: 8, utilities: [0.1, 0.2, 0.9], probability: 0.04),
        PlantedScores.score("I1", rank: 9, .insufficient, priority: 12, utilities: [0.5, 0.2, 0.5], missing: ["f1"]),
    ]

    /// A new history holding the three runs.
    static func store() throws -> HistoryStore {
        let folder = NSTemporaryDirectory() + "kam-report-history-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try HistoryStore(path: folder + "/history.sqlite", create: true)
        _ = try store.record(description(hash: "m1aaaaaaaaaa", weights: [0.5, 0.5, 1], input: "q3.csv", seconds: 0, rowsRead: 9)) {
            for score in first { try $0.append(score) }
            try $0.reject(RecordedReject(line: 9, column: "budget", code: "not_a_number", message: "'budget' is 'x'"))
        }
        _ = try store.record(description(hash: "m1aaaaaaaaaa", weights: [0.5, 0.5, 1], input: "q4.csv", seconds: 86_400, rowsRead: 8)) {
            for score in second { try $0.append(score) }
        }
        _ = try store.record(description(hash: "m2bbbbbbbbbb", weights: [0.7, 0.3, 1], input: "q1.csv", seconds: 172_800, rowsRead: 9)) {
            for score in third { try $0.append(score) }
        }
        return store
    }
}
