import ScoringEngine

/// Reads the fields of one plan or actuals file: finds columns, tells blanks and missing
/// codes from values, reads money, counts, ratings and monthly lists, and words every
/// problem as a ``PerformanceReject`` of the record at fault.
struct PerformanceFieldReader {
    let file: String
    let header: [String]
    let columnIndex: [String: Int]
    /// Blank fields and these (ignoring ASCII case) mean "not recorded", as in prospect lists.
    let missingCodes = MissingCodes(["NA", "N/A", "unknown", "-", "未知", "无"])
    let money = NumberReader(unit: .wan)
    let plain = NumberReader(unit: .none)

    init(table: CSVTable) {
        file = table.file
        header = table.header
        columnIndex = table.columnIndex
    }

    func reject(_ record: CSVRecord, _ reason: PerformanceReject.Reason, column: String? = nil) -> PerformanceReject {
        PerformanceReject(
            file: file, line: record.line, columnNumber: column.flatMap { columnIndex[$0] }.map { $0 + 1 }, column: column,
            reason: reason, fields: record.fields)
    }

    /// The trimmed text of a field, or `nil` when the column is absent, the field blank or a
    /// missing code.
    func text(_ record: CSVRecord, _ column: String) -> String? {
        guard let index = columnIndex[column], index < record.fields.count else { return nil }
        let value = PerformanceText.trimmed(record.fields[index])
        return missingCodes.matches(value) ? nil : value
    }

    /// The required `period` field: refused when it looks like a quarter or month that does
    /// not exist (`2024Q5`, `2024-13`).
    func period(_ record: CSVRecord) throws(PerformanceReject) -> ReviewPeriod {
        let text = try requiredText(record, "period")
        if let reason = ReviewPeriod.impossiblePeriod(text) {
            throw reject(record, .impossiblePeriod(value: text, reason: reason), column: "period")
        }
        return ReviewPeriod(text)
    }

    /// A required text field.
    func requiredText(_ record: CSVRecord, _ column: String) throws(PerformanceReject) -> String {
        guard let value = text(record, column) else { throw reject(record, .missingValue, column: column) }
        return value
    }

    /// An amount of money in 万元 (units 元, 万, 亿, ¥ accepted), ≥ 0; `nil` when not recorded.
    func money(_ record: CSVRecord, _ column: String) throws(PerformanceReject) -> Double? {
        guard let field = text(record, column) else { return nil }
        return try number(field, record: record, column: column, reader: money)
    }

    /// A required amount of money.
    func requiredMoney(_ record: CSVRecord, _ column: String) throws(PerformanceReject) -> Double {
        guard let value = try money(record, column) else { throw reject(record, .missingValue, column: column) }
        return value
    }

    /// A whole count ≥ 0; `nil` when not recorded.
    func count(_ record: CSVRecord, _ column: String) throws(PerformanceReject) -> Double? {
        guard let field = text(record, column) else { return nil }
        return try wholeNumber(field, record: record, column: column)
    }

    /// A required whole count.
    func requiredCount(_ record: CSVRecord, _ column: String) throws(PerformanceReject) -> Double {
        guard let value = try count(record, column) else { throw reject(record, .missingValue, column: column) }
        return value
    }

    /// Whole counts, one per month: a single count, or counts separated by `;`, `/`, `|`
    /// or `、` (at most `months` of them when the period's length is known).
    func monthlyCounts(_ record: CSVRecord, _ column: String, period: ReviewPeriod) throws(PerformanceReject) -> [Double]? {
        guard let field = text(record, column) else { return nil }
        let separators: Set<Character> = [";", "/", "|", "、", "；"]
        let parts = field.split(whereSeparator: { separators.contains($0) }).map { PerformanceText.trimmed(String($0)) }
        if parts.count > 1, let months = period.monthCount, parts.count > months {
            throw reject(
                record, .tooManyMonths(value: field, count: parts.count, months: months, period: period.label), column: column)
        }
        var counts: [Double] = []
        for part in parts {
            guard !part.isEmpty else { throw reject(record, .notANumber(value: field), column: column) }
            counts.append(try wholeNumber(part, record: record, column: column, shown: field))
        }
        return counts.isEmpty ? nil : counts
    }

    /// A plain number ≥ 0 (a rating); `nil` when not recorded.
    func plainNumber(_ record: CSVRecord, _ column: String) throws(PerformanceReject) -> Double? {
        guard let field = text(record, column) else { return nil }
        return try number(field, record: record, column: column, reader: plain)
    }

    private func wholeNumber(_ field: String, record: CSVRecord, column: String, shown: String? = nil) throws(PerformanceReject) -> Double {
        if field.contains(where: { $0 == ";" || $0 == "、" }) {
            throw reject(record, .listNotAllowed(value: field), column: column)
        }
        let value = try number(field, record: record, column: column, reader: plain, shown: shown)
        guard value == value.rounded() else { throw reject(record, .notWhole(value: shown ?? field), column: column) }
        return value
    }

    private func number(
        _ field: String, record: CSVRecord, column: String, reader: NumberReader, shown: String? = nil
    ) throws(PerformanceReject) -> Double {
        let display = shown ?? field
        switch reader.read(field) {
        case .success(let value):
            guard value >= 0 else { throw reject(record, .negative(value: display), column: column) }
            return value == 0 ? 0 : value
        case .failure(.notANumber):
            if field.contains(where: { $0 == ";" || $0 == "、" }) {
                throw reject(record, .listNotAllowed(value: display), column: column)
            }
            throw reject(record, .notANumber(value: display), column: column)
        case .failure(.unitNotAllowed(let unit)):
            throw reject(record, .unitNotAllowed(value: display, unit: unit), column: column)
        case .failure(.wrongUnit(_, let expected)):
            throw reject(record, .wrongUnit(value: display, expected: expected.rawValue), column: column)
        }
    }
}
