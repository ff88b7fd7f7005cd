import ArgumentParser
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension RandomIndex.Table: ExpressibleByArgument {}

extension Kam {
    /// `kam weights`: set factor weights from pairwise judgements or from past outcomes.
    struct Weights: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set factor weights from pairwise judgements (ahp) or past wins and losses (fit).",
            subcommands: [AHP.self, WeightsFit.self])

        struct AHP: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "ahp",
                abstract: "Derive weights per side from pairwise judgements (Saaty's AHP), with consistency checks.",
                discussion: """
                    FILE is a YAML file of judges, each with judgements [factor A, factor B, x] under \
                    'value:' and 'difficulty:': A is x times as important as B on Saaty's scale 1–9 \
                    (1 equal, 3 moderate, 5 strong, 7 very strong, 9 extreme; 1/3 etc. the other way \
                    round). A pair left out or written ~ is filled in by Harker's method. Judges are \
                    combined by the geometric mean of their matrices. Weights are the principal \
                    eigenvector; CR = CI / RI; CR above 0.10 is flagged with the \
                    judgements to revisit and the values the other judgements imply. \
                    See datasets/judgements.yaml for an example.

                    --random-index chooses RI: auto (default) takes Saaty's 1980 table up to 15 \
                    factors a side and Alonso and Lamata's 2006 formula (1.7699n − 4.3513)/(n − 1) \
                    beyond; saaty1980 only Saaty's table (a side of more than 15 factors is then \
                    an error); alonso-lamata their 2006 table up to 15 and their formula beyond. \
                    Every format names the table used.

                    --write-model OUT writes a copy of the model file with the new weights: only the \
                    weight values change, every other byte stays. It refuses while the combined CR \
                    of a side is above 0.10, unless --allow-inconsistent is given.
                    """)

            @Argument(help: "The judgement file (YAML).")
            var file: String

            @OptionGroup var modelOptions: ModelOptions

            @Option(help: "Write a copy of the model with the AHP weights to this file.")
            var writeModel: String?

            @Flag(help: "Write the model even if a side's combined CR is above 0.10.")
            var allowInconsistent = false

            @Option(help: "The random index for CR: auto, saaty1980 or alonso-lamata.")
            var randomIndex: RandomIndex.Table = .auto

            @OptionGroup var formatting: ReportOptions.Format

            @OptionGroup var labels: ReportOptions.Labels

            func run() throws {
                try runReportingErrors {
                    let model = try modelOptions.load()
                    guard FileManager.default.fileExists(atPath: file) else {
                        throw CLIError.inputMissing("\(file): no such judgement file. Check the path.")
                    }
                    let contents = try readJudgements(model: model)
                    let analysis: AHPAnalysis
                    do {
                        analysis = try AHPAnalysis.analyze(model: model, judges: contents.judges, randomIndex: randomIndex)
                    } catch let error as PairwiseComparisonError {
                        throw CLIError.inFile(file, error)
                    }
                    for side in analysis.sides where side.combined.randomIndex == nil {
                        printError(
                            "kam: error: the \(side.side.rawValue) side has \(side.factorIndices.count) factors, and Saaty's 1980 random-index table stops at 15, so CR cannot be computed. Please specify '--random-index auto' or '--random-index alonso-lamata'."
                        )
                        throw ExitCode(64)
                    }
                    var written: String?
                    var refusal: String?
                    if let writeModel {
                        let inconsistent = analysis.sides.filter { !$0.combined.isAcceptable }.map(\.side.rawValue)
                        if !inconsistent.isEmpty && !allowInconsistent {
                            refusal =
                                "Did not write \(writeModel): the combined CR of the \(inconsistent.joined(separator: " and ")) side is above 0.10; revise the judgements listed, or add --allow-inconsistent."
                        } else {
                            try write(model: model, analysis: analysis, to: writeModel)
                            written = writeModel
                        }
                    }
                    let report = AHPReport(
                        model: model, analysis: analysis, contents: contents, file: file, language: labels.lang,
                        writtenModel: written, refusal: refusal)
                    try FileSink.write(report.render(formatting.format), format: formatting.format)
                    if let refusal {
                        printError("kam: error: \(refusal)")
                        throw ExitCode(65)
                    }
                }
            }

            func readJudgements(model: ScoringModel) throws -> JudgementFileReader.Contents {
                return try JudgementFileReader(model: model).read(contentsOf: file)
            }

            func write(model: ScoringModel, analysis: AHPAnalysis, to path: String) throws {
                guard let data = FileManager.default.contents(atPath: modelOptions.model),
                    let text = String(data: data, encoding: .utf8)
                else {
                    throw CLIError.inputMissing("\(modelOptions.model): cannot read the model file to copy it.")
                }
                let weights = analysis.modelWeights(replacing: model.factors.map(\.weight))
                var byID: [String: Double] = [:]
                for side in analysis.sides {
                    for index in side.factorIndices { byID[model.factors[index].id] = weights[index] }
                }
                let rewritten = try ModelWeightWriter().rewrite(yaml: text, file: modelOptions.model, weights: byID)
                // The model in use may be rewritten with its new weights (it was read whole);
                // the other inputs may not be replaced.
                try OutputFile.write(rewritten, to: path, protecting: protectedInputs(others: [(file, "judgement file")]))
            }
        }
    }
}
