import Foundation
import LinearAlgebra
import RealModule
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("datasets/history: the generated history and what fits recover from it", .serialized)
struct BundledHistoryTests {
    static let model = try! ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
    static let directory = Paths.packageRoot + "/datasets/history"

    @Test("the bundled files are exactly what `kam pipeline generate` writes with its defaults")
    func reproducible() throws {
        let output = try PipelineHistoryGenerator(options: .init(), model: Self.model).generate()
        #expect(try String(contentsOfFile: Self.directory + "/events.csv", encoding: .utf8) == output.events)
        #expect(try String(contentsOfFile: Self.directory + "/snapshots.csv", encoding: .utf8) == output.snapshots)
    }

    @Test("the fitted table recovers the generating table within its 99% intervals, with censored accounts")
    func transitions() throws {
        let log = try StageEventLogReader().read(contentsOf: Self.directory + "/events.csv")
        #expect(log.rejects.isEmpty)
        let until = try #require(CalendarDate(text: "2024-12-31"))
        let fit = try TransitionEstimator(confidenceLevel: 0.99).fit(log.histories, observedUntil: until)
        #expect(fit.censored > 500)
        let intervals = try #require(fit.table.intervals)
        let truth = PipelineHistoryGenerator.transitionProbabilities
        for row in 0..<5 {
            for column in 0..<7 {
                #expect(intervals[row][column].contains(truth[row][column]), "stage \(row + 1) → \(column)")
            }
        }
    }

    /// Snapshots with their scores (the snapshot file's own statistics).
    func snapshots() throws -> (read: SnapshotReader.Result, assessment: BatchAssessment) {
        let read = try SnapshotReader(model: Self.model).read(contentsOf: Self.directory + "/snapshots.csv")
        let assessment = ScoringPipeline(model: Self.model).assess(read.batch)
        return (read, assessment)
    }

    @Test("the conversion model recovers the generator's score effects within 4 standard errors")
    func conversion() throws {
        let truth = try PipelineHistoryGenerator(options: .init(), model: Self.model).generate().truth
        let log = try StageEventLogReader().read(contentsOf: Self.directory + "/events.csv")
        let fit = try TransitionEstimator().fit(log.histories, observedUntil: truth.observedUntil)
        let (read, assessment) = try snapshots()
        let last = PeriodLength.month.lastCompletePeriod(observedUntil: truth.observedUntil)
        let observations = (0..<read.batch.count).map { row in
            ConversionFitter.Observation(
                stage: read.batch.accounts[row].stage, value: assessment.value(row), difficulty: assessment.difficulty(row),
                insufficientInformation: assessment.grades[row] == .insufficient, outcome: read.outcomes[row],
                periodsObserved: last - PeriodLength.month.index(of: read.dates[row]) + 1)
        }
        let model = try ConversionFitter().fit(observations, chain: try fit.table.chain(), scoringModel: "default")
        #expect(abs(model.value.estimate - truth.valueCoefficient) <= 4 * model.value.standardError)
        #expect(abs(model.difficulty.estimate - truth.difficultyCoefficient) <= 4 * model.difficulty.standardError)
        #expect(abs(model.intercept.estimate - truth.intercept) <= 4 * model.intercept.standardError)
        #expect((model.fitSummary?.insufficientInformation ?? 0) > 50)
    }

    @Test("in the backtest at 2024-01-01 the score-aware forecast beats both stage-only forecasts")
    func backtest() throws {
        let log = try StageEventLogReader().read(contentsOf: Self.directory + "/events.csv")
        let (read, assessment) = try snapshots()
        let list = (0..<read.batch.count).map { row in
            Backtest.Snapshot(
                accountID: read.batch.accounts[row].id, date: read.dates[row], stage: read.batch.accounts[row].stage,
                value: assessment.value(row), difficulty: assessment.difficulty(row),
                insufficientInformation: assessment.grades[row] == .insufficient, outcome: read.outcomes[row],
                outcomeDate: read.outcomeDates[row], dealValue: read.batch.accounts[row].dealValue)
        }
        let cut = try #require(CalendarDate(text: "2024-01-01"))
        let result = try Backtest(period: .month, cut: cut).run(
            histories: log.histories, observedUntil: try #require(CalendarDate(text: "2024-12-31")), snapshots: list,
            scoringModel: "default")
        #expect(result.windowPeriods == 12)
        #expect(result.accounts.count > 500)
        let naive = result.evaluations[0]
        let stage = result.evaluations[1]
        let scores = result.evaluations[2]
        #expect(scores.brierScore < stage.brierScore && scores.brierScore < naive.brierScore)
        #expect(scores.logLoss < stage.logLoss && scores.logLoss < naive.logLoss)
        #expect(try #require(scores.areaUnderROC) > (try #require(stage.areaUnderROC)) + 0.05)
        // Not only better than a weak baseline: a clear margin in Brier score.
        #expect(scores.brierScore < 0.9 * stage.brierScore)
        // The revenue forecast per period is closer with scores.
        let errors = result.revenueMeanAbsoluteError
        #expect(errors.scoreAware < errors.stageOnly)
    }
}
