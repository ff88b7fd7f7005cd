import Foundation
import ScoringTestSupport
import Testing

@Suite("The bundled model files are found from any folder")
struct BundledFilesTests {
    @Test("rank, kpi and forecast run from a folder without models/, using the package's copies")
    func anyFolder() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = Paths.packageRoot + "/datasets/prospects.csv"
        let rank = try KamRunner.run(
            ["rank", list, "--top", "3", "--format", "json", "--quiet", "--rejects", directory + "/r.csv"],
            in: directory)
        #expect(rank.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(rank.standardOutput.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["accepted"] as? Int == 295)
        let forecast = try KamRunner.run(
            ["forecast", list, "--format", "json", "--quiet", "--rejects", directory + "/f.csv"], in: directory)
        #expect(forecast.status == 0)
        #expect(!FileManager.default.fileExists(atPath: directory + "/models"))
    }

    @Test("KAM_MODEL names the model when --model is not given; --model wins over it")
    func environmentVariable() throws {
        let directory = try KamRunner.temporaryDirectory()
        let bank = Paths.packageRoot + "/models/examples/bank-marketing.yaml"
        let shown = try KamRunner.run(["model", "show", "--format", "json"], in: directory, environment: ["KAM_MODEL": bank])
        #expect(shown.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any])
        let expected = try KamRunner.run(["model", "show", "--format", "json", "--model", bank])
        #expect(shown.standardOutput == expected.standardOutput)
        #expect(object["model"] as? String == "bank-marketing")
        let explicit = try KamRunner.run(
            ["model", "show", "--format", "json", "--model", Paths.packageRoot + "/models/default.yaml"], in: directory,
            environment: ["KAM_MODEL": bank])
        let standard = try KamRunner.run(["model", "show", "--format", "json"])
        #expect(explicit.standardOutput == standard.standardOutput)
        #expect(explicit.standardOutput != shown.standardOutput)
    }

    @Test("a KAM_MODEL that does not exist is named, exit 66")
    func missing() throws {
        let outcome = try KamRunner.run(["model", "show"], environment: ["KAM_MODEL": "/nonexistent/model.yaml"])
        #expect(outcome.status == 66)
        #expect(outcome.standardError.contains("/nonexistent/model.yaml: no such model file. Give the path with --model or set KAM_MODEL."))
    }
}
