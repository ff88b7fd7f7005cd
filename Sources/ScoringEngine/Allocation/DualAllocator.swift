import Foundation

/// The optimizer: maximizes Σᵢ fᵢ(eᵢ) (expected revenue gained, or profit) subject to
/// Σᵢ useᵣᵢ eᵢ ≤ Cᵣ for every resource r and 0 ≤ eᵢ ≤ E, by Lagrangian relaxation.
///
/// For multipliers λ ≥ 0 the relaxed problem separates: account `i` maximizes
/// `αᵢ(1 − e^{−e/k}) − μᵢ e` with `μᵢ = Σᵣ λᵣ useᵣᵢ`, whose solution is
/// `eᵢ(λ) = clip(k ln(αᵢ/(k μᵢ)), 0, E)`. The dual function
///
///     D(λ) = Σᵢ max_e [fᵢ(e) − μᵢ e] + Σᵣ λᵣ Cᵣ
///
/// is convex and differentiable (each fᵢ is strictly concave), with ∂D/∂λᵣ = Cᵣ − Uᵣ(λ).
/// It is minimized by cyclic coordinate descent: each λᵣ is set by bisection so that its
/// resource is exactly used (Uᵣ = Cᵣ) or, if it is not used up at λᵣ = 0, to 0.
///
/// **What it guarantees.**
/// - *Weak duality:* for every λ ≥ 0 and every feasible allocation, gain ≤ D(λ). The
///   returned ``Result/upperBound`` is such a bound, so the gap `upperBound − gain` of the
///   returned (repaired, feasible) allocation bounds how far it can be from the optimum.
/// - *One binding resource* (e.g. only the budget binds): the bisection finds the λ with
///   KKT conditions holding — the equal-marginal-value rule of greedy marginal allocation
///   for concave separable response — and the allocation is optimal (gap → 0 up to the
///   bisection's tolerance).
/// - *Several resources:* the problem is concave with linear constraints, so strong duality
///   holds (Slater: e = 0 is strictly feasible when every capacity is positive); when the
///   coordinate descent has converged, λ satisfies the KKT conditions and the allocation
///   is optimal. After a finite number of sweeps the repair keeps it feasible and the
///   reported gap says how close it is.
public struct DualAllocator: Sendable {
    public let allocator: Allocator
    /// Sweeps over all resources at most, and bisection steps per multiplier.
    public let maximumSweeps: Int
    public let bisectionSteps: Int

    public init(allocator: Allocator, maximumSweeps: Int = 200, bisectionSteps: Int = 64) {
        self.allocator = allocator
        self.maximumSweeps = maximumSweeps
        self.bisectionSteps = bisectionSteps
    }

    public struct Result: Sendable {
        /// λ per resource (≥ 0): the gain of one more hour of that resource, or one more unit of budget.
        public let prices: [Double]
        /// D(λ): no feasible allocation gains more.
        public let upperBound: Double
        /// Sweeps used.
        public let sweeps: Int
    }

    /// Solves for the multipliers with the accounts in `stages` (0 = none).
    public func solve(stages: [Int]) -> Result {
        let problem = allocator.problem
        let stageCount = PipelineState.stageCount
        let r = problem.resourceCount
        let members = stages.indices.filter { stages[$0] > 0 && allocator.eligible[$0 * stageCount + stages[$0] - 1] }
        // Accounts that use each resource.
        var users = [[Int]](repeating: [], count: r)
        for i in members {
            for resource in 0..<r where problem.use(of: i, stage: stages[i], resource: resource) > 0 {
                users[resource].append(i)
            }
        }
        var prices = [Double](repeating: 0, count: r)
        func usage(_ resource: Int) -> Double {
            var total = 0.0
            for i in users[resource] {
                let e = allocator.bestEffort(i, stage: stages[i], price: allocator.price(of: i, stage: stages[i], prices: prices))
                total += problem.use(of: i, stage: stages[i], resource: resource) * e
            }
            return total
        }
        var sweeps = 0
        for sweep in 1...max(1, maximumSweeps) {
            sweeps = sweep
            var largestChange = 0.0
            for resource in 0..<r where !users[resource].isEmpty {
                let old = prices[resource]
                let capacity = problem.capacities[resource]
                prices[resource] = 0
                if usage(resource) <= capacity {
                    largestChange = max(largestChange, old)
                    continue
                }
                var low = 0.0
                var high = max(old * 2, 1e-6)
                prices[resource] = high
                while usage(resource) > capacity, high < 1e300 {
                    low = high
                    high *= 4
                    prices[resource] = high
                }
                for _ in 0..<bisectionSteps {
                    let middle = 0.5 * (low + high)
                    guard middle > low, middle < high else { break }
                    prices[resource] = middle
                    if usage(resource) > capacity { low = middle } else { high = middle }
                }
                prices[resource] = high
                largestChange = max(largestChange, abs(high - old) / max(1e-12, max(high, old)))
            }
            if largestChange <= 1e-9 { break }
        }
        // D(λ).
        var bound = 0.0
        for i in members {
            let s = stages[i]
            let mu = allocator.price(of: i, stage: s, prices: prices)
            let e = allocator.bestEffort(i, stage: s, price: mu)
            let k = problem.team.response[s - 1].scale
            bound += problem.headroom(of: i, stage: s) * (1 - exp(-e / k)) - mu * e
        }
        for resource in 0..<r { bound += prices[resource] * problem.capacities[resource] }
        return Result(prices: prices, upperBound: bound, sweeps: sweeps)
    }
}
