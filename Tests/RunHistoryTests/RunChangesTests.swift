import Foundation
import GRDB
import RunHistory
import ScoringEngine
import Testing

func temporaryHistoryPath() throws -> String {
    let folder = NSTemporaryDirectory() + "kam-history-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder + "/history.sqlite"
}

@Suite("Run history: changes between two runs")
struct RunChangesTests {
    @Test("A hand-built pair of runs gives exactly the planted moves")
    func plantedMoves() throws {
        let store = try HistoryStore(path: try temporaryHistoryPath(), create: true)
        let (first, second) = try PlantedRuns.record(into: store)
        let changes = try store.changes()
        #expect(changes.from.id == first && changes.to.id == second)
        #expect(!changes.model.isChanged)
        #expect(changes.gradeMoves.map(\.account) == ["A1"])
        #expect(changes.gradeMoveCount == 1)
        let move = try #require(changes.gradeMoves.first)
        #expect(move.from?.grade == .b && move.to?.grade == .a && move.from?.rank == 3 && move.to?.rank == 2)
        // f2 moved 0.5, f1 0.1, f3 not at all (left out).
        #expect(move.factorMoves.map(\.factor) == ["f2", "f1"])
        #expect(abs(move.factorMoves[0].change - 0.5) < 1e-12 && abs(move.factorMoves[1].change - 0.1) < 1e-12)
        #expect(changes.newAccounts.map(\.account) == ["N1"])
        #expect(changes.droppedAccounts.map(\.account) == ["D1"])
        #expect(changes.enteredInsufficient.map(\.account) == ["I1"])
        #expect(changes.enteredInsufficient.first?.lost == ["f1"])
        #expect(changes.leftInsufficient.map(\.account) == ["L1"])
        #expect(changes.leftInsufficient.first?.collected == ["f2"])
        #expect(changes.risingC.map(\.account) == ["C1", "C2"])
        #expect(changes.risingC.map { $0.priorityChange ?? 0 } == [5, 2])
        #expect(changes.sameGrade == 4)  // S1, C1, C2, C3
        #expect(changes.transitions[Grade.b.order][Grade.a.order] == 1)
        #expect(changes.transitions[Grade.c.order][Grade.insufficient.order] == 1)
        #expect(changes.transitions[Grade.insufficient.order][Grade.b.order] == 1)
        #expect(changes.transitions[Grade.c.order][Grade.c.order] == 3)
        #expect(
            try store.rejects(of: first) == [RecordedReject(line: 9, column: "budget", code: "not_a_number", message: "'budget' is 'x'")])
    }

    @Test("A limit keeps the first accounts of each list and the full counts")
    func limited() throws {
        let store = try HistoryStore(path: try temporaryHistoryPath(), create: true)
        try PlantedRuns.record(into: store)
        let changes = try store.changes(limit: 1)
        #expect(changes.risingC.map(\.account) == ["C1"])
        #expect(changes.risingCCount == 2)
    }

    @Test("A changed model is said with the weights and scales that differ")
    func changedModel() throws {
        let store = try HistoryStore(path: try temporaryHistoryPath(), create: true)
        try PlantedRuns.record(
            into: store,
            laterDescription: PlantedRuns.description(weights: [0.7, 0.3, 1], scale2: "log", hash: "m2", input: "q4.csv"))
        let model = try store.changes().model
        #expect(model.isChanged)
        #expect(model.fromHash == "m1" && model.toHash == "m2")
        #expect(model.weights.map(\.factor) == ["f1", "f2"])
        #expect(model.weights.first?.from == 0.5 && model.weights.first?.to == 0.7)
        #expect(model.scales.map { [$0.factor, $0.from, $0.to] } == [["f2", "linear", "log"]])
        #expect(model.added.isEmpty && model.removed.isEmpty && model.detailsKnown)
    }

    @Test("Runs that do not exist, or too few runs, are refused with the ids there are")
    func unknownRuns() throws {
        let path = try temporaryHistoryPath()
        let store = try HistoryStore(path: path, create: true)
        #expect(throws: HistoryError.tooFewRuns(path: path, count: 0)) { try store.changes() }
        try PlantedRuns.record(into: store)
        #expect(throws: HistoryError.unknownRun(path: path, run: 7, available: [1, 2])) { try store.changes(from: 7) }
    }

    @Test("One account's history holds every run, with the runs that lack it")
    func accountTrack() throws {
        let path = try temporaryHistoryPath()
        let store = try HistoryStore(path: path, create: true)
        try PlantedRuns.record(into: store)
        let track = try store.history(of: "N1")
        #expect(track.entries.map { $0.score?.grade } == [nil, .b])
        let dropped = try store.history(of: "D1")
        #expect(dropped.entries.map { $0.score?.rank } == [2, nil])
        #expect(throws: HistoryError.unknownAccount(path: path, account: "nobody")) { try store.history(of: "nobody") }
    }

    @Test("The content hash does not depend on how the bytes are split")
    func hashSplits() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var whole = ContentHash()
        whole.update(bytes)
        for cut in [0, 1, 7, 8, 9, 500, 999] {
            var split = ContentHash()
            split.update(Array(bytes[..<cut]))
            split.update(Array(bytes[cut...]))
            #expect(split.finalize() == whole.finalize())
        }
        var other = ContentHash()
        other.update(Array(bytes.dropLast()))
        #expect(other.finalize() != whole.finalize())
        // Three pieces shorter than a word, then the rest.
        var pieces = ContentHash()
        for range in [0..<3, 3..<5, 5..<6, 6..<1000] { pieces.update(Array(bytes[range])) }
        #expect(pieces.finalize() == whole.finalize())
    }

    @Test("The content hash's values are those runs recorded before (word-at-a-time loads)")
    func hashValues() {
        // Computed with the byte-by-byte implementation the history was recorded with.
        #expect(ContentHash.of("") == "4d1114153e55ed51")
        #expect(ContentHash.of("a") == "27b700914183c2ad")
        #expect(ContentHash.of("abcdefgh") == "2e288437b9f83cd2")
        #expect(ContentHash.of("账户 kam, 12345 hello world!") == "4bdd91fa99f7ad85")
    }

    @Test("A file's hash is its bytes' hash, across reads of the file (3 MiB and 5 bytes); a folder has none")
    func fileHash() throws {
        let bytes = (0..<(3 << 20) + 5).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 9) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kam-hash-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var whole = ContentHash()
        whole.update(bytes)
        #expect(ContentHash.ofFile(atPath: path) == whole.finalize())
        #expect(ContentHash.ofFile(atPath: FileManager.default.temporaryDirectory.path) == nil)
        #expect(ContentHash.ofFile(atPath: path + ".missing") == nil)
    }

    @Test("The content hash is the documented function (values from an independent Python version of it)")
    func documentedFunction() {
        // Python: h = 0x243F6A8885A308D3; per little-endian word w: x = h ^ w,
        // h = rotl(x, 27) * 0x9E3779B97F4A7C15; then mix(mix(h, tail), length) and
        // splitmix64's finalizer.
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var hash = ContentHash()
        hash.update(bytes)
        #expect(hash.finalize() == "ef3474f855326b1c")
        #expect(ContentHash().finalize() == "4d1114153e55ed51")
        #expect(ContentHash.of("kam") == "12761027ad8abb50")
        // Fed in pieces of 3 bytes (the waiting word completed across calls).
        var pieces = ContentHash()
        for start in stride(from: 0, to: bytes.count, by: 3) {
            pieces.update(Array(bytes[start..<Swift.min(start + 3, bytes.count)]))
        }
        #expect(pieces.finalize() == "ef3474f855326b1c")
    }
}
