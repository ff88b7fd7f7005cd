import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("A learned model written to a file scores like the fit")
struct LearnedModelRoundTripTests {
    @Test("history.csv: write the learned model, read it back, read the history as kam rank does: scores equal the fit's to 1e-12")
    func roundTrip() throws {
        let base = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
        let table = try CSVReader().read(contentsOf: Paths.packageRoot + "/datasets/history.csv")
        let history = try LearningHistoryLoader(model: base).load(table)
        #expect(history.data.count == 2000)
        let learned = try ModelLearner().learn(history.data, baseModel: base)

        let text = ModelFileWriter().write(learned.model)
        let reread = try ModelFileReader().read(yaml: text, file: "learned.yaml")
        #expect(reread == learned.model)

        // The ingest path of `kam rank`, row by row by line.
        let loaded = try ProspectListLoader(model: reread).load(table)
        #expect(loaded.rejects.isEmpty)
        let assessment = ScoringPipeline(model: reread).assess(loaded.batch)
        var rowByLine: [Int: Int] = [:]
        for (row, account) in loaded.batch.accounts.enumerated() { rowByLine[account.line] = row }
        let rows = try history.lines.map { try #require(rowByLine[$0]) }
        let expected = learned.trainingScores
        let tolerance = 1e-12
        #expect(
            rows.map { assessment.value($0) }.isApproximatelyEqual(to: expected.value, absoluteTolerance: tolerance, relativeTolerance: 0))
        #expect(
            rows.map { assessment.difficulty($0) }.isApproximatelyEqual(
                to: expected.difficulty, absoluteTolerance: tolerance, relativeTolerance: 0))
        #expect(
            rows.map { assessment.priority($0) }.isApproximatelyEqual(
                to: expected.priority, absoluteTolerance: tolerance, relativeTolerance: 0))
        let probabilities = rows.map { reread.probability(value: assessment.value($0), difficulty: assessment.difficulty($0)) ?? -1 }
        #expect(probabilities.isApproximatelyEqual(to: expected.probability, absoluteTolerance: tolerance, relativeTolerance: 0))
        #expect(rows.map { assessment.grades[$0] } == expected.grades)
    }

    @Test("fine learned curves with sentinels (999 at the top, −1 at the bottom) survive the file: equal model, scores to 1e-12")
    func sentinelRoundTrip() throws {
        // 4,000 accounts: step (base value factor), days (999 on 60%: "never"), code (−1 on
        // 30%), effort (base difficulty factor); outcomes drawn from known log-odds.
        var random = SeededRandom(seed: 3)
        var csv = "account_id,step,days,code,effort,outcome\n"
        for row in 0..<4000 {
            let step = (100 * random.nextDouble() * 1000).rounded() / 1000
            let days = random.nextDouble() < 0.6 ? 999 : Double(Int(30 * random.nextDouble()))
            let code = random.nextDouble() < 0.3 ? -1 : Double(Int(50 * random.nextDouble()))
            let effort = (50 * random.nextDouble() * 100).rounded() / 100
            let eta =
                -1 + (step < 40 ? -0.8 : 0.6) + (days == 999 ? -0.6 : 1.2 - 0.04 * days)
                + (code == -1 ? 0.7 : -0.01 * code) - 0.02 * effort
            let won = random.nextDouble() < 1 / (1 + exp(-eta))
            csv += "K\(row),\(formatPlain(step)),\(formatPlain(days)),\(formatPlain(code)),\(formatPlain(effort)),\(won ? "won" : "lost")\n"
        }
        let base = try ScoringModel(
            name: "sentinels",
            factors: [
                ModelFixtures.factor("step", .value, weight: 1, scale: .linear(min: 0, max: 100)),
                ModelFixtures.factor("effort", .difficulty, weight: 1, scale: .linear(min: 0, max: 50)),
            ],
            grading: ModelFixtures.grading())
        let table = try CSVReader().read(bytes: Array(csv.utf8), file: "sentinels.csv")
        let history = try LearningHistoryLoader(model: base, candidates: .all).load(table)
        var options = ModelLearner.Options()
        options.candidates = .all
        let learned = try ModelLearner(options: options).learn(history.data, baseModel: base)
        #expect(learned.notes.contains { $0.contains("days = 999") && $0.contains("code = -1") })
        let days = try #require(learned.model.factors.first { $0.column == "days" })
        guard case .binned(let bins) = days.scale else {
            Issue.record("days should be binned")
            return
        }
        #expect(bins.count > 10)
        // The sentinels are written as special values with their evidence, outside the bins.
        #expect(days.specialValues.map(\.value) == [999])
        #expect(
            days.specialValues.first?.evidence?.count
                == history.data.columns.first { $0.name == "days" }.map { column in
                    guard case .numeric(let values) = column.values else { return -1 }
                    return values.filter { $0 == 999 }.count
                })
        #expect(bins.last?.upper == nil && (bins.dropLast().last?.upper ?? .infinity) <= 29)
        let code = try #require(learned.model.factors.first { $0.column == "code" })
        guard case .binned(let codeBins) = code.scale else {
            Issue.record("code should be binned")
            return
        }
        #expect(code.specialValues.map(\.value) == [-1])
        #expect((codeBins.first?.upper ?? -1) > 0)

        let text = ModelFileWriter().write(learned.model)
        let reread = try ModelFileReader().read(yaml: text, file: "learned.yaml")
        #expect(reread == learned.model)
        let loaded = try ProspectListLoader(model: reread).load(table)
        #expect(loaded.rejects.isEmpty)
        let assessment = ScoringPipeline(model: reread).assess(loaded.batch)
        var rowByLine: [Int: Int] = [:]
        for (row, account) in loaded.batch.accounts.enumerated() { rowByLine[account.line] = row }
        let rows = try history.lines.map { try #require(rowByLine[$0]) }
        let expected = learned.trainingScores
        #expect(rows.map { assessment.value($0) }.isApproximatelyEqual(to: expected.value, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(
            rows.map { assessment.difficulty($0) }.isApproximatelyEqual(
                to: expected.difficulty, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(
            rows.map { assessment.priority($0) }.isApproximatelyEqual(to: expected.priority, absoluteTolerance: 1e-12, relativeTolerance: 0)
        )
        #expect(rows.map { assessment.grades[$0] } == expected.grades)
    }

    @Test("a stratified holdout keeps each class's share, is seeded, and partitions the rows")
    func holdoutSplit() {
        let outcomes = (0..<1000).map { Double($0 % 10 < 3 ? 1 : 0) }
        let split = HoldoutSplit(outcomes: outcomes, fraction: 0.3, seed: 42)
        #expect(split.heldOut.count == 300)
        #expect(split.heldOut.filter { outcomes[$0] == 1 }.count == 90)
        #expect(Set(split.training).union(split.heldOut) == Set(0..<1000))
        #expect(Set(split.training).isDisjoint(with: split.heldOut))
        #expect(split.training == split.training.sorted())
        #expect(HoldoutSplit(outcomes: outcomes, fraction: 0.3, seed: 42) == split)
        #expect(HoldoutSplit(outcomes: outcomes, fraction: 0.3, seed: 43) != split)
    }
}
