import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("Mapping prospect lists onto the model")
struct ProspectListLoaderTests {
    static let model: ScoringModel = try! ModelFileReader().read(
        yaml: """
            name: ingest
            columns: {id: account_id, name: name, stage: stage, deal_value: deal_value, industry: null, region: null, manager: null}
            column_units: {deal_value: wan, spend: wan}
            factors:
              - {id: budget, column: budget, side: value, weight: 1, unit: wan, missing: required, scale: {type: log, min: 0, max: 5000}}
              - {id: share, column: share, side: value, weight: 1, unit: percent, scale: {type: linear, min: 0, max: 60}}
              - {id: credit, column: credit, side: difficulty, weight: 1, missing: worst, scale: {type: categorical, map: {AAA: 0, B: 0.6, C: 1}}}
              - {id: delay, column: delay, side: difficulty, weight: 1, missing: mean, scale: {type: linear, min: 0, max: 180}}
            grading:
              value_bands: {names: [low, high], cuts: [50]}
              difficulty_bands: {names: [low, high], cuts: [50]}
              grid: {high: [A, B], low: [C, D]}
            segments:
              - id: big
                when: [[spend > 1000]]
              - id: group
                when: [[parent present]]
            """, file: "ingest.yaml")

    static let header = "account_id,name,stage,budget,share,credit,delay,deal_value,spend\n"

    func load(_ text: String, file: String = "list.csv") throws -> ProspectListLoader.Result {
        let table = try CSVReader().read(bytes: Array(text.utf8), file: file)
        return try ProspectListLoader(model: Self.model).load(table)
    }

    @Test("numbers with thousands separators, percent signs and 万/亿/元 units are read in the column's unit")
    func numbers() throws {
        let result = try load(
            Self.header + """
                K1,华信汽车集团,3,"1,800",35%,AAA,30,600,"1,200"
                K2,东方电商,1,1800万,35,aaa,0,0.06亿,900
                K3,西部教育,5,"18,000,000元",12.5%,c,,"6,000,000元",
                """)
        #expect(result.rejects.isEmpty)
        #expect(result.batch.factorColumns[0] == .numeric([1800, 1800, 1800]))
        #expect(result.batch.factorColumns[1] == .numeric([35, 35, 12.5]))
        #expect(result.batch.factorColumns[2] == .categorical([0, 0, 2]))
        guard case .numeric(let delay) = result.batch.factorColumns[3] else {
            Issue.record("delay is numeric")
            return
        }
        #expect(delay[0] == 30 && delay[1] == 0 && delay[2].isNaN)
        #expect(result.batch.accounts.map(\.dealValue) == [600, 600, 600])
        #expect(result.batch.accounts.map(\.stage) == [3, 1, 5])
        #expect(result.batch.accounts[0].name == "华信汽车集团")
        #expect(result.batch.segmentData.columns["spend"] == [.number(1200), .number(900), .missing])
        #expect(result.unevaluatedSegments.map(\.id) == ["group"])
        #expect(result.unevaluatedSegments.first?.missingColumns == ["parent"])
    }

