import Foundation
import ScoringTestSupport
import Testing

/// `kam report`: the page is valid HTML5 with no external resource, and every section's
/// figures are those of the commands' JSON outputs on the same input.
@Suite(
    "kam report: structure and figures against the JSON outputs", .serialized,
    .enabled(if: PythonTools.hasModule("html5lib"), "needs Python's html5lib (pip install html5lib); .ci/run installs it"))
struct HTMLReportTests {
    /// JSON numbers have 6 decimals; the page's data attributes too.
    static let tolerance = 2e-6

    func fixture() throws -> ReportFixture { try ReportFixture.shared.get() }

    func close(_ a: Double?, _ b: Double?, tolerance: Double = HTMLReportTests.tolerance) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    func number(_ value: Any?) -> Double? {
        if let value = value as? Double { return value }
        if let value = value as? Int { return Double(value) }
        if let value = value as? NSNumber { return value.doubleValue }
        if let value = value as? String { return Double(value) }
        return nil
    }

    func table(_ page: [String: Any], _ id: String) throws -> (keys: [String], rows: [[String: Any]]) {
        let tables = try #require(page["tables"] as? [String: Any])
        let table = try #require(tables[id] as? [String: Any], "no table \(id)")
        return (try #require(table["keys"] as? [String]), try #require(table["rows"] as? [[String: Any]]))
    }

    func attributes(_ row: [String: Any]) -> [String: String] { row["attrs"] as? [String: String] ?? [:] }

    @Test("the page parses as strict HTML5, has one inline script, and loads nothing from outside")
    func structure() throws {
        let fixture = try fixture()
        let page = try ReportReader.read(fixture.htmlPath)
        #expect(page["parse_error"] == nil, "\(page["parse_error"] ?? "") \(page["errors"] ?? "")")
        #expect((page["external"] as? [Any])?.isEmpty == true, "external references: \(page["external"] ?? "")")
        #expect(page["scripts"] as? Int == 1)
        #expect((page["handlers"] as? [Any])?.isEmpty == true, "inline event handlers: \(page["handlers"] ?? "")")
        let tags = page["tags"] as? [String: Int] ?? [:]
        for tag in ["link", "img", "iframe", "object", "embed", "base"] { #expect(tags[tag] == nil, "\(tag) element") }
        // Every section is there.
        for id in ["summary", "grade-map", "ranked", "pipeline", "team", "robustness", "kpi", "changes"] {
            #expect(fixture.html.contains("<section id=\"\(id)\">"), "section \(id)")
        }
        #expect(!fixture.html.contains("http://") && !fixture.html.contains("https://"))
    }

    @Test("summary, grade counts and the ranked accounts are kam rank's JSON")
    func rankFigures() throws {
        let fixture = try fixture()
        let page = try ReportReader.read(fixture.htmlPath)
        let rank = try fixture.object("rank")
        let summary = try #require(rank["summary"] as? [String: Any])
        let figures = try #require(page["figures"] as? [String: String])
        #expect(figures["rows_read"] == "\(summary["rows_read"] as? Int ?? -1)")
        #expect(figures["accepted"] == "\(summary["accepted"] as? Int ?? -1)")
        #expect(figures["rejected"] == "\(summary["rejected"] as? Int ?? -1)")
        let grades = try #require(summary["grades"] as? [String: Int])
        let counts = try table(page, "grade-counts")
        #expect(counts.rows.count == 5)
        for row in counts.rows {
            let attrs = attributes(row)
            #expect(Int(attrs["data-count"] ?? "") == grades[attrs["data-grade"] ?? ""], "grade \(attrs["data-grade"] ?? "")")
        }
        // Cells of the grade map hold every graded account.
        let cells = try #require(page["cells"] as? [[String: String]])
        let graded = grades.filter { $0.key != "insufficient" }.values.reduce(0, +)
        #expect(cells.compactMap { Int($0["data-count"] ?? "") }.reduce(0, +) == graded)
        #expect(page["grade_map_mode"] as? String == "dots")
        #expect(page["dots"] as? Int == summary["accepted"] as? Int)
        // Ranked accounts: the same 200, in the same order, with the same scores.
        let accounts = try #require(rank["accounts"] as? [[String: Any]])
        let ranked = try table(page, "ranked-table")
        #expect(ranked.rows.count == accounts.count)
        #expect(accounts.count == 200)
        for (row, account) in zip(ranked.rows, accounts) {
            let attrs = attributes(row)
            let cells = try #require(row["cells"] as? [String])
            func cell(_ key: String) -> Double? {
                guard let index = ranked.keys.firstIndex(of: key), index < cells.count else { return nil }
                return Double(cells[index])
            }
            #expect(attrs["data-id"] == account["account_id"] as? String)
            #expect(attrs["data-rank"] == "\(account["rank"] as? Int ?? -1)")
            #expect(attrs["data-grade"] == account["grade"] as? String)
            for key in ["value", "difficulty", "priority", "completeness", "deal_value"] {
                #expect(close(cell(key), number(account[key])), "\(account["account_id"] ?? "") \(key)")
            }
            #expect(cell("stage") == number(account["stage"]))
        }
    }

    @Test("the funnel and the fan chart are kam forecast's JSON totals")
    func forecastFigures() throws {
        let fixture = try fixture()
        let page = try ReportReader.read(fixture.htmlPath)
        let forecast = try fixture.object("forecast")
        let totals = try #require(forecast["totals"] as? [[String: Any]])
        let stages = totals.filter { $0["dimension"] as? String == "stage" }
        let funnel = try table(page, "funnel-table")
        #expect(funnel.rows.count == stages.count)
        #expect(stages.count == 5)
        for (row, group) in zip(funnel.rows, stages) {
            let attrs = attributes(row)
            #expect(attrs["data-stage"] == group["group"] as? String)
            #expect(Int(attrs["data-accounts"] ?? "") == group["accounts"] as? Int)
            #expect(close(Double(attrs["data-deal-value"] ?? ""), number(group["deal_value"])))
            #expect(close(Double(attrs["data-expected-wins"] ?? ""), number(group["expected_wins_within_horizon"])))
            let last = try #require((group["periods"] as? [[String: Any]])?.last?["cumulative"] as? [String: Any])
            #expect(close(Double(attrs["data-expected"] ?? ""), number(last["expected"])))
        }
        let team = try #require(totals.first { $0["dimension"] as? String == "team" })
        let periods = try #require(team["periods"] as? [[String: Any]])
        let fan = try #require(page["fan"] as? [[String: String]])
        #expect(fan.count == periods.count)
        #expect(periods.count == 12)
        for (point, period) in zip(fan, periods) {
            let cumulative = try #require(period["cumulative"] as? [String: Any])
            for key in ["p10", "p50", "p90", "expected"] {
                #expect(close(Double(point["data-\(key)"] ?? ""), number(cumulative[key])), "period \(period["period"] ?? "") \(key)")
            }
        }
    }

    @Test("people, budget, expense control and hours by grade are kam allocate's JSON")
    func allocationFigures() throws {
        let fixture = try fixture()
        let page = try ReportReader.read(fixture.htmlPath)
        let allocate = try fixture.object("allocate")
        let summary = try #require(allocate["summary"] as? [String: Any])
        let figures = try #require(page["figures"] as? [String: String])
        #expect(close(Double(figures["expense"] ?? ""), number(summary["expense"])))
        #expect(close(Double(figures["budget"] ?? ""), number(summary["budget"])))
        #expect(close(Double(figures["expected_revenue"] ?? ""), number(summary["expected_revenue"])))
        #expect(close(Double(figures["gain"] ?? ""), number(summary["gain"])))
        let ratio = try #require(number(summary["expense"])) / (try #require(number(summary["budget"])))
        #expect(close(Double(figures["expense_control"] ?? ""), ratio, tolerance: 1e-5))
        let people = try #require(allocate["people"] as? [[String: Any]])
        let rows = try table(page, "people-table").rows
        #expect(rows.count == people.count + 1)
        for (row, person) in zip(rows, people) {
            let attrs = attributes(row)
            #expect(attrs["data-person"] == person["name"] as? String)
            #expect(close(Double(attrs["data-hours"] ?? ""), number(person["hours"])))
            #expect(close(Double(attrs["data-allocated"] ?? ""), number(person["allocated"])))
            #expect(close(Double(attrs["data-shadow-price"] ?? ""), number(person["shadow_price"])))
        }
        let budgetRow = attributes(try #require(rows.last))
        #expect(close(Double(budgetRow["data-shadow-price"] ?? ""), number(summary["budget_shadow_price"])))
        // Hours and expense by grade: sums of the accounts' JSON figures (each rounded to 6 decimals).
        var hours: [String: Double] = [:]
        var expense: [String: Double] = [:]
        for account in try #require(allocate["accounts"] as? [[String: Any]]) {
            let grade = account["grade"] as? String ?? ""
            let letter = grade == "insufficient" ? "insufficient" : grade
            hours[letter, default: 0] += ["manager_hours", "director_hours", "specialist_hours"].compactMap { number(account[$0]) }.reduce(
                0, +)
            expense[letter, default: 0] += number(account["expense"]) ?? 0
        }
        for row in try table(page, "allocation-by-grade").rows {
            let attrs = attributes(row)
            let grade = attrs["data-grade"] ?? ""
            #expect(close(Double(attrs["data-hours"] ?? ""), hours[grade, default: 0], tolerance: 1e-4), "hours of \(grade)")
            #expect(close(Double(attrs["data-expense"] ?? ""), expense[grade, default: 0], tolerance: 1e-4), "expense of \(grade)")
        }
    }

    @Test("robustness, KPI scorecards and changes are kam sensitivity's, kam kpi's and kam changes' JSON")
    func reviewFigures() throws {
        let fixture = try fixture()
        let page = try ReportReader.read(fixture.htmlPath)
        let sensitivity = try fixture.object("sensitivity")
        let accounts = try #require(sensitivity["accounts"] as? [[String: Any]])
        let robust = try table(page, "robustness-table").rows
        #expect(robust.count == accounts.count)
        #expect(accounts.count == 20)
        for (row, account) in zip(robust, accounts) {
            let attrs = attributes(row)
            #expect(attrs["data-id"] == account["account_id"] as? String)
            #expect(attrs["data-rank"] == "\(account["base_rank"] as? Int ?? -1)")
            #expect(close(Double(attrs["data-top-share"] ?? ""), number(account["p_top_k"])))
            let grades = account["grade_probabilities"] as? [String: Any]
            #expect(close(Double(attrs["data-probability-a"] ?? ""), number(grades?["A"])))
        }
        let kpi = try fixture.object("kpi")
        let people = try #require(kpi["people"] as? [[String: Any]])
        let cards = try table(page, "kpi-table").rows
        #expect(cards.count == people.count)
        for (row, person) in zip(cards, people) {
            let attrs = attributes(row)
            #expect(attrs["data-person"] == person["person"] as? String)
            #expect(attrs["data-period"] == person["period"] as? String)
            let scorecard = person["scorecard"] as? [String: Any]
            let total = scorecard?["scored"] as? Bool == true ? number(scorecard?["total"]) : nil
            #expect(close(Double(attrs["data-total"] ?? ""), total), "\(person["person"] ?? "")")
        }
        let changes = try fixture.object("changes")
        let figures = try #require(page["figures"] as? [String: String])
        for (figure, key) in [
            ("grade_moves", "grade_move"), ("new", "new"), ("dropped", "dropped"), ("entered_insufficient", "entered_insufficient"),
            ("left_insufficient", "left_insufficient"), ("rising_c", "rising_c"),
        ] {
            #expect(figures[figure] == "\((changes[key] as? [String: Any])?["count"] as? Int ?? -1)", "\(figure)")
        }
        #expect(figures["same_grade"] == "\(changes["same_grade"] as? Int ?? -1)")
        let transitions = try #require(changes["transitions"] as? [String: [String: Int]])
        let matrix = try table(page, "transitions").rows
        let letters = ["A", "B", "C", "D", "insufficient"]
        for (row, from) in zip(matrix, letters) {
            let cells = try #require(row["cells"] as? [String]).dropFirst()
            #expect(cells.map { Int($0) ?? -1 } == letters.map { transitions[from]?[$0] ?? -2 }, "moves from \(from)")
        }
    }

    @Test("above the density threshold the grade map draws hexagonal bins that hold every graded account")
    func density() throws {
        let fixture = try fixture()
        let path = fixture.directory + "/density.html"
        let outcome = try KamRunner.run(
            ["report", ReportFixture.list, "-m", ReportFixture.model, "--density-above", "50", "-o", path, "--quiet"],
            in: fixture.directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let page = try ReportReader.read(path)
        #expect(page["grade_map_mode"] as? String == "density")
        #expect(page["dots"] as? Int == 0)
        let rank = try fixture.object("rank")
        let grades = try #require((rank["summary"] as? [String: Any])?["grades"] as? [String: Int])
        let bins = try #require(page["hexbins"] as? [Int])
        #expect(bins.reduce(0, +) == grades.filter { $0.key != "insufficient" }.values.reduce(0, +))
        #expect(bins.count > 10)
    }

    @Test("--lang zh gives a Chinese page: headings, labels and legends")
    func chinese() throws {
        let fixture = try fixture()
        let path = fixture.directory + "/zh.html"
        let outcome = try KamRunner.run(
            [
                "report", ReportFixture.list, "-m", ReportFixture.model, "--pipeline", ReportFixture.root + "/models/pipeline.yaml",
                "--team", ReportFixture.root + "/models/team.yaml", "--lang", "zh", "-o", path, "--quiet",
            ], in: fixture.directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let page = try ReportReader.read(path)
        #expect(page["lang"] as? String == "zh-CN")
        let headings = try #require(page["headings"] as? [String])
        // Words of the English page that must not remain (units such as P(won), P10 and h are shared).
        let english = try NSRegularExpression(
            pattern:
                "\\b(Summary|Grade|Ranked|Pipeline|Team|accounts|grade|value|difficulty|manager|stage|hours|budget|expense|share|all|search|shown|person|role|deal|expected|priority|segment)\\b"
        )
        for heading in headings {
            let range = NSRange(heading.startIndex..., in: heading)
            #expect(english.firstMatch(in: heading, range: range) == nil, "English left in: \(heading)")
        }
        let text = try #require(page["body_text"] as? String)
        for phrase in ["概要", "等级分布图", "账户排名", "销售漏斗与预测", "团队资源分配", "影子价格", "商务费用控制"] {
            #expect(text.contains(phrase), "\(phrase)")
        }
    }
}
