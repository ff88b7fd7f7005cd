import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

/// The in-memory ranking the streaming one must reproduce: `CSVReader`, `ProspectListLoader`,
/// `ScoringPipeline.assess`, `rankedRows()`, then the rows `kam rank` would show.
struct InMemoryRanking {
    let loaded: ProspectListLoader.Result
    let assessment: BatchAssessment
    let rows: [(rank: Int, row: Int)]

    init(path: String, model: ScoringModel, options: CSVOptions = .init(), scenario: Int, limit: Int, grades: Set<Grade>?)
        throws
    {
        let table = try CSVReader(options: options).read(contentsOf: path)
        loaded = try ProspectListLoader(model: model).load(table)
        assessment = ScoringPipeline(model: model).assess(loaded.batch, scenario: scenario)
        var rows: [(rank: Int, row: Int)] = []
        for (position, row) in assessment.rankedRows().enumerated() {
            if rows.count >= limit { break }
            if let grades, !grades.contains(assessment.grades[row]) { continue }
            rows.append((position + 1, row))
        }
        self.rows = rows
    }
}

/// Checks that a streamed ranking equals the in-memory one in every respect, bit for bit.
func expectSame(_ stream: StreamedRanking, _ reference: InMemoryRanking, scenario: Int, _ context: String) throws {
    let loaded = reference.loaded
    #expect(stream.rowsRead == loaded.rowsRead, "\(context)")
    #expect(stream.acceptedCount == loaded.batch.count, "\(context)")
    #expect(stream.acceptedCount + stream.rejects.count == stream.rowsRead, "\(context)")
    #expect(stream.rejects == loaded.rejects, "\(context): rejects differ")
    #expect(stream.header == loaded.header && stream.encoding == loaded.encoding && stream.delimiter == loaded.delimiter)
    var counts: [Grade: Int] = [:]
    for grade in reference.assessment.grades { counts[grade, default: 0] += 1 }
    #expect(stream.gradeCounts == counts, "\(context): grade counts")
    #expect(stream.unevaluatedSegments.map(\.id) == loaded.unevaluatedSegments.map(\.id))
    #expect(stream.ranks == reference.rows.map(\.rank), "\(context): ranks")
    #expect(stream.shown.accounts == reference.rows.map { loaded.batch.accounts[$0.row] }, "\(context): shown accounts")
    guard stream.ranks == reference.rows.map(\.rank) else { return }

    // The shown rows, assessed with the stream's statistics, score exactly as in memory.
    let model = reference.assessment.model
    let shown = ScoringPipeline(model: model).assess(stream.shown, scenario: scenario, statistics: stream.statistics)
    let factorCount = model.factors.count
    var mismatches: [String] = []
    for (index, (_, row)) in reference.rows.enumerated() {
        for s in 0..<shown.scorer.scenarioCount {
            if shown.value(index, scenario: s).bitPattern != reference.assessment.value(row, scenario: s).bitPattern
                || shown.difficulty(index, scenario: s).bitPattern
                    != reference.assessment.difficulty(row, scenario: s).bitPattern
                || shown.gradesByScenario[s][index] != reference.assessment.gradesByScenario[s][row]
            {
                mismatches.append("row \(row) scenario \(s)")
            }
        }
        if shown.completeness(index).bitPattern != reference.assessment.completeness(row).bitPattern
            || shown.segments[index] != reference.assessment.segments[row]
            || shown.utilities.matrix.row(index).map(\.bitPattern)
                != reference.assessment.utilities.matrix.row(row).map(\.bitPattern)
            || Array(shown.utilities.present[(index * factorCount)..<((index + 1) * factorCount)])
                != Array(reference.assessment.utilities.present[(row * factorCount)..<((row + 1) * factorCount)])
        {
            mismatches.append("row \(row)")
        }
    }
    #expect(mismatches.isEmpty, "\(context): \(mismatches.count) rows differ, first \(mismatches.prefix(3))")

    // Statistics that scores use: raw ones of batch-relative scales, means of `mean` factors.
    let expected = reference.assessment.utilities.statistics
    for (index, factor) in model.factors.enumerated() {
        if factor.scale.isBatchRelative {
            #expect(stream.statistics.minimum[index].bitPattern == expected.minimum[index].bitPattern)
            #expect(stream.statistics.maximum[index].bitPattern == expected.maximum[index].bitPattern)
            #expect(stream.statistics.mean[index].bitPattern == expected.mean[index].bitPattern)
            #expect(
                stream.statistics.standardDeviation[index].bitPattern == expected.standardDeviation[index].bitPattern)
        }
        if factor.missing == .mean {
            #expect(stream.statistics.meanUtility[index].bitPattern == expected.meanUtility[index].bitPattern)
        }
    }
}

