import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("kam kpi end to end", .serialized)
struct KPICommandTests {
    static let sample = ["--plan", "datasets/kpi-plan.csv", "--actual", "datasets/kpi-actuals.csv"]

    func kpi(_ extra: [String]) throws -> KamRunner.Outcome {
        try KamRunner.run(["kpi"] + Self.sample + ["--rejects-dir", try KamRunner.temporaryDirectory()] + extra)
    }

    func widths(_ text: String) -> [Int] {
        text.split(separator: "\n").map { DisplayWidthCheck.width(of: String($0)) }
    }

    @Test("the bundled quarter prints indicators, scorecards with reasons, and fits 100 columns")
    func table() throws {
        let outcome = try kpi([])
        #expect(outcome.status == 0)
        let text = outcome.standardOutput
        #expect(text.contains("Period 2024Q2 · 8 people · indicators (%)"))
        #expect(text.contains("Scorecard (§2.2, 100 points)"))
        #expect(text.contains("王经理   99.5   27.0    10.0  7.0"))
        #expect(text.contains("周专员 sales: 'planned_sales' is 0, so the ratio is undefined"))
        #expect(text.contains("陈专员 collect: 'cash_due' is 0, so the ratio is undefined"))
        #expect(text.contains("王经理 sales: sales 880 of plan 800 = 110%: 2 whole steps of 5% above 100% → 25 + 2 = 27"))
        #expect(text.contains("赵总监 not scored: the scorecard reviews manager, specialist, not a director"))
        #expect(text.contains("Plan datasets/kpi-plan.csv: 8 rows read: 8 accepted, 0 rejected."))
        #expect(!text.contains("NaN"))
        #expect(text.range(of: #"(^|[^a-z])-?inf([^a-z]|$)"#, options: .regularExpression) == nil)
        for width in widths(text) { #expect(width <= 100) }
    }

    @Test("--lang zh labels everything in Chinese and still fits 100 columns")
    func chinese() throws {
        let outcome = try kpi(["--lang", "zh"])
        #expect(outcome.status == 0)
        let text = outcome.standardOutput
        for label in ["考核指标", "评分卡", "销售计划完成率", "合同回款率", "员工出勤率", "不适用", "评分说明", "满分", "不评分"] {
            #expect(text.contains(label), "missing \(label)")
        }
        #expect(text.contains("王经理 销售: 销售额 880 / 计划 800 = 110%:高于100% 2 个完整的5%档 → 25 + 2 = 27"))
        for width in widths(text) { #expect(width <= 100) }
    }

    @Test("CSV carries every indicator and item per person; n/a is an empty field with its reason in notes")
    func csv() throws {
        let outcome = try kpi(["--format", "csv"])
        #expect(outcome.status == 0)
        let records = CSVCheck.parse(outcome.standardOutput)
        let header = try #require(records.first)
        #expect(Array(header.prefix(6)) == ["period", "person", "role", "team", "plan_line", "actual_line"])
        func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name)) }
        let rows = Dictionary(uniqueKeysWithValues: records.dropFirst().map { ($0[1], $0) })
        #expect(rows.count == 8)
        let wang = try #require(rows["王经理"])
        #expect(wang[try column("sales_completion")] == "110.0000")
        #expect(wang[try column("collection_rate")] == "92.8571")  // 650 / 700
        #expect(wang[try column("score_total")] == "99.5000")
        #expect(wang[try column("score_sales_completion")] == "27.0000")
        let zhou = try #require(rows["周专员"])
        #expect(zhou[try column("sales_completion")] == "")
        #expect(zhou[try column("score_sales_completion")] == "")
        #expect(zhou[try column("score_total")] == "60.0000")
        #expect(zhou[try column("notes")].contains("sales: 'planned_sales' is 0"))
        let zhao = try #require(rows["赵总监"])
        #expect(zhao[try column("score_total")] == "")
        #expect(zhao[try column("notes")].contains("not scored"))
        #expect(outcome.standardError.contains("rows read"))
        #expect(!outcome.standardOutput.contains("NaN"))
    }

    @Test("JSON has the schema, formulas, values with their terms, and n/a with a reason")
    func json() throws {
        let outcome = try kpi(["--format", "json", "--quiet"])
        #expect(outcome.status == 0)
        #expect(outcome.standardError.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "kam.kpi/1")
        let indicators = try #require(object["indicators"] as? [[String: Any]])
        #expect(indicators.count == 9)
        #expect(indicators.first?["formula"] as? String == "sales / planned_sales × 100%")
        let people = try #require(object["people"] as? [[String: Any]])
        #expect(people.count == 8)
        let li = try #require(people.first { $0["person"] as? String == "李经理" })
        let values = try #require(li["indicators"] as? [String: [String: Any]])
        #expect(values["sales_completion"]?["value"] as? Double == 92)
        #expect(values["sales_completion"]?["numerator"] as? Double == 552)
        let card = try #require(li["scorecard"] as? [String: Any])
        #expect(card["total"] as? Double == 67)
        #expect(card["complete"] as? Bool == true)
        let zhou = try #require(people.first { $0["person"] as? String == "周专员" })
        let zhouValues = try #require(zhou["indicators"] as? [String: [String: Any]])
        #expect(zhouValues["sales_completion"]?["value"] is NSNull)
        #expect(zhouValues["sales_completion"]?["reason"] as? String == "zero_denominator")
        let again = try kpi(["--format", "json", "--quiet"])
        #expect(again.standardOutput == outcome.standardOutput)
    }

    @Test("--by team reports the department from its members' sums, in every format")
    func team() throws {
        let table = try kpi(["--by", "team"])
        #expect(table.status == 0)
        #expect(table.standardOutput.contains("大客户部       8  101.6"))  // 3526 / 3470
        #expect(table.standardOutput.contains("growth: over 7 of 8 people"))
        let json = try kpi(["--by", "team", "--format", "json", "--quiet"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let teams = try #require(object["teams"] as? [[String: Any]])
        let card = try #require(teams.first?["scorecard"] as? [String: Any])
        #expect(card["scored"] as? Int == 7)
        #expect(card["max"] as? Double == 99.5)
        let markdown = try kpi(["--by", "team", "--format", "markdown", "--lang", "zh"])
        #expect(markdown.standardOutput.contains("| 团队 | 人数 |"))
        let csv = try kpi(["--by", "team", "--format", "csv", "--quiet"])
        #expect(CSVCheck.parse(csv.standardOutput).count == 2)
    }

    @Test("--prospects adds profile completeness per manager, as the model computes it")
    func profiles() throws {
        let outcome = try kpi(["--prospects", "datasets/prospects.csv", "--format", "csv", "--quiet"])
        #expect(outcome.status == 0)
        let records = CSVCheck.parse(outcome.standardOutput)
        let header = try #require(records.first)
        let index = try #require(header.firstIndex(of: "profile_completeness"))
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
        let table = try CSVReader().read(contentsOf: Paths.packageRoot + "/datasets/prospects.csv")
        let loaded = try ProspectListLoader(model: model).load(table)
        let completeness = UtilityBuilder(model: model).build(loaded.batch).completeness
        for manager in ["王经理", "李经理", "张经理"] {
            let values = zip(loaded.batch.accounts, completeness).filter { $0.0.manager == manager }.map(\.1)
            let expected = 100 * values.reduce(0, +) / Double(values.count)
            let row = try #require(records.first { $0[1] == manager })
            let printed = try #require(Double(row[index]))
            #expect(abs(printed - expected) < 5e-5, "\(manager): \(printed) vs \(expected)")
        }
        let specialist = try #require(records.first { $0[1] == "陈专员" })
        #expect(specialist[index] == "")
    }

    func writeFiles(plan: String, actual: String) throws -> (directory: String, plan: String, actual: String) {
        let directory = try KamRunner.temporaryDirectory()
        try plan.write(toFile: directory + "/plan.csv", atomically: true, encoding: .utf8)
        try actual.write(toFile: directory + "/actual.csv", atomically: true, encoding: .utf8)
        return (directory, directory + "/plan.csv", directory + "/actual.csv")
    }

    @Test("bad and unmatched rows are listed with file:line:column and written to rejects files; --strict fails")
    func rejects() throws {
        let files = try writeFiles(
            plan: """
                period,person,role,planned_sales,planned_new_accounts,expense_budget
                2024Q2,王经理,manager,800,4,30
                2024Q2,李经理,boss,600,3,25
                2024Q2,张经理,manager,500,3,20
                """,
            actual: """
                period,person,sales,new_accounts
                2024Q1,王经理,760,2
                2024Q2,王经理,880,6
                2024Q2,刘专员,96,0
                """)
        let arguments = ["kpi", "--plan", files.plan, "--actual", files.actual, "--rejects-dir", files.directory]
        let table = try KamRunner.run(arguments, in: Paths.packageRoot)
        #expect(table.status == 0)
        #expect(table.standardOutput.contains("rejected"))
        #expect(table.standardOutput.contains("王经理 growth: sales 880 against 760 before: +120万"))
        // CSV and JSON send the summary to standard error, unwrapped.
        let outcome = try KamRunner.run(arguments + ["--format", "csv"], in: Paths.packageRoot)
        #expect(outcome.status == 0)
        #expect(CSVCheck.parse(outcome.standardOutput).count == 2)
        let text = outcome.standardError
        #expect(text.contains("rejected \(files.plan):3:3: 'role' is 'boss'; write director, manager or specialist"))
        #expect(text.contains("rejected \(files.plan):4:2: \(files.actual) has no row for 张经理 in 2024Q2"))
        #expect(text.contains("rejected \(files.actual):4:2: \(files.plan) has no row for 刘专员 in 2024Q2"))
        #expect(text.contains("Plan \(files.plan): 3 rows read: 1 accepted, 2 rejected (written to \(files.directory)/plan.rejects.csv)."))
        #expect(text.contains("1 actual row of a previous period used only for sales growth."))
        let planRejects = try String(contentsOfFile: files.directory + "/plan.rejects.csv", encoding: .utf8)
        let rows = CSVCheck.parse(planRejects)
        #expect(
            rows.first == [
                "line", "column", "reason", "message", "period", "person", "role", "planned_sales", "planned_new_accounts",
                "expense_budget",
            ])
        #expect(rows.dropFirst().map { $0[2] } == ["unknown_role", "no_actual"])
        let strict = try KamRunner.run(
            ["kpi", "--plan", files.plan, "--actual", files.actual, "--rejects-dir", files.directory, "--strict"], in: Paths.packageRoot)
        #expect(strict.status == 65)
        #expect(strict.standardError.contains("3 rows were rejected and --strict is set"))
    }

    @Test("exit statuses: missing file 66, missing column or unknown period 65, bad option 64")
    func exitStatuses() throws {
        let missing = try KamRunner.run(["kpi", "--plan", "nope.csv", "--actual", "datasets/kpi-actuals.csv"])
        #expect(missing.status == 66)
        #expect(missing.standardError.contains("nope.csv: no such file. Check the path of the plan."))
        let files = try writeFiles(plan: "period,person,planned_sales\n2024Q2,A,1\n", actual: "period,person,sales,new_accounts\n")
        let column = try KamRunner.run(["kpi", "--plan", files.plan, "--actual", files.actual])
        #expect(column.status == 65)
        #expect(column.standardError.contains("a plan needs the columns 'role', 'planned_new_accounts', 'expense_budget'"))
        let period = try kpi(["--period", "2025Q1"])
        #expect(period.status == 65)
        #expect(period.standardError.contains("the plan has no row for the period 2025Q1; it has 2024Q2."))
        let quarter = try kpi(["--period", "2024年第二季度", "--format", "csv", "--quiet"])
        #expect(quarter.status == 0)
        let by = try kpi(["--by", "region"])
        #expect(by.status == 64)
        let scorecard = try kpi(["--scorecard", "models/default.yaml"])
        #expect(scorecard.status == 65)
        #expect(scorecard.standardError.contains("models/default.yaml, line"))
    }

    @Test("--help gives each indicator's formula and the scorecard rules")
    func help() throws {
        let outcome = try KamRunner.run(["kpi", "--help"])
        #expect(outcome.status == 0)
        let text = outcome.standardOutput.replacingOccurrences(of: "\n", with: " ")
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for formula in [
            "sales / planned_sales × 100%", "accounts_developed / planned_developments × 100%",
            "settled / planned_settlement × 100%", "cash_collected / cash_due × 100%", "expenses / expense_budget × 100%",
            "accounts_lost / accounts_at_start × 100%", "new_accounts / accounts_at_start × 100%",
            "(sales − previous_sales) / previous_sales × 100%", "大客户档案完整率", "−1 per 5% below",
        ] {
            #expect(text.contains(formula), "help lacks \(formula)")
        }
    }
}
