import ScoringEngine

/// Reads a plan file: one row per person and review period (seed §2.3 第3条: 销售指标由
/// 大客户部总监负责组织制定, the director sets the targets).
///
/// Columns (any order; other columns are ignored and listed in ``Result/ignoredColumns``):
///
/// | column | required | meaning |
/// |---|---|---|
/// | `period` | yes | `2024Q2`, `2024-06`, `2024` (see ``ReviewPeriod``) |
/// | `person` | yes | the name, as the actuals file and the prospect list's `manager` write it |
/// | `role` | yes | `director`, `manager`, `specialist` (or 总监, 经理, 专员) |
/// | `team` | no | the team; without the column everyone is in `大客户部` |
/// | `planned_sales` | yes | 计划完成销售额, 万元 |
/// | `planned_new_accounts` | yes | 计划开发新客户, accounts |
/// | `expense_budget` | yes | 商务费用预算, 万元 |
/// | `planned_settlement` | no | 销售合同结算计划, 万元 |
/// | `planned_developments` | no | 大客户开发计划, accounts to develop |
/// | `growth_step` | no | 万元 of sales growth per scorecard point (§2.2's blank) |
///
/// Money accepts the units 元, 万, 万元, 亿, ¥ and thousands separators and is converted to
/// 万元; counts are whole numbers; nothing may be negative. A blank in a required column, a
/// value that cannot be read, an unknown role or a second row for the same person and
/// period rejects the row (``PerformanceReject``); a blank optional field means "not
/// planned" and makes the indicators that need it not applicable.
public struct PlanFileReader: Sendable {
    public static let requiredColumns = ["period", "person", "role", "planned_sales", "planned_new_accounts", "expense_budget"]
    public static let optionalColumns = ["team", "planned_settlement", "planned_developments", "growth_step"]
    /// The team of everyone when the file has no `team` column.
    public static let defaultTeam = "大客户部"

    public init() {}

    public typealias Result = PerformanceFileContents<PerformancePlan>

    /// Reads a plan table.
    ///
    /// - Throws: ``PerformanceDataError/missingColumns(file:kind:missing:available:)``.
    public func read(_ table: CSVTable) throws(PerformanceDataError) -> Result {
        try PerformanceFieldReader.contents(
            of: table, kind: "plan", requiredColumns: Self.requiredColumns,
            knownColumns: Self.requiredColumns + Self.optionalColumns
        ) {
            (fields, record, period, person) throws(PerformanceReject) -> PerformancePlan in
            let roleText = try fields.requiredText(record, "role")
            guard let role = TeamRole(text: roleText) else {
                throw fields.reject(record, .unknownRole(value: roleText), column: "role")
            }
            let team = fields.text(record, "team") ?? Self.defaultTeam
            let plannedSales = try fields.requiredMoney(record, "planned_sales")
            let plannedNewAccounts = try fields.requiredCount(record, "planned_new_accounts")
            let expenseBudget = try fields.requiredMoney(record, "expense_budget")
            let plannedSettlement = try fields.money(record, "planned_settlement")
            let plannedDevelopments = try fields.count(record, "planned_developments")
            let growthStep = try fields.money(record, "growth_step")
            if let growthStep, growthStep <= 0 {
                throw fields.reject(
                    record, .nonPositiveGrowthStep(value: fields.text(record, "growth_step") ?? ""), column: "growth_step")
            }
            return PerformancePlan(
                period: period, person: person, role: role, team: team, plannedSales: plannedSales,
                plannedSettlement: plannedSettlement, plannedDevelopments: plannedDevelopments,
                plannedNewAccounts: plannedNewAccounts, expenseBudget: expenseBudget, growthStep: growthStep,
                line: record.line)
        }
    }
}
