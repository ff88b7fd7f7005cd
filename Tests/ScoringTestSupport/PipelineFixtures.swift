import LinearAlgebra
import ScoringEngine

/// Transition tables and histories for forecast tests, built from literals.
public enum PipelineFixtures {
    /// A monthly table with every kind of move: forward, skip, back, stay, won, lost.
    /// Rows are stages 1…5; columns stages 1…5, won, lost.
    public static let probabilities: [[Double]] = [
        [0.70, 0.18, 0.02, 0.00, 0.00, 0.00, 0.10],
        [0.03, 0.65, 0.20, 0.02, 0.00, 0.00, 0.10],
        [0.00, 0.03, 0.62, 0.22, 0.02, 0.01, 0.10],
        [0.00, 0.00, 0.02, 0.60, 0.25, 0.05, 0.08],
        [0.00, 0.00, 0.00, 0.03, 0.50, 0.35, 0.12],
    ]

    /// `probabilities` as a table.
    public static func table(period: PeriodLength = .month) -> TransitionTable {
        try! TransitionTable(period: period, probabilities: Matrix(probabilities))
    }

    /// Histories drawn from `table`: `accounts` accounts entering uniformly over `months`
    /// months from January 2021 (entry stage 1, 2 or 3 with probability 0.7, 0.2, 0.1),
    /// each on a random day of its entry month, then moving once per month on a random day.
    /// Events after `months` months are not written, so late entrants are censored.
    public static func histories(
        table: TransitionTable, accounts: Int, months: Int, seed: UInt64
    ) -> (histories: [AccountHistory], observedUntil: CalendarDate) {
        let period = PeriodLength.month
        let first = period.index(of: CalendarDate(year: 2021, month: 1, day: 1)!)
        let last = first + months - 1
        let simulator = PipelineSimulator(table: table)
        var random = SeededRandom(seed: seed)
        var histories: [AccountHistory] = []
        for number in 0..<accounts {
            let id = "H-\(number)"
            let entry = first + Int(random.next() % UInt64(months))
            let u = random.nextDouble()
            let stage = u < 0.7 ? 1 : (u < 0.9 ? 2 : 3)
            func day(in index: Int) -> CalendarDate {
                period.firstDay(of: index).adding(days: Int(random.next() % UInt64(period.dayCount(of: index))))
            }
            var events = [StageEvent(accountID: id, date: day(in: entry), from: nil, to: .stage(stage))]
            var current = PipelineState.stage(stage)
            var month = entry
            while let number = current.stageNumber, month < last {
                month += 1
                let next = simulator.nextState(from: number, using: &random)
                if next != current {
                    events.append(StageEvent(accountID: id, date: day(in: month), from: current, to: next))
                    current = next
                }
            }
            histories.append(AccountHistory(accountID: id, events: events))
        }
        return (histories, period.lastDay(of: last))
    }
}
