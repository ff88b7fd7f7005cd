import Foundation

/// Monte Carlo of the pipeline over several periods under an allocation policy.
///
/// Each run starts from the accounts' current stages. In every period the policy allocates
/// the team's hours and budget to the open accounts in their current stages (with the
/// capacity repair, so every period respects every capacity); each open account then moves
/// one step along its stage's transition row under its effort (``EffortResponse``), drawn
/// with one uniform. A won account adds its deal value to the run's won revenue.
///
/// The optimal policy is **price-directed** over the horizon (``PriceScaledPlan``): its
/// multipliers (shadow prices) are solved once for the first period; each later period
/// rescales them by one common factor, chosen so the tightest capacity is used up again,
/// and gives every open account its best effort at those prices (then repaired). The grade and proportional
/// policies recount their accounts every period.
///
/// Run `k` uses stream `k` of the seed for every policy (common random numbers), so the
/// per-run differences between policies are paired and their standard errors small.
///
/// **One model of winning.** Accounts move by their stage's chain under their effort, and a
/// win of account `i` counts `rᵢ = pᵢ/π_{s₀}` wins and `rᵢ·Vᵢ` revenue
/// (``AllocationProblem/winWeight``): the score effect of the pipeline's conversion model,
/// applied exactly as `kam forecast` applies it (P(won by t) = rᵢ × the chain's) and as the
/// allocator's objective does (Vᵢ (pᵢ/πₛ)(Bₛ + Gₛ m(e))). So with every account at the
/// effort the pipeline was fitted on (m = 1, ``simulateAtFittedEffort()``) the expected wins
/// and revenue by period equal the forecast's; the policies differ from it only through the
/// effort they give. Per-run totals are sums of these weighted wins (unbiased; their spread
/// approximates that of whole wins).
public struct AllocationSimulator: Sendable {
    public let allocator: Allocator
    public let periods: Int
    public let runs: Int
    public let seed: UInt64
    public let threads: Int
    /// Called from the worker threads after each run with the number of runs finished so
    /// far (for a progress line); it must be cheap and thread-safe.
    public var runFinished: (@Sendable (Int) -> Void)?

    public init(allocator: Allocator, periods: Int, runs: Int, seed: UInt64, threads: Int = 2) {
        precondition(periods >= 1 && runs >= 1 && threads >= 1, "Periods, runs and threads must be at least 1")
        self.allocator = allocator
        self.periods = periods
        self.runs = runs
        self.seed = seed
        self.threads = threads
    }

    /// What the runs of one policy produced.
    public struct Outcome: Sendable {
        public let policy: AllocationPolicy?
        /// Per run: accounts won, revenue won, expense spent (over all periods).
        public let wins: [Double]
        public let revenue: [Double]
        public let expense: [Double]
        /// Mean over runs of the hours (or money) used per resource, over all periods.
        public let usage: [Double]
        /// Mean over runs of the team's hours spent on accounts of grade A, B, C, D, and others.
        public let hoursByGrade: [Double]
        /// Accounts open at the start.
        public let openAtStart: Int
    }

    /// Simulates one policy.
    public func simulate(_ policy: AllocationPolicy) -> Outcome {
        let start = allocator.problem.accounts.map { $0.stage ?? 0 }
        if policy == .optimal {
            let prices = DualAllocator(allocator: allocator).solve(stages: start).prices
            let plan = PriceScaledPlan(allocator: allocator, prices: prices)
            return simulate(policy: policy) { stages in
                var efforts = plan.efforts(stages: stages)
                allocator.repair(&efforts, stages: stages)
                return efforts
            }
        }
        return simulate(policy: policy) { stages in
            var efforts = allocator.proposal(policy, stages: stages, prices: nil)
            allocator.repair(&efforts, stages: stages)
            return efforts
        }
    }

    /// Simulates with the same `effort` packages on every open account in every period,
    /// capacities ignored (to check the simulation against the absorbing chain).
    public func simulate(fixedEffort effort: Double) -> Outcome {
        simulate(policy: nil) { stages in stages.map { $0 > 0 ? effort : 0 } }
    }

    /// Simulates every open account at the effort the pipeline was fitted on: multiplier
    /// m = 1 on every stage's advance rate, capacities ignored, no hours counted. The
    /// expected wins and revenue then equal `kam forecast`'s over the same periods.
    public func simulateAtFittedEffort() -> Outcome {
        simulate(policy: nil, efforts: { stages in stages.map { _ in 0 } }, fittedEffort: true)
    }

    /// A count of finished runs shared by the worker threads.
    final class FinishedRuns: @unchecked Sendable {
        private var count = 0
        private let lock = NSLock()

        func increment() -> Int {
            lock.lock()
            defer { lock.unlock() }
            count += 1
            return count
        }
    }

    final class Slot: @unchecked Sendable {
        var wins = 0.0
        var revenue = 0.0
        var expense = 0.0
        var usage: [Double] = []
        var gradeHours: [Double] = []
    }

    /// The fitted transition rows of the open stages, flattened (stage `s`'s row, 0-based, at
    /// `s × states`), and which states of each row are forward moves (scaled by the effort
    /// multiplier m; the rest of the row by the factor that keeps its sum).
    struct FittedChain: Sendable {
        let rows: [Double]
        let forward: [Bool]
        let states = PipelineState.count
        let wonIndex = PipelineState.won.index
        let lostIndex = PipelineState.lost.index

