import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

/// Batch-relative scales score the raw values the statistics pass kept (``RawSpill``)
/// instead of parsing the file again: the same statistics, scores, grades, ranks, rejects
/// and duplicates, bit for bit, as the pass that reads the file again.
@Suite("Scoring from the kept raw values equals scoring from a second parse, bit for bit")
struct RawSpillTests {
    /// models/default.yaml with minmax, zscore and mean-fill factors.
    static func relativeModel() throws -> ScoringModel {
        try editedDefaultModel([
            (
                "    weight: 0.15\n    scale: {type: linear, min: 1, max: 5}\n    missing: neutral\n    source: \"seed §3.2.3 (五) D; §3.2.2 二.1\"",
                "    weight: 0.15\n    scale: {type: minmax}\n    missing: mean\n    source: \"seed §3.2.3 (五) D; §3.2.2 二.1\""
            ),
            (
                "scale: {type: piecewise, points: [[1, 0], [6, 0.4], [12, 0.8], [24, 1]]}",
                "scale: {type: zscore, clip: 2.5}"
            ),
            ("scale: {type: linear, min: 0, max: 60}", "scale: {type: minmax}"),
        ])
    }

    static func rank(
        _ path: String, model: ScoringModel, keeps: Bool, limit: Int, blockSize: Int, workers: Int, deferredLimit: Int,
        scenario: Int = 0, memoryBudget: Int? = nil
    ) throws -> StreamedRanking {
        var configuration = ProspectStream.Configuration(
            blockSize: blockSize, workers: workers, deferredLimit: deferredLimit, runCapacity: 97, keepsRawValues: keeps)
        configuration.rawMemoryBudget = memoryBudget
        let stream = ProspectStream(model: model, configuration: configuration)
        return try stream.rank(
            contentsOf: path, scorer: Scorer(model: model), scenario: scenario, limit: limit)
    }

