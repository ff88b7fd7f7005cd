import Foundation
import RunHistory
import ScoringEngine

/// A hand-built pair of runs with known moves, recorded through the library.
enum PlantedRuns {
    static let factors = ["f1", "f2", "f3"]

    static func description(weights: [Double] = [0.5, 0.5, 1], scale2: String = "linear", hash: String = "m1", input: String = "q3.csv")
        -> RunDescription
    {
        RunDescription(
            recordedAt: Date(timeIntervalSince1970: 1_790_000_000), kamVersion: "test", modelName: "planted",
            modelFile: "planted.yaml", modelHash: hash, grading: "{}", scenario: "", inputFile: input,
            inputHash: "h-" + input, rowsRead: 0,
            factors: [
                FactorDetail(id: "f1", side: "value", weight: weights[0], scale: "linear"),
                FactorDetail(id: "f2", side: "value", weight: weights[1], scale: scale2),
                FactorDetail(id: "f3", side: "difficulty", weight: weights[2], scale: "linear"),
            ], segments: ["premium"])
    }

    static func score(
        _ id: String, rank: Int, _ grade: Grade, priority: Double, utilities: [Double], missing: [String] = []
    ) -> AccountScore {
        AccountScore(
            account: id, name: "name " + id, rank: rank, grade: grade, value: 50 + priority / 2, difficulty: 40,
            priority: priority, completeness: missing.isEmpty ? 1 : 0.5, probability: nil, segments: [],
            missing: missing, utilities: utilities)
    }

    /// The earlier run.
    static let earlier: [AccountScore] = [
        score("A1", rank: 3, .b, priority: 40, utilities: [0.3, 0.2, 0.5]),
        score("C1", rank: 5, .c, priority: 20, utilities: [0.2, 0.2, 0.5]),
        score("C2", rank: 6, .c, priority: 19, utilities: [0.2, 0.2, 0.5]),
        score("C3", rank: 4, .c, priority: 25, utilities: [0.2, 0.2, 0.5]),
        score("D1", rank: 2, .a, priority: 60, utilities: [0.9, 0.9, 0.1]),
        score("I1", rank: 7, .c, priority: 18, utilities: [0.6, 0.2, 0.5]),
        score("L1", rank: 8, .insufficient, priority: 10, utilities: [0.5, 0.0, 0.5], missing: ["f2"]),
        score("S1", rank: 1, .a, priority: 70, utilities: [0.9, 0.9, 0.2]),
    ]

    /// The later run: A1 B→A (f2 +0.5, f1 +0.1), D1 dropped, N1 new, I1 C→insufficient
    /// (f1 lost), L1 insufficient→B (f2 collected), C1 +5 and C2 +2 (rising C), C3 −3, S1 the same.
    static let later: [AccountScore] = [
        score("S1", rank: 1, .a, priority: 70, utilities: [0.9, 0.9, 0.2]),
        score("A1", rank: 2, .a, priority: 55, utilities: [0.4, 0.7, 0.5]),
        score("N1", rank: 3, .b, priority: 45, utilities: [0.5, 0.5, 0.5]),
        score("L1", rank: 4, .b, priority: 35, utilities: [0.5, 0.8, 0.5]),
        score("C1", rank: 5, .c, priority: 25, utilities: [0.2, 0.45, 0.5]),
        score("C3", rank: 6, .c, priority: 22, utilities: [0.2, 0.2, 0.6]),
        score("C2", rank: 7, .c, priority: 21, utilities: [0.3, 0.2, 0.5]),
        score("I1", rank: 8, .insufficient, priority: 12, utilities: [0.5, 0.2, 0.5], missing: ["f1"]),
    ]

    /// Records both runs into a new history at `path`; returns their ids.
    @discardableResult
    static func record(
        into store: HistoryStore, laterDescription: RunDescription = description(input: "q4.csv")
    ) throws -> (Int64, Int64) {
        let first = try store.record(description()) { recorder in
            for score in earlier { try recorder.append(score) }
            try recorder.reject(RecordedReject(line: 9, column: "budget", code: "not_a_number", message: "'budget' is 'x'"))
        }
        let second = try store.record(laterDescription) { recorder in
            for score in later { try recorder.append(score) }
        }
        return (first.id, second.id)
    }
}
