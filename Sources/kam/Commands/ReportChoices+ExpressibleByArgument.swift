import ArgumentParser
import Reports

// The report choices the library defines, as option values (`--format`, `--view`).
extension OutputFormat: ExpressibleByArgument {}
extension PipelineReport.View: ExpressibleByArgument {}
extension ModelFitReport.CSVView: ExpressibleByArgument {}
