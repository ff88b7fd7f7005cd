import ScoringEngine

/// A row that could not be scored, with where and why. Rejected rows are never dropped
/// silently: they are counted, reported and written to the rejects file.
public struct Reject: Sendable, Equatable, CustomStringConvertible {
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

    /// The same reject, `lines` lines further down (for rows read from a part of a file).
    func movedDown(by lines: Int) -> Reject {
        lines == 0
            ? self
            : Reject(
                file: file, line: line + lines, columnNumber: columnNumber, column: column, reason: reason,
                fields: fields)
    }

    public enum Reason: Error, Sendable, Equatable {
        case fieldCount(expected: Int, found: Int)
        case notANumber(value: String)
        case unitNotAllowed(value: String, unit: String)
        case wrongUnit(value: String, expected: String)
        case unknownCategory(value: String, allowed: [String])
        case missingRequired
        case missingID
        case duplicateID(id: String, firstLine: Int)
        case badStage(value: String)
        case negativeDealValue(value: String)

        /// A short machine-readable code, written in the rejects file.
        public var code: String {
            switch self {
            case .fieldCount: return "field_count"
            case .notANumber: return "not_a_number"
            case .unitNotAllowed: return "unit_not_allowed"
            case .wrongUnit: return "wrong_unit"
            case .unknownCategory: return "unknown_category"
            case .missingRequired: return "missing_required"
            case .missingID: return "missing_id"
            case .duplicateID: return "duplicate_id"
            case .badStage: return "bad_stage"
            case .negativeDealValue: return "negative_deal_value"
            }
        }
    }

    /// What is wrong and how to fix it, without the location.
    public var message: String { message(.en) }

    /// What is wrong and how to fix it, without the location, in `language`.
    public func message(_ language: Language) -> String {
        if language == .zh { return chineseMessage }
        let name = column.map { InputEcho.quoted($0) } ?? "the field"
        switch reason {
        case .fieldCount(let expected, let found):
            return
                "the row has \(found) fields but the header has \(expected); check for a missing or extra delimiter, or quote fields that contain one."
        case .notANumber(let value):
            return "\(name) is \(InputEcho.quoted(value)), which is not a number; write digits such as 1800, 1,800 or 18.5."
        case .unitNotAllowed(let value, let unit):
            return
                "\(name) is \(InputEcho.quoted(value)), but this column takes plain numbers without the unit '\(unit)'; remove the unit or set the column's unit in the model."
        case .wrongUnit(let value, let expected):
            return
                "\(name) is \(InputEcho.quoted(value)), whose unit does not fit the column's unit (\(expected)); write the value in \(expected)."
        case .unknownCategory(let value, let allowed):
            return
                "\(name) is \(InputEcho.quoted(value)), which the model does not know; use one of \(allowed.joined(separator: ", ")) or add it to the factor's map."
        case .missingRequired:
            return "\(name) is blank, and the model requires it ('missing: required'); fill it in or change the factor's missing policy."
        case .missingID:
            return "the account id \(name) is blank; every account needs an id."
        case .duplicateID(let id, let firstLine):
            return "account id \(InputEcho.quoted(id)) already appeared on line \(firstLine); ids must be unique."
        case .badStage(let value):
            return "\(name) is \(InputEcho.quoted(value)); a stage is a whole number from 1 to 5."
        case .negativeDealValue(let value):
            return
                "\(name) is \(InputEcho.quoted(value)); a deal value cannot be negative: write 0 or more, or leave it blank when unknown."
        }
    }

    /// ``message`` in Chinese: the same facts and the same fix.
    private var chineseMessage: String {
        let name = column.map { "列 \(InputEcho.quoted($0))" } ?? "该字段"
        switch reason {
        case .fieldCount(let expected, let found):
            return "该行有 \(found) 个字段，但表头有 \(expected) 个；请检查是否缺少或多出分隔符，含分隔符的字段请加引号。"
        case .notANumber(let value):
            return "\(name) 的值是 \(InputEcho.quoted(value))，不是数字；请写成 1800、1,800 或 18.5 这样的数字。"
        case .unitNotAllowed(let value, let unit):
            return "\(name) 的值是 \(InputEcho.quoted(value))，但该列只接受不带单位 '\(unit)' 的数字；请去掉单位，或在模型中设定该列的单位。"
        case .wrongUnit(let value, let expected):
            return "\(name) 的值是 \(InputEcho.quoted(value))，其单位与该列的单位（\(expected)）不符；请以\(expected)填写。"
        case .unknownCategory(let value, let allowed):
            return "\(name) 的值是 \(InputEcho.quoted(value))，模型不认识；请使用 \(allowed.joined(separator: "、")) 之一，或把它加入该因素的映射表。"
        case .missingRequired:
            return "\(name) 为空，而模型要求必须填写（缺失策略为“必填”）；请填写，或修改该因素的缺失策略。"
        case .missingID:
            return "客户编号 \(column.map { InputEcho.quoted($0) } ?? "") 为空；每个客户都需要编号。"
        case .duplicateID(let id, let firstLine):
            return "客户编号 \(InputEcho.quoted(id)) 已在第 \(firstLine) 行出现过；编号必须唯一。"
        case .badStage(let value):
            return "\(name) 的值是 \(InputEcho.quoted(value))；阶段须为 1 到 5 的整数。"
        case .negativeDealValue(let value):
            return "\(name) 的值是 \(InputEcho.quoted(value))；成交金额不能为负：请填写 0 或更大的数，未知时留空。"
        }
    }
}
