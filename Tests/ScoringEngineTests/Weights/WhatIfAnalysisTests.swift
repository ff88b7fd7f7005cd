import Foundation
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("What-if: the smallest single-factor change that raises a grade")
struct WhatIfAnalysisTests {
    /// Every scale kind the search inverts, both sides, both directions, a few missing values.
    static func fixture(accounts: Int, seed: UInt64) -> (ScoringModel, ProspectBatch) {
        var random = SeededRandom(seed: seed)
        let factors = [
            ModelFixtures.factor("v_linear", .value, weight: 0.3),
            ModelFixtures.factor("v_down", .value, weight: 0.2, direction: .decreasing),
            Factor(
                id: "v_cat", label: LocalizedLabel(en: "v_cat", zh: "v_cat"), column: "v_cat", side: .value, weight: 0.25,
                scale: .categorical(map: [
                    .init(label: "low", utility: 0.1), .init(label: "mid", utility: 0.5), .init(label: "high", utility: 0.9),
                ])),
            ModelFixtures.factor("v_log", .value, weight: 0.25, scale: .log(min: 0, max: 1000, offset: 1)),
            ModelFixtures.factor("d_linear", .difficulty, weight: 0.4),
            ModelFixtures.factor(
                "d_piece", .difficulty, weight: 0.35,
                scale: .piecewise(points: [
                    .init(x: 0, utility: 0), .init(x: 30, utility: 0.3), .init(x: 90, utility: 0.8), .init(x: 180, utility: 1),
                ])),
            ModelFixtures.factor("d_down", .difficulty, weight: 0.25, direction: .decreasing, missing: .worst),
        ]
        let model = try! ScoringModel(name: "w", factors: factors, grading: ModelFixtures.grading(minimumCompleteness: 0.6))
        func numbers(_ range: ClosedRange<Double>, whole: Bool = false) -> FactorColumn {
            .numeric(
                (0..<accounts).map { _ in
                    if random.nextDouble() < 0.05 { return .nan }
                    let x = range.lowerBound + (range.upperBound - range.lowerBound) * random.nextDouble()
                    return whole ? x.rounded() : (x * 10).rounded() / 10
                })
        }
        let columns: [FactorColumn] = [
            numbers(0...10), numbers(0...10, whole: true),
            .categorical((0..<accounts).map { _ in random.nextDouble() < 0.05 ? -1 : Int32(random.next() % 3) }),
            numbers(0...1000, whole: true), numbers(0...10), numbers(0...180, whole: true), numbers(0...10),
        ]
        let batch = ProspectBatch(accounts: (0..<accounts).map { Account(id: "A\($0)") }, factorColumns: columns)
        return (model, batch)
    }

    /// The batch with one value replaced (numeric value or category code).
    static func applying(_ change: WhatIfAnalysis.Change, to batch: ProspectBatch, row: Int, model: ScoringModel) -> ProspectBatch {
        var changed = batch
        switch batch.factorColumns[change.factorIndex] {
        case .numeric(var values):
            values[row] = change.newValue!
            changed.factorColumns[change.factorIndex] = .numeric(values)
        case .categorical(var codes):
            guard case .categorical(let map, _) = model.factors[change.factorIndex].scale else { fatalError() }
            codes[row] = Int32(map.firstIndex { $0.label == change.newLabel }!)
            changed.factorColumns[change.factorIndex] = .categorical(codes)
        }
        return changed
    }

