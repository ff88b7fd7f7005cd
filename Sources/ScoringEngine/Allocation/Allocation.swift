/// One period's allocation: work packages per account, the resources they use, and what
/// they are expected to yield.
public struct Allocation: Sendable {
    /// Why an account gets no effort.
    public enum Reason: String, Sendable, CaseIterable {
        case noStage = "no_stage"
        case insufficientInformation = "insufficient_information"
        case noDealValue = "no_deal_value"
        case noManagerHours = "no_manager_hours"
        case noDirectorHours = "no_director_hours"
        case noSpecialistHours = "no_specialist_hours"
        case noBudget = "no_budget"
        case noGain = "no_gain"
        case gradePaused = "grade_paused"
        case notWorthPrice = "not_worth_price"
        case capacityUsedUp = "capacity_used_up"
    }

    public let policy: AllocationPolicy
    /// The stage each account was allocated in (nil: none).
    public let stages: [Int?]
    /// Work packages per account this period, in 0...maximumPackages.
    public let efforts: [Double]
    /// Why an account got nothing (nil when it got effort).
    public let reasons: [Reason?]
    /// Hours or money used per resource (``AllocationProblem/resources`` order); each ≤ its capacity.
    public let usage: [Double]
    /// Σ expected won revenue of the allocatable accounts with this effort, and with none.
    public let expectedRevenue: Double
    public let baselineRevenue: Double
    /// Business expense used (= usage of the budget).
    public let expense: Double
    /// The objective above zero effort: expected revenue gained (minus expense in profit mode).
    public let gain: Double
    /// Optimizer only: the multipliers λ of the resources — the gain one more hour (or unit
    /// of budget) would add — and the dual upper bound on the best possible gain.
    public let shadowPrices: [Double]?
    public let upperBound: Double?
}
