import ScoringEngine
import ScoringTestSupport
import Testing

/// A stream's merging thread adds a chunk's raw values a factor at a time
/// (``StatisticsAccumulator/addRaw(_:width:columns:rows:)``); the in-memory builder one value at a
/// time. Batch-relative scales must score a file the same either way, so the statistics are
/// compared bit for bit.
@Suite("StatisticsAccumulator: a chunk's raw values added at once equal value by value, bit for bit")
struct StatisticsAccumulatorTests {
    @Test(
        "1 to 9 raw factors (one to three groups of four), NaNs, some rows left out, several chunks",
        arguments: [1, 2, 3, 4, 5, 7, 8, 9])
    func batchEqualsValueByValue(rawCount: Int) throws {
        var random = SeededRandom(seed: UInt64(rawCount))
        // The model has more factors than the raw ones: raw factors are a subset, in order.
        let factors = (0..<(rawCount + 2)).map { ModelFixtures.factor("f\($0)", $0 % 2 == 0 ? .value : .difficulty, weight: 1) }
        let model = try ScoringModel(name: "t", factors: factors, grading: ModelFixtures.grading())
        let rawFactors = (0..<rawCount).map { $0 + ($0 >= 1 ? 1 : 0) }
        var batch = StatisticsAccumulator(model: model, rawFactors: rawFactors)
        var single = StatisticsAccumulator(model: model, rawFactors: rawFactors)
        // Width beyond the raw values (the mean factors' utilities follow them in a stream).
        let width = rawCount + 2
        for chunk in 0..<3 {
            let rowCount = 50 + 40 * chunk
            let block = (0..<(rowCount * width)).map { _ -> Double in
                random.nextDouble() < 0.15 ? .nan : (random.nextDouble() - 0.3) * 1e3 * Double(chunk + 1)
            }
            let rows = (0..<rowCount).filter { _ in random.nextDouble() < 0.8 }
            batch.addRaw(block, width: width, rows: rows)
            for row in rows {
                for (position, factor) in rawFactors.enumerated() where !block[row * width + position].isNaN {
                    single.addRaw(block[row * width + position], factor: factor)
                }
            }
        }
        let (a, b) = (batch.rawStatistics(), single.rawStatistics())
        for (x, y) in [(a.minimum, b.minimum), (a.maximum, b.maximum), (a.mean, b.mean), (a.standardDeviation, b.standardDeviation)] {
            #expect(x.map(\.bitPattern) == y.map(\.bitPattern))
        }
        // Not vacuous: every raw factor got values, the others none.
        #expect(rawFactors.allSatisfy { a.mean[$0].isFinite && a.standardDeviation[$0] > 0 })
        #expect(a.mean.indices.filter { !rawFactors.contains($0) }.allSatisfy { a.mean[$0].isNaN })
    }

    @Test(
        "Whole raw rows (columns = the raw factors' indices) equal the raw values alone, bit for bit",
        arguments: [1, 3, 4, 6, 9])
    func wholeRowsEqualRawValues(rawCount: Int) throws {
        var random = SeededRandom(seed: 40 + UInt64(rawCount))
        // Raw factors spread over a model of 2 × rawCount + 1 factors (a statistics pass that
        // keeps whole raw rows reads them at their own indices).
        let factorCount = 2 * rawCount + 1
        let factors = (0..<factorCount).map { ModelFixtures.factor("f\($0)", $0 % 2 == 0 ? .value : .difficulty, weight: 1) }
        let model = try ScoringModel(name: "t", factors: factors, grading: ModelFixtures.grading())
        let rawFactors = (0..<rawCount).map { 2 * $0 + 1 }
        var fromRows = StatisticsAccumulator(model: model, rawFactors: rawFactors)
        var fromValues = StatisticsAccumulator(model: model, rawFactors: rawFactors)
        for chunk in 0..<3 {
            let rowCount = 60 + 30 * chunk
            let rows = (0..<(rowCount * factorCount)).map { _ -> Double in
                random.nextDouble() < 0.1 ? .nan : (random.nextDouble() - 0.4) * 1e4
            }
            let accepted = (0..<rowCount).filter { _ in random.nextDouble() < 0.85 }
            fromRows.addRaw(rows, width: factorCount, columns: rawFactors, rows: accepted)
            // The same values as a stream's statistics inputs: the raw factors' values, in order.
            let values = (0..<rowCount).flatMap { row in rawFactors.map { rows[row * factorCount + $0] } }
            fromValues.addRaw(values, width: rawCount, rows: accepted)
        }
        let (a, b) = (fromRows.rawStatistics(), fromValues.rawStatistics())
        for (x, y) in [(a.minimum, b.minimum), (a.maximum, b.maximum), (a.mean, b.mean), (a.standardDeviation, b.standardDeviation)] {
            #expect(x.map(\.bitPattern) == y.map(\.bitPattern))
        }
        // Not vacuous: the raw factors got values; reading the wrong columns would give others.
        #expect(rawFactors.allSatisfy { a.mean[$0].isFinite && a.standardDeviation[$0] > 0 })
        #expect(a.mean.indices.filter { !rawFactors.contains($0) }.allSatisfy { a.mean[$0].isNaN })
    }

    @Test("Welford's update against a two-pass mean and deviation (1e-12 relative)")
    func againstTwoPass() throws {
        var random = SeededRandom(seed: 5)
        let model = try ScoringModel(
            name: "t", factors: [ModelFixtures.factor("a", .value, weight: 1), ModelFixtures.factor("b", .difficulty, weight: 1)],
            grading: ModelFixtures.grading())
        var accumulator = StatisticsAccumulator(model: model, rawFactors: [0])
        let values = (0..<1000).map { _ in 1e6 + random.nextDouble() * 10 }
        accumulator.addRaw(values.flatMap { [$0, Double.nan] }, width: 2, rows: Array(values.indices))
        let mean = values.reduce(0, +) / Double(values.count)
        let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        let statistics = accumulator.rawStatistics()
        #expect(abs(statistics.mean[0] - mean) <= 1e-12 * mean)
        #expect(abs(statistics.standardDeviation[0] - deviation) <= 1e-9 * deviation)
        #expect(statistics.minimum[0] == values.min() && statistics.maximum[0] == values.max())
    }
}
