import Foundation
import ScoringTestSupport
import Testing

/// Tools the tests may borrow from Python; CI sets `KAM_REQUIRE_TOOLS=1` so that a missing one
/// fails there instead of skipping.
enum PythonTools {
    static func hasModule(_ name: String) -> Bool {
        if ProcessInfo.processInfo.environment["KAM_REQUIRE_TOOLS"] == "1" { return true }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import \(name)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Runs `python3 -c script arguments…` and returns its standard output.
    static func run(_ script: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite(
    "kam rank --format xlsx, read back by openpyxl",
    .enabled(if: PythonTools.hasModule("openpyxl"), "needs Python's openpyxl (pip install openpyxl); .ci/run installs it"))
struct WorkbookTests {
    /// Every sheet as JSON: cell values, the number formats of row 2, the grade fills,
    /// the frozen pane and the autofilter.
    static let dump = """
        import json, sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        out = {}
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            out[ws.title] = {"rows": rows, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
                "formats": [c.number_format for c in ws[2]] if ws.max_row > 1 else [],
                "fills": [c.fill.fgColor.rgb for c in ws["I"]][1:] if ws.title == "ranked" else []}
        print(json.dumps(out, ensure_ascii=False))
        """

    @Test("every cell of the ranked sheet equals the JSON output; numbers are numbers, missing cells empty")
    func cellsEqualJSON() throws {
        let directory = try KamRunner.temporaryDirectory()
        let book = directory + "/ranked.xlsx"
        let written = try KamRunner.run([
            "rank", "datasets/prospects.csv", "--format", "xlsx", "--output", book, "--quiet", "--rejects", directory + "/r.csv",
        ])
        #expect(written.status == 0, "\(written.standardError)")
        let json = try KamRunner.run(["rank", "datasets/prospects.csv", "--format", "json", "--quiet", "--rejects", directory + "/r.csv"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let accounts = try #require(object["accounts"] as? [[String: Any]])
        let sheets = try #require(
            try JSONSerialization.jsonObject(with: Data(try PythonTools.run(Self.dump, [book]).utf8)) as? [String: Any])
        #expect(Set(sheets.keys) == ["ranked", "rejected", "model default"])
        let ranked = try #require(sheets["ranked"] as? [String: Any])
        let rows = try #require(ranked["rows"] as? [[Any]])
        let header = try #require(rows.first as? [String])
        #expect(rows.count == accounts.count + 1)
        #expect(ranked["freeze"] as? String == "A2")
        #expect(ranked["filter"] as? String == "A1:AL\(accounts.count + 1)")
        func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name)) }
        let missingCodes: Set<String> = ["", "-", "na", "n/a", "unknown", "未知", "无"]
        for (account, row) in zip(accounts, rows.dropFirst()) {
            #expect(row[try column("rank")] as? Int == account["rank"] as? Int)
            #expect(row[try column("account_id")] as? String == account["account_id"] as? String)
            for key in ["name", "industry", "region", "manager"] {
                let text = account[key] as? String ?? ""
                if missingCodes.contains(text.lowercased()) {
                    #expect(row[try column(key)] is NSNull, "\(key) of \(account["account_id"]!) should be an empty cell")
                } else {
                    #expect(row[try column(key)] as? String == text)
                }
            }
            #expect(row[try column("stage")] as? Int == account["stage"] as? Int)
            #expect(row[try column("grade")] as? String == account["grade"] as? String)
            for key in ["deal_value", "value", "difficulty", "priority", "completeness"] {
                guard let expected = account[key] as? Double else {
                    #expect(row[try column(key)] is NSNull)
                    continue
                }
                let cell = try #require(row[try column(key)] as? Double, "\(key) must be a number")
                #expect(abs(cell - expected) <= 5e-7, "\(key): \(cell) vs \(expected)")
            }
            let contributions = try #require(account["contributions"] as? [[String: Any]])
            for contribution in contributions {
                let factor = try #require(contribution["factor"] as? String)
                let cell = try #require(row[try column("points_\(factor)")] as? Double)
                #expect(abs(cell - (contribution["points"] as? Double ?? .nan)) <= 5e-7)
            }
        }
        let formats = try #require(ranked["formats"] as? [String])
        #expect(formats[try column("deal_value")] == "#,##0.00\" 万元\"")
        #expect(formats[try column("completeness")] == "0%")
        #expect(formats[try column("value")] == "#,##0.0")
        let fills = try #require(ranked["fills"] as? [String])
        #expect(fills.first == "FF63BE7B")  // the top account is an A
        let rejected = try #require((sheets["rejected"] as? [String: Any])?["rows"] as? [[Any]])
        #expect(rejected.count == 6)
        #expect(rejected.dropFirst().map { $0[0] as? Int } == [32, 92, 152, 212, 272])
    }

    @Test("the same list gives the same workbook bytes; a terminal is refused, a pipe gets the bytes")
    func deterministic() throws {
        let directory = try KamRunner.temporaryDirectory()
        for name in ["a", "b"] {
            let outcome = try KamRunner.run([
                "rank", "datasets/prospects.csv", "--format", "xlsx", "--output", "\(directory)/\(name).xlsx", "--quiet",
                "--rejects", directory + "/r.csv",
            ])
            #expect(outcome.status == 0)
        }
        let first = try Data(contentsOf: URL(fileURLWithPath: directory + "/a.xlsx"))
        let second = try Data(contentsOf: URL(fileURLWithPath: directory + "/b.xlsx"))
        #expect(first == second)
        #expect(first.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        let piped = try KamRunner.run(["rank", "datasets/prospects.csv", "--format", "xlsx", "--quiet", "--rejects", directory + "/r.csv"])
        #expect(Data(piped.standardOutput.utf8).starts(with: [0x50, 0x4B, 0x03, 0x04]))
    }
}

@Suite("CSV for Excel: --excel and --output-encoding gb18030")
struct ExcelCSVTests {
    @Test("--excel writes a UTF-8 BOM and CRLF record ends; the content is the plain CSV's")
    func excel() throws {
        let directory = try KamRunner.temporaryDirectory()
        let base = ["rank", "datasets/prospects.csv", "--format", "csv", "--quiet", "--rejects", directory + "/r.csv"]
        let plain = try KamRunner.run(base + ["--output", directory + "/plain.csv"])
        let excel = try KamRunner.run(base + ["--excel", "--output", directory + "/excel.csv"])
        #expect(plain.status == 0 && excel.status == 0)
        let plainBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/plain.csv")))
        let excelBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/excel.csv")))
        #expect(Array(excelBytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        var expected: [UInt8] = [0xEF, 0xBB, 0xBF]
        var inQuotes = false
        for byte in plainBytes {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
            if byte == UInt8(ascii: "\n"), !inQuotes { expected.append(UInt8(ascii: "\r")) }
            expected.append(byte)
        }
        #expect(excelBytes == expected)
        #expect(excelBytes.filter { $0 == UInt8(ascii: "\n") }.count == plainBytes.filter { $0 == UInt8(ascii: "\n") }.count)
    }