    @Test(
        "Random lists, minmax, zscore and mean fills, blocks cut inside quoted fields",
        arguments: [(UInt64(41), 97), (42, 333), (43, 2000), (44, 1 << 20)])
    func sameBits(seed: UInt64, blockSize: Int) throws {
        let path = StreamTestFiles.scratchPath("spill-\(seed).csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write(StreamTestFiles.difficultList(rows: 1200, seed: seed, blankRate: 0.15), to: path)
        let model = try Self.relativeModel()
        // Kept raw values in memory (the default for a top-K), in the file, and some in each.
        let cases: [(Int, Int, Int?)] = [
            (Int.max, 1 << 20, nil), (50, 1 << 20, nil), (50, 1 << 20, 0), (50, 1 << 20, 40_000), (Int.max, 7, nil),
        ]
        for (limit, deferredLimit, memoryBudget) in cases {
            let context =
                "seed \(seed), block \(blockSize), limit \(limit), deferred limit \(deferredLimit), memory \(memoryBudget ?? -1)"
            let kept = try Self.rank(
                path, model: model, keeps: true, limit: limit, blockSize: blockSize, workers: 3,
                deferredLimit: deferredLimit, scenario: Int(seed % 3), memoryBudget: memoryBudget)
            let parsed = try Self.rank(
                path, model: model, keeps: false, limit: limit, blockSize: blockSize, workers: 2,
                deferredLimit: deferredLimit, scenario: Int(seed % 3))
            #expect(kept.fileReads == 1, "\(context)")
            #expect(parsed.fileReads == parsed.passes, "\(context)")
            #expect(kept.passes == parsed.passes, "\(context)")
            #expect(kept.rowsRead == parsed.rowsRead && kept.acceptedCount == parsed.acceptedCount, "\(context)")
            #expect(kept.rejects == parsed.rejects, "\(context): rejects (duplicates included) differ")
            #expect(kept.rejects.contains { $0.reason.code == "duplicate_id" }, "\(context)")
            #expect(kept.gradeCounts == parsed.gradeCounts, "\(context)")
            #expect(kept.ranks == parsed.ranks, "\(context)")
            #expect(kept.ranks.count == (limit == .max ? kept.acceptedCount : min(limit, kept.acceptedCount)))
            #expect(kept.shown.accounts == parsed.shown.accounts, "\(context)")
            for (first, second) in [
                (kept.statistics.minimum, parsed.statistics.minimum), (kept.statistics.maximum, parsed.statistics.maximum),
                (kept.statistics.mean, parsed.statistics.mean),
                (kept.statistics.standardDeviation, parsed.statistics.standardDeviation),
                (kept.statistics.meanUtility, parsed.statistics.meanUtility),
            ] {
                #expect(first.map(\.bitPattern) == second.map(\.bitPattern), "\(context): statistics")
            }
        }
    }

    @Test(
        "A chunk scored from its kept raw values has the grades, keys, mean utilities and deferred scores, bit for bit, of the chunk scored while parsing"
    )
    func chunkBits() throws {
        let bytes = StreamTestFiles.difficultList(rows: 1500, seed: 77, blankRate: 0.2)
        let model = try Self.relativeModel()
        let headerEnd = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
        let header = String(decoding: bytes[..<headerEnd], as: UTF8.self).split(separator: ",").map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        let scorer = Scorer(model: model)
        for scenario in 0..<scorer.scenarioCount {
            let plan = StreamPlan(
                model: model, header: header, file: "list.csv", delimiter: UInt8(ascii: ","), scorer: scorer,
                scenario: scenario)
            var statisticsMapper = ChunkMapper(plan: plan, mode: .statistics, validatesUTF8: true)
            statisticsMapper.keepsRaw = true
            let first = MappedChunk(bytes: bytes, start: headerEnd + 1, block: 0, needsConversion: false)
            statisticsMapper.map(first)
            #expect(first.failure == nil)
            let count = first.rows.candidateCount
            #expect(count > 1000 && first.rows.raw.count == count * model.factors.count)
            let factorCount = model.factors.count
            let statistics = UtilityBuilder.Statistics(
                minimum: (0..<factorCount).map { Double($0) }, maximum: (0..<factorCount).map { Double(3 * $0 + 40) },
                mean: [Double](repeating: 9, count: factorCount), standardDeviation: [Double](repeating: 4, count: factorCount),
                meanUtility: [Double](repeating: 0.5, count: factorCount))
            let scoring = ChunkMapper(plan: plan, mode: .scoring(plan.utilities(raw: statistics)), validatesUTF8: true)
            let second = MappedChunk(bytes: bytes, start: headerEnd + 1, block: 0, needsConversion: false)
            scoring.map(second)
            var stored = RawSpill.Chunk()
            stored.lines = first.rows.candidates.map { Int($0.line) }
            stored.starts = first.rows.candidates.map(\.recordStart)
            stored.lengths = first.rows.candidates.map(\.recordLength)
            stored.entries = [Int](repeating: 0, count: count)
            stored.completeness = first.rows.completeness
            stored.dealValues = first.rows.candidates.map(\.dealValue)
            stored.raw = first.rows.raw
            // Through the spill file and back, and kept in memory.
            for budget in [0, 1 << 30] {
                let spill = RawSpill(factorCount: factorCount, memoryBudget: budget)
                try spill.append(stored)
                #expect(spill.records.map(\.inMemory) == [budget > 0])
                let readBack = try spill.read(0)
                #expect(readBack.raw.map(\.bitPattern) == stored.raw.map(\.bitPattern))
                #expect(readBack.dealValues.map(\.bitPattern) == stored.dealValues.map(\.bitPattern))
                #expect(stored.dealValues.contains { !$0.isNaN })
                let (fromSpill, _) = scoring.score(readBack)
                let parsed = second.rows
                #expect(fromSpill.candidates.map(\.grade) == parsed.candidates.map(\.grade), "scenario \(scenario)")
                #expect(
                    fromSpill.candidates.map(\.key.bitPattern) == parsed.candidates.map(\.key.bitPattern), "scenario \(scenario)")
                #expect(
                    fromSpill.candidates.map { [$0.value.bitPattern, $0.difficulty.bitPattern] }
                        == parsed.candidates.map { [$0.value.bitPattern, $0.difficulty.bitPattern] }, "scenario \(scenario)")
                #expect(fromSpill.statistics.map(\.bitPattern) == parsed.statistics.map(\.bitPattern))
                #expect(fromSpill.deferredScores.map(\.bitPattern) == parsed.deferredScores.map(\.bitPattern))
                #expect(fromSpill.deferredCompleteness.map(\.bitPattern) == parsed.deferredCompleteness.map(\.bitPattern))
                #expect(fromSpill.deferredFactors == parsed.deferredFactors)
                #expect(!parsed.deferredFactors.isEmpty)
            }
        }
    }
}