    @Test("every proposed change, applied and re-scored, moves the account up; one step less does not")
    func changesReallyMoveTheGrade() throws {
        let (model, batch) = Self.fixture(accounts: 80, seed: 5)
        let pipeline = ScoringPipeline(model: model)
        let before = pipeline.assess(batch)
        var checked = 0
        for row in 0..<batch.count where [.b, .c, .d].contains(before.grades[row]) {
            let analysis = WhatIfAnalysis.analyze(batch: batch, row: row, model: model)
            #expect(analysis.grade == before.grades[row])
            for change in analysis.changes {
                let after = pipeline.assess(Self.applying(change, to: batch, row: row, model: model))
                #expect(after.grades[row] < before.grades[row], "row \(row) factor \(change.factorIndex)")
                #expect(after.grades[row] == change.newGrade)
                #expect(after.value(row).isApproximatelyEqual(to: change.newValueScore, absoluteTolerance: 1e-9, relativeTolerance: 0))
                // Minimal along the raw axis: one rounding step back toward the current value keeps the grade.
                if case .numeric(let values) = batch.factorColumns[change.factorIndex], !values[row].isNaN, let newValue = change.newValue {
                    let whole = values.filter { !$0.isNaN }.allSatisfy { $0 == $0.rounded() }
                    let step = whole ? 1.0 : 0.1
                    let back = newValue + (newValue > values[row] ? -step : step)
                    if (back - values[row]) * (newValue - values[row]) > 0 {
                        var retreatBatch = batch
                        var retreatValues = values
                        retreatValues[row] = back
                        retreatBatch.factorColumns[change.factorIndex] = .numeric(retreatValues)
                        let retreated = pipeline.assess(retreatBatch)
                        #expect(
                            retreated.grades[row] >= before.grades[row], "row \(row) factor \(change.factorIndex): \(back) already upgrades"
                        )
                    }
                }
                checked += 1
            }
            // Sorted by utility change, the best first.
            #expect(analysis.changes.map(\.utilityChange) == analysis.changes.map(\.utilityChange).sorted())
            // Every factor is either a change or an obstacle.
            #expect(analysis.changes.count + analysis.obstacles.count == model.factors.count)
        }
        #expect(checked > 20)
    }

    @Test("an account no single factor can lift says so")
    func noSingleFactor() throws {
        // Ten equal value factors; an account at utility 0 everywhere needs +40 points, a factor gives at most 10.
        let factors =
            (0..<10).map { ModelFixtures.factor("v\($0)", .value, weight: 1) } + [ModelFixtures.factor("d", .difficulty, weight: 1)]
        let model = try ScoringModel(name: "n", factors: factors, grading: ModelFixtures.grading())
        let batch = ProspectBatch(
            accounts: [Account(id: "low")], factorColumns: (0..<10).map { _ in .numeric([0]) } + [.numeric([0])])
        let analysis = WhatIfAnalysis.analyze(batch: batch, row: 0, model: model)
        #expect(analysis.grade == .c)
        #expect(analysis.changes.isEmpty)
        #expect(analysis.best == nil)
        #expect(analysis.obstacles.count == 11)
    }

    @Test("an account with insufficient information is told which values to collect, and they suffice")
    func insufficient() throws {
        let (model, batch) = Self.fixture(accounts: 30, seed: 9)
        var sparse = batch
        for index in [0, 1, 3, 4] {
            if case .numeric(var values) = sparse.factorColumns[index] {
                values[0] = .nan
                sparse.factorColumns[index] = .numeric(values)
            }
        }
        let pipeline = ScoringPipeline(model: model)
        #expect(pipeline.assess(sparse).grades[0] == .insufficient)
        let analysis = WhatIfAnalysis.analyze(batch: sparse, row: 0, model: model)
        #expect(!analysis.factorsToFill.isEmpty)
        var filled = sparse
        for index in analysis.factorsToFill {
            if case .numeric(var values) = filled.factorColumns[index] {
                values[0] = 5
                filled.factorColumns[index] = .numeric(values)
            }
        }
        #expect(pipeline.assess(filled).grades[0] != .insufficient)
    }

    @Test("grade A accounts need no change")
    func alreadyA() throws {
        let (model, batch) = Self.fixture(accounts: 200, seed: 3)
        let assessment = ScoringPipeline(model: model).assess(batch)
        let row = try #require(assessment.grades.firstIndex(of: .a))
        let analysis = WhatIfAnalysis.analyze(batch: batch, row: row, model: model)
        #expect(analysis.changes.isEmpty && analysis.obstacles.isEmpty)
    }
}
