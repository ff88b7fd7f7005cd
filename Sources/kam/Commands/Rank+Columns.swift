import ArgumentParser
import Foundation
import Reports
import ScoringIO

extension Kam.Rank {
    /// Writes `report` with only the columns `--columns` chose (names of the CSV header, in
    /// the order given): CSV through a ``ColumnSelectingSink`` (page by page), a table or
    /// Markdown of those CSV columns, or a workbook whose ranked sheet has only those columns.
    func write(
        _ report: RankReport, columns: [String], to sink: inout FileSink, morePages: () throws -> RankReport?
    ) throws {
        switch format {
        case .csv where excel || outputEncoding != .utf8:
            let style = excel ? CSVOutputStyle.excel(encoding: outputEncoding) : CSVOutputStyle(encoding: outputEncoding)
            var styled = StyledCSVSink(base: sink, style: style)
            try writeCSV(report, columns: columns, to: &styled, morePages: morePages)
            if let failure = styled.failure { throw failure }
            sink = styled.base
        case .csv:
            try writeCSV(report, columns: columns, to: &sink, morePages: morePages)
        case .table, .markdown:
            var text = StringSink()
            try writeCSV(report, columns: columns, to: &text, morePages: morePages)
            let table: CSVTable
            do { table = try CSVReader().read(bytes: Array(text.text.utf8), file: "ranking") } catch {
                throw CLIError.tableLayout(error)
            }
            var shown = Self.table(table, markdown: format == .markdown)
            if !quiet {
                let lines =
                    format == .markdown
                    ? report.summaryLines() : report.summaryLines().flatMap { DisplayWidth.wrap($0, width: TerminalWidth.columns) }
                shown += "\n" + lines.joined(separator: "\n") + "\n"
            }
            show(shown, into: &sink)
        case .xlsx:
            var workbook = try report.workbook(morePages: morePages)
            let ranked = workbook.sheets[0]
            let missing = columns.filter { name in !ranked.columns.contains { $0.header == name } }
            guard missing.isEmpty else { throw CLIError.usage(Self.unknownColumnsMessage(missing, header: ranked.columns.map(\.header))) }
            workbook = Workbook(sheets: [ReportWorkbook.selecting(columns, from: ranked)] + workbook.sheets.dropFirst())
            try ReportWorkbook.write(workbook, to: &sink, output: destination.output)
        case .json:
            throw CLIError.usage("Please use '--columns' with table, markdown, csv or xlsx output (json keeps every field).")
        }
    }

    /// Writes a table to `sink`, or through the pager when standard output is a terminal
    /// shorter than the table (see ``Pager``).
    func show(_ text: String, into sink: inout FileSink) {
        if destination.output == nil, let pager = Pager.command(for: text, disabled: list.noPager),
            Pager.show(InputEcho.escapingControlCharacters(text, keeping: ["\n"]), with: pager)
        {
            return
        }
        sink.write(text)
    }

    private func writeCSV<Sink: OutputSink>(
        _ report: RankReport, columns: [String], to sink: inout Sink, morePages: () throws -> RankReport?
    ) throws {
        var selecting = ColumnSelectingSink(base: sink, columns: columns)
        try report.writeCSV(to: &selecting, morePages: morePages)
        selecting.finish()
        if !selecting.unknownColumns.isEmpty {
            throw CLIError.usage(Self.unknownColumnsMessage(selecting.unknownColumns, header: selecting.header ?? []))
        }
        sink = selecting.base
    }

    static func unknownColumnsMessage(_ missing: [String], header: [String]) -> String {
        "'--columns': the ranking has no column \(missing.map { "'\($0)'" }.joined(separator: ", ")); "
            + "its columns are \(header.joined(separator: ", "))."
    }

    /// The CSV's columns as a terminal table (or Markdown); columns of numbers align right.
    static func table(_ table: CSVTable, markdown: Bool) -> String {
        func shown(_ field: String) -> String {
            // The CSV guards text a spreadsheet would run as a formula with a quote; a table need not.
            guard field.hasPrefix("'"), let next = field.dropFirst().first, "=+-@\t\r".contains(next) else { return field }
            return String(field.dropFirst())
        }
        let rows = table.records.map { $0.fields.map(shown) }
        let numeric = table.header.indices.map { column in
            rows.allSatisfy { column >= $0.count || $0[column].isEmpty || Double($0[column]) != nil }
        }
        var plain = PlainTable(
            columns: table.header.enumerated().map { index, name in
                PlainTable.Column(name, alignRight: numeric[index], maxWidth: markdown || numeric[index] ? nil : 40)
            })
        plain.rows = rows
        return markdown ? plain.markdown() : plain.render(maxWidth: TerminalWidth.columns)
    }
}
