/// A report whose four text formats come from three renderings: a table and markdown from
/// one text rendering, CSV and JSON from their own.
public protocol FourFormatReport {
    /// The report as a table (`markdown: false`) or as markdown.
    func text(markdown: Bool) -> String
    func csv() -> String
    func json() -> String
}

extension FourFormatReport {
    /// The report in `format`.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return text(markdown: false)
        case .markdown: return text(markdown: true)
        case .csv: return csv()
        case .json: return json()
        }
    }
}

/// A report like a ``FourFormatReport`` whose CSV is one of several tables, its `View`.
public protocol ViewedFourFormatReport {
    associatedtype View
    /// The report as a table (`markdown: false`) or as markdown.
    func text(markdown: Bool) -> String
    /// The table `view` as CSV.
    func csv(_ view: View) -> String
    func json() -> String
}

extension ViewedFourFormatReport {
    /// The report in `format`; `view` is the table CSV shows.
    public func render(_ format: OutputFormat, view: View) -> String {
        switch format {
        case .table: return text(markdown: false)
        case .markdown: return text(markdown: true)
        case .csv: return csv(view)
        case .json: return json()
        }
    }
}
