import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

@Suite("kam init drafts a model from a list it has never seen")
struct ModelDraftTests {
    /// 400 rows with planted columns: an id, a name, a leak, a constant, money in 万, a
    /// percent, a categorical with a known best label, a difficulty-named column, a sentinel
    /// and free text; the outcome follows `score` (rises with revenue, falls with delay days).
    static func plantedTable() throws -> CSVTable {
        var random = SeededRandom(seed: 7)
        var text = "customer_id,company,revenue,margin,channel,payment_delay_days,pdays,region_code,remark,status,outcome\n"
        for row in 0..<400 {
            let revenue = 50 + 950 * random.nextDouble()
            let margin = 5 + 30 * random.nextDouble()
            let channel = ["web", "partner", "direct"][row % 3]
            let delay = (60 * random.nextDouble()).rounded()
            let pdays = row % 4 == 0 ? 5 + (20 * random.nextDouble()).rounded() : 999
            let score = (revenue - 500) / 300 - (delay - 30) / 15 + (channel == "direct" ? 1 : 0)
            let won = random.nextDouble() < 1 / (1 + exp(-score))
            text += "C\(1000 + row),公司\(row),\(Int(revenue))万,\(Int(margin))%,\(channel),\(Int(delay)),\(Int(pdays)),R1,"
            text += "note \(row) \(random.nextDouble()),\(won ? "closed won" : "closed lost"),\(won ? "won" : "lost")\n"
        }
        return try CSVReader().read(bytes: Array(text.utf8), file: "planted.csv")
    }

    @Test("every planted column gets its role, unit and side; one verdict per column")
    func roles() throws {
        let draft = try ModelDraft(table: try Self.plantedTable(), name: "planted")
        func role(_ name: String) throws -> ModelDraft.Column {
            try #require(draft.columns.first { $0.name == name })
        }
        #expect(draft.outcomeColumn == "outcome")
        #expect(try role("customer_id").role == .id)
        #expect(try role("company").role == .name)
        #expect(try role("revenue").role == .factor(side: .value, direction: .increasing))
        #expect(try role("revenue").unit == .wan)
        #expect(try role("margin").unit == .percent)
        #expect(try role("payment_delay_days").role == .factor(side: .difficulty, direction: .increasing))
        if case .leftOut(let reason) = try role("region_code").role {
            #expect(reason.hasPrefix("constant"))
        } else {
            Issue.record("region_code should be left out as constant")
        }
        if case .leftOut(let reason) = try role("remark").role {
            #expect(reason.contains("near-unique text"))
        } else {
            Issue.record("remark should be left out as free text")
        }
        if case .likelyLeak(let reason) = try role("status").role {
            #expect(reason.contains("AUC 1"))
        } else {
            Issue.record("status should be a likely leak")
        }
        // The sentinel is named and left out of the range.
        let pdays = try role("pdays")
        #expect(pdays.note.contains("999 on 75.0% of rows looks like a code"))
        #expect(try #require(pdays.range).high < 999)
        // The best channel by win rate gets utility 1.
        let channel = try role("channel")
        #expect(channel.categories.first { $0.label == "direct" }?.utility == 1)
        #expect(Set(draft.columns.map(\.name)).count == draft.columns.count)
    }

    @Test("the draft reads back as a model with the planted factors, and scores the list")
    func readsBack() throws {
        let table = try Self.plantedTable()
        let draft = try ModelDraft(table: table, name: "planted")
        let model = try ModelFileReader().read(yaml: draft.yaml(), file: "planted.yaml")
        #expect(model.name == "planted")
        #expect(Set(model.factors.map(\.column)) == ["revenue", "margin", "channel", "payment_delay_days", "pdays"])
        #expect(model.columns.id == "customer_id")
        let loaded = try ProspectListLoader(model: model).load(table)
        #expect(loaded.rejects.isEmpty)
        #expect(loaded.batch.count == 400)
    }

    @Test("a list without an outcome gets sides from names and increasing directions; a given outcome that is missing is refused")
    func withoutOutcome() throws {
        let text =
            "id,budget,risk_score,tier\n"
            + (0..<30).map { "\($0),\(($0 * 37) % 11 * 10),\($0 % 7),\(["a", "b"][$0 % 2])" }.joined(separator: "\n") + "\n"
        let table = try CSVReader().read(bytes: Array(text.utf8), file: "plain.csv")
        let draft = try ModelDraft(table: table, name: "plain")
        #expect(draft.outcomeColumn == nil)
        #expect(draft.columns.first { $0.name == "budget" }?.role == .factor(side: .value, direction: .increasing))
        #expect(draft.columns.first { $0.name == "risk_score" }?.role == .factor(side: .difficulty, direction: .increasing))
        _ = try ModelFileReader().read(yaml: draft.yaml(), file: "plain.yaml")
        #expect(
            throws: ModelDraftError.missingOutcome(file: "plain.csv", column: "won", available: ["id", "budget", "risk_score", "tier"])
        ) {
            try ModelDraft(table: table, outcomeColumn: "won", name: "plain")
        }
    }
}