/// Ranks a file both ways and compares.
func compareBothWays(
    path: String, model: ScoringModel, options: CSVOptions = .init(), scenario: Int = 0, limit: Int,
    grades: Set<Grade>? = nil, blockSize: Int, workers: Int, deferredLimit: Int = 1 << 20, _ context: String
) throws -> StreamedRanking {
    let stream = ProspectStream(
        model: model, options: options,
        configuration: .init(blockSize: blockSize, workers: workers, deferredLimit: deferredLimit))
    let streamed = try stream.rank(
        contentsOf: path, scorer: Scorer(model: model), scenario: scenario, limit: limit, grades: grades)
    let reference = try InMemoryRanking(
        path: path, model: model, options: options, scenario: scenario, limit: limit, grades: grades)
    try expectSame(streamed, reference, scenario: scenario, context)
    return streamed
}

/// The default model with a `minmax` factor that has the `mean` missing policy and a `zscore`
/// factor: a statistics pass, and rows waiting for mean fills.
func relativeModelWithMeanFills() throws -> ScoringModel {
    try editedDefaultModel([
        (
            "    weight: 0.15\n    scale: {type: linear, min: 1, max: 5}\n    missing: neutral\n    source: \"seed §3.2.3 (五) D; §3.2.2 二.1\"",
            "    weight: 0.15\n    scale: {type: minmax}\n    missing: mean\n    source: \"seed §3.2.3 (五) D; §3.2.2 二.1\""
        ),
        (
            "scale: {type: piecewise, points: [[1, 0], [6, 0.4], [12, 0.8], [24, 1]]}",
            "scale: {type: zscore, clip: 2.5}"
        ),
    ])
}

/// A model from `models/default.yaml` with some lines replaced.
func editedDefaultModel(_ replacements: [(String, String)]) throws -> ScoringModel {
    var text = try String(contentsOfFile: Paths.packageRoot + "/models/default.yaml", encoding: .utf8)
    for (old, new) in replacements {
        precondition(text.contains(old), "default.yaml has no '\(old)'")
        text = text.replacingOccurrences(of: old, with: new)
    }
    return try ModelFileReader().read(yaml: text, file: "edited.yaml")
}

