import Reports

/// What a command decides from the format of its report.
extension OutputFormat {
    /// Whether a command prints its report's summary on standard error: when standard output
    /// does not show it (csv, json, or a report written to `output`). A command without an
    /// `--output` passes `nil`.
    func sendsSummaryToStandardError(output: String?) -> Bool {
        self == .csv || self == .json || output != nil
    }

    /// How many accounts a report lists: the number asked for (`--top`, `--show`), else 20 in
    /// a table or markdown (for reading) and all in csv or json (for other programs).
    func listedAccounts(_ requested: Int?) -> Int {
        requested ?? (self == .table || self == .markdown ? 20 : Int.max)
    }
}
