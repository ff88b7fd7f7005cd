import Foundation
import LinearAlgebra
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

/// One set of numbers (issue 14): `kam forecast` and `kam simulate` use one model of winning.
/// With every account at the effort the pipeline was fitted on, the simulation's expected
/// wins and revenue over 12 periods equal the forecast's within Monte Carlo error.
@Suite("Forecast and simulation agree at the fitted effort")
struct ForecastSimulationAgreementTests {
    /// Accounts with random stages, deal values and scores, forecast by the real forecaster
    /// with a conversion model (so their P(won) differs from their stage's).
    static func setting(count: Int, seed: UInt64) throws -> (PipelineForecaster, [AllocationProblem.Account], [PipelineForecaster.Account])
    {
        let conversion = ConversionModel(
            scoringModel: "m", intercept: .init(estimate: 0.3, standardError: 0.1), value: .init(estimate: 0.8, standardError: 0.1),
            difficulty: .init(estimate: -0.5, standardError: 0.1))
        let forecaster = try PipelineForecaster(
            pipeline: PipelineModel(transitions: PipelineFixtures.table(), conversion: conversion), horizon: 12)
        var random = SeededRandom(seed: seed)
        var allocation: [AllocationProblem.Account] = []
        var forecast: [PipelineForecaster.Account] = []
        for index in 0..<count {
            let stage = 1 + Int(random.nextDouble() * 5)
            let value = 20 + 70 * random.nextDouble()
            let difficulty = 10 + 70 * random.nextDouble()
            let dealValue = 50 + 950 * random.nextDouble()
            let byStage = (1...5).map { s in
                forecaster.forecast(
                    PipelineForecaster.Account(
                        stage: s, value: value, difficulty: difficulty, insufficientInformation: false, dealValue: dealValue)
                ).probability ?? 0
            }
            allocation.append(
                AllocationProblem.Account(
                    id: "K-\(index)", manager: 0, stage: stage, grade: .b, dealValue: dealValue, probabilityByStage: byStage))
            forecast.append(
                PipelineForecaster.Account(
                    stage: stage, value: value, difficulty: difficulty, insufficientInformation: false, dealValue: dealValue))
        }
        return (forecaster, allocation, forecast)
    }

    static func meanAndError(_ values: [Double]) -> (mean: Double, standardError: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        return (mean, (variance / Double(values.count)).squareRoot())
    }

    @Test("expected wins and revenue within 12 periods: simulation at the fitted effort = forecast, within 4 standard errors")
    func agreement() throws {
        let (forecaster, accounts, forecastAccounts) = try Self.setting(count: 300, seed: 21)
        let forecasts = forecaster.forecast(forecastAccounts)
        let forecastWins = forecasts.compactMap(\.probabilityWithinHorizon).reduce(0, +)
        let forecastRevenue = forecasts.compactMap(\.expectedRevenueWithinHorizon).reduce(0, +)
        // The score effect matters here: the stage chain alone would say something else.
        let stageOnlyWins = forecastAccounts.map {
            forecaster.shareWonWithin(12, stage: $0.stage!) * forecaster.outlook(stage: $0.stage!).probabilityWon
        }
        .reduce(0, +)

        let problem = try AllocationProblem(
            team: AllocationFixtures.team(managers: [100]), transitions: PipelineFixtures.table(), accounts: accounts)
        let simulator = AllocationSimulator(allocator: Allocator(problem: problem), periods: 12, runs: 1000, seed: 5, threads: 2)
        let outcome = simulator.simulateAtFittedEffort()
        let wins = Self.meanAndError(outcome.wins)
        let revenue = Self.meanAndError(outcome.revenue)
        #expect(
            abs(wins.mean - forecastWins) <= 4 * wins.standardError, "wins \(wins.mean) ± \(wins.standardError) vs forecast \(forecastWins)"
        )
        #expect(
            abs(revenue.mean - forecastRevenue) <= 4 * revenue.standardError,
            "revenue \(revenue.mean) ± \(revenue.standardError) vs forecast \(forecastRevenue)")
        // The test has the power to see the old disagreement (the simulation ignoring scores).
        #expect(abs(stageOnlyWins - forecastWins) > 10 * wins.standardError, "stage-only \(stageOnlyWins) vs \(forecastWins)")
    }

    @Test("an account's win weight is its forecast P(won) over its stage's; 1 without a forecast; 0 without a stage")
    func winWeights() throws {
        let (forecaster, accounts, _) = try Self.setting(count: 5, seed: 3)
        let extra = [
            AllocationProblem.Account(
                id: "insufficient", manager: 0, stage: 2, grade: .insufficient, dealValue: 10, probabilityByStage: []),
            AllocationProblem.Account(id: "no stage", manager: 0, stage: nil, grade: .a, dealValue: 10, probabilityByStage: []),
        ]
        let problem = try AllocationProblem(
            team: AllocationFixtures.team(managers: [100]), transitions: PipelineFixtures.table(), accounts: accounts + extra)
        for (i, account) in accounts.enumerated() {
            let stage = account.stage!
            let expected = account.probabilityByStage[stage - 1] / forecaster.outlook(stage: stage).probabilityWon
            #expect(problem.winWeight[i].isApproximatelyEqual(to: expected, absoluteTolerance: 0, relativeTolerance: 1e-12))
        }
        #expect(problem.winWeight[5] == 1)
        #expect(problem.winWeight[6] == 0)
    }
}
