import Foundation

/// The allocation problem of one period: which accounts can take effort, what a work
/// package costs each of them in each resource, and what it is worth.
///
/// **Objective.** For an account `i` in stage `s` with deal value `Vᵢ` and forecast
/// probability `pᵢ` (the forecast's score-aware P(won), or the stage's `πₛ`), effort `e`
/// in the period changes the period's transition row (``EffortResponse``); after the period
/// the fitted chain runs on. Its expected won revenue is then
///
///     Vᵢ · (pᵢ/πₛ) · (Bₛ + Gₛ · m(e)),    Gₛ = Aₛ − aₛ Bₛ,
///
/// with `Aₛ = Σ_forward T[s,j] πⱼ`, `Bₛ = Σ_rest T[s,j] πⱼ / (1 − aₛ)` (πⱼ the chain's P(won |
/// state j), 1 for won, 0 for lost), `aₛ` the fitted advance rate and `m(e)` the response
/// multiplier; at `m = 1` (the history's effort) this is exactly the forecast `Vᵢ pᵢ`.
/// The part that depends on effort is `fᵢ(e) = αᵢ (1 − exp(−e/k))`, `αᵢ = Vᵢ (pᵢ/πₛ) Gₛ
/// (ceiling − neglect)`: separable and concave. In profit mode the package's expense is
/// subtracted too.
///
/// **Resources** (capacities per period): each manager's hours (an account uses only its
/// own manager's), the directors' hours and the specialists' hours (each a pool), and the
/// expense budget. One package of stage `s` uses `hₘ,ₛ`, `h_d,ₛ`, `h_sp,ₛ` hours and `cₛ` money.
public struct AllocationProblem: Sendable {
    /// What the problem maximizes.
    public enum Objective: String, Sendable, CaseIterable {
        /// Expected won revenue.
        case revenue
        /// Expected won revenue minus business expense.
        case profit
    }

    /// An account as the allocator sees it.
    public struct Account: Sendable, Equatable {
        public let id: String
        /// Index into `team.managers`, or nil when the team has no manager for it.
        public let manager: Int?
        /// The stage 1...5, or nil.
        public let stage: Int?
        public let grade: Grade
        public let dealValue: Double?
        /// P(won) the forecast gives the account if it were in stage 1…5 (5 values; empty
        /// when the account is not forecast: no stage or insufficient information).
        public let probabilityByStage: [Double]

        public init(id: String, manager: Int?, stage: Int?, grade: Grade, dealValue: Double?, probabilityByStage: [Double]) {
            self.id = id
            self.manager = manager
            self.stage = stage
            self.grade = grade
            self.dealValue = dealValue
            self.probabilityByStage = probabilityByStage
        }
    }

    /// A capacity the allocation must respect.
    public enum Resource: Sendable, Equatable {
        case manager(Int)
        case directors
        case specialists
        case budget
    }

    public let team: Team
    public let accounts: [Account]
    public let objective: Objective
    /// The fitted transition rows of stages 1…5 (7 entries each).
    public let fittedRows: [[Double]]
    /// πₛ, aₛ, Bₛ, Gₛ for stages 1…5.
    public let stageWinProbability: [Double]
    public let advanceRate: [Double]
    public let restValue: [Double]
    public let gainSlope: [Double]
    /// Resources in order: managers, directors, specialists, budget.
    public let resources: [Resource]
    public let capacities: [Double]

    /// Per account and stage (`i·5 + s − 1`): Vᵢ pᵢ(s)/πₛ, the account's revenue weight (0 when not eligible).
    let weights: [Double]

    /// Per account: rᵢ = pᵢ(s₀)/π_{s₀}, the forecast's score effect at the account's current
    /// stage s₀ — the same factor by which `kam forecast` turns the stage chain's P(won by
    /// period t) into the account's (``PipelineForecaster/forecast(_:)``). 1 for an account
    /// the forecast does not give a probability (insufficient information): its stage's chance.
    /// 0 for an account without a stage.
    public let winWeight: [Double]

