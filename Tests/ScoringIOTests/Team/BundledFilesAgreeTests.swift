import ScoringTestSupport
import Testing

@testable import ScoringIO

@Suite("The bundled files agree with each other")
struct BundledFilesAgreeTests {
    @Test("models/team.yaml and datasets/kpi-plan.csv name the same people in the same roles")
    func teamAndPlan() throws {
        let team = try TeamFileReader().read(contentsOf: Paths.packageRoot + "/models/team.yaml")
        let plan = try PlanFileReader().read(try CSVReader().read(contentsOf: Paths.packageRoot + "/datasets/kpi-plan.csv"))
        #expect(plan.rejects.isEmpty)
        let teamPeople = Set(team.people.map { "\($0.name) \($0.role.rawValue)" })
        let planPeople = Set(plan.plans.map { "\($0.person) \($0.role.rawValue)" })
        #expect(teamPeople == planPeople)
        #expect(teamPeople.count == 8)
    }
}