    @Test("--output-encoding gb18030 writes the same text in GB18030, which kam reads back")
    func gb18030() throws {
        let directory = try KamRunner.temporaryDirectory()
        let base = ["rank", "datasets/prospects.csv", "--format", "csv", "--quiet", "--rejects", directory + "/r.csv"]
        let plain = try KamRunner.run(base)
        let encoded = try KamRunner.run(base + ["--output-encoding", "gb18030", "--output", directory + "/gb.csv"])
        #expect(encoded.status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/gb.csv"))
        #expect(String(data: bytes, encoding: .utf8) == nil)  // not UTF-8: the names are GB18030
        let converted = try PythonTools.run(
            "import sys; sys.stdout.write(open(sys.argv[1], 'rb').read().decode('gb18030'))", [directory + "/gb.csv"])
        #expect(converted == plain.standardOutput)
        let misuse = try KamRunner.run(["rank", "datasets/prospects.csv", "--excel"])
        #expect(misuse.status == 64)
        #expect(misuse.standardError.contains("Usage: kam rank"))
    }
}

@Suite(
    "Excel workbooks as input: kam reads a sheet as it reads the CSV",
    .enabled(if: PythonTools.hasModule("openpyxl"), "needs Python's openpyxl (pip install openpyxl); .ci/run installs it"))
struct WorkbookInputTests {
    /// Writes the bundled sample as a workbook with openpyxl (an independent writer): plain
    /// numbers as numbers, everything else as text, on a sheet named 'prospects' after an
    /// empty first sheet.
    static let convert = """
        import csv, sys, openpyxl
        wb = openpyxl.Workbook()
        wb.active.title = "notes"
        ws = wb.create_sheet("prospects")
        for row in csv.reader(open(sys.argv[1], encoding="utf-8")):
            out = []
            for cell in row:
                try:
                    out.append(float(cell) if cell.strip() and cell.replace(".", "", 1).replace("-", "", 1).isdigit() else cell)
                except ValueError:
                    out.append(cell)
            ws.append([None if c == "" else c for c in out])
        wb.save(sys.argv[2])
        """

