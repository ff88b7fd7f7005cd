import RealModule
import ScoringEngine
import Testing

@Suite("Forecast evaluation: Brier, log loss, AUC, reliability")
struct ForecastEvaluationTests {
    // Eight accounts worked by hand. Won: 0.35, 0.8, 0.95. Lost: 0.1, 0.4, 0.6, 0.32, 0.8.
    let probabilities = [0.1, 0.4, 0.35, 0.8, 0.95, 0.6, 0.32, 0.8]
    let outcomes = [false, false, true, true, true, false, false, false]

    @Test("Brier score and log loss equal the hand-computed sums")
    func scores() {
        let evaluation = ForecastEvaluation(probabilities: probabilities, outcomes: outcomes)
        // (0.1² + 0.4² + 0.65² + 0.2² + 0.05² + 0.6² + 0.32² + 0.8²) / 8 = 1.7374 / 8
        #expect(evaluation.brierScore.isApproximatelyEqual(to: 0.217175, absoluteTolerance: 1e-15, relativeTolerance: 1e-12))
        // −(ln 0.9 + ln 0.6 + ln 0.35 + ln 0.8 + ln 0.95 + ln 0.4 + ln 0.68 + ln 0.2) / 8
        #expect(evaluation.logLoss.isApproximatelyEqual(to: 0.6064795293430619, absoluteTolerance: 1e-15, relativeTolerance: 1e-12))
        #expect(evaluation.baseRate == 3.0 / 8)
        #expect(evaluation.count == 8)
    }

    @Test("AUC counts concordant won–lost pairs, a tie as one half")
    func auc() throws {
        let evaluation = ForecastEvaluation(probabilities: probabilities, outcomes: outcomes)
        // 0.35 beats 0.1 and 0.32 (2); 0.8 beats four and ties one (4.5); 0.95 beats all five (5):
        // 11.5 of 15 pairs.
        let auc = try #require(evaluation.areaUnderROC)
        #expect(auc.isApproximatelyEqual(to: 11.5 / 15, absoluteTolerance: 1e-15, relativeTolerance: 1e-12))
        #expect(ForecastEvaluation(probabilities: [0.2, 0.3], outcomes: [true, true]).areaUnderROC == nil)
    }

    @Test("the reliability table puts each forecast in its tenth, 1.0 in the last")
    func reliability() {
        let evaluation = ForecastEvaluation(probabilities: probabilities + [1.0], outcomes: outcomes + [true])
        let bins = evaluation.reliability
        #expect(bins.count == 10)
        #expect(bins.map(\.count) == [0, 1, 0, 2, 1, 0, 1, 0, 2, 2])
        // [0.3, 0.4): 0.35 won and 0.32 lost.
        #expect(bins[3].meanForecast.isApproximatelyEqual(to: 0.335, absoluteTolerance: 1e-15, relativeTolerance: 1e-12))
        #expect(bins[3].observedRate == 0.5)
        // [0.8, 0.9): the two 0.8s, one won.
        #expect(bins[8].meanForecast.isApproximatelyEqual(to: 0.8, absoluteTolerance: 1e-15, relativeTolerance: 1e-12))
        #expect(bins[8].observedRate == 0.5)
        // [0.9, 1.0]: 0.95 and 1.0, both won.
        #expect(bins[9].meanForecast.isApproximatelyEqual(to: 0.975, absoluteTolerance: 1e-15, relativeTolerance: 1e-12))
        #expect(bins[9].observedRate == 1)
        #expect(bins[0].meanForecast.isNaN)
        #expect(bins[4].lower == 0.4 && bins[4].upper == 0.5)
    }
}
