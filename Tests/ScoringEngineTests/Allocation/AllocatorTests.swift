import Foundation
import LinearAlgebra
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Allocation: response model, policies, optimizer and capacities")
struct AllocatorTests {
    let table = PipelineFixtures.table()

    func problem(
        _ accounts: [AllocationProblem.Account], team: Team, objective: AllocationProblem.Objective = .revenue
    ) throws -> AllocationProblem {
        try AllocationProblem(team: team, transitions: table, accounts: accounts, objective: objective)
    }

    @Test("the response is p0 at no effort, rises concavely to pmax, and every row sums to 1")
    func response() {
        let response = EffortResponse(neglect: 0.5, ceiling: 1.8, scale: 0.5)
        let fitted = PipelineFixtures.probabilities[2]  // stage 3: advance 0.22 + 0.02 + 0.01
        let advance = 0.25
        var previous = -1.0
        var previousStep = Double.infinity
        for step in 0...40 {
            let effort = Double(step) * 0.1
            let row = response.row(fitted, stage: 3, effort: effort)
            #expect(row.reduce(0, +).isApproximatelyEqual(to: 1, absoluteTolerance: 1e-12, relativeTolerance: 0))
            #expect(row.allSatisfy { $0 >= 0 })
            let p = row[3] + row[4] + row[5]
            let expected = advance * (0.5 + 1.3 * (1 - exp(-effort / 0.5)))
            #expect(p.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-12, relativeTolerance: 0))
            if step > 0 {
                #expect(p > previous)
                #expect(p - previous <= previousStep + 1e-15)  // diminishing returns
                previousStep = p - previous
            }
            previous = p
        }
        #expect(response.multiplier(effort: 0) == 0.5)
    }

    @Test("a ceiling that would push the chance of advancing above 1 is refused with the largest allowed")
    func ceilingAboveOne() {
        var team = AllocationFixtures.team(managers: [100])
        team = Team(
            people: team.people, budget: 10, stages: team.stages,
            response: [EffortResponse](repeating: EffortResponse(neglect: 0.5, ceiling: 4, scale: 1), count: 5),
            gradeShares: team.gradeShares, maximumPackages: 4)
        #expect(throws: AllocationError.self) { try problem([], team: team) }
        do {
            _ = try problem([], team: team)
        } catch {
            #expect("\(error)".contains("use a ceiling of at most"))
        }
    }

    /// The best gain over a grid of efforts 0, step, 2·step … maximum for every account.
    func bruteForce(_ allocator: Allocator, stages: [Int], step: Double, maximum: Double) -> Double {
        let levels = Int((maximum / step).rounded()) + 1
        let n = stages.count
        var best = 0.0
        var index = [Int](repeating: 0, count: n)
        let capacities = allocator.problem.capacities
        while true {
            let efforts = index.map { Double($0) * step }
            let usage = allocator.usage(of: efforts, stages: stages)
            if zip(usage, capacities).allSatisfy({ $0 <= $1 + 1e-12 }) {
                best = max(best, allocator.gain(of: efforts, stages: stages))
            }
            var position = 0
            while position < n {
                index[position] += 1
                if index[position] < levels { break }
                index[position] = 0
                position += 1
            }
            if position == n { break }
        }
        return best
    }

    @Test(
        "the optimizer equals brute-force enumeration on tiny cases (one and two binding capacities, revenue and profit)",
        arguments: [(UInt64(1), 12.0, 2.0), (2, 30, 0.6), (3, 8, 50), (4, 20, 1.0), (5, 15, 0.4), (6, 50, 0.3)])
    func bruteForceEquality(seed: UInt64, managerHours: Double, budget: Double) throws {
        for objective in AllocationProblem.Objective.allCases {
            let team = AllocationFixtures.team(
                managers: [managerHours], director: 8, specialists: 1000, budget: budget, maximumPackages: 1.5)
            let accounts = try AllocationFixtures.accounts(count: 3, managers: 1, seed: seed, table: table)
            let allocator = Allocator(problem: try problem(accounts, team: team, objective: objective))
            let allocation = allocator.allocate(.optimal)
            let stages = accounts.map { $0.stage ?? 0 }
            let step = 0.025
            let grid = bruteForce(allocator, stages: stages, step: step, maximum: 1.5)
            let bound = try #require(allocation.upperBound)
            // Continuous optimum ≥ every grid point; the dual bound ≥ the optimum.
            #expect(allocation.gain >= grid - 1e-9, "optimizer \(allocation.gain) below grid \(grid)")
            #expect(allocation.gain <= bound + 1e-9)
            #expect(bound - allocation.gain <= 1e-6 * max(1, abs(bound)), "gap \(bound - allocation.gain)")
            // …and no better than the grid by more than the grid's resolution allows
            // (slope at most α/k per package, each account within step/2 of a grid point).
            let slope = accounts.indices.map { i in allocator.problem.headroom(of: i, stage: stages[i]) / 0.5 }.reduce(0, +)
            #expect(allocation.gain - grid <= slope * step, "optimizer \(allocation.gain), grid \(grid)")
        }
    }

