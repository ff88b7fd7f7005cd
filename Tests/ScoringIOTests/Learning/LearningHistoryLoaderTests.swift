import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

@Suite("Loading a history for learning")
struct LearningHistoryLoaderTests {
    /// share (numeric, percent), credit (categorical), risk (numeric, difficulty, required).
    static func model() throws -> ScoringModel {
        try ScoringModel(
            name: "tiny",
            factors: [
                Factor(
                    id: "share", label: LocalizedLabel(en: "Share", zh: "份额"), column: "expected_share", side: .value,
                    weight: 1, scale: .linear(min: 0, max: 60), unit: "percent"),
                Factor(
                    id: "credit", label: LocalizedLabel(en: "Credit", zh: "信用"), column: "credit_rating", side: .difficulty,
                    weight: 1, scale: .categorical(map: [.init(label: "AAA", utility: 0), .init(label: "B", utility: 1)])),
                Factor(
                    id: "risk", label: LocalizedLabel(en: "Risk", zh: "风险"), column: "deal_risk", side: .difficulty,
                    weight: 1, scale: .linear(min: 1, max: 5), missing: .required),
            ],
            grading: ModelFixtures.grading())
    }

    func table(_ text: String, file: String = "h.csv") throws -> CSVTable {
        try CSVReader().read(bytes: Array(text.utf8), file: file)
    }

    func load(
        _ text: String, candidates: ModelLearner.Candidates = .model, exclude: [String] = [], outcome: String = "outcome"
    ) throws -> LearningHistoryLoader.Result {
        try LearningHistoryLoader(model: try Self.model(), outcomeColumn: outcome, candidates: candidates, excludedColumns: exclude)
            .load(try table(text))
    }

    @Test("outcome words: won and lost in English, digits, yes/no and Chinese; blank, open and missing codes are open")
    func outcomeWords() throws {
        let words = ["won", "LOST", "1", "0", "yes", "no", "赢单", "输单", "成交", "丢单", "", "open", "NA", "进行中", "Win", "false"]
        var text = "account_id,expected_share,credit_rating,deal_risk,outcome\n"
        for (index, word) in words.enumerated() { text += "K\(index),10%,AAA,2,\(word)\n" }
        let result = try load(text)
        #expect(result.data.outcomes == [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0])
        #expect(result.openCount == 4)
        #expect(result.rejects.isEmpty)
        #expect(result.rowsRead == words.count)
        #expect(result.ids == ["K0", "K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8", "K9", "K14", "K15"])
        #expect(result.lines == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17])
        #expect(result.wonCount == 6 && result.lostCount == 6)
    }

