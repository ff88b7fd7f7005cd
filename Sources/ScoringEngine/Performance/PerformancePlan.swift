/// What one person is planned to achieve in one review period: one row of a plan file.
///
/// Money is in the file's money unit (万元 in the bundled files); counts are numbers of
/// accounts. `nil` means the plan does not set that figure, and the indicators that need it
/// are reported as not applicable, with the reason.
public struct PerformancePlan: Sendable, Equatable {
    public var period: ReviewPeriod
    public var person: String
    public var role: TeamRole
    /// The team the person belongs to (a plan without teams puts everyone in one).
    public var team: String
    /// 计划完成销售额: planned sales (contracts signed), ≥ 0.
    public var plannedSales: Double
    /// 销售合同结算计划: planned contract settlement, ≥ 0.
    public var plannedSettlement: Double?
    /// 大客户开发计划: accounts planned to be developed (taken through the development
    /// pipeline), ≥ 0.
    public var plannedDevelopments: Double?
    /// 计划开发新客户: new accounts planned to be won, ≥ 0.
    public var plannedNewAccounts: Double
    /// 商务费用预算: business expense budget, ≥ 0.
    public var expenseBudget: Double
    /// Sales growth per scorecard point (§2.2 "与上季的销量相比每增加__万,加1分", a blank the
    /// form fills per person); `nil` uses the scorecard's step. > 0.
    public var growthStep: Double?
    /// The 1-based line of the plan file the row was read from (0 when not from a file).
    public var line: Int

    public init(
        period: ReviewPeriod, person: String, role: TeamRole, team: String = "", plannedSales: Double,
        plannedSettlement: Double? = nil, plannedDevelopments: Double? = nil, plannedNewAccounts: Double,
        expenseBudget: Double, growthStep: Double? = nil, line: Int = 0
    ) {
        self.period = period
        self.person = person
        self.role = role
        self.team = team
        self.plannedSales = plannedSales
        self.plannedSettlement = plannedSettlement
        self.plannedDevelopments = plannedDevelopments
        self.plannedNewAccounts = plannedNewAccounts
        self.expenseBudget = expenseBudget
        self.growthStep = growthStep
        self.line = line
    }
}
