import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// Pairwise interactions end to end: the model file, `kam model fit --interactions`,
/// `kam rank`, `kam explain` and `kam model show` (the SQL export's parity with `kam rank` is
/// in ``SQLExportParityTests``, case `interaction`).
@Suite("Interactions end to end", .serialized)
struct InteractionCommandTests {
    static let interactionModel = Paths.packageRoot + "/Tests/SQLParity/models/interaction.yaml"
    static let sample = Paths.packageRoot + "/datasets/prospects.csv"

    func json(_ text: String) throws -> [String: Any] {
        try Self.json(text)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("a model with interactions reads, writes and reads back equal (every utility to the bit)")
    func roundTrip() throws {
        let model = try ModelFileReader().read(contentsOf: Self.interactionModel)
        #expect(model.factors.filter { $0.scale.interaction != nil }.count == 2)
        let text = ModelFileWriter().write(model)
        #expect(text.contains("type: interaction"))
        let again = try ModelFileReader().read(yaml: text, file: "written.yaml")
        #expect(again == model)
        for (first, second) in zip(model.factors, again.factors) {
            guard let a = first.scale.interaction, let b = second.scale.interaction else { continue }
            for (rowA, rowB) in zip(a.utilities, b.utilities) {
                for (x, y) in zip(rowA, rowB) { #expect(abs(x - y) <= 1e-12) }
            }
        }
    }

    @Test("a model file whose interaction names an unknown factor is refused with the file and the fix")
    func badInteractionRefused() throws {
        let text = try String(contentsOfFile: Self.interactionModel, encoding: .utf8)
            .replacingOccurrences(of: "{factor: credit, categories", with: "{factor: rating, categories")
        #expect(throws: ModelFileError.self) { try ModelFileReader().read(yaml: text, file: "bad.yaml") }
        do {
            _ = try ModelFileReader().read(yaml: text, file: "bad.yaml")
        } catch {
            #expect("\(error)".contains("bad.yaml") && "\(error)".contains("'rating'"), "\(error)")
        }
    }

    @Test("kam rank and kam explain agree with an interaction: the explanation's lines sum to the ranked scores")
    func rankEqualsExplain() throws {
        let directory = try KamRunner.temporaryDirectory()
        let explained = try Self.explainedLinesSumToRanks(
            rank: ["rank", Self.sample, "--model", Self.interactionModel, "--rejects", directory + "/r.csv"],
            explain: { ["explain", $0, Self.sample, "--model", Self.interactionModel] }, accounts: 4)
        #expect(explained.count == 4)
        for lines in explained {
            #expect(lines.contains { ($0["factor"] as? String) == "budget_x_credit" }, "no line for the interaction")
        }
        let shown = try KamRunner.run(["model", "show", "--model", Self.interactionModel])
        #expect(shown.status == 0)
        #expect(shown.standardOutput.contains("budget_x_credit") && shown.standardOutput.contains("share_x_cycle"))
    }

    /// A history with a planted interaction a × b (no marginal effect) and a base model.
    static func writeHistory(in directory: String) throws {
        var random = SeededRandom(seed: 5)
        var lines = ["account_id,a,b,colour,effort,outcome"]
        let colours = ["red", "green", "blue"]
        for row in 0..<6000 {
            let a = (10 * random.nextDouble() * 100).rounded() / 100
            let b = (10 * random.nextDouble() * 100).rounded() / 100
            let effort = (50 * random.nextDouble() * 10).rounded() / 10
            let colour = colours[min(2, Int(3 * random.nextDouble()))]
            let eta = -1 + 0.15 * a - 0.03 * effort + (colour == "red" ? 0.5 : 0) + 0.8 * (a >= 5 ? 1 : -1) * (b >= 5 ? 1 : -1)
            let won = random.nextDouble() < 1 / (1 + exp(-eta))
            lines.append("K\(row),\(a),\(b),\(colour),\(effort),\(won ? "won" : "lost")")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/history.csv", atomically: true, encoding: .utf8)
        let base = try ScoringModel(
            name: "pairs",
            factors: [
                ModelFixtures.factor("a", .value, weight: 1, scale: .linear(min: 0, max: 10)),
                ModelFixtures.factor("effort", .difficulty, weight: 1, scale: .linear(min: 0, max: 50)),
            ],
            grading: ModelFixtures.grading(),
            columns: AccountColumns(id: "account_id", name: nil, industry: nil, region: nil, manager: nil, stage: nil, dealValue: nil))
        try ModelFileWriter().write(base).write(toFile: directory + "/base.yaml", atomically: true, encoding: .utf8)
    }

    @Test("kam model fit --interactions 2 on a planted interaction writes an a × b table that kam rank, explain and model show use")
    func fitEndToEnd() throws {
        let directory = try KamRunner.temporaryDirectory()
        try Self.writeHistory(in: directory)
        let fit = try KamRunner.run(
            ["model", "fit", "history.csv", "--model", "base.yaml", "--candidates", "all", "--interactions", "2", "--output", "fit.yaml"],
            in: directory)
        #expect(fit.status == 0, "\(fit.standardError)")
        #expect(fit.standardOutput.contains("Pairwise interactions"), "\(fit.standardOutput)")
        let model = try ModelFileReader().read(contentsOf: directory + "/fit.yaml")
        let pairs = model.factors.compactMap(\.scale.interaction)
        #expect((1...2).contains(pairs.count))
        #expect(pairs.contains { Set([$0.first.factor, $0.second.factor]) == ["a", "b"] })
        let ranked = try KamRunner.run(["rank", "history.csv", "--model", "fit.yaml", "--top", "3", "--quiet"], in: directory)
        #expect(ranked.status == 0, "\(ranked.standardError)")
        let explained = try KamRunner.run(["explain", "K1", "history.csv", "--model", "fit.yaml"], in: directory)
        #expect(explained.status == 0, "\(explained.standardError)")
        #expect(explained.standardOutput.contains(" × "), "\(explained.standardOutput)")

        let off = try KamRunner.run(
            ["model", "fit", "history.csv", "--model", "base.yaml", "--candidates", "all", "--interactions", "0", "--output", "off.yaml"],
            in: directory)
        #expect(off.status == 0, "\(off.standardError)")
        let plain = try ModelFileReader().read(contentsOf: directory + "/off.yaml")
        #expect(!plain.factors.contains { $0.scale.interaction != nil })
        let bad = try KamRunner.run(["model", "fit", "history.csv", "--model", "base.yaml", "--interactions", "-1"], in: directory)
        #expect(bad.status == 64)
    }

    @Test(
        "kam model fit --bags: one bag writes the default model byte for byte; three write one additive model that kam explain sums to kam rank's scores"
    )
    func outerBagsEndToEnd() throws {
        let directory = try KamRunner.temporaryDirectory()
        try Self.writeHistory(in: directory)
        let common = ["model", "fit", "history.csv", "--model", "base.yaml", "--candidates", "all", "--interactions", "2", "--quiet"]
        for (name, extra) in [("default.yaml", [String]()), ("one.yaml", ["--bags", "1"]), ("three.yaml", ["--bags", "3"])] {
            let fit = try KamRunner.run(common + extra + ["--format", "json", "--output", name], in: directory)
            #expect(fit.status == 0, "\(fit.standardError)")
            if name == "three.yaml" {
                let notes = try #require(try json(fit.standardOutput)["notes"] as? [String])
                #expect(notes.contains { $0.contains("mean of 3 fits") }, "\(notes)")
            }
        }
        let one = try String(contentsOfFile: directory + "/one.yaml", encoding: .utf8)
        #expect(one == (try String(contentsOfFile: directory + "/default.yaml", encoding: .utf8)))
        let three = try String(contentsOfFile: directory + "/three.yaml", encoding: .utf8)
        #expect(three != one)
        let model = try ModelFileReader().read(contentsOf: directory + "/three.yaml")
        #expect(try ModelFileReader().read(yaml: ModelFileWriter().write(model), file: "again.yaml") == model)
        #expect(model.factors.contains { $0.scale.interaction != nil })

        let explained = try Self.explainedLinesSumToRanks(
            rank: ["rank", "history.csv", "--model", "three.yaml"], explain: { ["explain", $0, "history.csv", "--model", "three.yaml"] },
            accounts: 3, in: directory)
        #expect(explained.count == 3)
        let bad = try KamRunner.run(common + ["--bags", "0"], in: directory)
        #expect(bad.status == 64)
    }

    /// Runs `kam rank` (CSV, 12 digits) and `kam explain` (JSON) of its first `accounts` rows,
    /// and checks that each explanation's value and difficulty lines sum to the ranked scores
    /// (within 1e-5: the JSON writes 6 decimals a line). Returns each explanation's lines.
    static func explainedLinesSumToRanks(
        rank: [String], explain: (String) -> [String], accounts: Int, in directory: String? = nil
    ) throws -> [[[String: Any]]] {
        func run(_ arguments: [String]) throws -> KamRunner.Outcome {
            try KamRunner.run(arguments, in: directory ?? Paths.packageRoot)
        }
        let ranked = try run(rank + ["--format", "csv", "--digits", "12", "--quiet"])
        #expect(ranked.status == 0, "\(ranked.standardError)")
        let rows = CSVCheck.parse(ranked.standardOutput).filter { $0.count > 5 }
        let header = try #require(rows.first)
        let id = try #require(header.firstIndex(of: "account_id"))
        let value = try #require(header.firstIndex(of: "value"))
        let difficulty = try #require(header.firstIndex(of: "difficulty"))
        var explained: [[[String: Any]]] = []
        for record in rows.dropFirst().prefix(accounts) {
            let explanation = try run(explain(record[id]) + ["--format", "json"])
            #expect(explanation.status == 0, "\(explanation.standardError)")
            let object = try Self.json(explanation.standardOutput)
            let lines = try #require(object["contributions"] as? [[String: Any]], "\(object.keys.sorted())")
            func sum(_ side: String) -> Double {
                lines.filter { ($0["side"] as? String) == side }.reduce(0) { $0 + (($1["points"] as? Double) ?? .nan) }
            }
            #expect(abs(sum("value") - (Double(record[value]) ?? .nan)) <= 1e-5, "\(record[id]) value")
            #expect(abs(sum("difficulty") - (Double(record[difficulty]) ?? .nan)) <= 1e-5, "\(record[id]) difficulty")
            explained.append(lines)
        }
        return explained
    }
}
