import ArgumentParser
import Foundation

/// `--where`, `--columns` and `--sort`: the list habits of xsv and csvkit, for commands whose
/// output is a list of accounts.
struct ListOptions: ParsableArguments {
    @Option(
        name: .customLong("where"),
        help: ArgumentHelp(
            "Keep only rows where FIELD OP VALUE holds (repeat for more; all must hold): = and != on text, "
                + "= != < <= > >= on numbers, e.g. --where manager=王经理 --where segment=premium --where 'stage>=3'.",
            valueName: "FIELD<OP>VALUE"))
    var conditions: [String] = []

    @Option(
        help: ArgumentHelp(
            "The output's columns, in this order (names as in the csv header), e.g. rank,account_id,grade,value.",
            valueName: "NAMES"))
    var columns: String?

    @Option(
        help: ArgumentHelp(
            "Sort the shown rows by this field: numbers highest first, text A to Z; add :asc or :desc to choose.",
            valueName: "FIELD[:asc|:desc]"))
    var sort: String?

    @Flag(help: "Write a long table straight to the terminal instead of through $PAGER (less -FRX by default).")
    var noPager = false

    func validate() throws {
        _ = try parsedConditions()
        _ = try sortKey()
        if let columns, selectedColumns == nil || columns.isEmpty {
            throw ValidationError("Please specify '--columns' as names separated by commas, e.g. rank,account_id,grade.")
        }
    }

    /// Whether any of the options is given.
    var isActive: Bool { !conditions.isEmpty || columns != nil || sort != nil }

    /// The names `--columns` chose.
    var selectedColumns: [String]? {
        guard let columns else { return nil }
        let names = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return names.isEmpty || names.contains(where: \.isEmpty) ? nil : names
    }

    func parsedConditions() throws -> [ListCondition] {
        try conditions.map { text in
            guard let condition = ListCondition(parsing: text) else {
                throw ValidationError(
                    "Please write '--where' as FIELD, an operator (= != < <= > >=) and a value, e.g. 'stage>=3'; '\(text)' is not that.")
            }
            return condition
        }
    }

    func sortKey() throws -> ListSortKey? {
        guard let sort else { return nil }
        guard let key = ListSortKey(parsing: sort) else {
            throw ValidationError("Please specify '--sort' as a field, optionally with :asc or :desc, e.g. value or difficulty:asc.")
        }
        return key
    }
}

/// A field's value in a list, for `--where` and `--sort`.
enum ListValue {
    /// A number; `nil` when missing.
    case number(Double?)
    /// Text; `nil` when missing.
    case text(String?)
    /// A set of names (an account's segments): `=` tests membership.
    case members([String])

    enum Kind { case number, text, members }
}

/// One `--where` condition: FIELD OP VALUE.
struct ListCondition: Equatable {
    enum Operator: String, CaseIterable {
        // Two-character operators first, so that `>=` is not read as `>`.
        case lessOrEqual = "<=", greaterOrEqual = ">=", notEqual = "!=", equal = "=", less = "<", greater = ">"

        var isEquality: Bool { self == .equal || self == .notEqual }
    }

    let field: String
    let op: Operator
    let value: String

    init?(parsing text: String) {
        for op in Operator.allCases {
            guard let range = text.range(of: op.rawValue) else { continue }
            // The first operator in the text; '==' reads as '='.
            if let earlier = Operator.allCases.compactMap({ text.range(of: $0.rawValue) }).map(\.lowerBound).min(),
                earlier < range.lowerBound
            {
                continue
            }
            let field = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            var value = String(text[range.upperBound...])
            if op == .equal, value.hasPrefix("=") { value.removeFirst() }
            value = value.trimmingCharacters(in: .whitespaces)
            guard !field.isEmpty, field.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
            self.field = field
            self.op = op
            self.value = value
            return
        }
        return nil
    }

    /// Checks the condition against a field of `kind`: a usage message when it cannot hold.
    func problem(kind: ListValue.Kind) -> String? {
        switch kind {
        case .number:
            return Double(value) == nil
                ? "'--where \(field)\(op.rawValue)\(value)': \(field) is a number; give a number after the operator." : nil
        case .text, .members:
            return op.isEquality ? nil : "'--where \(field)\(op.rawValue)\(value)': \(field) is text; use = or != on it."
        }
    }

    /// Whether `value` satisfies the condition. A missing value satisfies only `!=`.
    func holds(for fieldValue: ListValue) -> Bool {
        switch fieldValue {
        case .number(let number):
            guard let number, let target = Double(value) else { return op == .notEqual }
            switch op {
            case .equal: return number == target
            case .notEqual: return number != target
            case .less: return number < target
            case .lessOrEqual: return number <= target
            case .greater: return number > target
            case .greaterOrEqual: return number >= target
            }
        case .text(let text):
            guard let text else { return op == .notEqual }
            return (text == value) == (op == .equal)
        case .members(let names):
            return names.contains(value) == (op == .equal)
        }
    }
}

/// `--sort FIELD[:asc|:desc]`.
struct ListSortKey: Equatable {
    let field: String
    /// `nil`: numbers highest first, text A to Z.
    let ascending: Bool?

    init?(parsing text: String) {
        var field = text.trimmingCharacters(in: .whitespaces)
        var ascending: Bool?
        if field.hasSuffix(":asc") {
            ascending = true
            field.removeLast(4)
        } else if field.hasSuffix(":desc") {
            ascending = false
            field.removeLast(5)
        }
        guard !field.isEmpty, field.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        self.field = field
        self.ascending = ascending
    }

    /// Whether `a` comes before `b`; missing values come last either way.
    func before(_ a: ListValue, _ b: ListValue) -> Bool? {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            guard let x else { return y == nil ? nil : false }
            guard let y else { return true }
            if x == y { return nil }
            return (ascending ?? false) ? x < y : x > y
        case (.text(let x), .text(let y)):
            guard let x else { return y == nil ? nil : false }
            guard let y else { return true }
            if x == y { return nil }
            return (ascending ?? true) ? x < y : x > y
        case (.members(let x), .members(let y)):
            let (left, right) = (x.joined(separator: ";"), y.joined(separator: ";"))
            if left == right { return nil }
            return (ascending ?? true) ? left < right : left > right
        default:
            return nil
        }
    }
}