    @Test("an unreadable outcome is rejected with file, line and column, never dropped")
    func badOutcome() throws {
        let result = try load(
            """
            account_id,expected_share,credit_rating,deal_risk,outcome
            K1,10%,AAA,2,won
            K2,20%,B,3,maybe
            K3,30%,B,3,lost
            """)
        #expect(result.data.count == 2)
        let reject = try #require(result.rejects.first)
        #expect(result.rejects.count == 1)
        #expect(reject.code == "bad_outcome")
        #expect(
            reject.description
                == "h.csv:3:5: 'outcome' is 'maybe', which is not an outcome; write won or lost (or 1/0, yes/no, 赢单/输单), or leave it blank while the account is still open."
        )
        let file = RejectsWriter.render(result.rejects, header: result.header)
        #expect(
            file.hasPrefix("line,column,reason,message,account_id,expected_share,credit_rating,deal_risk,outcome\n3,outcome,bad_outcome,"))
        #expect(file.hasSuffix(",K2,20%,B,3,maybe\n"))
    }

    @Test("numbers are read like kam rank: units, missing codes; a non-number rejects the row with the loader's message")
    func numbers() throws {
        let result = try load(
            """
            account_id,expected_share,credit_rating,deal_risk,outcome
            K1,35%,AAA,2,won
            K2,12.5,B,NA,lost
            K3,lots,B,3,lost
            K4,,AAA,4,won
            K5,1,AAA,,won
            """)
        #expect(
            result.rejects.map(\.description) == [
                "h.csv:4:2: 'expected_share' is 'lots', which is not a number; write digits such as 1800, 1,800 or 18.5."
            ])
        #expect(result.rejects.first?.code == "not_a_number")
        guard case .numeric(let share) = result.data.columns[0].values, case .numeric(let risk) = result.data.columns[2].values else {
            Issue.record("share and risk should be numeric")
            return
        }
        #expect(share[0] == 35 && share[1] == 12.5 && share[2].isNaN && share[3] == 1)
        // A required factor's missing value is kept as missing: learning gives it a utility.
        #expect(risk[0] == 2 && risk[1].isNaN && risk[2] == 4 && risk[3].isNaN)
        #expect(result.data.columns.map(\.factor?.id) == ["share", "credit", "risk"])
    }

    @Test("categorical factors keep raw labels, also labels the base map does not know")
    func labels() throws {
        let result = try load(
            """
            account_id,expected_share,credit_rating,deal_risk,outcome
            K1,1,AAA,2,won
            K2,2,  BBB+ ,2,lost
            K3,3,unknown,2,lost
            K4,4,"Aa ",2,won
            """)
        guard case .categorical(let labels) = result.data.columns[1].values else {
            Issue.record("credit should be categorical")
            return
        }
        #expect(labels == ["AAA", "BBB+", nil, "Aa"])
    }

    @Test("duplicate ids, blank ids, wrong field counts and bad stages are rejected")
    func rowRejects() throws {
        let result = try load(
            """
            account_id,stage,expected_share,credit_rating,deal_risk,outcome
            K1,3,1,AAA,2,won
            K1,3,2,AAA,2,lost
            ,2,3,AAA,2,lost
            K4,2,3,AAA,2
            K5,9,3,AAA,2,won
            K6,,3,AAA,2,lost
            K1,3,2,AAA,2,
            """)
        #expect(result.rejects.map(\.code) == ["duplicate_id", "missing_id", "field_count", "bad_stage"])
        #expect(result.rejects.map(\.line) == [3, 4, 5, 6])
        #expect(result.rejects[0].description == "h.csv:3:1: account id 'K1' already appeared on line 2; ids must be unique.")
        #expect(result.data.stages == [3, nil])
        #expect(result.openCount == 1)
        #expect(result.data.count + result.rejects.count + result.openCount == result.rowsRead)
    }

    @Test("candidates all: numeric when at least 95% of present cells are numbers, else labels; reserved columns left out")
    func candidateDetection() throws {
        var text = "account_id,name,stage,expected_share,credit_rating,deal_risk,mostly_numbers,half,region,secret,outcome\n"
        for index in 0..<40 {
            let mostly = index == 7 ? "n/a?" : index == 8 ? "-" : String(index * 2)
            let half = index.isMultiple(of: 2) ? String(index) : "x\(index)"
            text += "K\(index),Name \(index),2,\(index)%,AAA,2,\(mostly),\(half),华东,\(index),\(index.isMultiple(of: 3) ? "won" : "lost")\n"
        }
        let result = try load(text, candidates: .all, exclude: ["secret"])
        #expect(result.data.columns.map(\.name) == ["expected_share", "credit_rating", "deal_risk", "mostly_numbers", "half", "region"])
        #expect(result.otherColumns == ["account_id", "name", "stage", "secret", "outcome"])
        let candidates = result.candidateColumns
        #expect(candidates.map(\.name) == ["mostly_numbers", "half", "region"])
        #expect(candidates.map(\.kind) == [.numeric, .categorical, .categorical])
        // 39 present ("-" is a missing code), 38 numbers = 97.4% ≥ 95%; the other is missing.
        #expect(candidates[0].present == 39 && candidates[0].unreadable == 1)
        #expect(candidates[0].firstUnreadable == "h.csv:9:7 'n/a?'")
        guard case .numeric(let mostly) = result.data.columns[3].values,
            case .categorical(let half) = result.data.columns[4].values
        else {
            Issue.record("wrong kinds")
            return
        }
        #expect(mostly[7].isNaN && mostly[8].isNaN && mostly[9] == 18)
        #expect(half[0] == "0" && half[1] == "x1")
        #expect(result.data.columns[3].factor == nil)
        // Model mode: only the factor columns.
        let modelOnly = try load(text, candidates: .model)
        #expect(modelOnly.data.columns.map(\.name) == ["expected_share", "credit_rating", "deal_risk"])
        #expect(modelOnly.candidateColumns.isEmpty)
    }

    @Test("a file without the outcome column, a factor column or an excluded column is an error that says what to do")
    func fileErrors() throws {
        #expect(throws: WeightsFileError.self) { try load("account_id,expected_share,credit_rating,deal_risk\nK1,1,AAA,2\n") }
        do {
            _ = try load("account_id,expected_share,credit_rating,deal_risk,result\nK1,1,AAA,2,won\n")
        } catch let error as WeightsFileError {
            #expect(error.description.hasPrefix("h.csv, line 1: the history has no 'outcome' column saying won or lost"))
            #expect(error.description.hasSuffix("Name it with --outcome-column."))
        }
        do {
            _ = try load("account_id,expected_share,deal_risk,outcome\nK1,1,2,won\n")
            Issue.record("expected an error")
        } catch let error as WeightsFileError {
            #expect(error.message.hasPrefix("the model needs the column 'credit_rating', which the file lacks."))
        }
        do {
            _ = try load("account_id,expected_share,credit_rating,deal_risk,outcome\nK1,1,AAA,2,won\n", exclude: ["nope"])
            Issue.record("expected an error")
        } catch let error as WeightsFileError {
            #expect(error.message.hasPrefix("--exclude names 'nope', which is not a column of the file"))
        }
        // --outcome-column names another column.
        let renamed = try load("account_id,expected_share,credit_rating,deal_risk,result\nK1,1,AAA,2,won\n", outcome: "result")
        #expect(renamed.data.outcomes == [1])
    }

    @Test("the bank marketing file's y column (yes/no) and ';' delimiter load with the example model")
    func bankFile() throws {
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/examples/bank-marketing.yaml")
        let text = """
            "age";"job";"marital";"education";"default";"housing";"loan";"contact";"campaign";"poutcome";"duration";"y"
            56;"housemaid";"married";"basic.4y";"no";"no";"no";"telephone";1;"nonexistent";261;"no"
            37;"services";"married";"high.school";"unknown";"yes";"no";"telephone";2;"success";226;"yes"
            40;"pilot";"married";"basic.6y";"no";"no";"no";"cellular";1;"failure";151;"no"
            """
        let table = try CSVReader().read(bytes: Array(text.utf8), file: "bank.csv")
        let result = try LearningHistoryLoader(
            model: model, outcomeColumn: "y", candidates: .all, excludedColumns: ["duration"]
        ).load(table)
        #expect(result.data.outcomes == [0, 1, 0])
        #expect(result.ids == ["2", "3", "4"])
        #expect(result.rejects.isEmpty)
        #expect(result.candidateColumns.map(\.name) == ["marital", "housing"])
        guard case .categorical(let jobs) = result.data.columns[1].values, case .categorical(let defaults) = result.data.columns[4].values
        else {
            Issue.record("job and default should be labels")
            return
        }
        // 'pilot' is not in the model's map: kept for learning.
        #expect(jobs == ["housemaid", "services", "pilot"])
        #expect(defaults == ["no", nil, "no"])
    }

    /// The trimming before its ASCII fast path: Unicode properties of both ends, Foundation's
    /// trimming when either is a space (category Zs) or a tab.
    static func referenceTrimmed(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return text }
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
        guard isSpace(first) || isSpace(last) else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    @Test("labels trimmed through the ASCII fast path equal the Unicode path's, ASCII ends or not")
    func trimmedLabels() {
        let texts = [
            "", "a", "AAA", "a b", " a", "a ", "\ta\t", "  ", "\t", "华信", " 华信", "华信\u{3000}", "\u{3000}华信\u{3000}",
            "\u{00A0}x", "x\u{00A0}", "é", " é ", "a\u{2009}", "\u{1680}a", "a\n", "\na", "a\u{200B}", "é\t", "\u{FEFF}a", " a\u{200B}",
        ]
        for text in texts {
            #expect(LearningHistoryLoader.trimmed(text) == Self.referenceTrimmed(text), "\(Array(text.unicodeScalars))")
        }
        #expect(LearningHistoryLoader.trimmed(" 华信\t") == "华信")
        #expect(LearningHistoryLoader.trimmed("\u{3000}a ") == "a")
    }
}
