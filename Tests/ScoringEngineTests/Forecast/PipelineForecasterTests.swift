import Foundation
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Account forecasts from the pipeline")
struct PipelineForecasterTests {
    let conversion = ConversionModel(
        scoringModel: "default", intercept: .init(estimate: 0.2, standardError: 0.05),
        value: .init(estimate: 0.8, standardError: 0.04), difficulty: .init(estimate: -0.6, standardError: 0.04))

    @Test("stage only: the probability is the stage's, and the horizon share is F_won(H)")
    func stageOnly() throws {
        let forecaster = try PipelineForecaster(pipeline: PipelineModel(transitions: PipelineFixtures.table()), horizon: 6)
        let chain = forecaster.chain
        let forecast = forecaster.forecast(.init(stage: 3, value: 90, difficulty: 10, insufficientInformation: false, dealValue: 200))
        #expect(forecast.status == .stageOnly)
        #expect(forecast.probability == chain.absorptionProbabilities[2, 0])
        let within = try #require(forecast.probabilityWithinHorizon)
        #expect(
            within.isApproximatelyEqual(
                to: chain.absorptionByPeriod(horizon: 6)[6][2, 0], absoluteTolerance: 1e-14, relativeTolerance: 1e-12))
        #expect(forecast.expectedRevenue == 200 * chain.absorptionProbabilities[2, 0])
    }

    @Test("score-aware: the stage's log-odds shifted by the scores; timing kept from the stage")
    func scoreAware() throws {
        let pipeline = PipelineModel(transitions: PipelineFixtures.table(), conversion: conversion)
        let forecaster = try PipelineForecaster(pipeline: pipeline, horizon: 12)
        let pi = forecaster.chain.absorptionProbabilities[0, 0]
        let forecast = forecaster.forecast(.init(stage: 1, value: 70, difficulty: 30, insufficientInformation: false, dealValue: nil))
        // logit p = logit π + 0.2 + 0.8·2 − 0.6·(−2) = logit π + 3.0
        let eta = log(pi / (1 - pi)) + 3.0
        let p = 1 / (1 + exp(-eta))
        let probability = try #require(forecast.probability)
        #expect(probability.isApproximatelyEqual(to: p, absoluteTolerance: 1e-14, relativeTolerance: 1e-12))
        let share = forecaster.shareWonWithin(12, stage: 1)
        #expect(
            try #require(forecast.probabilityWithinHorizon).isApproximatelyEqual(
                to: p * share, absoluteTolerance: 1e-14, relativeTolerance: 1e-12))
        #expect(forecast.expectedRevenue == nil)
        // The timing per period sums to the share won within the horizon.
        #expect(
            forecaster.winTiming(stage: 1).reduce(0, +).isApproximatelyEqual(to: share, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
    }

    @Test("insufficient information and a missing stage are flagged, with no probability")
    func flagged() throws {
        let forecaster = try PipelineForecaster(
            pipeline: PipelineModel(transitions: PipelineFixtures.table(), conversion: conversion), horizon: 3)
        let insufficient = forecaster.forecast(.init(stage: 2, value: 50, difficulty: 50, insufficientInformation: true, dealValue: 80))
        #expect(insufficient.status == .insufficientInformation)
        #expect(insufficient.probability == nil && insufficient.expectedRevenue == nil)
        #expect(insufficient.stageProbability != nil)
        let noStage = forecaster.forecast(.init(stage: nil, value: 50, difficulty: 50, insufficientInformation: false, dealValue: 80))
        #expect(noStage.status == .noStage && noStage.probability == nil)
    }
}
