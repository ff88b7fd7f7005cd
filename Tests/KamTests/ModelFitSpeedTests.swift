import Foundation
import ScoringTestSupport
import Testing

/// The faster learner (issue 13, speed at scale: block-accumulated GAM Hessian, weighted Gram
/// in row panels, leaner fold fits) writes the same model as before it.
@Suite("kam model fit: the faster path gives the same model")
struct ModelFitSpeedTests {
    /// `kam model fit datasets/history-shaped.csv --candidates all --interactions 0
    /// --no-smoothing-per-factor` (one smoothing strength for every curve, as then) as written by
    /// the learner before the speed work (commit e444503, which had no interactions), comment lines
    /// removed: Snapshots/model-fit-speed/make.sh. Re-made once since, when a bottom mass point's
    /// bin came to close at the next value instead of v.nextUp (`below: 2` for a mass point at 1,
    /// not `below: 1.0000000000000002`); every other number moved by less than 4e-12 relative. Interactions are off so that the check stays on
    /// what the speed work touched; interaction tables are checked in InteractionTests.
    static let snapshot = Paths.packageRoot + "/Tests/KamTests/Snapshots/model-fit-speed/history-shaped.yaml"

    /// Every number of `text` and the text with each number replaced by `#` and runs of spaces
    /// by one (the comments are aligned after the numbers, so a last-digit change of one
    /// number moves the padding).
    static func split(_ text: String) -> (shape: String, numbers: [Double]) {
        let pattern = try! NSRegularExpression(pattern: "-?[0-9]+(\\.[0-9]+)?(e-?[0-9]+)?")
        let range = NSRange(text.startIndex..., in: text)
        var numbers: [Double] = []
        for match in pattern.matches(in: text, range: range) {
            if let r = Range(match.range, in: text), let value = Double(text[r]) { numbers.append(value) }
        }
        let shape = pattern.stringByReplacingMatches(in: text, range: range, withTemplate: "#")
        return (shape.replacingOccurrences(of: " +", with: " ", options: .regularExpression), numbers)
    }

    @Test(
        "history-shaped.csv, --candidates all --interactions 0 --no-smoothing-per-factor: the same file as before, every number within 1e-9 relative",
        .enabled(if: FileManager.default.fileExists(atPath: ModelFitCommandTests.shaped), "datasets/history-shaped.csv is missing"))
    func sameModelAsBefore() throws {
        let directory = try KamRunner.temporaryDirectory()
        let fit = try KamRunner.run(
            [
                "model", "fit", ModelFitCommandTests.shaped, "--model", ModelFitCommandTests.model, "--candidates", "all",
                "--interactions", "0", "--no-smoothing-per-factor", "--output", "shaped.yaml", "--format", "json", "--quiet",
            ],
            in: directory)
        #expect(fit.status == 0, "\(fit.standardError)")
        let modelText = try String(contentsOfFile: directory + "/shaped.yaml", encoding: .utf8)
        let written = modelText.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        let before = try String(contentsOfFile: Self.snapshot, encoding: .utf8)
        let (shape, numbers) = Self.split(written)
        let (expectedShape, expectedNumbers) = Self.split(before)
        // Same factors, bins, categories and edges: only rounding may move the numbers.
        #expect(shape == expectedShape)
        try #require(numbers.count == expectedNumbers.count)
        var largest = 0.0
        for (value, expected) in zip(numbers, expectedNumbers) {
            largest = max(largest, abs(value - expected) / max(abs(expected), 1e-300))
        }
        // Measured: 1.2e-14 (the weighted Gram matrices are summed panel by panel).
        #expect(largest <= 1e-9, "largest relative difference \(largest)")
    }
}
