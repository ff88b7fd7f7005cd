import Reports
import ScoringIO

/// A report with CSV views and a workbook, written in any ``WorkbookOutputFormat``
/// (`kam allocate`, `kam forecast`).
protocol WorkbookReport: MultiViewReport {
    /// The report as a workbook (`--format xlsx`).
    func workbook() -> Workbook
    /// The report's closing summary, printed on standard error when standard output does
    /// not show it.
    func summaryLines() -> [String]
}

extension AllocateReport: WorkbookReport {}
extension ForecastReport: WorkbookReport {}

extension WorkbookReport {
    /// Writes the report to `sink`: its text in `format` (`view` choosing the CSV table), or
    /// its workbook for xlsx.
    ///
    /// - Throws: ``CLIError`` naming `output` when a sheet is too long for Excel (65).
    func write(_ format: WorkbookOutputFormat, view: View, to sink: inout FileSink, output: String?) throws {
        if let text = format.text {
            write(text, view: view, to: &sink)
        } else {
            try ReportWorkbook.write(workbook(), to: &sink, output: output)
        }
    }
}