        init(_ problem: AllocationProblem) {
            let stageCount = PipelineState.stageCount
            let states = PipelineState.count
            var flatRows = [Double](repeating: 0, count: stageCount * states)
            var forward = [Bool](repeating: false, count: stageCount * states)
            for s in 0..<stageCount {
                for j in 0..<states { flatRows[s * states + j] = problem.fittedRows[s][j] }
                for j in EffortResponse.forwardStates(stage: s + 1) { forward[s * states + j] = true }
            }
            rows = flatRows
            self.forward = forward
        }

        /// The state an account at open stage `s` (0-based) moves to for the uniform `u`: the
        /// first whose cumulative probability exceeds `u`, lost when none does.
        func next(stage s: Int, multiplier m: Double, restScale: Double, uniform u: Double) -> Int {
            var cumulative = 0.0
            for j in 0..<states {
                cumulative += rows[s * states + j] * (forward[s * states + j] ? m : restScale)
                if u < cumulative { return j }
            }
            return lostIndex
        }
    }

    /// What the runs read of each account: its stage at the start (0 closed), deal value, win
    /// weight, and grade index (A to D 0…3, insufficient 4).
    struct AccountFigures: Sendable {
        let start: [Int]
        let values: [Double]
        let winWeight: [Double]
        let gradeIndex: [Int]

        init(_ problem: AllocationProblem) {
            start = problem.accounts.map { $0.stage ?? 0 }
            values = problem.accounts.map { $0.dealValue ?? 0 }
            winWeight = problem.winWeight
            gradeIndex = problem.accounts.map { account -> Int in
                switch account.grade {
                case .a: return 0
                case .b: return 1
                case .c: return 2
                case .d: return 3
                case .insufficient: return 4
                }
            }
        }
    }

    func simulate(
        policy: AllocationPolicy?, efforts: @escaping @Sendable ([Int]) -> [Double], fittedEffort: Bool = false
    ) -> Outcome {
        let chain = FittedChain(allocator.problem)
        let accounts = AccountFigures(allocator.problem)
        let slots = (0..<runs).map { _ in Slot() }
        let finished = FinishedRuns()
        let runFinished = self.runFinished
        SeededRandom.forEachRun(runs: runs, seed: seed, threads: threads) { run, random in
            simulateRun(
                into: slots[run], random: &random, chain: chain, accounts: accounts, efforts: efforts,
                fittedEffort: fittedEffort)
            if let runFinished { runFinished(finished.increment()) }
        }
        return Self.outcome(
            policy: policy, slots: slots, resourceCount: allocator.problem.resourceCount,
            openAtStart: accounts.start.filter { $0 > 0 }.count)
    }

    /// One run over every period: each period's efforts and usage, then each open account's
    /// step along its stage's chain under its effort (one uniform each, in account order);
    /// the run's wins, revenue, expense, usage and hours by grade go into `slot`.
    func simulateRun(
        into slot: Slot, random: inout SeededRandom, chain: FittedChain, accounts: AccountFigures,
        efforts: ([Int]) -> [Double], fittedEffort: Bool
    ) {
        let problem = allocator.problem
        let resourceCount = problem.resourceCount
        var stages = accounts.start
        var wins = 0.0
        var revenue = 0.0
        var usage = [Double](repeating: 0, count: resourceCount)
        var gradeHours = [Double](repeating: 0, count: 5)
        for _ in 0..<periods {
            let effort = efforts(stages)
            let used = allocator.usage(of: effort, stages: stages)
            for r in 0..<resourceCount { usage[r] += used[r] }
            for i in stages.indices where stages[i] > 0 {
                let s = stages[i] - 1
                let e = effort[i]
                if e > 0 {
                    let work = problem.team.stages[s]
                    gradeHours[accounts.gradeIndex[i]] += e * (work.managerHours + work.directorHours + work.specialistHours)
                }
                let m = fittedEffort ? 1 : problem.team.response[s].multiplier(effort: e)
                let a = problem.advanceRate[s]
                let restScale = a < 1 ? (1 - a * m) / (1 - a) : 0
                let next = chain.next(stage: s, multiplier: m, restScale: restScale, uniform: random.nextDouble())
                if next == chain.wonIndex {
                    wins += accounts.winWeight[i]
                    revenue += accounts.winWeight[i] * accounts.values[i]
                    stages[i] = 0
                } else if next == chain.lostIndex {
                    stages[i] = 0
                } else {
                    stages[i] = next + 1
                }
            }
        }
        slot.wins = wins
        slot.revenue = revenue
        slot.expense = usage[resourceCount - 1]
        slot.usage = usage
        slot.gradeHours = gradeHours
    }

    /// The runs' totals, and their mean usage and hours by grade (summed run by run).
    static func outcome(policy: AllocationPolicy?, slots: [Slot], resourceCount: Int, openAtStart: Int) -> Outcome {
        let runs = slots.count
        var meanUsage = [Double](repeating: 0, count: resourceCount)
        var meanGrade = [Double](repeating: 0, count: 5)
        for slot in slots {
            for r in 0..<resourceCount { meanUsage[r] += slot.usage[r] / Double(runs) }
            for g in 0..<5 { meanGrade[g] += slot.gradeHours[g] / Double(runs) }
        }
        return Outcome(
            policy: policy, wins: slots.map(\.wins), revenue: slots.map(\.revenue), expense: slots.map(\.expense),
            usage: meanUsage, hoursByGrade: meanGrade, openAtStart: openAtStart)
    }
}
