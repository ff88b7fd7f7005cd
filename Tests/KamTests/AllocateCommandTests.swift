import Foundation
import ScoringTestSupport
import Testing

@Suite("kam allocate end to end", .serialized)
struct AllocateCommandTests {
    static let sample = "datasets/prospects.csv"

    @Test("the table shows people with shadow prices, accounts with hours, and why others get nothing, within 100 columns")
    func table() throws {
        let outcome = try KamRunner.run(["allocate", Self.sample, "--quiet"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let text = outcome.standardOutput
        #expect(text.contains("Allocation for the next period (2025-01): optimal (maximum expected won"))
        #expect(text.contains("Amounts in 万元."))
        #expect(text.contains("value of +1"))
        let joined = text.replacingOccurrences(of: "\n    ", with: " ")
        #expect(joined.contains("(万元 per hour); on the budget line, what one more 万元 of budget would add (万元 per 万元)"))
        #expect(text.contains("赵总监"))
        #expect(text.contains("expense budget"))
        #expect(text.contains("no stage: fill in the stage (1–5)"))
        #expect(text.contains("Dual bound"))
        for line in text.split(separator: "\n") {
            #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "line wider than 100 columns: \(line)")
        }
        let chinese = try KamRunner.run(["allocate", Self.sample, "--quiet", "--lang", "zh", "--policy", "grade"])
        #expect(chinese.status == 0)
        #expect(chinese.standardOutput.contains("分级策略"))
        #expect(chinese.standardOutput.contains("D 级：暂缓观察"))
        let markdown = try KamRunner.run(["allocate", Self.sample, "--quiet", "--format", "markdown"])
        #expect(markdown.standardOutput.contains("| person | role |"))
    }

    @Test("csv per account and per person keeps every capacity; json parses", arguments: ["grade", "proportional", "optimal"])
    func csvCapacities(policy: String) throws {
        let accounts = try KamRunner.run(["allocate", Self.sample, "--quiet", "--policy", policy, "--format", "csv"])
        #expect(accounts.status == 0, "\(accounts.standardError)")
        let table = AllocationCSV(accounts.standardOutput)
        #expect(table.header.first == "account_id")
        #expect(table.rows.count == 295)
        let expense = table.rows.compactMap { Double($0[table.column("expense")]) }.reduce(0, +)
        #expect(expense <= 40 + 1e-4)  // a sum of values rounded to 6 decimals
        var hours: [String: Double] = [:]
        for row in table.rows { hours[row[table.column("manager")], default: 0] += Double(row[table.column("manager_hours")]) ?? 0 }
        for (manager, used) in hours where manager != "–" { #expect(used <= 120 + 1e-4, "\(manager) \(used)") }
        let people = try KamRunner.run(["allocate", Self.sample, "--quiet", "--policy", policy, "--format", "csv", "--view", "people"])
        let peopleTable = AllocationCSV(people.standardOutput)
        #expect(peopleTable.rows.count == 9)
        for row in peopleTable.rows {
            let available = try #require(Double(row[peopleTable.column("hours")]))
            let used = try #require(Double(row[peopleTable.column("allocated")]))
            #expect(used <= available + 1e-6)
        }
        let json = try KamRunner.run(["allocate", Self.sample, "--quiet", "--policy", policy, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect(object?["schema"] as? String == "kam.allocation/1")
    }

    @Test("a zero budget or no staff gives a clear result, not a crash")
    func zeroBudgetAndStaff() throws {
        let directory = try KamRunner.temporaryDirectory()
        let team = try String(contentsOfFile: Paths.packageRoot + "/models/team.yaml", encoding: .utf8)
        let noBudget = directory + "/nobudget.yaml"
        try team.replacingOccurrences(of: "budget: 40", with: "budget: 0").write(toFile: noBudget, atomically: true, encoding: .utf8)
        let outcome = try KamRunner.run(["allocate", Self.sample, "--quiet", "--team", noBudget])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("the stage needs expense; the budget is 0"))
        #expect(outcome.standardOutput.contains("No account gets effort"))
        var lines = team.split(separator: "\n", omittingEmptySubsequences: false).filter {
            !$0.contains("hours: ") || $0.contains("stage_")
        }
        lines = lines.map { $0 == "people:" ? "people: []" : $0 }
        let noStaff = directory + "/nostaff.yaml"
        try lines.joined(separator: "\n").write(toFile: noStaff, atomically: true, encoding: .utf8)
        let staffless = try KamRunner.run(["allocate", Self.sample, "--quiet", "--team", noStaff])
        #expect(staffless.status == 0, "\(staffless.standardError)")
        #expect(staffless.standardOutput.contains("its manager has no hours"))
        let simulated = try KamRunner.run(["simulate", Self.sample, "--quiet", "--team", noStaff, "--runs", "20"])
        #expect(simulated.status == 0, "\(simulated.standardError)")
        #expect(simulated.standardOutput.contains("The team has no hours"))
    }

    @Test("a missing team file exits 66, a bad one 65 with its line")
    func errors() throws {
        let missing = try KamRunner.run(["allocate", Self.sample, "--quiet", "--team", "nowhere.yaml"])
        #expect(missing.status == 66)
        #expect(missing.standardError.contains("nowhere.yaml: no such file"))
        let directory = try KamRunner.temporaryDirectory()
        let bad = directory + "/bad.yaml"
        let team = try String(contentsOfFile: Paths.packageRoot + "/models/team.yaml", encoding: .utf8)
        try team.replacingOccurrences(of: "ceiling: 1.8, scale: 0.5}\n  stage_2", with: "ceiling: 9, scale: 0.5}\n  stage_2")
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let outcome = try KamRunner.run(["allocate", Self.sample, "--quiet", "--team", bad])
        #expect(outcome.status == 65)
        #expect(outcome.standardError.contains("use a ceiling of at most"))
    }

    @Test("rows that cannot be scored are written to the rejects file, by allocate and simulate alike; --strict exits 65")
    func rejects() throws {
        let directory = try KamRunner.temporaryDirectory()
        for command in [["allocate"], ["simulate", "--runs", "20"]] {
            let path = directory + "/\(command[0]).rejects.csv"
            let outcome = try KamRunner.run(command + [Self.sample, "--rejects", path])
            #expect(outcome.status == 0)
            #expect(outcome.standardOutput.contains("5 rows rejected (written to"))
            let written = CSVCheck.parse(try String(contentsOfFile: path, encoding: .utf8))
            #expect(written.first?.prefix(4) == ["line", "column", "reason", "message"])
            // The five deliberately bad rows of the sample, each with its line.
            #expect(written.dropFirst().map { $0[0] } == ["32", "92", "152", "212", "272"])
            let strict = try KamRunner.run(command + [Self.sample, "--rejects", path, "--strict", "--quiet"])
            #expect(strict.status == 65)
            #expect(strict.standardError.contains("5 rows were rejected and --strict is set"))
        }
    }
}

@Suite("kam simulate end to end", .serialized)
struct SimulateCommandTests {
    static let sample = "datasets/prospects.csv"

    @Test("--compare sets the three policies side by side with the difference to the best, within 100 columns")
    func compare() throws {
        let outcome = try KamRunner.run(["simulate", Self.sample, "--quiet", "--runs", "40", "--periods", "6"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let text = outcome.standardOutput
        #expect(text.contains("Simulation: 283 open accounts over 6 periods, 40 runs, seed 42"))
        for label in ["grade (seed)", "proportional", "optimal", "best", "control", "Hours and utilisation by person"] {
            #expect(text.contains(label), "missing \(label)")
        }
        for line in text.split(separator: "\n") {
            #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "line wider than 100 columns: \(line)")
        }
        let chinese = try KamRunner.run(["simulate", Self.sample, "--quiet", "--runs", "10", "--periods", "3", "--lang", "zh"])
        #expect(chinese.standardOutput.contains("分级（原办法）"))
    }

    @Test("the same seed gives the same bytes; csv and json carry every policy")
    func deterministic() throws {
        let arguments = ["simulate", Self.sample, "--quiet", "--runs", "30", "--periods", "4", "--seed", "5", "--format", "csv"]
        let first = try KamRunner.run(arguments)
        let second = try KamRunner.run(arguments)
        #expect(first.status == 0)
        #expect(first.standardOutput == second.standardOutput)
        let table = AllocationCSV(first.standardOutput)
        #expect(table.rows.map { $0[0] } == ["grade", "proportional", "optimal"])
        let control = table.rows.compactMap { Double($0[table.column("expense_control")]) }
        #expect(control.count == 3 && control.allSatisfy { $0 <= 1 + 1e-9 })
        let json = try KamRunner.run([
            "simulate", Self.sample, "--quiet", "--runs", "10", "--periods", "2", "--policy", "grade", "--format", "json",
        ])
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect((object?["policies"] as? [Any])?.count == 1)
    }

    @Test("usage errors exit 64")
    func usage() throws {
        #expect(try KamRunner.run(["simulate", Self.sample, "--policy", "grade", "--compare"]).status == 64)
        #expect(try KamRunner.run(["simulate", Self.sample, "--runs", "0"]).status == 64)
        #expect(try KamRunner.run(["simulate", Self.sample, "--policy", "best"]).status == 64)
    }
}

/// A parsed CSV report: header and rows, columns by name.
struct AllocationCSV {
    let header: [String]
    let rows: [[String]]

    init(_ text: String) {
        let records = CSVCheck.parse(text).filter { $0 != [""] && !$0.isEmpty }
        header = records.first ?? []
        rows = Array(records.dropFirst())
    }

    func column(_ name: String) -> Int {
        header.firstIndex(of: name) ?? -1
    }
}
