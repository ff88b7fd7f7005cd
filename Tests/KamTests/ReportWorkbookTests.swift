import Foundation
import ScoringTestSupport
import Testing

/// `--format xlsx` of forecast, allocate, kpi and changes, read back with openpyxl (an
/// independent reader): every cell of every data sheet is compared with the command's
/// `--format json` output (numbers to 6e-7, the JSON's six decimals; an empty cell where the
/// JSON has `null`), and every column is either a JSON field or named here as derived.
@Suite(
    "Workbooks of forecast, allocate, kpi and changes, read back by openpyxl", .serialized,
    .enabled(if: PythonTools.hasModule("openpyxl"), "needs Python's openpyxl (pip install openpyxl); .ci/run installs it"))
struct ReportWorkbookTests {
    /// Every sheet: its rows (values), the number format of each column in row 2, the frozen
    /// pane and the autofilter.
    static let dump = """
        import json, sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        out = {"_order": [ws.title for ws in wb.worksheets]}
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            out[ws.title] = {"rows": rows, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
                "formats": [c.number_format for c in ws[2]] if ws.max_row > 1 else []}
        print(json.dumps(out, ensure_ascii=False))
        """

    struct Sheet {
        let header: [String]
        let rows: [[Any]]
        let formats: [String]
        let freeze: String?
        let filter: String?

        func format(_ column: String) -> String? {
            header.firstIndex(of: column).flatMap { $0 < formats.count ? formats[$0] : nil }
        }
    }

