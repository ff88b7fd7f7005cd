import ScoringEngine
import ScoringTestSupport
import Testing

/// The streaming reader turns whole panels of raw values into utilities with
/// ``UtilityTable/convertToUtilities(_:rows:missingFill:)``; the in-memory builder evaluates
/// one value at a time. The contract is bit-for-bit equality (the two paths must rank the
/// same file identically), so these tests compare bit patterns, not tolerances.
@Suite("UtilityTable converts panels with the same bits as value by value")
struct UtilityTablePanelTests {
    /// Statistics for batch-relative scales: some factors with spread, some without (the
    /// 0.5 branch of minmax and zscore).
    static func statistics(factors: Int, using random: inout SeededRandom) -> UtilityBuilder.Statistics {
        var minimum: [Double] = []
        var maximum: [Double] = []
        var mean: [Double] = []
        var deviation: [Double] = []
        for _ in 0..<factors {
            let low = -5 + 4 * random.nextDouble()
            let flat = random.nextDouble() < 0.25
            minimum.append(low)
            maximum.append(flat ? low : low + 0.5 + 10 * random.nextDouble())
            mean.append(low + 3 * random.nextDouble())
            deviation.append(flat ? 0 : 0.1 + 3 * random.nextDouble())
        }
        return UtilityBuilder.Statistics(
            minimum: minimum, maximum: maximum, mean: mean, standardDeviation: deviation,
            meanUtility: [Double](repeating: 0.5, count: factors))
    }

    @Test("Every scale kind and direction, with missing entries, over 40 random models", arguments: 0..<40)
    func panelMatchesValues(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(1000 + seed))
        let model = ModelFixtures.randomModel(using: &random, maxFactors: 14)
        let factorCount = model.factors.count
        let table = UtilityTable(model: model, statistics: Self.statistics(factors: factorCount, using: &random))
        let fills = (0..<factorCount).map { _ in random.nextDouble() }
        let rows = 1 + Int(random.next() % 300)
        var panel = [Double](repeating: 0, count: rows * factorCount)
        for row in 0..<rows {
            for factor in 0..<factorCount {
                let entry: Double
                if random.nextDouble() < 0.15 {
                    entry = .nan
                } else if table.isCategorical(factor) {
                    let count = model.factors[factor].scale.categoryUtilities.count
                    entry = Double(random.next() % UInt64(count))
                } else {
                    // Values spread over and beyond every scale's breakpoints, with exact
                    // breakpoints now and then.
                    let exact: [Double] = [-3, 2, 8, -1, 0.5, 4, 0, 100]
                    entry =
                        random.nextDouble() < 0.2
                        ? exact[Int(random.next() % UInt64(exact.count))] : -20 + 1200 * random.nextDouble() / 10
                }
                panel[row * factorCount + factor] = entry
            }
        }
        var converted = panel
        table.convertToUtilities(&converted, rows: rows, missingFill: fills)
        for row in 0..<rows {
            for factor in 0..<factorCount {
                let raw = panel[row * factorCount + factor]
                let expected: Double
                if raw.isNaN {
                    expected = fills[factor]
                } else if table.isCategorical(factor) {
                    expected = table.utility(factor, ofCategory: Int32(raw))
                } else {
                    expected = table.utility(factor, of: raw)
                }
                let actual = converted[row * factorCount + factor]
                #expect(
                    actual.bitPattern == expected.bitPattern,
                    "row \(row), factor \(factor) (\(model.factors[factor].scale.kind)): \(actual) vs \(expected)")
            }
        }
    }

    @Test("Entries past the converted rows are left alone")
    func leavesTheRestAlone() {
        let model = try! ScoringModel(
            name: "t",
            factors: [
                ModelFixtures.factor("a", .value, weight: 1),
                ModelFixtures.factor("b", .difficulty, weight: 1, direction: .decreasing),
            ],
            grading: ModelFixtures.grading())
        let table = UtilityTable(model: model, statistics: nil)
        // Two rows converted of three: (5, NaN) → (0.5, fill 0.25), (10, 0) → (1, 1 − 0).
        var panel: [Double] = [5, .nan, 10, 0, 7, 7]
        table.convertToUtilities(&panel, rows: 2, missingFill: [0.75, 0.25])
        #expect(panel == [0.5, 0.25, 1, 1, 7, 7])
    }
}