    @Test("the optimizer is never worse than the grade and proportional policies on generated cases")
    func neverWorse() throws {
        for seed in UInt64(1)...25 {
            var random = SeededRandom(seed: seed)
            let managers = 1 + Int(random.nextDouble() * 3)
            let team = AllocationFixtures.team(
                managers: (0..<managers).map { _ in 20 + 200 * random.nextDouble() }, director: 5 + 80 * random.nextDouble(),
                specialists: 20 + 300 * random.nextDouble(), budget: 1 + 40 * random.nextDouble())
            let accounts = try AllocationFixtures.accounts(
                count: 10 + Int(random.nextDouble() * 80), managers: managers, seed: seed * 7, table: table)
            for objective in AllocationProblem.Objective.allCases {
                let allocator = Allocator(problem: try problem(accounts, team: team, objective: objective))
                let optimal = allocator.allocate(.optimal)
                for policy in [AllocationPolicy.grade, .proportional] {
                    let other = allocator.allocate(policy)
                    #expect(
                        optimal.gain >= other.gain - 1e-9 * max(1, abs(other.gain)),
                        "seed \(seed) \(objective): optimal \(optimal.gain) < \(policy) \(other.gain)")
                }
            }
        }
    }

    @Test("every allocation of every policy keeps every person's hours and the budget")
    func capacitiesHold() throws {
        for seed in UInt64(1)...20 {
            var random = SeededRandom(seed: seed + 100)
            let team = AllocationFixtures.team(
                managers: [10 + 100 * random.nextDouble(), 10 + 100 * random.nextDouble()],
                director: 40 * random.nextDouble(), specialists: 100 * random.nextDouble(), budget: 10 * random.nextDouble(),
                maximumPackages: 0.5 + 4 * random.nextDouble())
            let accounts = try AllocationFixtures.accounts(count: 60, managers: 2, seed: seed, table: table)
            let allocator = Allocator(problem: try problem(accounts, team: team))
            for policy in AllocationPolicy.allCases {
                let allocation = allocator.allocate(policy)
                for (used, capacity) in zip(allocation.usage, allocator.problem.capacities) {
                    #expect(used <= capacity * (1 + 1e-9) + 1e-12, "\(policy): used \(used) of \(capacity)")
                }
                #expect(allocation.efforts.allSatisfy { $0 >= 0 && $0 <= team.maximumPackages + 1e-12 })
                #expect(allocation.expense <= team.budget * (1 + 1e-9) + 1e-12)
            }
        }
    }

    @Test("a zero budget gives nothing to stages that need expense, with the reason, and no crash")
    func zeroBudget() throws {
        let accounts = try AllocationFixtures.accounts(count: 30, managers: 2, seed: 9, table: table)
        let allocator = Allocator(problem: try problem(accounts, team: AllocationFixtures.team(managers: [100, 100], budget: 0)))
        for policy in AllocationPolicy.allCases {
            let allocation = allocator.allocate(policy)
            #expect(allocation.expense == 0)
            #expect(allocation.efforts.allSatisfy { $0 == 0 })
            #expect(allocation.reasons.allSatisfy { $0 == .noBudget })
            #expect(allocation.gain == 0)
        }
        // Work that needs no expense can still be done.
        let free = AllocationFixtures.stages.map {
            Team.StageWork(managerHours: $0.managerHours, directorHours: 0, specialistHours: 0, expense: 0)
        }
        let freeAllocator = Allocator(
            problem: try problem(accounts, team: AllocationFixtures.team(managers: [100, 100], budget: 0, stages: free)))
        #expect(freeAllocator.allocate(.optimal).efforts.contains { $0 > 0 })
    }

    @Test("no staff gives nobody effort, with the reason; the simulation still runs")
    func zeroStaff() throws {
        let accounts = try AllocationFixtures.accounts(count: 30, managers: 0, seed: 10, table: table)
        let team = Team(
            people: [], budget: 20, stages: AllocationFixtures.stages, response: AllocationFixtures.response,
            gradeShares: [.a: 0.6, .b: 0.25, .c: 0.15, .d: 0], maximumPackages: 4)
        let allocator = Allocator(problem: try problem(accounts, team: team))
        for policy in AllocationPolicy.allCases {
            let allocation = allocator.allocate(policy)
            #expect(allocation.efforts.allSatisfy { $0 == 0 })
            #expect(allocation.reasons.allSatisfy { $0 == .noManagerHours })
        }
        let simulator = AllocationSimulator(allocator: allocator, periods: 6, runs: 20, seed: 1, threads: 2)
        let outcomes = AllocationPolicy.allCases.map { simulator.simulate($0) }
        let summaries = SimulationSummary.summarize(outcomes, problem: allocator.problem, periods: 6)
        for summary in summaries {
            #expect(summary.expense == 0)
            #expect(summary.returnOnExpense.isNaN)
            #expect(summary.utilisation.prefix(2).allSatisfy { $0.isNaN })
        }
        // All policies are the same with nobody to work: identical runs.
        #expect(outcomes[0].revenue == outcomes[2].revenue)
    }

    @Test("with effort fixed, the simulated win rate converges to the absorbing chain's within its standard error")
    func simulationMatchesChain() throws {
        let team = AllocationFixtures.team(managers: [100])
        // P(won) equal to the stage's, so each simulated win counts 1 (win weight p/π = 1).
        let fitted = try table.chain()
        let stageProbabilities = (0..<5).map { fitted.absorptionProbabilities[$0, 0] }
        for (stage, effort) in [(1, 0.0), (2, 0.3), (3, 1.0), (5, 2.0)] {
            let accounts = (0..<50).map { index in
                AllocationProblem.Account(
                    id: "K-\(index)", manager: 0, stage: stage, grade: .a, dealValue: 100,
                    probabilityByStage: stageProbabilities)
            }
            let allocator = Allocator(problem: try problem(accounts, team: team))
            let runs = 400
            let simulator = AllocationSimulator(allocator: allocator, periods: 400, runs: runs, seed: 7, threads: 2)
            let outcome = simulator.simulate(fixedEffort: effort)
            // The chain with every row under this effort.
            var rows = Matrix(rows: 5, columns: 7)
            for s in 1...5 {
                let row = team.response[s - 1].row(PipelineFixtures.probabilities[s - 1], stage: s, effort: effort)
                for j in 0..<7 { rows[s - 1, j] = row[j] }
            }
            let chain = try TransitionTable(period: .month, probabilities: rows).chain()
            let exact = chain.absorptionProbabilities[stage - 1, 0]
            let trials = Double(runs * accounts.count)
            let rate = outcome.wins.reduce(0, +) / trials
            let standardError = (exact * (1 - exact) / trials).squareRoot()
            #expect(abs(rate - exact) <= 4 * standardError, "stage \(stage), effort \(effort): \(rate) vs \(exact) ± \(standardError)")
        }
    }

    @Test("the simulation is deterministic for a seed and independent of the number of threads")
    func deterministic() throws {
        let accounts = try AllocationFixtures.accounts(count: 80, managers: 2, seed: 3, table: table)
        let allocator = Allocator(problem: try problem(accounts, team: AllocationFixtures.team(managers: [80, 80])))
        let one = AllocationSimulator(allocator: allocator, periods: 6, runs: 30, seed: 11, threads: 1).simulate(.optimal)
        let two = AllocationSimulator(allocator: allocator, periods: 6, runs: 30, seed: 11, threads: 2).simulate(.optimal)
        #expect(one.revenue == two.revenue)
        #expect(one.expense == two.expense)
    }

    @Test("accounts of a named manager go to them; the others round-robin over managers with hours")
    func assignment() {
        let team = AllocationFixtures.team(managers: [100, 0, 100])
        let assigned = team.assign(managerNames: ["manager 2", "x", "y", "manager 3", "z"])
        #expect(assigned == [1, 0, 2, 2, 0])
        let nobody = Team(
            people: [], budget: 1, stages: AllocationFixtures.stages, response: AllocationFixtures.response,
            gradeShares: [:], maximumPackages: 1)
        #expect(nobody.assign(managerNames: ["a"]) == [nil])
    }
}
