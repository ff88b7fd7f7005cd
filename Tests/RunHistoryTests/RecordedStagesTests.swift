import Foundation
import RunHistory
import ScoringEngine
import ScoringTestSupport
import Testing

/// Monthly runs with planted stage paths, recorded through the library, and the transition
/// counts they must give.
enum PlantedStages {
    /// Runs on the 15th of January to April 2026; `nil` is an account the run did not hold.
    /// A fifth run on 2026-02-20 holds no stages (a list without a stage column).
    static let paths: [(account: String, stages: [Int?])] = [
        ("P1", [1, 1, 2, 3]),  // 1→1, 1→2, 2→3
        ("P2", [2, 2, 2, 2]),  // 2→2 three times
        ("P3", [1, 2, nil, nil]),  // 1→2, then leaves after February
        ("P4", [nil, 3, 4, 4]),  // enters in February: 3→4, 4→4
        ("P5", [4, nil, 5, nil]),  // leaves after January, comes back in March
        ("P6", [4, 5, 5, nil]),  // 4→5, 5→5, leaves after March from stage 5
    ]
    static let days = [1_768_435_200.0, 1_771_113_600, 1_773_532_800, 1_776_211_200]  // 2026-01-15 … 04-15, 00:00 UTC

    static func record(into store: HistoryStore) throws {
        for (month, day) in days.enumerated() {
            var description = PlantedRuns.description()
            description.recordedAt = Date(timeIntervalSince1970: day)
            _ = try store.record(description) { recorder in
                for (index, path) in paths.enumerated() {
                    guard let stage = path.stages[month] else { continue }
                    var score = PlantedScores.score(path.account, rank: index + 1, .b, priority: 50, utilities: [0.5, 0.5, 0.5])
                    score.stage = stage
                    try recorder.append(score)
                }
                try recorder.append(PlantedScores.score("N1", rank: 99, .c, priority: 1, utilities: [0.5, 0.5, 0.5]))
            }
            if month == 1 {
                var plain = PlantedRuns.description()
                plain.recordedAt = Date(timeIntervalSince1970: day + 5 * 86_400)
                _ = try store.record(plain) { recorder in
                    try recorder.append(PlantedScores.score("P1", rank: 1, .b, priority: 50, utilities: [0.5, 0.5, 0.5]))
                }
            }
        }
    }

    static func counts(_ stages: RecordedStages) -> [[Int]] {
        TransitionEstimator(period: .month).counts(stages.histories, observedUntil: CalendarDate(year: 2026, month: 4, day: 30)!)
            .counts
    }

    /// counts[from stage − 1][to state index] for the planted paths, leavers censored.
    static func censoredCounts() -> [[Int]] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: PipelineState.count), count: PipelineState.stageCount)
        counts[0][0] = 1  // P1 1→1
        counts[0][1] = 2  // P1 1→2, P3 1→2
        counts[1][1] = 3  // P2
        counts[1][2] = 1  // P1 2→3
        counts[2][3] = 1  // P4 3→4
        counts[3][3] = 1  // P4 4→4
        counts[3][4] = 1  // P6 4→5
        counts[4][4] = 1  // P6 5→5
        return counts
    }
}

@Suite("Run history: stage moves from recorded runs")
struct RecordedStagesTests {
    @Test("Planted stage paths give exactly the planted transitions, leavers censored")
    func censored() throws {
        let store = try HistoryStore(path: try temporaryHistoryPath(), create: true)
        try PlantedStages.record(into: store)
        let stages = try store.stageHistories(dropped: .censored)
        #expect(stages.runs.count == 4 && stages.runsWithoutStages.count == 1)
        #expect(stages.histories.map(\.accountID) == ["P1", "P2", "P3", "P5", "P6", "P4"])
        #expect(stages.left == 3)  // P3, P5, P6
        #expect(stages.reappeared == 1)  // P5
        #expect(stages.firstDate == CalendarDate(year: 2026, month: 1, day: 15))
        #expect(stages.lastDate == CalendarDate(year: 2026, month: 4, day: 15))
        #expect(PlantedStages.counts(stages) == PlantedStages.censoredCounts())
        let p3 = try #require(stages.histories.first { $0.accountID == "P3" })
        #expect(p3.lastSeen == CalendarDate(year: 2026, month: 2, day: 15))
        #expect(p3.events.map(\.to) == [.stage(1), .stage(2)])
    }

    @Test("Leaving the lists counts as lost, or as won from stage 5, when asked")
    func closing() throws {
        let store = try HistoryStore(path: try temporaryHistoryPath(), create: true)
        try PlantedStages.record(into: store)
        var lost = PlantedStages.censoredCounts()
        lost[1][PipelineState.lost.index] = 1  // P3 2→lost in March
        lost[3][PipelineState.lost.index] = 1  // P5 4→lost in February
        var stage5Won = lost
        lost[4][PipelineState.lost.index] = 1  // P6 5→lost in April
        stage5Won[4][PipelineState.won.index] = 1  // P6 5→won in April
        #expect(PlantedStages.counts(try store.stageHistories(dropped: .lost)) == lost)
        let won = try store.stageHistories(dropped: .stage5Won)
        #expect(PlantedStages.counts(won) == stage5Won)
        #expect(won.histories.allSatisfy { $0.lastSeen == nil })
    }

    @Test("A history without stages gives no histories")
    func noStages() throws {
        let store = try HistoryStore(path: try temporaryHistoryPath(), create: true)
        try PlantedRuns.record(into: store)
        let stages = try store.stageHistories(dropped: .censored)
        #expect(stages.runs.isEmpty && stages.histories.isEmpty && stages.runsWithoutStages.count == 2)
    }
}