    @Test("every kind of bad row is rejected with its line, column and reason; accepted + rejected = rows read")
    func rejects() throws {
        let text =
            Self.header + """
                K1,ok,1,100,10%,AAA,1,5,0
                K2,short row,1,100,10%,AAA,1,5
                K3,"quoted, with comma",1,about 500,10%,AAA,1,5,0
                K1,duplicate,1,100,10%,AAA,1,5,0
                K5,unknown category,1,100,10%,Z,1,5,0
                K6,wrong unit,1,100,35万,AAA,1,5,0
                K7,"multi
                line name",1,,10%,AAA,1,5,0
                K8,percent in money,1,50%,10%,AAA,1,5,0
                ,no id,1,100,10%,AAA,1,5,0
                K10,bad stage,7,100,10%,AAA,1,5,0
                K11,ok too,2,200,NA,-,unknown,5,0
                """
        let result = try load(text)
        #expect(result.rowsRead == 11)
        #expect(result.batch.count + result.rejects.count == result.rowsRead)
        #expect(result.batch.accounts.map(\.id) == ["K1", "K11"])
        let summary = result.rejects.map { "\($0.line):\($0.columnNumber.map(String.init) ?? "-") \($0.reason.code)" }
        #expect(
            summary == [
                "3:- field_count", "4:4 not_a_number", "5:1 duplicate_id", "6:6 unknown_category", "7:5 unit_not_allowed",
                "8:4 missing_required", "10:4 wrong_unit", "11:1 missing_id", "12:3 bad_stage",
            ])
        #expect(
            result.rejects[0].description
                == "list.csv:3: the row has 8 fields but the header has 9; check for a missing or extra delimiter, or quote fields that contain one."
        )
        #expect(
            result.rejects[1].description
                == "list.csv:4:4: 'budget' is 'about 500', which is not a number; write digits such as 1800, 1,800 or 18.5.")
        #expect(result.rejects[2].description == "list.csv:5:1: account id 'K1' already appeared on line 2; ids must be unique.")
        #expect(
            result.rejects[3].description
                == "list.csv:6:6: 'credit' is 'Z', which the model does not know; use one of AAA, B, C or add it to the factor's map.")
        #expect(
            result.rejects[5].description
                == "list.csv:8:4: 'budget' is blank, and the model requires it ('missing: required'); fill it in or change the factor's missing policy."
        )

        // The rejects file holds every rejected row with its reason and its fields as read.
        let rendered = RejectsWriter.render(result.rejects, header: result.header)
        let rejectsTable = try CSVReader().read(bytes: Array(rendered.utf8), file: "rejects.csv")
        #expect(rejectsTable.header == ["line", "column", "reason", "message"] + result.header)
        #expect(rejectsTable.records.count == result.rejects.count)
        #expect(rejectsTable.records[1].fields[0...4] == ["4", "budget", "not_a_number", result.rejects[1].message, "K3"])
        #expect(rejectsTable.records[1].fields[5] == "quoted, with comma")
        #expect(rejectsTable.records[5].fields[5] == "multi\nline name")
    }

    @Test("a column the model needs and the file lacks lists the file's columns")
    func missingColumn() {
        #expect(
            throws: DatasetError.missingColumns(
                file: "list.csv", missing: ["credit"], available: ["account_id", "budget", "share", "delay"])
        ) {
            try load("account_id,budget,share,delay\nK1,1,2,3\n")
        }
        let message = DatasetError.missingColumns(file: "list.csv", missing: ["credit"], available: ["account_id", "budget"]).description
        #expect(
            message
                == "list.csv: the model needs the column 'credit', which the file lacks. The file has: account_id, budget. Rename the file's header or set the factor's 'column' in the model."
        )
    }

    @Test("a GB18030 file with a BOM-less Chinese header and a UTF-8 file with a BOM load alike")
    func encodings() throws {
        let text = Self.header + "K1,华东某汽车集团,3,\"1,800\",35%,AAA,30,600,0\n"
        let utf8 = try load(text)
        let bom = try CSVReader().read(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8), file: "bom.csv")
        let fromBOM = try ProspectListLoader(model: Self.model).load(bom)
        #expect(bom.hadByteOrderMark)
        #expect(fromBOM.batch.accounts == utf8.batch.accounts)
        let gbBytes = try #require(TestEncoding.gb18030(text))
        #expect(gbBytes != Array(text.utf8))
        let gb = try CSVReader().read(bytes: gbBytes, file: "gb.csv")
        #expect(gb.encoding == .gb18030)
        let fromGB = try ProspectListLoader(model: Self.model).load(gb)
        #expect(fromGB.batch.accounts.first?.name == "华东某汽车集团")
        #expect(fromGB.batch.factorColumns == utf8.batch.factorColumns)
    }

    @Test("'@line' as id uses the line number for files without an id column")
    func lineIDs() throws {
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/examples/bank-marketing.yaml")
        let text = """
            "age";"job";"education";"default";"loan";"campaign";"contact";"poutcome"
            56;"housemaid";"basic.4y";"no";"no";1;"telephone";"nonexistent"
            57;"services";"high.school";"unknown";"no";1;"telephone";"nonexistent"
            """
        let table = try CSVReader().read(bytes: Array(text.utf8), file: "bank.csv")
        let result = try ProspectListLoader(model: model).load(table)
        #expect(result.batch.accounts.map(\.id) == ["2", "3"])
        #expect(result.rejects.isEmpty)
    }

    @Test("every problem of a rejected row is listed in check order; the first is the reject")
    func everyProblem() throws {
        let text =
            Self.header + """
                K1,ok,3,120万,25%,AAA,10,50,10
                K2,three problems,9,about 8,25%,ZZZ,10,oops,10
                K3,short row,3,120万
                K1,duplicate,3,120万,25%,AAA,10,50,10
                ,no id and no budget,3,,25%,B,10,50,10
                K5,one problem,3,120万,25%,Q,10,50,10

                """
        let result = try load(text)
        #expect(result.rejects.map(\.line) == [3, 4, 5, 6, 7])
        let problems = ProspectListLoader(model: Self.model).everyProblem(
            of: result.rejects, header: result.header, file: result.file)
        #expect(problems.map(\.line) == [3, 3, 3, 3, 4, 5, 6, 6, 7])
        #expect(
            problems.map { $0.column ?? "-" } == [
                "budget", "credit", "stage", "deal_value", "-", "account_id", "account_id", "budget", "credit",
            ])
        #expect(
            problems.map(\.reason.code) == [
                "not_a_number", "unknown_category", "bad_stage", "not_a_number", "field_count", "duplicate_id",
                "missing_id", "missing_required", "unknown_category",
            ])
        // The first problem of each row is its reject, word for word.
        for reject in result.rejects {
            #expect(problems.first { $0.line == reject.line }?.description == reject.description)
        }
    }
}

/// Encodes text as GB18030 with glibc's iconv (test helper).
enum TestEncoding {
    static func gb18030(_ text: String) -> [UInt8]? {
        let descriptor = iconv_open("GB18030", "UTF-8")
        guard descriptor != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(descriptor) }
        var input = Array(text.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 2 + 16)
        let outputCount = output.count
        let converted: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress
                var outLeft = outBuffer.count
                guard iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else { return nil }
                return outputCount - outLeft
            }
        }
        guard let converted else { return nil }
        return output[0..<converted].map { UInt8(bitPattern: $0) }
    }

}
