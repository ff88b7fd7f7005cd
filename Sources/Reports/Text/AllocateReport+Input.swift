import ScoringEngine
import ScoringIO

extension AllocateReport.Input {
    /// Scores and forecasts a loaded prospect list and builds the allocation problem of
    /// `kam allocate` and `kam simulate`.
    ///
    /// Each account is assessed with the list's utility statistics, or the pipeline
    /// conversion's when the pipeline has one; an account with sufficient information gets its
    /// probability of being won from every stage (1 through ``PipelineState/stageCount``), an
    /// insufficient one none. Managers are matched to the team's people by name.
    ///
    /// - Parameters:
    ///   - loaded: The prospect list as loaded with `scoring.model`.
    ///   - scoring: The scoring pipeline of the model the list was loaded with.
    ///   - pipeline: The pipeline model the forecaster was built from.
    ///   - forecaster: The pipeline's forecaster (horizon 12 in `kam`).
    ///   - team: The team file's people, budget and stage work.
    ///   - objective: What the optimizer maximizes.
    ///   - rejectsPath: Where the rejected rows were written, if anywhere.
    /// - Throws: `AllocationError` when the team and the accounts do not make a problem.
    public init(
        loaded: ProspectListLoader.Result, scoring: ScoringPipeline, pipeline: PipelineModel, forecaster: PipelineForecaster,
        team: Team, objective: AllocationProblem.Objective, rejectsPath: String?
    ) throws(AllocationError) {
        let model = scoring.model
        var statistics = UtilityBuilder(model: model).statistics(of: loaded.batch)
        if let conversion = pipeline.conversion {
            statistics = conversion.statistics(for: model, fallback: statistics)
        }
        let assessment = scoring.assess(loaded.batch, statistics: statistics)
        let managerNames = assessment.accounts.map(\.manager)
        let managers = team.assign(managerNames: managerNames)
        var accounts: [AllocationProblem.Account] = []
        accounts.reserveCapacity(assessment.count)
        for row in 0..<assessment.count {
            let account = assessment.accounts[row]
            let insufficient = assessment.grades[row] == .insufficient
            var byStage: [Double] = []
            if !insufficient {
                byStage = (1...PipelineState.stageCount).map { stage in
                    forecaster.forecast(
                        PipelineForecaster.Account(
                            stage: stage, value: assessment.value(row), difficulty: assessment.difficulty(row),
                            insufficientInformation: false, dealValue: account.dealValue)
                    ).probability ?? 0
                }
            }
            accounts.append(
                AllocationProblem.Account(
                    id: account.id, manager: managers[row], stage: account.stage, grade: assessment.grades[row],
                    dealValue: account.dealValue, probabilityByStage: byStage))
        }
        let problem = try AllocationProblem(team: team, transitions: pipeline.transitions, accounts: accounts, objective: objective)
        self.init(
            problem: problem, assessment: assessment, rejects: loaded.rejects.count, rejectsPath: rejectsPath,
            rejectedRows: loaded.rejects, header: loaded.header, managerNames: managerNames,
            periodLabel: pipeline.history.map { pipeline.period.label(of: pipeline.period.index(of: $0.observedUntil.adding(days: 1))) })
    }
}
