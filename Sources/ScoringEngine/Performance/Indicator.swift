/// The department's performance indicators (seed §2.1 大客户部考核指标; §1.2.1 names the
/// director's key indicators; §2.2 the growth rate). Each is a percentage
/// 100 × numerator / denominator of figures from the plan and actuals files.
///
/// Values above 100% are reported as they are (a completion of 112% is 112%); a zero
/// denominator makes the indicator not applicable, with the reason (``NotApplicable``).
public enum Indicator: String, Sendable, Hashable, CaseIterable {
    /// 销售计划完成率 = 大客户销售计划实际达成数 / 计划完成数 × 100% (§2.1 业绩指标 1).
    case salesCompletion = "sales_completion"
    /// 开发计划完成率 = 大客户开发计划实际完成量 / 计划完成量 × 100% (§2.1).
    case developmentCompletion = "development_completion"
    /// 销售合同结算率 = 销售合同结算实际达成数 / 计划完成数 × 100% (§2.1 业绩指标 2).
    case settlementRate = "settlement_rate"
    /// 合同回款率 = 合同实际回款金额 / 合同约定应回款金额 × 100% (§2.1 业绩指标 3).
    case collectionRate = "collection_rate"
    /// 商务费用控制 = 实际商务费用发生额 / 商务费用预算额 × 100% (§2.1 管理指标 3); above
    /// 100% is over budget.
    case expenseControl = "expense_control"
    /// 大客户流失率 (§2.1 管理指标 2, §1.2.1); the seed gives no formula: accounts lost in
    /// the period / accounts held at its start × 100%.
    case churnRate = "churn_rate"
    /// 大客户新开发率 (§1.2.1); the seed gives no formula: new accounts won / accounts held at
    /// the start × 100%, the growth of the account base (the counterpart of churn).
    case newAccountRate = "new_account_rate"
    /// 销售增长率 (§2.2, "与上季的销量相比"): (sales − previous period's sales) / previous
    /// period's sales × 100%; may be negative.
    case salesGrowth = "sales_growth"
    /// 大客户档案完整率 (§1.2.1; §2.1 管理指标 4 大客户信息档案: 信息全面): the mean profile
    /// completeness of the person's accounts in the prospect list × 100%, each account's
    /// completeness being the model's weighted share of factors present (the same number
    /// that decides "insufficient information" in `kam rank`).
    case profileCompleteness = "profile_completeness"

    public var id: String { rawValue }

    public func label(_ language: Language) -> String { language == .zh ? names.zh : names.en }

    /// A column heading of at most 7 terminal columns.
    public func shortLabel(_ language: Language) -> String { language == .zh ? names.shortZh : names.shortEn }

    /// The label and the short label, in English and in Chinese.
    private var names: (en: String, zh: String, shortEn: String, shortZh: String) {
        switch self {
        case .salesCompletion: return ("Sales plan completion", "销售计划完成率", "sales", "销售")
        case .developmentCompletion: return ("Development plan completion", "开发计划完成率", "dev", "开发")
        case .settlementRate: return ("Contract settlement rate", "销售合同结算率", "settle", "结算")
        case .collectionRate: return ("Collection rate", "合同回款率", "collect", "回款")
        case .expenseControl: return ("Expense control", "商务费用控制", "expense", "费用")
        case .churnRate: return ("Churn rate", "大客户流失率", "churn", "流失")
        case .newAccountRate: return ("New-account rate", "大客户新开发率", "new", "新开")
        case .salesGrowth: return ("Sales growth", "销售增长率", "growth", "增长")
        case .profileCompleteness: return ("Profile completeness", "大客户档案完整率", "profile", "档案")
        }
    }

    /// The names of the numerator and denominator, as the files' columns call them.
    public var terms: (numerator: String, denominator: String) { bothTerms.en }

    /// ``terms``, and the seed's words for them in Chinese (blank for the indicators whose
    /// formula is written out).
    private var bothTerms: (en: (numerator: String, denominator: String), zh: (numerator: String, denominator: String)) {
        switch self {
        case .salesCompletion: return (("sales", "planned_sales"), ("销售计划实际达成数", "销售计划计划完成数"))
        case .developmentCompletion: return (("accounts_developed", "planned_developments"), ("开发计划实际完成量", "开发计划计划完成量"))
        case .settlementRate: return (("settled", "planned_settlement"), ("销售合同结算实际达成数", "销售合同结算计划完成数"))
        case .collectionRate: return (("cash_collected", "cash_due"), ("合同实际回款金额", "合同约定应回款金额"))
        case .expenseControl: return (("expenses", "expense_budget"), ("实际商务费用发生额", "商务费用预算额"))
        case .churnRate: return (("accounts_lost", "accounts_at_start"), ("本期流失大客户数", "期初大客户数"))
        case .newAccountRate: return (("new_accounts", "accounts_at_start"), ("本期新开发大客户数", "期初大客户数"))
        case .salesGrowth: return (("sales - previous_sales", "previous_sales"), ("", ""))
        case .profileCompleteness: return (("sum of account completeness", "accounts"), ("", ""))
        }
    }

    /// The formula in terms of the files' columns.
    public func formula(_ language: Language) -> String {
        switch (self, language) {
        case (.salesGrowth, .en): return "(sales − previous_sales) / previous_sales × 100%"
        case (.salesGrowth, .zh): return "(本期销售额 − 上期销售额) / 上期销售额 × 100%"
        case (.profileCompleteness, .en):
            return "mean over the person's accounts of the model's completeness (weighted share of factors present) × 100%"
        case (.profileCompleteness, .zh): return "此人名下客户档案完整度(模型因素加权填写比例)的平均值 × 100%"
        case (_, .en): return "\(terms.numerator) / \(terms.denominator) × 100%"
        case (_, .zh): return "\(bothTerms.zh.numerator) / \(bothTerms.zh.denominator) × 100%"
        }
    }

    /// Where the seed defines or names the indicator.
    public var source: String {
        switch self {
        case .salesCompletion, .developmentCompletion, .settlementRate, .collectionRate, .expenseControl:
            return "§2.1"
        case .churnRate: return "§2.1, §1.2.1 (no formula in the seed)"
        case .newAccountRate: return "§1.2.1 (no formula in the seed)"
        case .salesGrowth: return "§2.2"
        case .profileCompleteness: return "§1.2.1, §2.1"
        }
    }
}
