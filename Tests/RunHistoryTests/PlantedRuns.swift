import Foundation
import RunHistory
import ScoringEngine
import ScoringTestSupport

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
            factors: PlantedScores.factors(weights: weights, scale2: scale2), segments: ["premium"])
    }

    /// The earlier run (``PlantedScores/earlier``).
    static let earlier = PlantedScores.earlier

    /// The later run (``PlantedScores/later``): A1 B→A, D1 dropped, N1 new, I1
    /// C→insufficient, L1 insufficient→B, C1 +5 and C2 +2 (rising C), C3 −3, S1 the same.
    static let later = PlantedScores.later

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
