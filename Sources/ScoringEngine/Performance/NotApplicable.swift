/// Why an indicator or scorecard item has no value: the data leave it undefined, which is
/// shown as "n/a" with this reason, never as a division by zero, NaN or infinity.
public struct NotApplicable: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The denominator is zero (a plan of zero, no cash due, no budget, no accounts
        /// held): the ratio is undefined, whatever the numerator.
        case zeroDenominator(denominator: String, numerator: String, numeratorValue: Double)
        /// A figure the computation needs is not recorded: blank, a missing code, or a
        /// column the file lacks.
        case notRecorded(field: String)
        /// Sales growth needs the previous period's sales: no `previous_sales` and no actual
        /// row for the previous period (`previousPeriod`, `nil` when the period's spelling
        /// has no previous period).
        case noPreviousSales(previousPeriod: String?)
        /// Profile completeness needs a prospect list and model.
        case noProspectList
        /// No account in the prospect list names this person (or team) as its manager.
        case noAccounts
        /// The scorecard does not review this role.
        case roleNotScored(role: TeamRole, scoredRoles: [TeamRole])
    }

    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    /// A short machine-readable code for CSV and JSON.
    public var code: String {
        switch reason {
        case .zeroDenominator: return "zero_denominator"
        case .notRecorded: return "not_recorded"
        case .noPreviousSales: return "no_previous_sales"
        case .noProspectList: return "no_prospect_list"
        case .noAccounts: return "no_accounts"
        case .roleNotScored: return "role_not_scored"
        }
    }

    /// What is missing and, where there is one, how to supply it.
    public func message(_ language: Language) -> String {
        let zh = language == .zh
        switch reason {
        case .zeroDenominator(let denominator, let numerator, let numeratorValue):
            let numeratorNote =
                numeratorValue == 0
                ? ""
                : zh
                    ? "('\(numerator)' 为 \(PerformanceNumberFormat.compact(numeratorValue)))"
                    : " ('\(numerator)' is \(PerformanceNumberFormat.compact(numeratorValue)))"
            return zh
                ? "'\(denominator)' 为 0,比率无定义\(numeratorNote)"
                : "'\(denominator)' is 0, so the ratio is undefined\(numeratorNote)"
        case .notRecorded(let field):
            return zh
                ? "未记录 '\(field)'(空白、缺失代码或无此列);如为零请填 0"
                : "'\(field)' is not recorded (blank, a missing code or no such column); write 0 if there was none"
        case .noPreviousSales(let previous):
            if let previous {
                return zh
                    ? "无 'previous_sales',实际数据中也没有 \(previous) 的行"
                    : "no 'previous_sales' and no actual row for \(previous)"
            }
            return zh
                ? "无 'previous_sales',且该期间写法无法推算上一期(请写 2024Q2、2024-06 或 2024)"
                : "no 'previous_sales', and the period is not written as a quarter, month or year (2024Q2, 2024-06, 2024)"
        case .noProspectList:
            return zh ? "未提供客户名单(--prospects)" : "no prospect list was given (--prospects)"
        case .noAccounts:
            return zh ? "客户名单中没有以此人为经理的客户" : "no account in the prospect list names this person as its manager"
        case .roleNotScored(let role, let scored):
            let roles = scored.map { $0.label(language) }.joined(separator: zh ? "、" : ", ")
            return zh
                ? "评分卡适用于\(roles),不适用于\(role.label(language))"
                : "the scorecard reviews \(roles), not a \(role.label(language))"
        }
    }

    public var description: String { message(.en) }
}
