import RunHistory
import ScoringEngine

/// Two hand-built runs of account scores with known moves, which the run-history tests
/// (`PlantedRuns`) and the run-history reports (`PlantedHistory`) record through the
/// library. The model has three factors: `f1` and `f2` on the value side, `f3` on the
/// difficulty side.
public enum PlantedScores {
    /// The model's factors with their `weights` (f1, f2, f3); f2's scale is `scale2`.
    public static func factors(weights: [Double], scale2: String = "linear") -> [FactorDetail] {
        [
            FactorDetail(id: "f1", side: "value", weight: weights[0], scale: "linear"),
            FactorDetail(id: "f2", side: "value", weight: weights[1], scale: scale2),
            FactorDetail(id: "f3", side: "difficulty", weight: weights[2], scale: "linear"),
        ]
    }

    /// An account's score: named `name <id>`, value `50 + priority / 2`, difficulty 40,
    /// complete unless factors are `missing` (then 0.5).
    public static func score(
        _ id: String, rank: Int, _ grade: Grade, priority: Double, utilities: [Double], missing: [String] = [],
        probability: Double? = nil
    ) -> AccountScore {
        AccountScore(
            account: id, name: "name " + id, rank: rank, grade: grade, value: 50 + priority / 2, difficulty: 40,
            priority: priority, completeness: missing.isEmpty ? 1 : 0.5, probability: probability, segments: [],
            missing: missing, utilities: utilities)
    }

    /// The earlier run: 8 accounts.
    public static let earlier: [AccountScore] = [
        score("A1", rank: 3, .b, priority: 40, utilities: [0.3, 0.2, 0.5]),
        score("C1", rank: 5, .c, priority: 20, utilities: [0.2, 0.2, 0.5]),
        score("C2", rank: 6, .c, priority: 19, utilities: [0.2, 0.2, 0.5]),
        score("C3", rank: 4, .c, priority: 25, utilities: [0.2, 0.2, 0.5]),
        score("D1", rank: 2, .a, priority: 60, utilities: [0.9, 0.9, 0.1]),
        score("I1", rank: 7, .c, priority: 18, utilities: [0.6, 0.2, 0.5]),
        score("L1", rank: 8, .insufficient, priority: 10, utilities: [0.5, 0.0, 0.5], missing: ["f2"]),
        score("S1", rank: 1, .a, priority: 70, utilities: [0.9, 0.9, 0.2]),
    ]

    /// The later run, with the same model: A1 B→A (f2 +0.5, f1 +0.1), D1 dropped, N1 new,
    /// I1 C→insufficient (f1 lost), L1 insufficient→B (f2 collected), C1 +5 and C2 +2
    /// (rising C), C3 −3, S1 the same.
    public static let later: [AccountScore] = [
        score("S1", rank: 1, .a, priority: 70, utilities: [0.9, 0.9, 0.2]),
        score("A1", rank: 2, .a, priority: 55, utilities: [0.4, 0.7, 0.5]),
        score("N1", rank: 3, .b, priority: 45, utilities: [0.5, 0.5, 0.5]),
        score("L1", rank: 4, .b, priority: 35, utilities: [0.5, 0.8, 0.5]),
        score("C1", rank: 5, .c, priority: 25, utilities: [0.2, 0.45, 0.5]),
        score("C3", rank: 6, .c, priority: 22, utilities: [0.2, 0.2, 0.6]),
        score("C2", rank: 7, .c, priority: 21, utilities: [0.3, 0.2, 0.5]),
        score("I1", rank: 8, .insufficient, priority: 12, utilities: [0.5, 0.2, 0.5], missing: ["f1"]),
    ]
}
