import Foundation
import Testing

@testable import ScoringIO

@Suite("datasets/prospects.csv")
struct BundledSampleTests {
    /// The repository root, found from this file's path (Tests/ScoringIOTests/Generation/).
    private static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The options in datasets/README.md:
    /// `kam generate --rows 300 --seed 20121 --blank-rate 0.04 --bad-rows 5 --output datasets/prospects.csv`
    private static let sampleOptions = try! GeneratorOptions(
        rows: 300, seed: 20121, blankRate: 0.04, badRows: 5)

    @Test("The bundled sample is exactly what the documented command writes")
    func sampleIsReproducible() throws {
        let url = Self.repositoryRoot.appendingPathComponent("datasets/prospects.csv")
        let committed = try Data(contentsOf: url)
        let generated = ProspectListGenerator(options: Self.sampleOptions).bytes()
        #expect([UInt8](committed) == generated)
    }

    @Test("The bundled sample's bad rows are on the lines datasets/README.md names")
    func sampleBadRowLines() {
        let badRows = ProspectListGenerator(options: Self.sampleOptions).badRows
        #expect(badRows.map(\.line) == [32, 92, 152, 212, 272])
        #expect(badRows.map(\.kind) == ProspectListGenerator.BadRow.Kind.allCases)
    }
}
