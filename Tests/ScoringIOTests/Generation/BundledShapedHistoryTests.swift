import Foundation
import ScoringTestSupport
import Testing

@testable import ScoringIO

@Suite("datasets/history-shaped.csv")
struct BundledShapedHistoryTests {
    /// The options in datasets/README.md:
    /// `kam generate --rows 20000 --seed 8 --outcomes --output datasets/history-shaped.csv`
    private static let options = try! GeneratorOptions(rows: 20_000, seed: 8)

    @Test("the bundled shaped history is exactly what the documented command writes")
    func reproducible() throws {
        let committed = try Data(contentsOf: URL(fileURLWithPath: Paths.packageRoot + "/datasets/history-shaped.csv"))
        #expect([UInt8](committed) == ShapedHistoryGenerator(options: Self.options).bytes())
    }

    @Test("the bundled shaped history has no bad row: every row scores with the default model")
    func noBadRows() throws {
        let table = try CSVReader().read(contentsOf: Paths.packageRoot + "/datasets/history-shaped.csv")
        #expect(table.records.count == 20_000)
        #expect(table.records.allSatisfy { $0.fields.count == 29 })
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
        let loaded = try ProspectListLoader(model: model).load(table)
        #expect(loaded.rejects.isEmpty)
    }
}
