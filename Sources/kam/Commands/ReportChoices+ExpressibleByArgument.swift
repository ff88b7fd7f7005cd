import ArgumentParser
import Reports

// The report choices the library defines, as option values (`--format`, `--view`).
extension OutputFormat: ExpressibleByArgument {}
extension PipelineReport.View: ExpressibleByArgument {}
extension ModelFitReport.CSVView: ExpressibleByArgument {}
extension AllocateReport.View: ExpressibleByArgument {}
extension BacktestReport.View: ExpressibleByArgument {}
extension ForecastReport.View: ExpressibleByArgument {}
extension KPIGrouping: ExpressibleByArgument {}
