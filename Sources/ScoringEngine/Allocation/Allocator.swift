import Foundation

/// Applies an ``AllocationPolicy`` to an ``AllocationProblem``.
///
/// Every policy first proposes work packages per account, capped at the team's maximum
/// per account, and then goes through the same **capacity repair**: for each resource
/// `r` with usage `Uᵣ` above its capacity `Cᵣ`, `ρᵣ = Cᵣ/Uᵣ` (else 1), and each account's
/// effort is multiplied by the smallest `ρᵣ` over the resources it uses. Afterwards
/// `Σᵢ useᵣᵢ eᵢ ≤ ρᵣ Uᵣ ≤ Cᵣ` for every resource: **every allocation respects every
/// capacity**, for every policy.
public struct Allocator: Sendable {
    public let problem: AllocationProblem
    /// Per account and stage (`i·5 + s − 1`): whether the account can take effort there.
    let eligible: [Bool]

    public init(problem: AllocationProblem) {
        self.problem = problem
        let stages = PipelineState.stageCount
        var eligible = [Bool](repeating: false, count: problem.accounts.count * stages)
        for i in problem.accounts.indices {
            for s in 1...stages { eligible[i * stages + s - 1] = problem.exclusion(of: i, stage: s) == nil }
        }
        self.eligible = eligible
    }

    /// Allocates the next period with the accounts in their current stages (or `stages`).
    ///
    /// For ``AllocationPolicy/optimal`` the multipliers come from ``DualAllocator``; the
    /// result carries them as shadow prices with the dual upper bound on the gain.
    public func allocate(_ policy: AllocationPolicy, stages given: [Int?]? = nil) -> Allocation {
        let stages = given ?? problem.accounts.map(\.stage)
        let compact = stages.map { $0 ?? 0 }
        var prices: [Double]? = nil
        var bound: Double? = nil
        var efforts: [Double]
        if policy == .optimal {
            let dual = DualAllocator(allocator: self).solve(stages: compact)
            prices = dual.prices
            bound = dual.upperBound
            efforts = proposal(.optimal, stages: compact, prices: dual.prices)
        } else {
            efforts = proposal(policy, stages: compact, prices: nil)
        }
        let usage = repair(&efforts, stages: compact)
        var reasons: [Allocation.Reason?] = []
        var revenue = 0.0
        var baseline = 0.0
        for i in problem.accounts.indices {
            if let reason = problem.exclusion(of: i, stage: stages[i]) {
                reasons.append(reason)
                continue
            }
            let stage = compact[i]
            revenue += problem.expectedRevenue(of: i, stage: stage, effort: efforts[i])
            baseline += problem.expectedRevenue(of: i, stage: stage, effort: 0)
            guard efforts[i] <= 0 else {
                reasons.append(nil)
                continue
            }
            switch policy {
            case .grade where (problem.team.gradeShares[problem.accounts[i].grade] ?? 0) <= 0:
                reasons.append(.gradePaused)
            case .optimal where prices.map({ !worthIt(i, stage: stage, prices: $0) }) ?? false:
                reasons.append(.notWorthPrice)
            default:
                reasons.append(.capacityUsedUp)
            }
        }
        let expense = usage[problem.budgetIndex]
        let gain = revenue - baseline - (problem.objective == .profit ? expense : 0)
        return Allocation(
            policy: policy, stages: stages, efforts: efforts, reasons: reasons, usage: usage, expectedRevenue: revenue,
            baselineRevenue: baseline, expense: expense, gain: gain, shadowPrices: prices, upperBound: bound)
    }

    /// The objective above zero effort of `efforts` (accounts in `stages`, 0 = none).
    public func gain(of efforts: [Double], stages: [Int]) -> Double {
        var total = 0.0
        for i in efforts.indices where stages[i] > 0 && efforts[i] > 0 {
            let s = stages[i]
            let k = problem.team.response[s - 1].scale
            total += problem.headroom(of: i, stage: s) * (1 - exp(-efforts[i] / k))
            if problem.objective == .profit { total -= problem.team.stages[s - 1].expense * efforts[i] }
        }
        return total
    }

    /// Whether the first package of account `i` is worth its price at `prices` (α/k > μ).
    func worthIt(_ i: Int, stage: Int, prices: [Double]) -> Bool {
        problem.headroom(of: i, stage: stage) / problem.team.response[stage - 1].scale > price(of: i, stage: stage, prices: prices)
    }

    /// μᵢ = Σᵣ λᵣ useᵣᵢ (+ the expense in profit mode): the price of one package of account `i`.
    @inline(__always)
    func price(of i: Int, stage: Int, prices: [Double]) -> Double {
        let work = problem.team.stages[stage - 1]
        var mu =
            prices[problem.directorsIndex] * work.directorHours + prices[problem.specialistsIndex] * work.specialistHours
            + prices[problem.budgetIndex] * work.expense
        if let manager = problem.accounts[i].manager { mu += prices[manager] * work.managerHours }
        if problem.objective == .profit { mu += work.expense }
        return mu
    }