    /// - Throws: `AllocationError.responseAboveOne` when a stage's ceiling would make the
    ///   probability of advancing exceed 1; `.pipeline` when the chain has a stage that never closes.
    public init(team: Team, transitions: TransitionTable, accounts: [Account], objective: Objective = .revenue)
        throws(AllocationError)
    {
        let chain: AbsorbingChain
        do throws(ForecastError) {
            chain = try transitions.chain()
        } catch {
            throw .pipeline(error)
        }
        let stages = PipelineState.stageCount
        var winFrom = (0..<stages).map { chain.absorptionProbabilities[$0, 0] }
        winFrom += [1, 0]
        var rows: [[Double]] = []
        var advance: [Double] = []
        var rest: [Double] = []
        var gain: [Double] = []
        for s in 1...stages {
            let row = Array(transitions.probabilities.row(s - 1))
            let forward = EffortResponse.forwardStates(stage: s)
            let a = forward.reduce(0) { $0 + row[$1] }
            guard team.response[s - 1].ceiling * a <= 1 + 1e-12 else {
                throw .responseAboveOne(stage: s, ceiling: team.response[s - 1].ceiling, advanceRate: a)
            }
            let forwardValue = forward.reduce(0) { $0 + row[$1] * winFrom[$1] }
            var restSum = 0.0
            for j in 0..<PipelineState.count where !forward.contains(j) { restSum += row[j] * winFrom[j] }
            let b = a < 1 ? restSum / (1 - a) : 0
            rows.append(row)
            advance.append(a)
            rest.append(b)
            gain.append(max(0, forwardValue - a * b))
        }
        self.team = team
        self.accounts = accounts
        self.objective = objective
        self.fittedRows = rows
        self.stageWinProbability = Array(winFrom.prefix(stages))
        self.advanceRate = advance
        self.restValue = rest
        self.gainSlope = gain
        let managerCount = team.managers.count
        self.resources = (0..<managerCount).map { Resource.manager($0) } + [.directors, .specialists, .budget]
        self.capacities =
            team.managers.map(\.hours) + [team.hours(of: .director), team.hours(of: .specialist), team.budget]
        var weights = [Double](repeating: 0, count: accounts.count * stages)
        for (i, account) in accounts.enumerated() {
            guard let value = account.dealValue, value > 0, account.probabilityByStage.count == stages else { continue }
            for s in 0..<stages where winFrom[s] > 0 {
                weights[i * stages + s] = value * account.probabilityByStage[s] / winFrom[s]
            }
        }
        self.weights = weights
        self.winWeight = accounts.map { account in
            guard let stage = account.stage, (1...stages).contains(stage) else { return 0 }
            guard account.probabilityByStage.count == stages, winFrom[stage - 1] > 0 else { return 1 }
            return account.probabilityByStage[stage - 1] / winFrom[stage - 1]
        }
    }

    /// The number of resources: managers + 3.
    public var resourceCount: Int { resources.count }
    public var directorsIndex: Int { resources.count - 3 }
    public var specialistsIndex: Int { resources.count - 2 }
    public var budgetIndex: Int { resources.count - 1 }

    /// Why an account in `stage` cannot take effort at all, or nil when it can.
    public func exclusion(of i: Int, stage: Int?) -> Allocation.Reason? {
        let account = accounts[i]
        guard let stage, (1...PipelineState.stageCount).contains(stage) else { return .noStage }
        if account.grade == .insufficient || account.probabilityByStage.isEmpty { return .insufficientInformation }
        guard let value = account.dealValue, value > 0 else { return .noDealValue }
        let work = team.stages[stage - 1]
        if work.managerHours > 0 {
            guard let manager = account.manager, capacities[manager] > 0 else { return .noManagerHours }
        }
        if work.directorHours > 0, capacities[directorsIndex] <= 0 { return .noDirectorHours }
        if work.specialistHours > 0, capacities[specialistsIndex] <= 0 { return .noSpecialistHours }
        if work.expense > 0, capacities[budgetIndex] <= 0 { return .noBudget }
        if weights[i * PipelineState.stageCount + stage - 1] * gainSlope[stage - 1] <= 0 { return .noGain }
        return nil
    }

    /// αᵢ(s): the most effort can add to account `i`'s expected revenue in stage `s`.
    @inline(__always)
    public func headroom(of i: Int, stage: Int) -> Double {
        let response = team.response[stage - 1]
        return weights[i * PipelineState.stageCount + stage - 1] * gainSlope[stage - 1]
            * (response.ceiling - response.neglect)
    }

    /// Expected won revenue of account `i` in stage `s` with `effort` packages this period.
    @inline(__always)
    public func expectedRevenue(of i: Int, stage: Int, effort: Double) -> Double {
        let s = stage - 1
        return weights[i * PipelineState.stageCount + s]
            * (restValue[s] + gainSlope[s] * team.response[s].multiplier(effort: effort))
    }

    /// The hours or money one package of `stage` uses of resource `r`, for account `i`.
    @inline(__always)
    public func use(of i: Int, stage: Int, resource r: Int) -> Double {
        let work = team.stages[stage - 1]
        if r == budgetIndex { return work.expense }
        if r == directorsIndex { return work.directorHours }
        if r == specialistsIndex { return work.specialistHours }
        return accounts[i].manager == r ? work.managerHours : 0
    }
}
