import Foundation
import ScoringTestSupport
import Testing

/// `kam rank --where/--columns/--sort`, checked against the unfiltered ranking filtered,
/// projected and sorted here (an independent reading of the same CSV), on the streaming path
/// (small blocks and sorted runs on disk) and the in-memory one.
@Suite("kam rank --where, --columns and --sort", .serialized)
struct ListOptionsTests {
    static let sample = "datasets/prospects.csv"

    struct Ranking {
        let header: [String]
        let rows: [[String]]

        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        func values(_ name: String) -> [String] { rows.map { $0[column(name)] } }
    }

    /// Reads kam's CSV output with Python's csv module (quoted fields with line breaks).
    func parse(_ text: String) throws -> Ranking {
        let script = "import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin))))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String]])
        return Ranking(header: rows.first ?? [], rows: Array(rows.dropFirst()))
    }

    func rank(_ extra: [String], inMemory: Bool = false) throws -> KamRunner.Outcome {
        let directory = try KamRunner.temporaryDirectory()
        var arguments = ["rank", Self.sample, "--quiet", "--rejects", directory + "/r.csv"] + extra
        // Streaming with tiny blocks and sorted runs spilled to disk, or the in-memory reader.
        arguments += inMemory ? ["--in-memory"] : ["--block-size", "4096", "--memory-rows", "40"]
        return try KamRunner.run(arguments)
    }

