import Foundation
import ScoringTestSupport
import Testing

@Suite("kam validate takes --format, --lang and --quiet like the other commands")
struct ValidateFormatTests {
    @Test("json carries every problem the table lists, with null for a row-level problem's column")
    func json() throws {
        let table = try KamRunner.run(["validate", "datasets/prospects.csv"])
        let outcome = try KamRunner.run(["validate", "datasets/prospects.csv", "--format", "json"])
        #expect(outcome.status == 65)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "kam.validate/1")
        #expect(object["rows_read"] as? Int == 300)
        #expect(object["scorable"] as? Int == 295)
        #expect(object["cannot_be_scored"] as? Int == 5)
        let problems = try #require(object["problems"] as? [[String: Any]])
        let tableLines = table.standardOutput.split(separator: "\n").filter { !$0.contains(" rows read") }
        #expect(problems.count == tableLines.count)
        for (problem, line) in zip(problems, tableLines) {
            let number = try #require(problem["line"] as? Int)
            #expect(line.hasPrefix("datasets/prospects.csv:\(number):"))
            #expect(line.hasSuffix(try #require(problem["message"] as? String)))
        }
        let fieldCount = try #require(problems.first { $0["problem"] as? String == "field_count" })
        #expect(fieldCount["column"] is NSNull)
        #expect(fieldCount["column_number"] is NSNull)
    }

    @Test("csv has one record per problem with its code; zh gives a Chinese summary")
    func csvAndChinese() throws {
        let csv = try KamRunner.run(["validate", "datasets/prospects.csv", "--format", "csv"])
        let records = csv.standardOutput.split(separator: "\n")
        #expect(records.first == "file,line,column_number,column,problem,message")
        #expect(records.count == 6)
        #expect(records.contains { $0.hasPrefix("datasets/prospects.csv,92,7,annual_ad_budget,not_a_number,") })
        let zh = try KamRunner.run(["validate", "datasets/prospects.csv", "--lang", "zh"])
        #expect(zh.standardOutput.hasSuffix("datasets/prospects.csv: 读取 300 行 (utf8, 分隔符 ','): 295 行可评分, 5 行不能。\n"))
    }

    @Test("--quiet prints nothing for a clean list and only the problems otherwise")
    func quiet() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = directory + "/clean.csv"
        #expect(try KamRunner.run(["generate", "--rows", "50", "--output", list]).status == 0)
        let clean = try KamRunner.run(["validate", list, "--quiet"])
        #expect(clean.status == 0)
        #expect(clean.standardOutput.isEmpty)
        let bad = try KamRunner.run(["validate", "datasets/prospects.csv", "--quiet"])
        #expect(bad.status == 65)
        #expect(bad.standardOutput.contains("datasets/prospects.csv:92:7:"))
        #expect(!bad.standardOutput.contains("rows read"))
    }
}
