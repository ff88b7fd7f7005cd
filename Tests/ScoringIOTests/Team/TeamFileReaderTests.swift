import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("Team file reader")
struct TeamFileReaderTests {
    @Test("the bundled team follows the seed: one director, three managers, four specialists")
    func bundled() throws {
        let team = try TeamFileReader().read(contentsOf: Paths.packageRoot + "/models/team.yaml")
        #expect(team.people.filter { $0.role == .director }.count == 1)
        #expect(team.managers.count == 3)
        #expect(team.people.filter { $0.role == .specialist }.count == 4)
        #expect(team.budget == 40)
        #expect(team.stages.count == 5)
        #expect(team.stages[4].expense == 2.5)
        #expect(team.response[0] == EffortResponse(neglect: 0.5, ceiling: 1.8, scale: 0.5))
        #expect(team.gradeShares[.a] == 0.6)
        #expect(team.gradeShares[.d] == 0)
    }

    let valid = """
        schema: kam.team/1
        budget: 10
        people:
          - {name: D, role: director, hours: 10}
          - {name: M, role: manager, hours: 20}
        stages:
          stage_1: {manager_hours: 1, expense: 0.1}
          stage_2: {manager_hours: 1}
          stage_3: {manager_hours: 1}
          stage_4: {manager_hours: 1}
          stage_5: {manager_hours: 1}
        response:
          stage_1: {neglect: 0.5, ceiling: 1.5, scale: 1}
          stage_2: {neglect: 0.5, ceiling: 1.5, scale: 1}
          stage_3: {neglect: 0.5, ceiling: 1.5, scale: 1}
          stage_4: {neglect: 0.5, ceiling: 1.5, scale: 1}
          stage_5: {neglect: 0.5, ceiling: 1.5, scale: 1}
        """

    @Test("a minimal file reads, with the seed's grade shares and 4 packages by default")
    func minimal() throws {
        let team = try TeamFileReader().read(yaml: valid, file: "t.yaml")
        #expect(team.maximumPackages == 4)
        #expect(team.gradeShares[.b] == 0.25)
        #expect(team.stages[1].expense == 0)
    }

    @Test(
        "errors name the file and line and say what to write",
        arguments: [
            ("budget: 10", "budget: -1", "t.yaml, line 2: budget is -1.0; it must be at least 0."),
            ("role: manager", "role: boss", "t.yaml, line 5: people[2].role is 'boss'; it must be one of: director, manager, specialist."),
            (
                "stage_2: {neglect: 0.5, ceiling: 1.5, scale: 1}", "stage_2: {neglect: 0.5, ceiling: 0.2, scale: 1}",
                "t.yaml, line 14: response.stage_2.ceiling is 0.2, below its neglect 0.5; full effort cannot do worse than none."
            ),
            (
                "stage_3: {neglect: 0.5, ceiling: 1.5, scale: 1}", "stage_3: {neglect: 0.5, ceiling: 1.5, scale: 0}",
                "t.yaml, line 15: response.stage_3.scale is 0.0; it must be more than 0 (work packages for 63% of the gain)."
            ),
            ("kam.team/1", "kam.team/2", "t.yaml, line 1: schema is 'kam.team/2'; this kam reads 'kam.team/1'."),
        ])
    func errors(find: String, replace: String, message: String) {
        let text = valid.replacingOccurrences(of: find, with: replace)
        #expect(throws: ModelFileError.self) { try TeamFileReader().read(yaml: text, file: "t.yaml") }
        do {
            _ = try TeamFileReader().read(yaml: text, file: "t.yaml")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("grade shares above 1 in total and duplicate names are refused")
    func sharesAndNames() {
        let shares = valid + "\ngrade_shares: {A: 0.8, B: 0.3}"
        do {
            _ = try TeamFileReader().read(yaml: shares, file: "t.yaml")
            Issue.record("accepted shares above 1")
        } catch {
            #expect(error.description.contains("grade_shares add up to 1.1"))
        }
        let twice = valid.replacingOccurrences(of: "{name: M,", with: "{name: D,")
        do {
            _ = try TeamFileReader().read(yaml: twice, file: "t.yaml")
            Issue.record("accepted a duplicate name")
        } catch {
            #expect(error.description.contains("appears twice"))
        }
    }

    @Test("an empty people list is a team with no staff")
    func noStaff() throws {
        let text = valid.replacingOccurrences(
            of: "  - {name: D, role: director, hours: 10}\n  - {name: M, role: manager, hours: 20}\n", with: ""
        )
        .replacingOccurrences(of: "people:\n", with: "people: []\n")
        let team = try TeamFileReader().read(yaml: text, file: "t.yaml")
        #expect(team.people.isEmpty)
        #expect(team.totalHours == 0)
    }
}