    @Test("--where keeps exactly the rows of the whole ranking that satisfy every condition, with their ranks")
    func whereFilters() throws {
        let whole = try parse(try rank(["--format", "csv"]).standardOutput)
        let conditions = ["--where", "manager=王经理", "--where", "stage>=3", "--where", "value>50"]
        let expected = whole.rows.filter { row in
            row[whole.column("manager")] == "王经理" && (Int(row[whole.column("stage")]) ?? 0) >= 3
                && (Double(row[whole.column("value")]) ?? 0) > 50
        }
        #expect(!expected.isEmpty && expected.count < whole.rows.count)
        for inMemory in [false, true] {
            let outcome = try rank(["--format", "csv"] + conditions, inMemory: inMemory)
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let filtered = try parse(outcome.standardOutput)
            #expect(filtered.header == whole.header)
            #expect(filtered.rows == expected, "in memory: \(inMemory)")
        }
        // --top counts the rows that pass; a table shows them too.
        let top = try parse(try rank(["--format", "csv", "--top", "3"] + conditions).standardOutput)
        #expect(top.rows == Array(expected.prefix(3)))
        let table = try rank(conditions + ["--top", "3"])
        for row in expected.prefix(3) { #expect(table.standardOutput.contains(row[whole.column("account_id")])) }
        #expect(!table.standardOutput.contains(expected[min(3, expected.count - 1)][whole.column("account_id")]) || expected.count <= 3)
        // json and xlsx agree with csv.
        let json = try rank(["--format", "json"] + conditions)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let ids = (object["accounts"] as? [[String: Any]] ?? []).map { $0["account_id"] as? String ?? "" }
        #expect(ids == expected.map { $0[whole.column("account_id")] })
        #expect((object["summary"] as? [String: Any])?["shown"] as? Int == expected.count)
    }

    @Test("--where on segments, text inequality and grades")
    func segmentsAndGrades() throws {
        let json = try rank(["--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let accounts = try #require(object["accounts"] as? [[String: Any]])
        let premium = accounts.filter { ($0["segments"] as? [String] ?? []).contains("premium") && $0["grade"] as? String != "D" }
            .map { $0["account_id"] as! String }
        #expect(!premium.isEmpty)
        let filtered = try parse(try rank(["--format", "csv", "--where", "segment=premium", "--where", "grade!=D"]).standardOutput)
        #expect(filtered.values("account_id") == premium)
        let insufficient = accounts.filter { $0["grade"] as? String == "insufficient" }.count
        let onlyI = try parse(try rank(["--format", "csv", "--where", "grade=I"]).standardOutput)
        #expect(onlyI.rows.count == insufficient)
    }

    @Test("--sort orders by any score, highest first, or as asked; ties keep rank order")
    func sorting() throws {
        let whole = try parse(try rank(["--format", "csv"]).standardOutput)
        for inMemory in [false, true] {
            let byValue = try parse(try rank(["--format", "csv", "--sort", "value"], inMemory: inMemory).standardOutput)
            let expected = whole.rows.enumerated().sorted { a, b in
                let (x, y) = (Double(a.element[whole.column("value")])!, Double(b.element[whole.column("value")])!)
                return x != y ? x > y : a.offset < b.offset
            }.map(\.element)
            #expect(byValue.rows == expected)
            let easiest = try parse(
                try rank(["--format", "csv", "--sort", "difficulty:asc", "--top", "5"], inMemory: inMemory).standardOutput)
            let difficulties = easiest.values("difficulty").map { Double($0)! }
            #expect(difficulties == difficulties.sorted())
            #expect(difficulties.first == whole.values("difficulty").map { Double($0)! }.min())
        }
    }

    @Test("--columns writes the chosen CSV columns in the chosen order, in csv, a table and a workbook")
    func columns() throws {
        let whole = try parse(try rank(["--format", "csv"]).standardOutput)
        let names = ["account_id", "grade", "value", "rank", "name"]
        for inMemory in [false, true] {
            let chosen = try parse(
                try rank(["--format", "csv", "--columns", names.joined(separator: ",")], inMemory: inMemory).standardOutput)
            #expect(chosen.header == names)
            #expect(chosen.rows == whole.rows.map { row in names.map { row[whole.column($0)] } })
        }
        let table = try rank(["--columns", "rank,account_id,priority", "--top", "5"])
        #expect(table.status == 0)
        let lines = table.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["rank", "account_id", "priority"])
        #expect(lines.count == 7)  // header, rule, five rows
        let excel = try rank(["--format", "csv", "--excel", "--columns", "rank,account_id"])
        #expect(excel.standardOutput.hasPrefix("\u{FEFF}rank,account_id\r\n"))
    }

    @Test("unknown fields, bad conditions and --columns with json are usage errors (exit 64) that say what exists")
    func errors() throws {
        let unknown = try rank(["--where", "owner=王经理"])
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains("no field 'owner'; fields: rank, account_id, name"))
        let notNumber = try rank(["--where", "stage>=three"])
        #expect(notNumber.status == 64)
        #expect(notNumber.standardError.contains("stage is a number; give a number after the operator"))
        let textOrder = try rank(["--where", "manager>王"])
        #expect(textOrder.status == 64)
        #expect(textOrder.standardError.contains("manager is text; use = or != on it"))
        let syntax = try rank(["--where", "stage"])
        #expect(syntax.status == 64)
        #expect(syntax.standardError.contains("Please write '--where' as FIELD, an operator"))
        let column = try rank(["--format", "csv", "--columns", "rank,nope"])
        #expect(column.status == 64)
        #expect(column.standardError.contains("the ranking has no column 'nope'"))
        #expect(column.standardOutput.isEmpty)
        let json = try rank(["--format", "json", "--columns", "rank"])
        #expect(json.status == 64)
        let sort = try rank(["--sort", "owner"])
        #expect(sort.status == 64)
    }

    @Test(
        "a table taller than the terminal goes through $PAGER; not with --no-pager, not into a pipe",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) for a terminal"))
    func pager() throws {
        let directory = try KamRunner.temporaryDirectory()
        let kam = KamRunner.executable.path
        func onTerminal(_ extra: String, pagedTo file: String) throws -> KamRunner.Outcome {
            let command =
                "cd '\(Paths.packageRoot)' && PAGER='cat > \(file)' '\(kam)' rank datasets/prospects.csv --top 60 "
                + "--quiet --rejects '\(directory)/r.csv' \(extra)"
            return try KamRunner.runShell("script -qec \"$0\" /dev/null", arguments: [command], in: directory)
        }
        let paged = directory + "/paged.txt"
        let terminal = try onTerminal("", pagedTo: paged)
        #expect(terminal.status == 0, "\(terminal.standardError)")
        let text = try String(contentsOfFile: paged, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 62)  // header, rule, 60 accounts
        #expect(!terminal.standardOutput.contains("K-000176"))
        let direct = directory + "/direct.txt"
        let unpaged = try onTerminal("--no-pager", pagedTo: direct)
        #expect(!FileManager.default.fileExists(atPath: direct))
        #expect(unpaged.standardOutput.contains("K-000176"))
        let piped = try KamRunner.run(
            ["rank", Self.sample, "--top", "60", "--quiet", "--rejects", directory + "/r.csv"],
            environment: ["PAGER": "cat > \(directory)/piped.txt"])
        #expect(piped.standardOutput.contains("K-000176"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/piped.txt"))
    }
}
