/// A report whose table and markdown come from one text rendering and whose CSV comes in
/// several views (one table each), written with JSON straight to a sink.
public protocol MultiViewReport {
    /// The CSV tables the report can write.
    associatedtype View

    /// The report as a table (`markdown: false`) or as markdown.
    func text(markdown: Bool) -> String
    /// Writes the CSV table `view`.
    func writeCSV(_ view: View, to sink: inout some OutputSink)
    /// Writes the report as JSON.
    func writeJSON(to sink: inout some OutputSink)
}

extension MultiViewReport {
    /// Writes the report in `format` to `sink`; `view` chooses the CSV table.
    public func write(_ format: OutputFormat, view: View, to sink: inout some OutputSink) {
        switch format {
        case .table: sink.write(text(markdown: false))
        case .markdown: sink.write(text(markdown: true))
        case .csv: writeCSV(view, to: &sink)
        case .json: writeJSON(to: &sink)
        }
    }
}
