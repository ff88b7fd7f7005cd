import ScoringTestSupport
import Testing

@testable import ScoringIO

@Suite(
    "CSVReader reads the shared sample datasets",
    .enabled(if: Paths.sharedDatasetsAvailable, Comment(rawValue: Paths.sharedDatasetsMissing))
)
struct CSVReaderDatasetTests {
    @Test("The UCI bank marketing file has 4119 records of 21 ';'-separated fields")
    func uciBankMarketing() throws {
        let table = try CSVReader().read(contentsOf: CSVTestFiles.sharedDataset("uci-bank-marketing/bank-additional.csv"))
        #expect(table.delimiter == UInt8(ascii: ";"))
        #expect(table.encoding == .utf8)
        #expect(table.header.count == 21)
        #expect(table.header.first == "age")
        #expect(table.header.last == "y")
        #expect(table.records.count == 4119)
        #expect(table.records.allSatisfy { $0.fields.count == 21 })
        let first = try #require(table.records.first)
        #expect(first.line == 2)
        #expect(first.fields.prefix(3) == ["30", "blue-collar", "married"])
        #expect(table.records.last?.line == 4120)
    }

    @Test("The Maven CRM sales pipeline has 8800 records of 8 fields with CRLF line ends")
    func mavenSalesPipeline() throws {
        let path = CSVTestFiles.sharedDataset("maven-crm-sales-opportunities/sales_pipeline.csv")
        let bytes = try FileBytes.contents(ofFile: path)
        #expect(bytes.firstIndex(of: UInt8(ascii: "\r")).map { bytes[$0 + 1] } == UInt8(ascii: "\n"))
        let table = try CSVReader().read(contentsOf: path)
        #expect(table.delimiter == UInt8(ascii: ","))
        #expect(
            table.header == [
                "opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date",
                "close_value",
            ])
        #expect(table.records.count == 8800)
        #expect(table.records.allSatisfy { $0.fields.count == 8 })
        #expect(table.records.allSatisfy { !$0.fields.joined().contains("\r") })
        #expect(table.records.first?.fields.prefix(2) == ["1C1I7A6R", "Moses Frase"])
    }
}