@Suite("Streaming ranks exactly as reading the whole file into memory")
struct ProspectStreamTests {
    @Test(
        "Difficult generated lists, with block boundaries inside quoted fields, rank identically",
        arguments: [(UInt64(1), 64), (2, 97), (3, 1000), (4, 4096), (5, 1 << 22)])
    func generatedLists(seed: UInt64, blockSize: Int) throws {
        let path = StreamTestFiles.scratchPath("list.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write(StreamTestFiles.difficultList(rows: 900, seed: seed), to: path)
        let model = StreamTestFiles.defaultModel
        for workers in [1, 3] {
            let streamed = try compareBothWays(
                path: path, model: model, limit: 40, blockSize: blockSize, workers: workers,
                "seed \(seed), block \(blockSize), \(workers) workers")
            #expect(streamed.rejects.contains { $0.reason.code == "duplicate_id" })
            #expect(streamed.rejects.contains { $0.reason.code == "missing_id" })
            #expect(streamed.statisticsSource == .sameStream)
        }
    }

    @Test("Every row, grade filters and other scenarios rank identically")
    func selections() throws {
        let path = StreamTestFiles.scratchPath("list.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write(StreamTestFiles.difficultList(rows: 700, seed: 11), to: path)
        let model = StreamTestFiles.defaultModel
        _ = try compareBothWays(path: path, model: model, limit: .max, blockSize: 200, workers: 2, "all rows")
        _ = try compareBothWays(
            path: path, model: model, limit: 30, grades: [.b, .c], blockSize: 300, workers: 2, "grades B, C")
        _ = try compareBothWays(
            path: path, model: model, limit: .max, grades: [.d], blockSize: 300, workers: 2, "grade D, all")
        _ = try compareBothWays(path: path, model: model, scenario: 2, limit: 50, blockSize: 500, workers: 2, "cautious")
        let acrossGrades = try editedDefaultModel([("grade_first: true", "grade_first: false")])
        _ = try compareBothWays(
            path: path, model: acrossGrades, limit: 25, grades: [.a, .c], blockSize: 250, workers: 2,
            "grades A, C ranked across grades")
        _ = try compareBothWays(path: path, model: acrossGrades, limit: 60, blockSize: 250, workers: 2, "across grades")
    }

    @Test("Batch-relative scales take a first pass; too many rows waiting for means take a second")
    func statisticsPasses() throws {
        let path = StreamTestFiles.scratchPath("list.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write(StreamTestFiles.difficultList(rows: 800, seed: 23, blankRate: 0.2), to: path)
        let relative = try relativeModelWithMeanFills()
        let firstPass = try compareBothWays(
            path: path, model: relative, limit: 40, blockSize: 1500, workers: 2, "minmax and zscore")
        #expect(firstPass.passes == 2)
        #expect(firstPass.statisticsSource == .firstPass)
        let overflow = try compareBothWays(
            path: path, model: StreamTestFiles.defaultModel, limit: 40, blockSize: 700, workers: 2, deferredLimit: 5,
            "mean fills after a second pass")
        #expect(overflow.passes == 2)
        let both = try compareBothWays(
            path: path, model: relative, limit: 40, blockSize: 900, workers: 3, deferredLimit: 5, "three passes")
        #expect(both.passes == 3)
    }

    @Test("A byte-order mark, GB18030, and GB18030 detected only late in the file rank identically")
    func encodings() throws {
        let model = StreamTestFiles.defaultModel
        let bomPath = StreamTestFiles.scratchPath("bom.csv")
        defer { CSVTestFiles.remove(bomPath) }
        try CSVTestFiles.write(StreamTestFiles.difficultList(rows: 300, seed: 31, byteOrderMark: true), to: bomPath)
        _ = try compareBothWays(path: bomPath, model: model, limit: 20, blockSize: 128, workers: 2, "BOM")

        let text = String(decoding: StreamTestFiles.difficultList(rows: 400, seed: 37), as: UTF8.self)
        let gbBytes = try #require(TestEncoding.gb18030(text))
        let gbPath = StreamTestFiles.scratchPath("gb.csv")
        defer { CSVTestFiles.remove(gbPath) }
        try CSVTestFiles.write(gbBytes, to: gbPath)
        let detected = try compareBothWays(path: gbPath, model: model, limit: 20, blockSize: 333, workers: 2, "GB18030")
        #expect(detected.encoding == .gb18030)
        _ = try compareBothWays(
            path: gbPath, model: model, options: CSVOptions(encoding: .gb18030), limit: 20, blockSize: 5000,
            workers: 2, "GB18030 given")

        // ASCII for the first blocks, then Chinese in GB18030: valid UTF-8 until late.
        let header = try String(contentsOfFile: Paths.packageRoot + "/datasets/prospects.csv", encoding: .utf8)
            .split(separator: "\n")[0]
        var late = String(header) + "\n"
        for index in 1...200 {
            late += "K-\(index),plain name,software,east,Wang,2,100,20%,3,3,10%,5,2,2,A,10,2,3,yes,0,50,0,0,good,0,,no\n"
        }
        late += "K-201,华东某汽车集团,automotive,华东,王经理,3,\"1,800\",35%,4,3,18%,12,2,4,A,45,2,6,yes,1,600,0,0,good,0,,no\n"
        let latePath = StreamTestFiles.scratchPath("late.csv")
        defer { CSVTestFiles.remove(latePath) }
        try CSVTestFiles.write(try #require(TestEncoding.gb18030(late)), to: latePath)
        let switched = try compareBothWays(path: latePath, model: model, limit: 5, blockSize: 512, workers: 2, "late GB")
        #expect(switched.encoding == .gb18030)
        #expect(switched.shown.accounts.contains { $0.name == "华东某汽车集团" })
    }

    @Test(
        "Files without an id column use line numbers, as in memory",
        .enabled(if: Paths.sharedDatasetsAvailable, Comment(rawValue: Paths.sharedDatasetsMissing))
    )
    func lineIDs() throws {
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/examples/bank-marketing.yaml")
        let path = CSVTestFiles.sharedDataset("uci-bank-marketing/bank-additional.csv")
        _ = try compareBothWays(path: path, model: model, limit: 30, blockSize: 7000, workers: 2, "bank, @line ids")
        _ = try compareBothWays(path: path, model: model, limit: .max, blockSize: 50_000, workers: 2, "bank, all rows")
    }

    /// The error the in-memory path throws for a file, or `nil`.
    func inMemoryError(_ path: String, model: ScoringModel, options: CSVOptions = .init()) -> DatasetError? {
        do {
            _ = try ProspectListLoader(model: model).load(try CSVReader(options: options).read(contentsOf: path))
            return nil
        } catch {
            return error
        }
    }

    func streamError(_ path: String, model: ScoringModel, options: CSVOptions = .init(), blockSize: Int) -> DatasetError? {
        do {
            _ = try ProspectStream(model: model, options: options, configuration: .init(blockSize: blockSize, workers: 2))
                .rank(contentsOf: path, scorer: try! Scorer(model: model), limit: 10)
            return nil
        } catch {
            return error
        }
    }

    @Test("Broken files fail with the same error, line and precedence as in memory")
    func errors() throws {
        let model = StreamTestFiles.defaultModel
        let base = StreamTestFiles.difficultList(rows: 300, seed: 41)
        let header = Array(base[..<(base.firstIndex(of: 0x0A)! + 1)])
        let cases: [(String, [UInt8], CSVOptions)] = [
            ("unterminated quote", base + Array("K-999,\"never closed\n,x\n".utf8), .init()),
            ("invalid UTF-8, utf8 given", base + [0x4B, 0x2C, 0xFF, 0x0A] + base[header.count...], .init(encoding: .utf8)),
            ("invalid UTF-8 before an open quote", base + [0xC3, 0x28, 0x2C, 0x22, 0x0A], .init(encoding: .utf8)),
            ("missing column", Array("account_id,name\nK-1,x\n".utf8), .init()),
            ("missing column after a broken quote", Array("account_id,name\nK-1,\"x\n".utf8), .init()),
            ("duplicate header", Array("a,b,a\n1,2,3\n".utf8), .init()),
            ("empty", Array("  \n\n \t\n".utf8), .init()),
            ("no bytes", [], .init()),
            ("GB18030 that does not convert", base + [0x81, 0x0A], .init(encoding: .gb18030)),
            (
                "GB18030 with a bad byte after a duplicate header", Array("a,b,a\n1,2,3\n".utf8) + [0x81, 0x0A],
                .init(encoding: .gb18030)
            ),
        ]
        for (name, bytes, options) in cases {
            let path = StreamTestFiles.scratchPath("broken.csv")
            defer { CSVTestFiles.remove(path) }
            try CSVTestFiles.write(bytes, to: path)
            let expected = inMemoryError(path, model: model, options: options)
            #expect(expected != nil, "\(name): the in-memory path accepts it")
            for blockSize in [64, 1 << 20] {
                #expect(streamError(path, model: model, options: options, blockSize: blockSize) == expected, "\(name)")
            }
        }
    }
}
