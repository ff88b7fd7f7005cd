import Foundation

/// The optimal policy over many periods, cheaply: shadow prices λ solved once, then scaled
/// by a common factor θ each period.
///
/// At prices θλ an account's best effort is `clip(cᵢ,ₛ − kₛ ln θ, 0, E)` with
/// `cᵢ,ₛ = kₛ ln(αᵢ,ₛ / (kₛ μᵢ,ₛ))` (``Allocator/bestEffort(_:stage:price:)``), so every usage is
/// a piecewise-linear, non-increasing function of `t = ln θ` and needs no `exp` or `log` to
/// evaluate. Each period `t` is set by bisection to the smallest value at which every
/// capacity holds: the binding resource is used up again as accounts close or move, with
/// the relative prices of the first period. At `t = 0` this is the first period's
/// allocation. In profit mode the expense part of μ is not scaled.
public struct PriceScaledPlan: Sendable {
    public let allocator: Allocator
    /// Per account and stage (`i·5 + s − 1`): cᵢ,ₛ for θ = 1, −∞ when the account gets nothing there.
    let offsets: [Double]
    /// Per account and stage: the part of μ that is scaled (resources) and the part that is not (expense at par).
    let scaled: [Double]
    let fixed: [Double]

    public init(allocator: Allocator, prices: [Double]) {
        self.allocator = allocator
        let problem = allocator.problem
        let stages = PipelineState.stageCount
        var offsets = [Double](repeating: -.infinity, count: problem.accounts.count * stages)
        var scaled = [Double](repeating: 0, count: offsets.count)
        var fixed = [Double](repeating: 0, count: offsets.count)
        for i in problem.accounts.indices {
            for s in 1...stages where allocator.eligible[i * stages + s - 1] {
                let mu = allocator.price(of: i, stage: s, prices: prices)
                let par = problem.objective == .profit ? problem.team.stages[s - 1].expense : 0
                scaled[i * stages + s - 1] = mu - par
                fixed[i * stages + s - 1] = par
                let alpha = problem.headroom(of: i, stage: s)
                let k = problem.team.response[s - 1].scale
                offsets[i * stages + s - 1] = alpha > 0 ? (mu > 0 ? k * log(alpha / (k * mu)) : .infinity) : -.infinity
            }
        }
        self.offsets = offsets
        self.scaled = scaled
        self.fixed = fixed
    }

    /// The efforts at the smallest price scale at which every capacity holds (stages: 0 = none).
    public func efforts(stages: [Int]) -> [Double] {
        let problem = allocator.problem
        let count = PipelineState.stageCount
        let cap = problem.team.maximumPackages
        let capacities = problem.capacities
        let profit = problem.objective == .profit
        var efforts = [Double](repeating: 0, count: stages.count)
        func fill(_ t: Double) {
            for i in stages.indices {
                let s = stages[i]
                guard s > 0 else {
                    efforts[i] = 0
                    continue
                }
                let c = offsets[i * count + s - 1]
                guard c > -.infinity else {
                    efforts[i] = 0
                    continue
                }
                let k = problem.team.response[s - 1].scale
                var e: Double
                if profit && fixed[i * count + s - 1] > 0 {
                    // μ(θ) = θ·scaled + fixed: evaluate exactly.
                    let mu = exp(t) * scaled[i * count + s - 1] + fixed[i * count + s - 1]
                    e = allocator.bestEffort(i, stage: s, price: mu)
                } else {
                    e = c == .infinity ? cap : c - k * t
                }
                efforts[i] = min(cap, max(0, e))
            }
        }
        func feasible() -> Bool {
            let usage = allocator.usage(of: efforts, stages: stages)
            for r in usage.indices where usage[r] > capacities[r] * (1 + 1e-12) { return false }
            return true
        }
        var low = -60.0
        var high = 60.0
        fill(low)
        if feasible() { return efforts }
        for _ in 0..<40 {
            let middle = 0.5 * (low + high)
            fill(middle)
            if feasible() { high = middle } else { low = middle }
        }
        fill(high)
        return efforts
    }
}
