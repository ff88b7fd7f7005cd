import LinearAlgebra
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("Pipeline files")
struct PipelineFileTests {
    func fitted() throws -> PipelineModel {
        let generated = PipelineFixtures.histories(table: PipelineFixtures.table(), accounts: 800, months: 24, seed: 3)
        let fit = try TransitionEstimator().fit(generated.histories, observedUntil: generated.observedUntil)
        return PipelineModel(
            transitions: fit.table,
            history: .init(
                source: "events.csv", firstDate: fit.firstDate, observedUntil: fit.observedUntil, accounts: fit.accounts,
                won: fit.won, lost: fit.lost, censored: fit.censored),
            conversion: ConversionModel(
                scoringModel: "default", intercept: .init(estimate: -1.25, standardError: 0.07),
                value: .init(estimate: 0.875, standardError: 0.04), difficulty: .init(estimate: -0.8125, standardError: 0.03),
                factorStatistics: ["margin": .init(minimum: 3, maximum: 45, mean: 18.5, standardDeviation: .nan, meanUtility: 0.625)],
                fitSummary: .init(source: "s.csv", used: 500, won: 120, insufficientInformation: 4, unresolved: 30, uninformative: 1)))
    }

    @Test("a written file reads back to the same model: counts exact, probabilities to 6 decimals")
    func roundTrip() throws {
        let model = try fitted()
        let text = PipelineFileWriter.yaml(model, command: "kam pipeline fit events.csv")
        let read = try PipelineFileReader().read(yaml: text, file: "p.yaml")
        #expect(read.transitions.counts == model.transitions.counts)
        #expect(
            read.transitions.probabilities.isApproximatelyEqual(
                to: model.transitions.probabilities, absoluteTolerance: 1e-6, relativeTolerance: 0))
        #expect(read.history == model.history)
        let conversion = try #require(read.conversion)
        #expect(conversion.value == model.conversion?.value)
        #expect(conversion.fitSummary == model.conversion?.fitSummary)
        #expect(conversion.factorStatistics["margin"]?.meanUtility == 0.625)
        #expect(conversion.factorStatistics["margin"]?.standardDeviation.isNaN == true)
        #expect(text.contains("# Made by: kam pipeline fit events.csv"))
    }

    @Test("an edited probability is accepted when its stage still sums to 1; the counts are then dropped")
    func edited() throws {
        let text = """
            schema: kam.pipeline/1
            period: week
            transitions:
              stage_1: {stage_1: 0.8, stage_2: 0.1, lost: 0.1}
              stage_2: {stage_2: 0.7, stage_3: 0.2, lost: 0.1}
              stage_3: {stage_3: 0.7, stage_4: 0.2, lost: 0.1}
              stage_4: {stage_4: 0.7, stage_5: 0.2, lost: 0.1}
              stage_5: {stage_5: 0.5, won: 0.4, lost: 0.1}
            """
        let model = try PipelineFileReader().read(yaml: text, file: "hand.yaml")
        #expect(model.period == .week)
        #expect(model.transitions.counts == nil)
        #expect(model.transitions.probability(from: 5, to: .won) == 0.4)
        #expect(model.conversion == nil)
        let chain = try model.transitions.chain()
        #expect(chain.absorptionProbabilities[4, 0] > 0.79)
    }

    @Test(
        "mistakes are reported with the file, the line and what to write",
        arguments: [
            (
                "schema: kam.pipeline/1\nperiod: month\ntransitions:\n  stage_1: {stage_1: 0.8, lost: 0.1}\n", 4,
                "the probabilities of stage_1 sum to 0.9; they must sum to 1 (staying in the stage included). Adjust stage_1's entries."
            ),
            ("schema: kam.pipeline/1\nperiod: fortnight\n", 2, "period is 'fortnight'; it must be one of: month, week."),
            (
                "schema: kam.pipeline/1\nperiod: month\ntransitions:\n  stage_1: {stage_1: 0.8, gone: 0.2}\n", 4,
                "unknown key 'gone' in transitions.stage_1; allowed keys: stage_1, stage_2, stage_3, stage_4, stage_5, won, lost."
            ),
            (
                "schema: kam.pipeline/1\nperiod: month\ntransitions:\n  stage_1: {stage_1: 1.2}\n", 4,
                "transitions.stage_1.stage_1 is 1.2; a probability is between 0 and 1."
            ),
            ("schema: kam.pipeline/2\n", 1, "schema is 'kam.pipeline/2'; this kam reads 'kam.pipeline/1'. Refit with `kam pipeline fit`."),
        ])
    func errors(text: String, line: Int, message: String) {
        #expect(throws: ModelFileError(file: "p.yaml", line: line, message: message)) {
            try PipelineFileReader().read(yaml: text, file: "p.yaml")
        }
    }
}
