import Reports

extension OutputFormat {
    /// Whether a command prints its report's summary on standard error: when standard output
    /// does not show it (csv, json, or a report written to `output`). A command without an
    /// `--output` passes `nil`.
    func sendsSummaryToStandardError(output: String?) -> Bool {
        self == .csv || self == .json || output != nil
    }
}
