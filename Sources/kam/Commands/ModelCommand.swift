import ArgumentParser
import Reports
import ScoringEngine
import ScoringIO

extension Kam {
    struct ModelCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "model",
            abstract: "Inspect a model file.",
            subcommands: [Show.self, ModelFit.self, Export.self])

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show the effective model: factors, normalized weights, scales, grading and segments.")

            @OptionGroup var modelOptions: ModelOptions

            @OptionGroup var formatting: ReportOptions.Format

            @OptionGroup var labels: ReportOptions.Labels

            func run() throws {
                try runReportingErrors {
                    let model = try modelOptions.load()
                    let report = ModelReport(model: model, language: labels.lang)
                    try FileSink.write(report.render(formatting.format), format: formatting.format)
                }
            }
        }
    }
}