    @Test("the sample as a workbook ranks as the CSV does; rejects carry the sheet's row numbers")
    func sameRanking() throws {
        let directory = try KamRunner.temporaryDirectory()
        let book = directory + "/prospects.xlsx"
        _ = try PythonTools.run(Self.convert, [Paths.packageRoot + "/datasets/prospects.csv", book])
        let fromCSV = try KamRunner.run([
            "rank", "datasets/prospects.csv", "--format", "json", "--quiet", "--rejects", directory + "/a.csv",
        ])
        let fromBook = try KamRunner.run([
            "rank", book, "--sheet", "prospects", "--format", "json", "--quiet", "--rejects", directory + "/b.csv",
        ])
        #expect(fromBook.status == 0, "\(fromBook.standardError)")
        func accounts(_ text: String) throws -> [String: String] {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let list = try #require(object["accounts"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: list.map { ($0["account_id"] as? String ?? "", "\($0["grade"]!) \($0["priority"]!)") })
        }
        let csvAccounts = try accounts(fromCSV.standardOutput)
        let bookAccounts = try accounts(fromBook.standardOutput)
        // Line 32's missing delimiter cannot exist in a sheet (its cells shift instead); every
        // other account scores the same.
        for (id, expected) in csvAccounts { #expect(bookAccounts[id] == expected, "\(id)") }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(fromBook.standardOutput.utf8)) as? [String: Any])
        let rejects = try #require(object["rejects"] as? [[String: Any]])
        let lines = rejects.compactMap { $0["line"] as? Int }
        #expect(Set([92, 152, 212, 272]).isSubset(of: Set(lines)))
        let wrongSheet = try KamRunner.run(["rank", book, "--sheet", "nope"])
        #expect(wrongSheet.status == 65 || wrongSheet.status == 66)
        #expect(wrongSheet.standardError.contains("it has no sheet 'nope'; its sheets are notes, prospects"))
    }

    @Test("a gzip file is named as gzip, not as an encoding problem")
    func gzip() throws {
        let directory = try KamRunner.temporaryDirectory()
        let compressed = directory + "/prospects.csv.gz"
        _ = try PythonTools.run(
            "import gzip, sys; open(sys.argv[2], 'wb').write(gzip.compress(open(sys.argv[1], 'rb').read()))",
            [Paths.packageRoot + "/datasets/prospects.csv", compressed])
        let outcome = try KamRunner.run(["rank", compressed])
        #expect(outcome.status != 0)
        #expect(outcome.standardError.contains("it is gzip-compressed; unpack it first"))
        #expect(!outcome.standardError.contains("GB18030"))
    }
}
