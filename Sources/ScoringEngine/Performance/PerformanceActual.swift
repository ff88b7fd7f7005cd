/// What one person achieved in one review period: one row of an actuals file.
///
/// Money is in the file's money unit (万元 in the bundled files). `nil` means "not
/// recorded" (a blank field, a missing code, or a column the file lacks): the indicators
/// and scorecard items that need the figure are reported as not applicable, never guessed.
public struct PerformanceActual: Sendable, Equatable {
    public var period: ReviewPeriod
    public var person: String
    /// 实际完成销售额: the value of contracts signed in the period, ≥ 0.
    public var sales: Double
    /// 销售合同结算实际达成数: contracts settled in the period, ≥ 0.
    public var settled: Double?
    /// 合同实际回款金额: cash collected, ≥ 0.
    public var cashCollected: Double?
    /// 合同约定应回款金额: cash due under the contracts in the period, ≥ 0.
    public var cashDue: Double?
    /// 实际商务费用发生额: business expenses, ≥ 0.
    public var expenses: Double?
    /// Key accounts the person held at the start of the period, ≥ 0.
    public var accountsAtStart: Double?
    /// 大客户开发计划实际完成量: accounts developed, ≥ 0.
    public var accountsDeveloped: Double?
    /// New accounts won (contract signed) in the period, ≥ 0.
    public var newAccounts: Double
    /// Accounts lost in the period, 0...accountsAtStart.
    public var accountsLost: Double?
    /// Sales of the previous period, when the row states it; otherwise the previous
    /// period's actual row is used, when there is one.
    public var previousSales: Double?
    /// The values of the columns the scorecard reads (ratings and deduction counts), by
    /// column name. A list holds one value per month (`late_count` of "2;0;5" in a
    /// quarter). A column that is not in the map was not recorded.
    public var scoreInputs: [String: [Double]]
    /// The 1-based line of the actuals file the row was read from (0 when not from a file).
    public var line: Int

    public init(
        period: ReviewPeriod, person: String, sales: Double, settled: Double? = nil, cashCollected: Double? = nil,
        cashDue: Double? = nil, expenses: Double? = nil, accountsAtStart: Double? = nil,
        accountsDeveloped: Double? = nil, newAccounts: Double, accountsLost: Double? = nil,
        previousSales: Double? = nil, scoreInputs: [String: [Double]] = [:], line: Int = 0
    ) {
        self.period = period
        self.person = person
        self.sales = sales
        self.settled = settled
        self.cashCollected = cashCollected
        self.cashDue = cashDue
        self.expenses = expenses
        self.accountsAtStart = accountsAtStart
        self.accountsDeveloped = accountsDeveloped
        self.newAccounts = newAccounts
        self.accountsLost = accountsLost
        self.previousSales = previousSales
        self.scoreInputs = scoreInputs
        self.line = line
    }
}
