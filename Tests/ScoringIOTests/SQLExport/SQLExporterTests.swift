import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

@Suite("SQL export of a model")
struct SQLExporterTests {
    static func model(_ factors: [Factor], calibration: Calibration? = nil, id: String = "account_id") throws -> ScoringModel {
        try ScoringModel(
            name: "t", factors: factors, grading: ModelFixtures.grading(),
            columns: AccountColumns(id: id), calibration: calibration)
    }

    @Test("every layer is written; batch-relative scales and mean fills add their aggregate layers")
    func layers() throws {
        let plain = try Self.model([
            ModelFixtures.factor("a", .value, weight: 1), ModelFixtures.factor("b", .difficulty, weight: 1),
        ])
        let sql = try SQLExporter(model: plain).sql()
        for layer in ["kam_cells", "kam_parsed", "kam_checked", "kam_accepted", "kam_present", "kam_utilities", "kam_scored", "kam_graded"]
        {
            #expect(sql.contains("\(layer) AS ("))
        }
        #expect(!sql.contains("kam_stats") && !sql.contains("kam_means"))
        let relative = try Self.model([
            ModelFixtures.factor("a", .value, weight: 1, scale: .minMax, missing: .mean),
            ModelFixtures.factor("b", .difficulty, weight: 1, scale: .zScore(clip: 3)),
        ])
        let relativeSQL = try SQLExporter(model: relative).sql()
        #expect(relativeSQL.contains("kam_stats AS (") && relativeSQL.contains("STDDEV_POP(f1_x)"))
        #expect(relativeSQL.contains("kam_means AS (") && relativeSQL.contains("CROSS JOIN kam_means"))
    }

    @Test("--view wraps the query in CREATE VIEW; Spark quotes names with backticks")
    func viewAndDialect() throws {
        let model = try Self.model([
            ModelFixtures.factor("a", .value, weight: 1), ModelFixtures.factor("b", .difficulty, weight: 1),
        ])
        let view = try SQLExporter(model: model, options: .init(view: "scored")).sql()
        #expect(view.contains("CREATE VIEW scored AS\nWITH"))
        #expect(view.hasSuffix(";\n"))
        let spark = try SQLExporter(model: model, options: .init(dialect: .spark, table: "db.prospects")).sql()
        #expect(spark.contains("`account_id`") && spark.contains("FROM db.prospects") && spark.contains("RLIKE"))
        #expect(!spark.contains("regexp_matches"))
    }

    @Test("a double literal keeps every bit: written as text and cast")
    func literals() {
        #expect(SQLDialect.duckdb.double(0.1 + 0.2) == "CAST('0.30000000000000004' AS DOUBLE)")
        #expect(SQLDialect.postgres.double(2) == "CAST('2.0' AS DOUBLE PRECISION)")
        #expect(SQLDialect.spark.string("it's") == "'it\\'s'")
        #expect(SQLDialect.duckdb.string("it's") == "'it''s'")
    }

    @Test("a model part the exporter does not know is refused by name")
    func unknownPart() {
        // A stand-in for a model with a part added later (a 2-D interaction table).
        struct FutureModel {
            let name = "m"
            let interactions: [[Double]] = [[0.1, 0.2], [0.3, 0.4]]
        }
        #expect(throws: SQLExportError.unsupportedModelPart(owner: "the model", part: "interactions")) {
            try SQLExporter.checkFields(of: FutureModel(), known: ["name"], owner: "the model")
        }
        // Empty or absent parts change nothing and pass.
        struct EmptyPart {
            let name = "m"
            let interactions: [[Double]] = []
            let specialValues: [Double]? = nil
        }
        #expect(throws: Never.self) { try SQLExporter.checkFields(of: EmptyPart(), known: ["name"], owner: "the model") }
    }

    @Test("errors name what cannot be exported and why")
    func errors() throws {
        let lines = try Self.model(
            [ModelFixtures.factor("a", .value, weight: 1), ModelFixtures.factor("b", .difficulty, weight: 1)],
            id: AccountColumns.lineNumberID)
        #expect(throws: SQLExportError.lineNumberIDs) { try SQLExporter(model: lines) }
        let model = try Self.model([
            ModelFixtures.factor("a", .value, weight: 1), ModelFixtures.factor("b", .difficulty, weight: 1),
        ])
        #expect(throws: SQLExportError.unknownScenario(name: "growth", known: ["base"])) {
            try SQLExporter(model: model, options: .init(scenario: "growth"))
        }
        #expect(
            SQLExportError.unsupportedScale(factor: "share", kind: "spline").description
                == "factor 'share' has a 'spline' scale, which the SQL export does not support; nothing was written (an approximation would score differently from kam rank)."
        )
    }

    @Test(
        "the number grammar follows the column's unit",
        arguments: [
            (NumberUnit.none, "^[+-]?"), (.percent, "(%|％)"), (.wan, "万元"),
        ])
    func numberPattern(unit: NumberUnit, fragment: String) {
        #expect(SQLExporter.numberPattern(unit: unit).contains(fragment))
        #expect(!SQLExporter.numberPattern(unit: unit).contains("\\"))
    }
}
