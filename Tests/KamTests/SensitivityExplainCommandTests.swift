import Foundation
import ScoringTestSupport
import Testing

@Suite("kam sensitivity and kam explain end to end", .serialized)
struct SensitivityExplainCommandTests {
    static let sample = "datasets/prospects.csv"

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("sensitivity table: grade probabilities, P(≤K), rank ranges, A status, factor intervals; 100 columns")
    func sensitivityTable() throws {
        let outcome = try KamRunner.run(["sensitivity", Self.sample, "--samples", "300", "--top", "10"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let text = outcome.standardOutput
        #expect(text.contains("300 weight draws, uniform on each side's"))
        #expect(text.contains("P(≤10)"))
        #expect(text.contains("stable") || text.contains("borderline"))
        #expect(text.contains("keeps A set"))
        for line in text.split(separator: "\n") {
            #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "too wide: \(line)")
        }
    }

    @Test("sensitivity is deterministic for a seed and differs for another")
    func sensitivityDeterministic() throws {
        let arguments = ["sensitivity", Self.sample, "--samples", "200", "--format", "csv", "--quiet", "--concentration", "40"]
        let first = try KamRunner.run(arguments + ["--seed", "3"])
        let second = try KamRunner.run(arguments + ["--seed", "3"])
        let other = try KamRunner.run(arguments + ["--seed", "4"])
        #expect(first.status == 0)
        #expect(first.standardOutput == second.standardOutput)
        #expect(first.standardOutput != other.standardOutput)
        let records = CSVCheck.parse(first.standardOutput).filter { !($0.count == 1 && $0[0].isEmpty) }
        #expect(records.count == 1 + 295)
        #expect(records[0].prefix(4) == ["base_rank", "account_id", "name", "grade"])
        // Grade probabilities of every account sum to 1.
        for record in records.dropFirst() {
            let sum = (4...8).compactMap { Double(record[$0]) }.reduce(0, +)
            #expect(abs(sum - 1) < 1e-5)
        }
    }

    @Test("sensitivity json and markdown; --lang zh; bad options are usage errors")
    func sensitivityFormats() throws {
        let json = try self.json(
            try KamRunner.run(["sensitivity", Self.sample, "--samples", "100", "--format", "json", "--show", "5", "--quiet"]).standardOutput
        )
        #expect(json["schema"] as? String == "kam.sensitivity/1")
        let accounts = try #require(json["accounts"] as? [[String: Any]])
        #expect(accounts.count == 5)
        #expect(accounts[0]["grade_probabilities"] is [String: Any])
        let intervals = try #require(json["factor_intervals"] as? [[String: Any]])
        #expect(intervals.count == 14)
        for interval in intervals {
            let lower = interval["lower"] as? Double ?? -1
            let upper = interval["upper"] as? Double ?? -1
            let weight = interval["weight"] as? Double ?? -1
            #expect(lower <= weight + 1e-9 && weight <= upper + 1e-9)
        }
        let markdown = try KamRunner.run(["sensitivity", Self.sample, "--samples", "50", "--format", "markdown", "--lang", "zh"])
        #expect(markdown.status == 0)
        #expect(markdown.standardOutput.contains("| # | 账户 |"))
        let usage = try KamRunner.run(["sensitivity", Self.sample, "--samples", "0"])
        #expect(usage.status == 64)
        #expect(usage.standardError.contains("Please specify '--samples' of at least 1."))
        let concentration = try KamRunner.run(["sensitivity", Self.sample, "--concentration", "-1"])
        #expect(concentration.status == 64)
    }

    /// Writes `records` as CSV (quoting fields that need it; numbers stay as they are).
    static func writeCSV(_ records: [[String]], to path: String) throws {
        let text =
            records.map { record in
                record.map { field in
                    field.contains(",") || field.contains("\"") ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
                }.joined(separator: ",")
            }.joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("the what-if change, written into the list and ranked again by kam rank, really moves the grade")
    func explainChangeMovesGrade() throws {
        let ranked = try KamRunner.run([
            "rank", Self.sample, "--format", "csv", "--quiet", "--rejects", try KamRunner.temporaryDirectory() + "/r.csv",
        ])
        let rows = CSVCheck.parse(ranked.standardOutput).filter { $0.count > 9 }
        let header = rows[0]
        let grade = header.firstIndex(of: "grade")!
        let id = header.firstIndex(of: "account_id")!
        // A few B, C and D accounts.
        var checked = 0
        for letter in ["B", "C", "D"] {
            for record in rows.dropFirst().filter({ $0[grade] == letter }).prefix(2) {
                let account = record[id]
                let explained = try KamRunner.run(["explain", account, Self.sample, "--format", "json"])
                #expect(explained.status == 0, "\(explained.standardError)")
                let json = try self.json(explained.standardOutput)
                guard let best = json["best_change"] as? String else { continue }
                let change = try #require((json["changes"] as? [[String: Any]])?.first { $0["factor"] as? String == best })
                let newGrade = try #require(change["new_grade"] as? String)
                // Apply it to the file: the model maps factor ids to columns (models/default.yaml).
                let column = try #require(Self.columnOfFactor[best])
                let list = CSVCheck.parse(try String(contentsOfFile: Paths.packageRoot + "/" + Self.sample, encoding: .utf8))
                    .filter { !($0.count == 1 && $0[0].isEmpty) }
                let columnIndex = try #require(list[0].firstIndex(of: column))
                var edited = list
                let row = try #require(edited.firstIndex { $0.first == account })
                if let number = change["change_to"] as? Double {
                    edited[row][columnIndex] = number == number.rounded() ? String(Int(number)) : String(number)
                } else {
                    edited[row][columnIndex] = try #require(change["change_to"] as? String)
                }
                let directory = try KamRunner.temporaryDirectory()
                try Self.writeCSV(edited, to: directory + "/edited.csv")
                let rerank = try KamRunner.run([
                    "rank", directory + "/edited.csv", "--format", "csv", "--quiet", "--rejects", directory + "/r.csv",
                ])
                let after = CSVCheck.parse(rerank.standardOutput).filter { $0.count > 9 }
                let updated = try #require(after.first { $0[id] == account })
                #expect(updated[grade] == newGrade, "\(account): \(best) → \(change["change_to"] ?? "?") should give \(newGrade)")
                #expect(updated[grade] < letter, "\(account) did not move up from \(letter)")
                checked += 1
            }
        }
        #expect(checked >= 4)
    }

    /// Factor id → column, from models/default.yaml.
    static let columnOfFactor: [String: String] = [
        "share": "expected_share", "budget": "annual_ad_budget", "strategic": "strategic_importance",
        "service_fit": "service_fit", "margin": "expected_margin", "development_cost": "development_cost",
        "deal_risk": "deal_risk", "incumbent": "incumbent_strength", "credit": "credit_rating",
        "payment_delay": "payment_delay_days", "tech_difficulty": "tech_difficulty",
        "decision_cycle": "decision_cycle_months", "inside_contact": "inside_contact", "support": "support_balance",
    ]

    @Test("explain in every format and language; an unknown id says what ids look like")
    func explainFormats() throws {
        let table = try KamRunner.run(["explain", "K-000010", Self.sample])
        #expect(table.status == 0)
        #expect(
            table.standardOutput.contains("Smallest single-factor change") || table.standardOutput.contains("No change of a single factor")
                || table.standardOutput.contains("Already grade A"))
        for line in table.standardOutput.split(separator: "\n") {
            #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "too wide: \(line)")
        }
        let markdown = try KamRunner.run(["explain", "K-000010", Self.sample, "--format", "markdown", "--lang", "zh"])
        #expect(markdown.standardOutput.contains("| 因素 |"))
        let csv = try KamRunner.run(["explain", "K-000010", Self.sample, "--format", "csv"])
        let records = CSVCheck.parse(csv.standardOutput).filter { !($0.count == 1 && $0[0].isEmpty) }
        #expect(records.count == 1 + 14)
        let json = try self.json(try KamRunner.run(["explain", "K-000010", Self.sample, "--format", "json"]).standardOutput)
        #expect(json["schema"] as? String == "kam.explain/1")
        let unknown = try KamRunner.run(["explain", "K-999999", Self.sample])
        #expect(unknown.status == 65)
        #expect(unknown.standardError.contains("no account 'K-999999'; ids look like K-000001"))
        let rejected = try KamRunner.run(["explain", "K-000091", Self.sample])
        #expect(rejected.status == 65)
        #expect(rejected.standardError.contains("cannot be scored"))
    }
}
