import ScoringEngine

/// Teams and allocation problems built from literals, and random ones from a seed.
public enum AllocationFixtures {
    /// The seed's stage costs (as in models/team.yaml).
    public static let stages: [Team.StageWork] = [
        .init(managerHours: 3, directorHours: 0, specialistHours: 1, expense: 0.1),
        .init(managerHours: 5, directorHours: 0, specialistHours: 6, expense: 0.3),
        .init(managerHours: 6, directorHours: 2, specialistHours: 4, expense: 0.3),
        .init(managerHours: 8, directorHours: 4, specialistHours: 2, expense: 1.5),
        .init(managerHours: 10, directorHours: 5, specialistHours: 3, expense: 2.5),
    ]

    public static let response = [EffortResponse](
        repeating: EffortResponse(neglect: 0.5, ceiling: 1.8, scale: 0.5), count: PipelineState.stageCount)

    /// A team with the given managers' hours, one director, one specialist pool and a budget.
    public static func team(
        managers: [Double], director: Double = 60, specialists: Double = 400, budget: Double = 40,
        stages: [Team.StageWork] = stages, maximumPackages: Double = 4,
        shares: [Grade: Double] = [.a: 0.6, .b: 0.25, .c: 0.15, .d: 0]
    ) -> Team {
        var people = [Team.Person(name: "director", role: .director, hours: director)]
        for (index, hours) in managers.enumerated() {
            people.append(Team.Person(name: "manager \(index + 1)", role: .manager, hours: hours))
        }
        people.append(Team.Person(name: "specialists", role: .specialist, hours: specialists))
        return Team(
            people: people, budget: budget, stages: stages, response: response, gradeShares: shares,
            maximumPackages: maximumPackages)
    }

    /// `count` accounts with random stages 1…5, grades A–D, deal values 50…2000 and
    /// probabilities near their stage's, spread over `managers` managers.
    public static func accounts(count: Int, managers: Int, seed: UInt64, table: TransitionTable) throws
        -> [AllocationProblem.Account]
    {
        var random = SeededRandom(seed: seed)
        let chain = try table.chain()
        let grades: [Grade] = [.a, .b, .c, .d]
        return (0..<count).map { index in
            let stage = 1 + Int(random.nextDouble() * 5)
            let tilt = 0.5 + random.nextDouble()
            let byStage = (0..<5).map { min(0.99, chain.absorptionProbabilities[$0, 0] * tilt) }
            return AllocationProblem.Account(
                id: "K-\(index)", manager: managers > 0 ? index % managers : nil, stage: stage,
                grade: grades[Int(random.nextDouble() * 4)], dealValue: 50 + 1950 * random.nextDouble(),
                probabilityByStage: byStage)
        }
    }
}
