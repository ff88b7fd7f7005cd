import ArgumentParser
import ScoringEngine
import ScoringIO

extension Kam {
    struct ModelCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "model",
            abstract: "Inspect a model file.",
            subcommands: [Show.self, Fit.self, Export.self])

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show the effective model: factors, normalized weights, scales, grading and segments.")

            @OptionGroup var modelOptions: ModelOptions

            @Option(help: "The output format.")
            var format: OutputFormat = .table

            @Option(help: "The language of labels: en or zh.")
            var lang: Language = .en

            func run() throws {
                try runReportingErrors {
                    let model = try modelOptions.load()
                    var sink = FileSink.standardOutput(escapesControlCharacters: format == .table || format == .markdown)
                    sink.write(ModelReport(model: model, language: lang).render(format))
                    try sink.finish()
                }
            }
        }
    }
}