    /// Runs `arguments` twice, as a workbook and as JSON, and returns both.
    func both(_ arguments: [String]) throws -> (sheets: [String: Sheet], order: [String], json: [String: Any]) {
        let directory = try KamRunner.temporaryDirectory()
        let book = directory + "/out.xlsx"
        let written = try KamRunner.run(arguments + ["--format", "xlsx", "--output", book])
        #expect(written.status == 0, "\(written.standardError)")
        let json = try KamRunner.run(arguments + ["--format", "json"])
        #expect(json.status == 0, "\(json.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let dumped = try #require(
            try JSONSerialization.jsonObject(with: Data(try PythonTools.run(Self.dump, [book]).utf8)) as? [String: Any])
        var sheets: [String: Sheet] = [:]
        for (name, value) in dumped where name != "_order" {
            let sheet = try #require(value as? [String: Any])
            let rows = try #require(sheet["rows"] as? [[Any]])
            sheets[name] = Sheet(
                header: (rows.first ?? []).map { $0 as? String ?? "" }, rows: Array(rows.dropFirst()),
                formats: sheet["formats"] as? [String] ?? [], freeze: sheet["freeze"] as? String, filter: sheet["filter"] as? String)
        }
        return (sheets, dumped["_order"] as? [String] ?? [], object)
    }

    /// Compares each row of `sheet` with the JSON object at the same position: every column
    /// is a key of the object (or in `derived`, checked by the caller); `scale` multiplies
    /// the cell before comparing (1 … 100 for percentages stored as fractions).
    func compare(
        _ sheet: Sheet, with objects: [[String: Any]], derived: Set<String> = [], scale: [String: Double] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(sheet.rows.count == objects.count, "rows", sourceLocation: sourceLocation)
        #expect(sheet.freeze == "A2", sourceLocation: sourceLocation)
        #expect(sheet.filter?.hasPrefix("A1:") == true, sourceLocation: sourceLocation)
        for (row, object) in zip(sheet.rows, objects) {
            for (index, column) in sheet.header.enumerated() where !derived.contains(column) {
                guard object.keys.contains(column) else {
                    Issue.record("column '\(column)' is neither a JSON field nor derived", sourceLocation: sourceLocation)
                    continue
                }
                let cell: Any = index < row.count ? row[index] : NSNull()
                switch object[column] {
                case is NSNull, nil:
                    #expect(cell is NSNull, "\(column): \(cell) where JSON has null", sourceLocation: sourceLocation)
                case let text as String:
                    #expect(cell as? String == text, "\(column): \(cell) vs \(text)", sourceLocation: sourceLocation)
                case let number as NSNumber:
                    guard let value = (cell as? NSNumber)?.doubleValue, !(cell is String) else {
                        Issue.record("\(column): \(cell) is not a number (JSON \(number))", sourceLocation: sourceLocation)
                        continue
                    }
                    let scaled = value * (scale[column] ?? 1)
                    #expect(
                        abs(scaled - number.doubleValue) <= 6e-7 * max(1, abs(number.doubleValue) / 1e6),
                        "\(column): \(scaled) vs \(number)", sourceLocation: sourceLocation)
                default:
                    Issue.record("\(column): unexpected JSON \(String(describing: object[column]))", sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test("kam forecast --format xlsx: accounts, totals and stages equal the JSON; money in 万元, probabilities in %")
    func forecast() throws {
        let directory = try KamRunner.temporaryDirectory()
        let (sheets, order, json) = try both([
            "forecast", "datasets/prospects.csv", "--quiet", "--runs", "200", "--rejects", directory + "/r.csv",
        ])
        #expect(order == ["accounts", "totals", "stages", "rejected", "model default"])
        let accounts = try #require(sheets["accounts"])
        compare(accounts, with: try #require(json["accounts"] as? [[String: Any]]))
        #expect(accounts.format("deal_value") == "#,##0.00\" 万元\"")
        #expect(accounts.format("probability") == "0.0%")
        #expect(accounts.format("value") == "#,##0.0")
        // Missing cells are null in JSON and empty in the sheet: K-000021's manager is blank, its region NA.
        let objects = try #require(json["accounts"] as? [[String: Any]])
        let k21 = try #require(objects.first { $0["account_id"] as? String == "K-000021" })
        #expect(k21["manager"] is NSNull && k21["region"] is NSNull)

        var totals: [[String: Any]] = []
        for group in try #require(json["totals"] as? [[String: Any]]) {
            for period in try #require(group["periods"] as? [[String: Any]]) {
                var row = group.filter { $0.key != "periods" }
                for (key, value) in period where key != "cumulative" { row[key] = value }
                for (key, value) in try #require(period["cumulative"] as? [String: Any]) { row["cumulative_" + key] = value }
                totals.append(row)
            }
        }
        compare(try #require(sheets["totals"]), with: totals)
        #expect(sheets["totals"]?.format("p90") == "#,##0.00\" 万元\"")

        let stages = try #require(json["stages"] as? [[String: Any]]).map { stage -> [String: Any] in
            var row = stage
            for (index, value) in (stage["won_by_period"] as? [Any] ?? []).enumerated() { row["won_by_\(index + 1)"] = value }
            return row
        }
        compare(try #require(sheets["stages"]), with: stages)
        compare(
            try #require(sheets["rejected"]), with: try #require(json["rejects"] as? [[String: Any]]),
            derived: Set(sheets["rejected"]?.header.dropFirst(5) ?? []))
    }

    @Test("kam allocate --format xlsx: accounts, people and summary equal the JSON; shadow prices per hour and per 万元")
    func allocate() throws {
        let directory = try KamRunner.temporaryDirectory()
        let (sheets, order, json) = try both(["allocate", "datasets/prospects.csv", "--quiet", "--rejects", directory + "/r.csv"])
        #expect(order == ["accounts", "people", "summary", "rejected", "model default"])
        let accounts = try #require(sheets["accounts"])
        compare(accounts, with: try #require(json["accounts"] as? [[String: Any]]))
        #expect(accounts.format("expected_revenue") == "#,##0.00\" 万元\"")
        compare(try #require(sheets["people"]), with: try #require(json["people"] as? [[String: Any]]))
        #expect(sheets["people"]?.format("shadow_price") == "#,##0.000\" 万元 per hour\"")
        var summary = try #require(json["summary"] as? [String: Any])
        for key in ["policy", "objective", "period"] { summary[key] = json[key] }
        compare(try #require(sheets["summary"]), with: [summary])
        #expect(sheets["summary"]?.format("budget_shadow_price") == "#,##0.000\" 万元 per 万元\"")
        compare(
            try #require(sheets["rejected"]), with: try #require(json["rejects"] as? [[String: Any]]),
            derived: Set(sheets["rejected"]?.header.dropFirst(5) ?? []))
    }

    @Test("kam kpi --format xlsx, by person and by team: every indicator and score equals the JSON (percent as a fraction)")
    func kpi() throws {
        let sample = ["kpi", "--plan", "datasets/kpi-plan.csv", "--actual", "datasets/kpi-actuals.csv", "--quiet"]
        for by in ["person", "team"] {
            let (sheets, order, json) = try both(sample + ["--by", by, "--rejects-dir", try KamRunner.temporaryDirectory()])
            let name = by == "person" ? "people" : "teams"
            #expect(order == [name, "indicators", "scorecard", "rejected"])
            let sheet = try #require(sheets[name])
            let objects = try #require(json[name] as? [[String: Any]]).map { object -> [String: Any] in
                var row = object
                for (id, value) in object["indicators"] as? [String: [String: Any]] ?? [:] { row[id] = value["value"] }
                if by == "team" {
                    row["people"] = (object["members"] as? [Any])?.count
                    let card = object["scorecard"] as? [String: Any] ?? [:]
                    row["scored"] = card["scored"]
                    row["not_scored"] = card["not_scored"]
                    for key in ["mean", "min", "max"] { row["score_" + key] = card[key] }
                } else {
                    let card = object["scorecard"] as? [String: Any] ?? [:]
                    for key in ["total", "points", "possible"] { row["score_" + key] = card[key] ?? NSNull() }
                    row["score_complete"] = (card["complete"] as? Bool ?? false) ? "yes" : "no"
                    for item in card["items"] as? [[String: Any]] ?? [] { row["score_\(item["id"] as? String ?? "")"] = item["points"] }
                    if card["scored"] as? Bool == false {
                        for column in sheet.header where column.hasPrefix("score_") && row[column] == nil { row[column] = NSNull() }
                    }
                }
                return row
            }
            let indicatorIDs = (json["indicators"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(indicatorIDs.count == 9)
            compare(
                sheet, with: objects, derived: ["notes"],
                scale: Dictionary(uniqueKeysWithValues: indicatorIDs.map { ($0, 100.0) }))
            #expect(sheet.format("sales_completion") == "0.0%")
            compare(try #require(sheets["indicators"]), with: try #require(json["indicators"] as? [[String: Any]]))
            let scorecard = try #require(json["scorecard"] as? [String: Any])
            compare(try #require(sheets["scorecard"]), with: try #require(scorecard["items"] as? [[String: Any]]))
        }
    }

    @Test("kam changes --format xlsx: every listed account equals the JSON; the transitions match")
    func changes() throws {
        let directory = try KamRunner.temporaryDirectory()
        let database = directory + "/history.sqlite"
        for seed in ["3", "4"] {
            let list = directory + "/list\(seed).csv"
            let generated = try KamRunner.run(["generate", "--rows", "400", "--seed", seed, "--output", list])
            #expect(generated.status == 0)
            let ranked = try KamRunner.run(["rank", list, "--record", database, "--quiet", "--rejects", directory + "/r.csv"])
            #expect(ranked.status == 0, "\(ranked.standardError)")
        }
        let (sheets, order, json) = try both(["changes", database])
        #expect(order == ["changes", "transitions", "runs"])
        var objects: [[String: Any]] = []
        for section in ["grade_move", "new", "dropped", "entered_insufficient", "left_insufficient", "rising_c"] {
            for account in (json[section] as? [String: Any])?["accounts"] as? [[String: Any]] ?? [] {
                var row: [String: Any] = ["section": section, "account": account["account"]!, "name": account["name"]!]
                for side in ["from", "to"] {
                    let snapshot = account[side] as? [String: Any]
                    for key in ["grade", "rank", "value", "difficulty", "priority", "completeness"] {
                        row["\(side)_\(key)"] = snapshot?[key] ?? NSNull()
                    }
                }
                row["collected"] = (account["collected"] as? [String]).map { $0.isEmpty ? NSNull() : $0.joined(separator: ";") as Any }
                row["lost"] = (account["lost"] as? [String]).map { $0.isEmpty ? NSNull() : $0.joined(separator: ";") as Any }
                objects.append(row)
            }
        }
        #expect(!objects.isEmpty)
        let sheet = try #require(sheets["changes"])
        compare(sheet, with: objects, derived: ["factor_moves"])
        #expect(sheet.format("from_value") == "#,##0.0")
        let transitions = try #require(json["transitions"] as? [String: [String: Any]])
        let matrix = try #require(sheets["transitions"])
        for row in matrix.rows {
            let from = try #require(row[0] as? String)
            for (index, to) in matrix.header.enumerated().dropFirst() {
                #expect((row[index] as? NSNumber)?.intValue == (transitions[from]?[to] as? NSNumber)?.intValue)
            }
        }
    }

    @Test("--format xlsx goes to a pipe as bytes; runs and history refuse it with a usage error")
    func pipesAndRefusals() throws {
        let directory = try KamRunner.temporaryDirectory()
        let piped = try KamRunner.run([
            "allocate", "datasets/prospects.csv", "--quiet", "--format", "xlsx", "--rejects", directory + "/r.csv",
        ])
        #expect(piped.status == 0)
        #expect(Data(piped.standardOutput.utf8).starts(with: [0x50, 0x4B, 0x03, 0x04]))
        let runs = try KamRunner.run(["runs", directory + "/none.sqlite", "--format", "xlsx"])
        #expect(runs.status == 64)
        #expect(runs.standardError.contains("Please use '--format xlsx' with 'kam changes'"))
    }
}
