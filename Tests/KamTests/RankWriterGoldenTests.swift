import Foundation
import ScoringTestSupport
import Testing

/// `kam rank --format csv|json` writes the same bytes as the writer before the fast one:
/// golden SHA-256 sums of every format and option, made with that writer
/// (`Snapshots/rank-writer/make.sh`), for the streaming and the in-memory path.
@Suite("kam rank: the fast writer's bytes equal the golden outputs of the previous writer", .serialized)
struct RankWriterGoldenTests {
    static let folder = Paths.packageRoot + "/Tests/KamTests/Snapshots/rank-writer"

    /// name → arguments, from variants.txt.
    static func variants() throws -> [(name: String, arguments: [String])] {
        try String(contentsOfFile: folder + "/variants.txt", encoding: .utf8).split(separator: "\n").map { line in
            let parts = line.split(separator: "|", maxSplits: 1).map(String.init)
            var arguments = parts[1].split(separator: " ").map(String.init)
            if !arguments.contains("--model") { arguments += ["--model", "default.yaml"] }
            return (parts[0], arguments)
        }
    }

    /// The golden sums (`Golden`, as a SHA-256 manifest; `KAM_UPDATE_GOLDEN=1` re-records them).
    static let manifest = folder + "/golden.sha256"

    @Test("Every format and option, streamed and in memory, with small blocks and pages", arguments: [false, true])
    func sameBytes(inMemory: Bool) throws {
        let directory = try KamRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var sums: [String: String] = [:]
        for (name, arguments) in try Self.variants() {
            let output = directory + "/\(name).out"
            var extra = ["--quiet", "--rejects", directory + "/rejects.csv", "--output", output]
            if inMemory { extra.append("--in-memory") } else { extra += ["--block-size", "5000"] }
            let outcome = try KamRunner.run(["rank", "list.csv"] + arguments + extra, in: Self.folder)
            #expect(outcome.status == 0, "\(name): \(outcome.standardError)")
            sums[name] = try Golden.sha256(ofFile: output)
        }
        let mismatch = Golden.compare(sums: sums, toManifest: Self.manifest)
        #expect(mismatch == nil, "\(inMemory ? "in memory" : "streamed"): \(mismatch ?? "")")
    }
}
