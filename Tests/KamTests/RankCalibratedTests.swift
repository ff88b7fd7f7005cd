import Foundation
import ScoringTestSupport
import Testing

/// `kam rank` with a model that `kam model fit` could have written: a binned scale, a
/// categorical scale with `other`, a stated missing utility and a calibration.
@Suite("kam rank with a learned, calibrated model", .serialized)
struct RankCalibratedTests {
    /// models/default.yaml with learned-style elements put in.
    static func calibratedModel(in directory: String) throws -> String {
        var text = try String(contentsOfFile: Paths.packageRoot + "/models/default.yaml", encoding: .utf8)
        let replacements = [
            (
                "    scale: {type: piecewise, points: [[1, 0], [6, 0.4], [12, 0.8], [24, 1]]}\n    missing: neutral",
                "    scale:\n      type: binned\n      bins:\n        - {below: 3, utility: 0.1, count: 120, won: 50}\n        - {below: 9, utility: 0.5}\n        - {utility: 0.9}\n    missing: {utility: 0.42, count: 30, won: 9}"
            ),
            (
                "      map: {AAA: 0, AA: 0.1, A: 0.2, BBB: 0.35, BB: 0.5, B: 0.65, CCC: 0.8, CC: 0.9, C: 1}",
                "      map: {AAA: 0, AA: {utility: 0.1, count: 20, won: 5}, A: 0.2, BBB: 0.35, BB: 0.5}\n      other: {utility: 0.7, count: 44, won: 3}"
            ),
            ("\nscenarios:", "\ncalibration:\n  method: platt\n  intercept: -1.5\n  slope: 0.04\n\nscenarios:"),
        ]
        for (original, replacement) in replacements {
            #expect(text.contains(original))
            text = text.replacingOccurrences(of: original, with: replacement)
        }
        let path = directory + "/calibrated.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("P(won) = σ(a + b × priority) appears beside the grade; streaming equals in-memory; unknown credit ratings go to other")
    func probabilityColumn() throws {
        let directory = try KamRunner.temporaryDirectory()
        let model = try Self.calibratedModel(in: directory)
        let list = Paths.packageRoot + "/datasets/prospects.csv"
        var outputs: [String: String] = [:]
        for format in ["table", "csv", "json"] {
            let streamed = try KamRunner.run(["rank", list, "--model", model, "--format", format, "--rejects", directory + "/r.csv"])
            let memory = try KamRunner.run([
                "rank", list, "--model", model, "--format", format, "--in-memory", "--rejects", directory + "/r.csv",
            ])
            #expect(streamed.status == 0)
            #expect(streamed.standardOutput == memory.standardOutput)
            outputs[format] = streamed.standardOutput
        }
        #expect(try #require(outputs["table"]).contains("P(won)"))
        let csv = CSVCheck.parse(try #require(outputs["csv"]))
        let header = try #require(csv.first)
        let probability = try #require(header.firstIndex(of: "probability"))
        let priority = try #require(header.firstIndex(of: "priority"))
        #expect(header[probability - 1] == "action")
        // Line 212's credit rating 'X' is not in the map: with `other` it is scored, not rejected.
        #expect(csv.dropFirst().count == 296)
        #expect(csv.dropFirst().contains { $0[header.firstIndex(of: "line")!] == "212" })
        for row in csv.dropFirst() {
            let p = try #require(Double(row[probability]))
            let score = try #require(Double(row[priority]))
            let expected = 1 / (1 + exp(-(-1.5 + 0.04 * score)))
            // Both are printed to 4 decimals; the priority's rounding moves p by at most 0.04 × 5e-5.
            #expect(p.isApproximatelyEqual(to: expected, absoluteTolerance: 5e-5 + 1e-5, relativeTolerance: 0))
        }
        let json = try #require(outputs["json"])
        #expect(json.contains("\"calibration\": {\"method\": \"platt\", \"score\": \"priority\"}"))
        #expect(json.contains("\"probability\": "))
        // The default model has no calibration and prints no probability.
        let plain = try KamRunner.run(["rank", list, "--format", "csv", "--top", "3", "--rejects", directory + "/p.csv"])
        #expect(!plain.standardOutput.contains("probability"))
    }
}
