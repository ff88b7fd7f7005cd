import ScoringEngine

extension PerformanceFieldReader {
    /// Reads the records of a plan or actuals table, one row per person and review period.
    ///
    /// A record is rejected, and reading goes on, when its field count is not the header's,
    /// its `period` or `person` is blank or its period impossible, `row` throws, or an earlier
    /// record has the same person and period (the reject names the `person` column and the
    /// first line).
    ///
    /// - Parameters:
    ///   - table: The plan or actuals table.
    ///   - kind: The file's kind as the missing-columns error names it (`plan`, `actuals`).
    ///   - requiredColumns: The columns the table must have.
    ///   - knownColumns: The columns read; the header's others are listed as ignored.
    ///   - row: Reads the rest of a record whose period and person are read.
    /// - Returns: The rows and rejects, in file order.
    /// - Throws: ``PerformanceDataError/missingColumns(file:kind:missing:available:)``.
    static func contents<Row>(
        of table: CSVTable, kind: String, requiredColumns: [String], knownColumns: [String],
        _ row: (_ fields: PerformanceFieldReader, _ record: CSVRecord, _ period: ReviewPeriod, _ person: String) throws(PerformanceReject)
            -> Row
    ) throws(PerformanceDataError) -> PerformanceFileContents<Row> {
        let missing = requiredColumns.filter { !table.header.contains($0) }
        guard missing.isEmpty else {
            throw .missingColumns(file: table.file, kind: kind, missing: missing, available: table.header)
        }
        let fields = PerformanceFieldReader(table: table)
        var rows: [Row] = []
        var rejects: [PerformanceReject] = []
        var firstLine: [String: Int] = [:]
        for record in table.records {
            do throws(PerformanceReject) {
                guard record.fields.count == table.header.count else {
                    throw fields.reject(record, .fieldCount(expected: table.header.count, found: record.fields.count))
                }
                let period = try fields.period(record)
                let person = try fields.requiredText(record, "person")
                let value = try row(fields, record, period, person)
                let key = period.label + "\u{1F}" + person
                if let first = firstLine[key] {
                    throw fields.reject(record, .duplicateRow(person: person, period: period.label, firstLine: first), column: "person")
                }
                firstLine[key] = record.line
                rows.append(value)
            } catch {
                rejects.append(error)
            }
        }
        let known = Set(knownColumns)
        return PerformanceFileContents(
            file: table.file, header: table.header, rows: rows, rejects: rejects, rowsRead: table.records.count,
            ignoredColumns: table.header.filter { !known.contains($0) })
    }
}
