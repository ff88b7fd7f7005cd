import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

/// Keeps every byte it is shown.
struct KeptBytes: ContentObserver {
    var bytes: [UInt8] = []
    var calls = 0
    mutating func observe(bytes: [UInt8]) {
        self.bytes += bytes
        calls += 1
    }
}

/// Keeps every account it is shown, as bit patterns (grade order, value, difficulty, deal
/// value with NaN for missing).
struct KeptAccounts: AccountObserver {
    var accounts: [[UInt64]] = []
    var calls = 0
    mutating func observe(_ observed: ObservedAccounts) {
        for account in observed.accounts {
            accounts.append([
                UInt64(account.grade), account.value.bitPattern, account.difficulty.bitPattern, Self.bits(account.dealValue),
                UInt64(account.line),
            ])
        }
        calls += 1
    }

    /// The bits of a deal value, one pattern for every NaN (missing).
    static func bits(_ value: Double) -> UInt64 { value.isNaN ? Double.nan.bitPattern : value.bitPattern }
}

/// A streamed ranking's observers: the file's bytes (``ContentObserver``, from which `kam
/// report` hashes the list without reading it again) and the graded accounts
/// (``AccountObserver``, a merged chunk at a time).
@Suite("A streamed ranking shows its observers the file's bytes and every graded account once")
struct StreamObserverTests {
    /// Ranks `path` with both observers.
    func ranked(
        _ path: String, model: ScoringModel, options: CSVOptions = .init(), blockSize: Int, workers: Int = 2,
        deferredLimit: Int = 1 << 20, keepsRawValues: Bool = true
    ) throws -> (ranking: StreamedRanking, bytes: KeptBytes, accounts: KeptAccounts) {
        var configuration = ProspectStream.Configuration(
            blockSize: blockSize, workers: workers, deferredLimit: deferredLimit, keepsRawValues: keepsRawValues)
        configuration.observer = { KeptAccounts() }
        configuration.contentObserver = { KeptBytes() }
        let ranking = try ProspectStream(model: model, options: options, configuration: configuration)
            .rank(contentsOf: path, scorer: Scorer(model: model), limit: 10)
        let bytes = try #require(ranking.contentObserved as? KeptBytes)
        let accounts = try #require(ranking.observed as? KeptAccounts)
        return (ranking, bytes, accounts)
    }

    func fileBytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test(
        "The bytes: the whole file once, in order, whatever the block size, workers, passes and encoding",
        arguments: [(64, 1), (97, 3), (4096, 2), (1 << 22, 2)])
    func bytes(blockSize: Int, workers: Int) throws {
        let path = StreamTestFiles.scratchPath("list.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write(StreamTestFiles.difficultList(rows: 600, seed: 41, blankRate: 0.2), to: path)
        let file = try fileBytes(path)
        let plain = try ranked(path, model: StreamTestFiles.defaultModel, blockSize: blockSize, workers: workers)
        #expect(plain.bytes.bytes == file)
        #expect(file.count <= blockSize || plain.bytes.calls > 1)
        // A first pass for batch-relative statistics; the scoring pass reading the file again;
        // a second scoring pass for the means: the bytes are still seen once.
        let relative = try relativeModelWithMeanFills()
        let firstPass = try ranked(path, model: relative, blockSize: blockSize, workers: workers)
        #expect(firstPass.ranking.passes == 2 && firstPass.bytes.bytes == file)
        let reread = try ranked(path, model: relative, blockSize: blockSize, workers: workers, keepsRawValues: false)
        #expect(reread.ranking.fileReads == 2 && reread.bytes.bytes == file)
        let overflow = try ranked(path, model: StreamTestFiles.defaultModel, blockSize: blockSize, deferredLimit: 5)
        #expect(overflow.ranking.passes == 2 && overflow.bytes.bytes == file)
    }

    @Test("The bytes of a list with a byte-order mark and of GB18030 lists (found late: read again) are the file's")
    func encodings() throws {
        let model = StreamTestFiles.defaultModel
        let bomPath = StreamTestFiles.scratchPath("bom.csv")
        defer { CSVTestFiles.remove(bomPath) }
        try CSVTestFiles.write(StreamTestFiles.difficultList(rows: 300, seed: 31, byteOrderMark: true), to: bomPath)
        let marked = try ranked(bomPath, model: model, blockSize: 128)
        let markedBytes = try fileBytes(bomPath)
        #expect(marked.bytes.bytes == markedBytes)

        let text = String(decoding: StreamTestFiles.difficultList(rows: 400, seed: 37), as: UTF8.self)
        let gbPath = StreamTestFiles.scratchPath("gb.csv")
        defer { CSVTestFiles.remove(gbPath) }
        try CSVTestFiles.write(try #require(TestEncoding.gb18030(text)), to: gbPath)
        let gbBytes = try fileBytes(gbPath)
        let detected = try ranked(gbPath, model: model, blockSize: 333)
        #expect(detected.ranking.encoding == .gb18030 && detected.bytes.bytes == gbBytes)
        let given = try ranked(gbPath, model: model, options: CSVOptions(encoding: .gb18030), blockSize: 5000)
        #expect(given.bytes.bytes == gbBytes)
    }

    @Test("The accounts: each graded account once (not duplicates), with the in-memory grade, scores, deal value and line")
    func accounts() throws {
        let path = StreamTestFiles.scratchPath("list.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write(StreamTestFiles.difficultList(rows: 800, seed: 23, blankRate: 0.2), to: path)
        let cases: [(ScoringModel, Int, String)] = [
            (StreamTestFiles.defaultModel, 1 << 20, "default"),
            (try relativeModelWithMeanFills(), 1 << 20, "minmax, zscore and mean fills"),
            (StreamTestFiles.defaultModel, 5, "mean fills after a second pass"),
        ]
        for (model, deferredLimit, context) in cases {
            let streamed = try ranked(path, model: model, blockSize: 20_000, deferredLimit: deferredLimit)
            let reference = try InMemoryRanking(path: path, model: model, scenario: 0, limit: 10, grades: nil)
            let assessment = reference.assessment
            let expected = (0..<assessment.count).map { row in
                [
                    UInt64(assessment.grades[row].order), assessment.value(row).bitPattern,
                    assessment.difficulty(row).bitPattern, KeptAccounts.bits(assessment.accounts[row].dealValue ?? .nan),
                    UInt64(assessment.accounts[row].line),
                ]
            }
            let order = { (first: [UInt64], second: [UInt64]) in first.lexicographicallyPrecedes(second) }
            #expect(streamed.accounts.accounts.count == streamed.ranking.acceptedCount, "\(context)")
            #expect(streamed.accounts.accounts.sorted(by: order) == expected.sorted(by: order), "\(context)")
            // A call per merged chunk (and one for the rows graded at the end), not per account.
            #expect(streamed.accounts.calls > 1 && streamed.accounts.calls < streamed.accounts.accounts.count / 10, "\(context)")
        }
    }
}
