/// The figures of one policy's simulation, and its comparison with the best policy.
public struct SimulationSummary: Sendable {
    public let policy: AllocationPolicy
    /// Mean accounts won over the horizon and its standard error.
    public let expectedWins: Double
    public let winsStandardError: Double
    /// Won revenue: mean, its standard error, and P10/P50/P90 over runs.
    public let revenueMean: Double
    public let revenueStandardError: Double
    public let revenueP10: Double
    public let revenueP50: Double
    public let revenueP90: Double
    /// Mean expense over the horizon, the budget over the horizon, and their ratio
    /// (商务费用控制 = actual / budget; NaN with a zero budget).
    public let expense: Double
    public let budget: Double
    public let expenseControl: Double
    /// Mean hours (or money) per resource over the horizon and its utilisation (used/capacity, NaN at capacity 0).
    public let usage: [Double]
    public let utilisation: [Double]
    /// Mean hours on grade A, B, C, D and other accounts over the horizon.
    public let hoursByGrade: [Double]
    /// Won revenue per unit of expense (NaN when nothing was spent).
    public let returnOnExpense: Double
    /// Mean revenue minus the best policy's, and the standard error of that paired difference (0 for the best).
    public let differenceToBest: Double
    public let differenceStandardError: Double

    /// Summarises outcomes of the same runs (same seed) and compares each with the one of highest mean revenue.
    public static func summarize(_ outcomes: [AllocationSimulator.Outcome], problem: AllocationProblem, periods: Int)
        -> [SimulationSummary]
    {
        guard let best = outcomes.max(by: { mean($0.revenue) < mean($1.revenue) }) else { return [] }
        return outcomes.map { outcome in
            let runs = Double(outcome.revenue.count)
            let sorted = outcome.revenue.sorted()
            let budget = problem.team.budget * Double(periods)
            let expense = mean(outcome.expense)
            let differences = zip(outcome.revenue, best.revenue).map { $0 - $1 }
            let capacities = problem.capacities.map { $0 * Double(periods) }
            return SimulationSummary(
                policy: outcome.policy ?? .grade, expectedWins: mean(outcome.wins),
                winsStandardError: standardDeviation(outcome.wins) / runs.squareRoot(),
                revenueMean: mean(outcome.revenue),
                revenueStandardError: standardDeviation(outcome.revenue) / runs.squareRoot(),
                revenueP10: quantile(sorted, 0.1), revenueP50: quantile(sorted, 0.5), revenueP90: quantile(sorted, 0.9),
                expense: expense, budget: budget, expenseControl: budget > 0 ? expense / budget : .nan,
                usage: outcome.usage,
                utilisation: zip(outcome.usage, capacities).map { $1 > 0 ? $0 / $1 : .nan },
                hoursByGrade: outcome.hoursByGrade,
                returnOnExpense: expense > 0 ? mean(outcome.revenue) / expense : .nan,
                differenceToBest: mean(differences),
                differenceStandardError: standardDeviation(differences) / runs.squareRoot())
        }
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    /// The `q` quantile of sorted values (linear interpolation between order statistics).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(sorted.count - 1, low + 1)
        let fraction = position - Double(low)
        return sorted[low] * (1 - fraction) + sorted[high] * fraction
    }
}
