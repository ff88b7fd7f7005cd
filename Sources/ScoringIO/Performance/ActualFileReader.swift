import ScoringEngine

/// Reads an actuals file: what each person achieved in each review period, and the
/// figures the scorecard counts or rates.
///
/// Columns (any order; other columns are ignored and listed in ``Result/ignoredColumns``):
///
/// | column | required | meaning |
/// |---|---|---|
/// | `period`, `person` | yes | as in the plan |
/// | `sales` | yes | 实际完成销售额: contracts signed in the period, 万元 |
/// | `new_accounts` | yes | new accounts won (contract signed), count |
/// | `settled` | no | contracts settled, 万元 |
/// | `cash_collected`, `cash_due` | no | cash collected; cash due under the contracts, 万元 |
/// | `expenses` | no | business expenses, 万元 |
/// | `accounts_at_start`, `accounts_lost` | no | key accounts held at the start; lost in the period (≤ held) |
/// | `accounts_developed` | no | accounts developed against the development plan |
/// | `previous_sales` | no | the previous period's sales, 万元 (else the previous period's row) |
/// | the scorecard's rating columns | no | points the reviewer gives (`market_information`, … in the seed's scorecard) |
/// | the scorecard's count columns | no | counts (`complaints`, `absence_days`, `late_count`, …); a list `2;0;5` gives one count per month |
///
/// Ratings are checked against their item's maximum and levels. A blank optional field is
/// "not recorded": what needs it is not applicable, with the reason (write 0 for none).
public struct ActualFileReader: Sendable {
    public static let requiredColumns = ["period", "person", "sales", "new_accounts"]
    public static let optionalColumns = [
        "settled", "cash_collected", "cash_due", "expenses", "accounts_at_start", "accounts_lost", "accounts_developed",
        "previous_sales",
    ]

    public let scorecard: Scorecard

    /// - Parameter scorecard: Names the rating and count columns to read, and checks ratings.
    public init(scorecard: Scorecard) {
        self.scorecard = scorecard
    }

    public typealias Result = PerformanceFileContents<PerformanceActual>

    /// Reads an actuals table.
    ///
    /// - Throws: ``PerformanceDataError/missingColumns(file:kind:missing:available:)``.
    public func read(_ table: CSVTable) throws(PerformanceDataError) -> Result {
        let ratingColumns = scorecard.ratingColumns.filter(table.header.contains)
        let countColumns = scorecard.countColumns.filter(table.header.contains)
        return try PerformanceFieldReader.contents(
            of: table, kind: "actuals", requiredColumns: Self.requiredColumns,
            knownColumns: Self.requiredColumns + Self.optionalColumns + scorecard.ratingColumns + scorecard.countColumns
        ) {
            (fields, record, period, person) throws(PerformanceReject) -> PerformanceActual in
            let sales = try fields.requiredMoney(record, "sales")
            let newAccounts = try fields.requiredCount(record, "new_accounts")
            let settled = try fields.money(record, "settled")
            let cashCollected = try fields.money(record, "cash_collected")
            let cashDue = try fields.money(record, "cash_due")
            let expenses = try fields.money(record, "expenses")
            let accountsAtStart = try fields.count(record, "accounts_at_start")
            let accountsLost = try fields.count(record, "accounts_lost")
            let accountsDeveloped = try fields.count(record, "accounts_developed")
            let previousSales = try fields.money(record, "previous_sales")
            if let accountsLost, let accountsAtStart, accountsLost > accountsAtStart {
                throw fields.reject(record, .lostExceedsHeld(lost: accountsLost, held: accountsAtStart), column: "accounts_lost")
            }
            var inputs: [String: [Double]] = [:]
            for column in ratingColumns {
                guard let value = try fields.plainNumber(record, column) else { continue }
                if let (item, rule) = scorecard.ratingItem(forColumn: column),
                    let problem = rule.problem(with: value, maximum: item.maximum)
                {
                    let text = fields.text(record, column) ?? ""
                    switch problem {
                    case .outOfRange(let maximum):
                        throw fields.reject(record, .ratingOutOfRange(value: text, item: item.id, maximum: maximum), column: column)
                    case .notALevel(let levels):
                        throw fields.reject(record, .ratingNotALevel(value: text, item: item.id, levels: levels), column: column)
                    }
                }
                inputs[column] = [value]
            }
            for column in countColumns {
                if let counts = try fields.monthlyCounts(record, column, period: period) { inputs[column] = counts }
            }
            return PerformanceActual(
                period: period, person: person, sales: sales, settled: settled, cashCollected: cashCollected,
                cashDue: cashDue, expenses: expenses, accountsAtStart: accountsAtStart,
                accountsDeveloped: accountsDeveloped, newAccounts: newAccounts, accountsLost: accountsLost,
                previousSales: previousSales, scoreInputs: inputs, line: record.line)
        }
    }
}
