import ArgumentParser
import ScoringEngine
import ScoringIO

extension Kam {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a prospect list against a model without scoring it; list every problem.",
            discussion: """
                Reads the whole file and reports every row that could not be scored, as \
                file:line:column: what is wrong and how to fix it: every such row, and every \
                problem within a row, not only the first. \
                Exit status: 0 when every row can be scored, 65 when some cannot or the file \
                does not fit the model, 66 when a file is missing.
                """)

        @OptionGroup var input: InputOptions
        @OptionGroup var modelOptions: ModelOptions

        @Option(help: "Write the rejected rows to this file too.")
        var rejects: String?

        func run() throws {
            try runReportingErrors {
                let model = try modelOptions.load()
                let (loaded, scorable) = try Self.check(input, model: model, modelPath: modelOptions.model)
                var sink = FileSink.standardOutput(escapesControlCharacters: true)
                sink.write(Self.report(loaded, scorable: scorable, model: model))
                try sink.finish()
                if let rejects {
                    _ = try RejectsOptions.writeRejects(
                        loaded.rejects, header: loaded.header, to: rejects,
                        protecting: protectedInputs(list: input.file, model: modelOptions.model))
                }
                if !loaded.rejects.isEmpty { throw ExitCode(65) }
            }
        }

        /// Reads the file as `kam rank` does: streamed in bounded memory when it is a regular
        /// file (rejects and counts only; nothing is ranked), else into memory. Returns the
        /// reading (its batch holds no accounts when streamed) and how many rows can be scored.
        static func check(_ input: InputOptions, model: ScoringModel, modelPath: String) throws -> (ProspectListLoader.Result, Int) {
            guard ProspectStream.canStream(input.file), model.factors.count <= ProspectStream.maximumFactors else {
                let loaded = try input.load(model: model)
                return (loaded, loaded.batch.count)
            }
            let scorer: Scorer
            do { scorer = try Scorer(model: model) } catch { throw CLIError.badData("\(modelPath): \(error)") }
            let ranking = try input.rank(model: model, scorer: scorer, scenario: 0, limit: 0, grades: nil)
            return (ranking.loaderResult, ranking.acceptedCount)
        }

        static func report(_ loaded: ProspectListLoader.Result, scorable: Int, model: ScoringModel) -> String {
            var text = ""
            // Every problem of each row that cannot be scored, not only the first.
            let problems = ProspectListLoader(model: model).everyProblem(
                of: loaded.rejects, header: loaded.header, file: loaded.file)
            for problem in problems { text += problem.description + "\n" }
            for segment in loaded.unevaluatedSegments {
                text += "\(loaded.file): note: segment '\(segment.id)' will not be evaluated; the file lacks "
                    + "\(segment.missingColumns.joined(separator: ", ")).\n"
            }
            let encoding = loaded.encoding.rawValue
            let delimiter = loaded.delimiter == UInt8(ascii: "\t") ? "tab" : String(UnicodeScalar(loaded.delimiter))
            text += "\(loaded.file): \(loaded.rowsRead) rows read (\(encoding), delimiter '\(delimiter)'): "
            text += "\(scorable) can be scored, \(loaded.rejects.count) cannot"
            text += problems.count > loaded.rejects.count ? " (\(problems.count) problems).\n" : ".\n"
            return text
        }
    }
}