    /// The best effort of account `i` alone at price μ: maximizes α(1 − e^{−e/k}) − μ e on
    /// 0...maximum, i.e. `k ln(α/(k μ))` clipped.
    @inline(__always)
    func bestEffort(_ i: Int, stage: Int, price mu: Double) -> Double {
        let alpha = problem.headroom(of: i, stage: stage)
        let k = problem.team.response[stage - 1].scale
        let cap = problem.team.maximumPackages
        guard alpha > 0 else { return 0 }
        guard mu > 0 else { return cap }
        let ratio = alpha / (k * mu)
        return ratio > 1 ? min(cap, k * log(ratio)) : 0
    }

    /// The packages a policy proposes, before the capacity repair (stages: 0 = none).
    public func proposal(_ policy: AllocationPolicy, stages: [Int], prices: [Double]?) -> [Double] {
        let n = problem.accounts.count
        let stageCount = PipelineState.stageCount
        let cap = problem.team.maximumPackages
        var efforts = [Double](repeating: 0, count: n)
        let managerCount = problem.team.managers.count
        switch policy {
        case .optimal:
            guard let prices else { preconditionFailure("The optimal policy needs prices") }
            for i in 0..<n where stages[i] > 0 && eligible[i * stageCount + stages[i] - 1] {
                efforts[i] = bestEffort(i, stage: stages[i], price: price(of: i, stage: stages[i], prices: prices))
            }
        case .grade:
            // Accounts per manager and grade.
            var counts = [Int](repeating: 0, count: max(1, managerCount) * 4)
            let gradeIndex: [Grade: Int] = [.a: 0, .b: 1, .c: 2, .d: 3]
            for i in 0..<n where stages[i] > 0 && eligible[i * stageCount + stages[i] - 1] {
                guard let g = gradeIndex[problem.accounts[i].grade] else { continue }
                counts[(problem.accounts[i].manager ?? 0) * 4 + g] += 1
            }
            for i in 0..<n where stages[i] > 0 && eligible[i * stageCount + stages[i] - 1] {
                let account = problem.accounts[i]
                guard let g = gradeIndex[account.grade] else { continue }
                let share = problem.team.gradeShares[account.grade] ?? 0
                let work = problem.team.stages[stages[i] - 1]
                if let manager = account.manager, work.managerHours > 0 {
                    let hours = share * problem.capacities[manager] / Double(counts[manager * 4 + g])
                    efforts[i] = min(cap, hours / work.managerHours)
                } else {
                    efforts[i] = cap * share
                }
            }
        case .proportional:
            var totals = [Double](repeating: 0, count: max(1, managerCount))
            var values = [Double](repeating: 0, count: n)
            for i in 0..<n where stages[i] > 0 && eligible[i * stageCount + stages[i] - 1] {
                values[i] =
                    problem.expectedRevenue(of: i, stage: stages[i], effort: 0) > 0
                    ? (problem.accounts[i].dealValue ?? 0) * problem.accounts[i].probabilityByStage[stages[i] - 1] : 0
                totals[problem.accounts[i].manager ?? 0] += values[i]
            }
            for i in 0..<n where values[i] > 0 {
                let work = problem.team.stages[stages[i] - 1]
                if let manager = problem.accounts[i].manager, work.managerHours > 0 {
                    let hours = problem.capacities[manager] * values[i] / totals[manager]
                    efforts[i] = min(cap, hours / work.managerHours)
                } else {
                    let all = totals.reduce(0, +)
                    efforts[i] = all > 0 ? cap * values[i] / all : 0
                }
            }
        }
        return efforts
    }

    /// The capacity repair (see the type's documentation); returns the usage per resource.
    @discardableResult
    public func repair(_ efforts: inout [Double], stages: [Int]) -> [Double] {
        var usage = self.usage(of: efforts, stages: stages)
        let ratios = zip(usage, problem.capacities).map { used, capacity in used > capacity ? capacity / used : 1 }
        guard ratios.contains(where: { $0 < 1 }) else { return usage }
        let r = problem.resourceCount
        for i in efforts.indices where stages[i] > 0 && efforts[i] > 0 {
            var factor = 1.0
            for resource in 0..<r where ratios[resource] < 1 && problem.use(of: i, stage: stages[i], resource: resource) > 0 {
                factor = min(factor, ratios[resource])
            }
            efforts[i] *= factor
        }
        usage = self.usage(of: efforts, stages: stages)
        return usage
    }

    /// Hours or money used per resource by `efforts`.
    public func usage(of efforts: [Double], stages: [Int]) -> [Double] {
        var usage = [Double](repeating: 0, count: problem.resourceCount)
        for i in efforts.indices where stages[i] > 0 && efforts[i] > 0 {
            let work = problem.team.stages[stages[i] - 1]
            if let manager = problem.accounts[i].manager { usage[manager] += work.managerHours * efforts[i] }
            usage[problem.directorsIndex] += work.directorHours * efforts[i]
            usage[problem.specialistsIndex] += work.specialistHours * efforts[i]
            usage[problem.budgetIndex] += work.expense * efforts[i]
        }
        return usage
    }
}
