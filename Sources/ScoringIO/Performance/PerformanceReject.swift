import ScoringEngine

/// A plan or actual row that cannot be used, with where and why. Like the prospect list's
/// ``Reject``, such rows are never dropped silently: they are counted, listed as
/// `file:line:column: message`, and written to a rejects file.
public struct PerformanceReject: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based physical line where the record starts.
    public let line: Int
    /// 1-based column number of the offending field, when one field is at fault.
    public let columnNumber: Int?
    /// Header name of the offending column.
    public let column: String?
    public let reason: Reason
    /// The record's fields as read, for the rejects file.
    public let fields: [String]

    public init(file: String, line: Int, columnNumber: Int? = nil, column: String? = nil, reason: Reason, fields: [String]) {
        self.file = file
        self.line = line
        self.columnNumber = columnNumber
        self.column = column
        self.reason = reason
        self.fields = fields
    }

    public enum Reason: Sendable, Equatable {
        case fieldCount(expected: Int, found: Int)
        case impossiblePeriod(value: String, reason: String)
        /// A required field is blank or a missing code.
        case missingValue
        case notANumber(value: String)
        case unitNotAllowed(value: String, unit: String)
        case wrongUnit(value: String, expected: String)
        case negative(value: String)
        /// A count (accounts, complaints, days) that is not a whole number.
        case notWhole(value: String)
        /// A list of monthly values where one number is expected.
        case listNotAllowed(value: String)
        /// More monthly values than the period has months.
        case tooManyMonths(value: String, count: Int, months: Int, period: String)
        case unknownRole(value: String)
        case ratingOutOfRange(value: String, item: String, maximum: Double)
        case ratingNotALevel(value: String, item: String, levels: [String])
        case lostExceedsHeld(lost: Double, held: Double)
        case nonPositiveGrowthStep(value: String)
        case duplicateRow(person: String, period: String, firstLine: Int)
        /// A plan row of a reviewed period without an actual row.
        case noActual(person: String, period: String, actualFile: String)
        /// An actual row without a plan row.
        case noPlan(person: String, period: String, planFile: String)

        /// A short machine-readable code, written in the rejects file.
        public var code: String {
            switch self {
            case .fieldCount: return "field_count"
            case .impossiblePeriod: return "impossible_period"
            case .missingValue: return "missing_value"
            case .notANumber: return "not_a_number"
            case .unitNotAllowed: return "unit_not_allowed"
            case .wrongUnit: return "wrong_unit"
            case .negative: return "negative"
            case .notWhole: return "not_whole"
            case .listNotAllowed: return "list_not_allowed"
            case .tooManyMonths: return "too_many_months"
            case .unknownRole: return "unknown_role"
            case .ratingOutOfRange: return "rating_out_of_range"
            case .ratingNotALevel: return "rating_not_a_level"
            case .lostExceedsHeld: return "lost_exceeds_held"
            case .nonPositiveGrowthStep: return "growth_step_not_positive"
            case .duplicateRow: return "duplicate_row"
            case .noActual: return "no_actual"
            case .noPlan: return "no_plan"
            }
        }
    }

    /// What is wrong and how to fix it, without the location.
    public var message: String { message(.en) }

    /// What is wrong and how to fix it, without the location, in `language`.
    public func message(_ language: Language) -> String {
        if language == .zh { return chineseMessage }
        let name = column.map { "'\($0)'" } ?? "the field"
        func number(_ value: Double) -> String { formatDecimal(value, digits: value == value.rounded() ? 0 : 2) }
        switch reason {
        case .fieldCount(let expected, let found):
            return
                "the row has \(found) fields but the header has \(expected); check for a missing or extra delimiter, or quote fields that contain one."
        case .impossiblePeriod(let value, let reason):
            return "\(name) is '\(value)': \(reason). Write a quarter as 2024Q2, a month as 2024-06, a year as 2024."
        case .missingValue:
            return "\(name) is blank, and every row needs it; fill it in (write 0 for none)."
        case .notANumber(let value):
            return "\(name) is '\(value)', which is not a number; write digits such as 1800, 1,800 or 18.5."
        case .unitNotAllowed(let value, let unit):
            return "\(name) is '\(value)', but this column takes plain numbers without the unit '\(unit)'; remove the unit."
        case .wrongUnit(let value, let expected):
            return
                "\(name) is '\(value)', whose unit does not fit the column's unit (\(expected)); write the amount in 万元 (or with 元, 万 or 亿)."
        case .negative(let value):
            return "\(name) is '\(value)'; it must be at least 0."
        case .notWhole(let value):
            return "\(name) is '\(value)'; it is a count, so write a whole number."
        case .listNotAllowed(let value):
            return "\(name) is '\(value)'; this column takes one number, not a list of monthly values."
        case .tooManyMonths(let value, let count, let months, let period):
            return
                "\(name) is '\(value)': \(count) monthly values, but \(period) has \(months) month\(months == 1 ? "" : "s"); write at most one value per month."
        case .unknownRole(let value):
            return "\(name) is '\(value)'; write director, manager or specialist (or 总监, 经理, 专员)."
        case .ratingOutOfRange(let value, let item, let maximum):
            return "\(name) is '\(value)', but '\(item)' is rated from 0 to \(number(maximum)); write a rating in that range."
        case .ratingNotALevel(let value, let item, let levels):
            return
                "\(name) is '\(value)', which is not a level of '\(item)'; use one of \(levels.joined(separator: ", ")) (see the scorecard file)."
        case .lostExceedsHeld(let lost, let held):
            return
                "'accounts_lost' is \(number(lost)) but 'accounts_at_start' is \(number(held)); accounts lost in a period were held at its start, so correct one of them."
        case .nonPositiveGrowthStep(let value):
            return
                "\(name) is '\(value)'; the sales growth that earns one point must be more than 0 (or leave it blank for the scorecard's step)."
        case .duplicateRow(let person, let period, let firstLine):
            return "\(person) already has a row for \(period) on line \(firstLine); give each person one row per period."
        case .noActual(let person, let period, let actualFile):
            return "\(actualFile) has no row for \(person) in \(period); add one, or remove this plan row."
        case .noPlan(let person, let period, let planFile):
            return "\(planFile) has no row for \(person) in \(period); add one, or remove this row."
        }
    }

    /// ``message`` in Chinese: the same facts and the same fix.
    private var chineseMessage: String {
        let name = column.map { "列 '\($0)'" } ?? "该字段"
        func number(_ value: Double) -> String { formatDecimal(value, digits: value == value.rounded() ? 0 : 2) }
        switch reason {
        case .fieldCount(let expected, let found):
            return "该行有 \(found) 个字段，但表头有 \(expected) 个；请检查是否缺少或多出分隔符，含分隔符的字段请加引号。"
        case .impossiblePeriod(let value, _):
            let why = ReviewPeriod.impossiblePeriod(value, language: .zh) ?? "不是有效的期间"
            return "\(name) 的值是 '\(value)'：\(why)。季度写作 2024Q2，月份写作 2024-06，年份写作 2024。"
        case .missingValue:
            return "\(name) 为空，而每一行都需要它；请填写（没有时填 0）。"
        case .notANumber(let value):
            return "\(name) 的值是 '\(value)'，不是数字；请写成 1800、1,800 或 18.5 这样的数字。"
        case .unitNotAllowed(let value, let unit):
            return "\(name) 的值是 '\(value)'，但该列只接受不带单位 '\(unit)' 的数字；请去掉单位。"
        case .wrongUnit(let value, let expected):
            let unit = ["wan": "万元", "yuan": "元", "yi": "亿元", "percent": "%", "none": "无单位"][expected] ?? expected
            return "\(name) 的值是 '\(value)'，其单位与该列的单位（\(unit)）不符；请以万元填写金额（或带 元、万、亿）。"
        case .negative(let value):
            return "\(name) 的值是 '\(value)'；它不能小于 0。"
        case .notWhole(let value):
            return "\(name) 的值是 '\(value)'；这是一个计数，请填写整数。"
        case .listNotAllowed(let value):
            return "\(name) 的值是 '\(value)'；该列只接受一个数字，而不是逐月数值的列表。"
        case .tooManyMonths(let value, let count, let months, let period):
            return "\(name) 的值是 '\(value)'：有 \(count) 个月度数值，但 \(period) 只有 \(months) 个月；每月最多填写一个数值。"
        case .unknownRole(let value):
            return "\(name) 的值是 '\(value)'；请填写 总监、经理 或 专员。"
        case .ratingOutOfRange(let value, let item, let maximum):
            return "\(name) 的值是 '\(value)'，但 '\(item)' 的评分范围是 0 到 \(number(maximum))；请在此范围内评分。"
        case .ratingNotALevel(let value, let item, let levels):
            return "\(name) 的值是 '\(value)'，不是 '\(item)' 的等级之一；请使用 \(levels.joined(separator: "、")) 之一（见考核表文件）。"
        case .lostExceedsHeld(let lost, let held):
            return "'accounts_lost' 为 \(number(lost))，但 'accounts_at_start' 为 \(number(held))；期内流失的客户应在期初持有，请更正其中之一。"
        case .nonPositiveGrowthStep(let value):
            return "\(name) 的值是 '\(value)'；每得 1 分所需的销售增长必须大于 0（或留空以使用考核表的步长）。"
        case .duplicateRow(let person, let period, let firstLine):
            return "\(person) 在 \(period) 已有一行（第 \(firstLine) 行）；每人每个期间只能有一行。"
        case .noActual(let person, let period, let actualFile):
            return "\(actualFile) 中没有 \(person) 在 \(period) 的行；请补上，或删除这一计划行。"
        case .noPlan(let person, let period, let planFile):
            return "\(planFile) 中没有 \(person) 在 \(period) 的行；请补上，或删除这一行。"
        }
    }
}
