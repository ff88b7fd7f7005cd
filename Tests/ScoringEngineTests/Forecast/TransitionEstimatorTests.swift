import LinearAlgebra
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Transition estimation with censoring")
struct TransitionEstimatorTests {
    func date(_ text: String) -> CalendarDate { CalendarDate(text: text)! }

    @Test("hand-made histories give hand-counted transitions, stays included")
    func handCounts() throws {
        let histories = [
            // Enters stage 1 in January, 2 in March, won in April: 1→1, 1→2, 2→won.
            AccountHistory(
                accountID: "A",
                events: [
                    StageEvent(accountID: "A", date: date("2024-01-10"), from: nil, to: .stage(1)),
                    StageEvent(accountID: "A", date: date("2024-03-02"), from: .stage(1), to: .stage(2)),
                    StageEvent(accountID: "A", date: date("2024-04-20"), from: .stage(2), to: .won),
                ]),
            // Two moves in one month count as one transition 1→3; then censored in stage 3
            // (observed until June 30: 3→3 in May and June).
            AccountHistory(
                accountID: "B",
                events: [
                    StageEvent(accountID: "B", date: date("2024-03-05"), from: nil, to: .stage(1)),
                    StageEvent(accountID: "B", date: date("2024-04-03"), from: .stage(1), to: .stage(2)),
                    StageEvent(accountID: "B", date: date("2024-04-25"), from: .stage(2), to: .stage(3)),
                ]),
            // First seen moving (left-truncated): observation starts at the end of May in
            // stage 5; then 5→5 in June; its July loss is after the end of observation.
            AccountHistory(
                accountID: "C",
                events: [
                    StageEvent(accountID: "C", date: date("2024-05-15"), from: .stage(4), to: .stage(5)),
                    StageEvent(accountID: "C", date: date("2024-07-01"), from: .stage(5), to: .lost),
                ]),
            // Enters in the last month: nothing complete to count.
            AccountHistory(
                accountID: "D",
                events: [
                    StageEvent(accountID: "D", date: date("2024-07-02"), from: nil, to: .stage(1))
                ]),
        ]
        let estimator = TransitionEstimator(period: .month)
        let result = estimator.counts(histories, observedUntil: date("2024-06-30"))
        var expected = [[Int]](repeating: [Int](repeating: 0, count: 7), count: 5)
        expected[0][0] = 1  // A Jan→Feb
        expected[0][1] = 1  // A Feb→Mar
        expected[1][5] = 1  // A Mar→Apr won
        expected[0][2] = 1  // B Mar→Apr: 1 → 3
        expected[2][2] = 2  // B Apr→May, May→Jun
        expected[4][4] = 1  // C May→Jun
        #expect(result.counts == expected)
        #expect(result.won == 1)
        #expect(result.lost == 0)
        #expect(result.censored == 2)
        #expect(result.tooRecent == 1)
    }

    @Test("the fitted table recovers the generating table within its confidence intervals, with censoring")
    func recovery() throws {
        let truth = PipelineFixtures.table()
        let generated = PipelineFixtures.histories(table: truth, accounts: 20_000, months: 36, seed: 77)
        let fit = try TransitionEstimator(period: .month, confidenceLevel: 0.99).fit(
            generated.histories, observedUntil: generated.observedUntil)
        // Censoring is present: many accounts are still open at the end.
        #expect(fit.censored > 2_000)
        let intervals = try #require(fit.table.intervals)
        var outside95 = 0
        let counts = try #require(fit.table.counts)
        for row in 0..<5 {
            for column in 0..<7 {
                let p = truth.probabilities[row, column]
                #expect(intervals[row][column].contains(p), "P(\(row + 1) → \(column)) = \(p) outside \(intervals[row][column])")
                let interval95 = ConfidenceInterval.wilson(
                    successes: counts[row][column], trials: counts[row].reduce(0, +), level: 0.95)
                if !interval95.contains(p) { outside95 += 1 }
            }
        }
        // About 5% of 35 intervals may miss at 95%; many more would mean a biased estimate.
        #expect(outside95 <= 5)
    }

    @Test("counting censored accounts as lost, the mistake the estimator avoids, would be far outside the intervals")
    func censoringMatters() throws {
        let truth = PipelineFixtures.table()
        let generated = PipelineFixtures.histories(table: truth, accounts: 20_000, months: 36, seed: 77)
        let estimator = TransitionEstimator(period: .month)
        let fit = try estimator.fit(generated.histories, observedUntil: generated.observedUntil)
        var counts = try #require(fit.table.counts)
        let lastPeriod = PeriodLength.month.lastCompletePeriod(observedUntil: generated.observedUntil)
        for history in generated.histories {
            guard let path = history.periodStates(period: .month, lastPeriod: lastPeriod),
                let stage = path.states.last?.stageNumber
            else { continue }
            counts[stage - 1][6] += 1
        }
        let naive = try TransitionTable(period: .month, counts: counts)
        let intervals = try #require(fit.table.intervals)
        #expect(!intervals[0][6].contains(naive.probabilities[0, 6]))
    }
}
