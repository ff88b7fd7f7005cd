import Foundation
import LinearAlgebra
import ScoringEngine
import ScoringIO

/// Inputs shared by the benchmarks, built once per size and outside any measurement: a
/// generated prospect list on disk (`kam generate`, seed 1, 3% blanks), the default model,
/// and the list loaded and assessed in memory.
final class BenchmarkInputs: @unchecked Sendable {
    let rows: Int
    let model: ScoringModel
    let scorer: Scorer
    let path: String
    let batch: ProspectBatch
    let statistics: UtilityBuilder.Statistics
    let utilities: UtilityBuilder.Utilities
    /// Value and difficulty scores of the base scenario.
    let value: [Double]
    let difficulty: [Double]

    private init(rows: Int) {
        self.rows = rows
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        model = try! ModelFileReader().read(contentsOf: root + "/models/default.yaml")
        scorer = try! Scorer(model: model)
        path = NSTemporaryDirectory() + "kam-benchmark-\(rows)-\(getpid()).csv"
        try! ProspectListGenerator(options: try! GeneratorOptions(rows: rows, seed: 1)).write(toFile: path)
        let loaded = try! ProspectListLoader(model: model).load(try! CSVReader().read(contentsOf: path))
        batch = loaded.batch
        let builder = UtilityBuilder(model: model)
        statistics = builder.statistics(of: batch)
        utilities = builder.build(batch, statistics: statistics)
        let scores = ScoreColumns(scorer.scores(utilities.matrix), scenario: 0)
        value = scores.value
        difficulty = scores.difficulty
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [Int: BenchmarkInputs] = [:]

    /// The inputs for `rows` accounts (built on first use).
    static func of(rows: Int) -> BenchmarkInputs {
        lock.lock()
        defer { lock.unlock() }
        if let inputs = cache[rows] { return inputs }
        let inputs = BenchmarkInputs(rows: rows)
        cache[rows] = inputs
        return inputs
    }

    /// "10k", "100k", "1M".
    static func label(_ rows: Int) -> String {
        rows >= 1_000_000 ? "\(rows / 1_000_000)M" : "\(rows / 1000)k"
    }
}
