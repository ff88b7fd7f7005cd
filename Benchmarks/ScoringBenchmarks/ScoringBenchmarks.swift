import Benchmark
import Foundation
import LinearAlgebra
import ScoringEngine
import ScoringIO

/// kam's batch scoring, stage by stage, for 10,000 to 1,000,000 accounts of the default
/// model (14 factors, 3 weight scenarios) on generated lists (`kam generate --seed 1`).
/// Inputs are built in each benchmark's setup, outside the measurement; results go to
/// `blackHole`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .peakMemoryResident],
        warmupIterations: 1, maxDuration: .seconds(3), maxIterations: 25)
    let sizes = [10_000, 100_000, 1_000_000]

    for rows in sizes {
        let label = BenchmarkInputs.label(rows)
        // The whole reading path of `kam rank --top 1000`: blocks, fields, numbers,
        // utilities, panelled dgemm, grades, ids and the bounded top-K, on all workers.
        Benchmark("parse, map and score a list (streaming, top 1000) \(label) accounts × 27 columns") { benchmark in
            let inputs = BenchmarkInputs.of(rows: rows)
            let stream = ProspectStream(model: inputs.model)
            benchmark.startMeasurement()
            blackHole(try! stream.rank(contentsOf: inputs.path, scorer: inputs.scorer, limit: 1000))
        } setup: {
            _ = BenchmarkInputs.of(rows: rows)
        }

        Benchmark("parse and map a list in memory (CSVReader + loader) \(label) accounts × 27 columns") { benchmark in
            let inputs = BenchmarkInputs.of(rows: rows)
            benchmark.startMeasurement()
            blackHole(try! ProspectListLoader(model: inputs.model).load(try! CSVReader().read(contentsOf: inputs.path)))
        } setup: {
            _ = BenchmarkInputs.of(rows: rows)
        }

        Benchmark("build utilities \(label) accounts × 14 factors") { benchmark in
            let inputs = BenchmarkInputs.of(rows: rows)
            let builder = UtilityBuilder(model: inputs.model)
            benchmark.startMeasurement()
            blackHole(builder.build(inputs.batch, statistics: inputs.statistics))
        } setup: {
            _ = BenchmarkInputs.of(rows: rows)
        }

        Benchmark("score with one gemv \(label) accounts × 14 factors, one weight vector") { benchmark in
            let inputs = BenchmarkInputs.of(rows: rows)
            let weights = inputs.scorer.scenarioWeights[0]
            benchmark.startMeasurement()
            blackHole(inputs.utilities.matrix.multiplied(by: weights))
        } setup: {
            _ = BenchmarkInputs.of(rows: rows)
        }

        Benchmark("score with one dgemm call \(label) accounts × 14 factors by 14 × 6") { benchmark in
            let inputs = BenchmarkInputs.of(rows: rows)
            benchmark.startMeasurement()
            blackHole(inputs.utilities.matrix * inputs.scorer.weights)
        } setup: {
            _ = BenchmarkInputs.of(rows: rows)
        }

        Benchmark("score with blocked dgemm (panels of \(Scorer.panelRows)) \(label) accounts × 14 factors by 14 × 6") { benchmark in
            let inputs = BenchmarkInputs.of(rows: rows)
            // The output buffer is reused, as the streaming reader reuses its panel's.
            var scores = [Double](repeating: 0, count: rows * 2 * inputs.scorer.scenarioCount)
            let elements = inputs.utilities.matrix.elements
            benchmark.startMeasurement()
            inputs.scorer.scores(rowMajor: elements, rows: rows, into: &scores)
            blackHole(scores)
        } setup: {
            _ = BenchmarkInputs.of(rows: rows)
        }

        Benchmark("grade \(label) accounts") { benchmark in
            let inputs = BenchmarkInputs.of(rows: rows)
            let grading = inputs.model.grading
            let completeness = inputs.utilities.completeness
            benchmark.startMeasurement()
            var counts = [Int](repeating: 0, count: 5)
            for row in 0..<rows {
                let grade = grading.grade(
                    value: inputs.value[row], difficulty: inputs.difficulty[row], completeness: completeness[row])
                counts[grade.order] += 1
            }
            blackHole(counts)
        } setup: {
            _ = BenchmarkInputs.of(rows: rows)
        }

        Benchmark("top 1000 of \(label) accounts (bounded heap)") { benchmark in
            let inputs = BenchmarkInputs.of(rows: rows)
            let order = RankingOrder(model: inputs.model)
            let keys = (0..<rows).map { inputs.model.grading.ranking.key(value: inputs.value[$0], difficulty: inputs.difficulty[$0]) }
            let ids = inputs.batch.accounts.map(\.id)
            benchmark.startMeasurement()
            var top = TopSelection<Int>(capacity: 1000)
            for row in 0..<rows {
                top.offer(row) { first, second in
                    order.ranksBefore(grade: .a, key: keys[first], .a, keys[second]) { ids[first] < ids[second] }
                }
            }
            blackHole(
                top.sorted { first, second in
                    order.ranksBefore(grade: .a, key: keys[first], .a, keys[second]) { ids[first] < ids[second] }
                })
        } setup: {
            _ = BenchmarkInputs.of(rows: rows)
        }

        Benchmark("full sort of \(label) accounts (for comparison with the heap)") { benchmark in
            let inputs = BenchmarkInputs.of(rows: rows)
            let order = RankingOrder(model: inputs.model)
            let keys = (0..<rows).map { inputs.model.grading.ranking.key(value: inputs.value[$0], difficulty: inputs.difficulty[$0]) }
            let ids = inputs.batch.accounts.map(\.id)
            benchmark.startMeasurement()
            blackHole(
                (0..<rows).sorted { first, second in
                    order.ranksBefore(grade: .a, key: keys[first], .a, keys[second]) { ids[first] < ids[second] }
                }.prefix(1000))
        } setup: {
            _ = BenchmarkInputs.of(rows: rows)
        }

        // Sensitivity analyses score many weight draws at once: one panelled product.
        Benchmark("sensitivity products \(label) accounts × 14 factors by 14 × 128 weight draws") { benchmark in
            let inputs = BenchmarkInputs.of(rows: rows)
            var random = SeededRandom(seed: 3)
            let draws = (0..<(14 * 128)).map { _ in random.nextDouble() }
            var products = [Double](repeating: 0, count: rows * 128)
            let elements = inputs.utilities.matrix.elements
            benchmark.startMeasurement()
            BatchProduct.multiply(elements, rows: rows, inner: 14, by: draws, columns: 128, into: &products)
            blackHole(products)
        } setup: {
            _ = BenchmarkInputs.of(rows: rows)
        }

        // The floor for any kernel that reads the utility matrix once (see kam-bandwidth).
        Benchmark("memory read (STREAM-style sum) \(label) × 14 doubles") { benchmark in
            let inputs = BenchmarkInputs.of(rows: rows)
            let elements = inputs.utilities.matrix.elements
            benchmark.startMeasurement()
            var sum = SIMD4<Double>()
            var index = 0
            let count = elements.count & ~3
            while index < count {
                sum += SIMD4(elements[index], elements[index + 1], elements[index + 2], elements[index + 3])
                index += 4
            }
            blackHole(sum)
        } setup: {
            _ = BenchmarkInputs.of(rows: rows)
        }
    }

    Benchmark(
        "read 1,000,000 number fields (NumberReader, strings)",
        configuration: .init(metrics: [.wallClock, .throughput], scalingFactor: .mega)
    ) { benchmark in
        let fields = (0..<1000).map { ["1800", "35%", "18.5", "\"1,800\"".filter { $0 != "\"" }, "0.07", "1800万"][$0 % 6] }
        let percent = NumberReader(unit: .wan)
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            blackHole(percent.read(fields[iteration % 1000]))
        }
    }
}
