import Reports
import Testing

/// `ReportJSONEncoder` on small values: the layouts, escaping, numbers and `null` the reports
/// rely on to keep their JSON byte for byte (the reports themselves are pinned by the golden
/// files of `TextReportGoldenTests` and `CommandGoldenTests`).
@Suite("ReportJSONEncoder")
struct ReportJSONEncoderTests {
    struct Point: Encodable {
        let line: Int
        let column: String?
    }

    struct Document: Encodable, JSONLayoutProviding {
        let schema = "kam.test/1"
        let points: JSONLines<Point>
        let names: [String]
        var jsonLayout: JSONLayout { .lines }
    }

    struct Wrapped: Encodable, JSONLayoutProviding {
        let id: String
        let score: Double
        let factors: [Int]
        let judges: [String]
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["factors", "judges"]) }
    }

    struct Summary: Encodable, JSONLayoutProviding {
        let rowsRead: Int
        let grades: JSONMembers<Int>
        let empty: [Int]
        var jsonLayout: JSONLayout { .lines }
    }

    struct Outer: Encodable, JSONLayoutProviding {
        let summary: Summary
        let sides: JSONLines<Wrapped>
        var jsonLayout: JSONLayout { .lines }
    }

    /// An array with a layout of its own.
    struct ArrayLayout: Encodable, JSONLayoutProviding {
        let elements: [Int]
        let jsonLayout: JSONLayout

        func encode(to encoder: any Encoder) throws { try elements.encode(to: encoder) }
    }

    struct Nothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    @Test("a document: members one per line in encoding order, nested values inline, a final line break")
    func document() {
        let value = Document(points: JSONLines([Point(line: 3, column: "budget"), Point(line: 9, column: nil)]), names: ["a", "b"])
        #expect(
            ReportJSONEncoder().encode(value) == """
                {
                  "schema": "kam.test/1",
                  "points": [
                    {"line": 3, "column": "budget"},
                    {"line": 9, "column": null}
                  ],
                  "names": ["a", "b"]
                }

                """)
    }

    @Test("empty arrays and objects are [] and {} in every layout")
    func empties() {
        let value = Document(points: JSONLines([]), names: [])
        #expect(ReportJSONEncoder().encode(value) == "{\n  \"schema\": \"kam.test/1\",\n  \"points\": [],\n  \"names\": []\n}\n")
        #expect(ReportJSONEncoder().fragment(JSONMembers<Int>([], layout: .lines)) == "{}")
        #expect(ReportJSONEncoder().fragment(Nothing()) == "{}")
        #expect(ReportJSONEncoder().fragment([[Int]]()) == "[]")
    }

    @Test("nesting: a lines object inside a lines object indents from the line it opens on")
    func nesting() {
        let value = Outer(
            summary: Summary(rowsRead: 300, grades: JSONMembers(keys: ["A", "B"], values: [4, 5]), empty: []),
            sides: JSONLines([Wrapped(id: "value", score: 1.5, factors: [1, 2], judges: ["张总监"])]))
        #expect(
            ReportJSONEncoder().encode(value) == """
                {
                  "summary": {
                    "rows_read": 300,
                    "grades": {"A": 4, "B": 5},
                    "empty": []
                  },
                  "sides": [
                    {"id": "value", "score": 1.500000,
                     "factors": [1, 2],
                     "judges": ["张总监"]}
                  ]
                }

                """)
    }

    @Test("inline-breaking objects break before the keys named, one space deeper than their line")
    func inlineBreaking() {
        let value = Wrapped(id: "x", score: 0, factors: [], judges: [])
        #expect(
            ReportJSONEncoder().fragment(value, indent: 4)
                == "{\"id\": \"x\", \"score\": 0.000000,\n     \"factors\": [],\n     \"judges\": []}")
    }

    @Test("inline-breaking with a deeper indent, and an array breaking before each element")
    func inlineBreakingDeeper() {
        let groups = JSONMembers(
            [(key: "weight", value: 1), (key: "groups", value: 2)], layout: .inlineBreaking(before: ["groups"], indent: 2))
        #expect(ReportJSONEncoder().fragment(groups, indent: 4) == "{\"weight\": 1,\n      \"groups\": 2}")
        let each = ArrayLayout(elements: [1, 2, 3], jsonLayout: .inlineBreakingEach(indent: 12))
        #expect(ReportJSONEncoder().fragment(each, indent: 5) == "[1,\n                 2,\n                 3]")
        #expect(ReportJSONEncoder().fragment(ArrayLayout(elements: [], jsonLayout: .inlineBreakingEach(indent: 2))) == "[]")
        let own = ArrayLayout(elements: [1, 2], jsonLayout: .eachOnNewLine(indent: 2))
        #expect(ReportJSONEncoder().fragment(own, indent: 5) == "[\n       1,\n       2]")
        #expect(ReportJSONEncoder().fragment(ArrayLayout(elements: [], jsonLayout: .eachOnNewLine(indent: 2))) == "[]")
    }

    @Test("keys: property names in snake_case, as Foundation's convertToSnakeCase writes them; JSONMembers' keys as given")
    func snakeCaseKeys() {
        struct Names: Encodable {
            let rowsRead = 1
            let accountID = 2
            let meanAUCDelta = 3
            let aucROC = 4
            let top10Share = 5
            let p10 = 6
            let fallsAToD = 7
        }
        #expect(
            ReportJSONEncoder().fragment(Names())
                == "{\"rows_read\": 1, \"account_id\": 2, \"mean_auc_delta\": 3, \"auc_roc\": 4, \"top10_share\": 5, "
                + "\"p10\": 6, \"falls_a_to_d\": 7}")
        #expect(ReportJSONEncoder().fragment(JSONMembers([(key: "rowsRead", value: 1)])) == "{\"rowsRead\": 1}")
    }

    @Test("lines joining: the members named follow the one before on its line")
    func linesJoining() {
        let value = JSONMembers(
            [(key: "open_accounts", value: 10), (key: "periods", value: 12), (key: "seed", value: 1), (key: "policies", value: 2)],
            layout: .linesJoining(["periods", "seed"]))
        #expect(ReportJSONEncoder().encode(value) == "{\n  \"open_accounts\": 10, \"periods\": 12, \"seed\": 1,\n  \"policies\": 2\n}\n")
    }

    @Test("a lines array in an inline object indents from the line the object is on")
    func linesInInline() {
        let value = JSONMembers([(key: "count", value: JSONLines([1, 2]))])
        #expect(ReportJSONEncoder().fragment(value, indent: 2) == "{\"count\": [\n    1,\n    2\n  ]}")
    }

    @Test(
        "strings and keys are escaped as JSONWriter escapes them",
        arguments: ["plain", "济南昌弘", "quote \" and \\ backslash", "line\nbreak\r\ttab", "bell \u{7} and \u{1f}"])
    func escaping(text: String) {
        let writer = JSONWriter()
        #expect(ReportJSONEncoder().fragment(text) == writer.string(text))
        #expect(ReportJSONEncoder().fragment(JSONMembers([(key: text, value: 1)])) == "{\(writer.string(text)): 1}")
    }

    @Test("escapes control characters as \\u00XX")
    func controlCharacters() {
        #expect(ReportJSONEncoder().fragment("a\u{1}b\"") == "\"a\\u0001b\\\"\"")
    }

    @Test("numbers: Double with 6 decimals, integers as they are, JSONNumber as its text")
    func numbers() {
        #expect(ReportJSONEncoder().fragment(1.0 / 3) == "0.333333")
        #expect(ReportJSONEncoder().fragment(-2.5) == "-2.500000")
        #expect(ReportJSONEncoder().fragment(Float(0.5)) == "0.500000")
        #expect(ReportJSONEncoder().fragment(42) == "42")
        #expect(ReportJSONEncoder().fragment(Int64(-7)) == "-7")
        #expect(ReportJSONEncoder().fragment(UInt8(255)) == "255")
        #expect(ReportJSONEncoder().fragment(JSONNumber(2.345, digits: 1)) == "2.3")
        #expect(ReportJSONEncoder().fragment(JSONNumber(text: "1.06456e-06")) == "1.06456e-06")
        #expect(ReportJSONEncoder().fragment([JSONNumber.finite(.nan), .finite(.infinity), .finite(1)]) == "[null, null, 1.000000]")
    }

    @Test("nil is null, whether encoded as an optional property, an element or a single value")
    func nulls() {
        struct Optionals: Encodable {
            let text: String?
            let number: Double?
            let flag: Bool?
            let point: Point?
        }
        #expect(
            ReportJSONEncoder().fragment(Optionals(text: nil, number: nil, flag: nil, point: nil))
                == "{\"text\": null, \"number\": null, \"flag\": null, \"point\": null}")
        #expect(
            ReportJSONEncoder().fragment(Optionals(text: "t", number: 1, flag: true, point: Point(line: 1, column: nil)))
                == "{\"text\": \"t\", \"number\": 1.000000, \"flag\": true, \"point\": {\"line\": 1, \"column\": null}}")
        #expect(ReportJSONEncoder().fragment([1, nil, 3] as [Int?]) == "[1, null, 3]")
        #expect(ReportJSONEncoder().fragment(JSONNumber.null) == "null")
    }

    @Test("an OmittedWhenNil member is left out without a value, written as it is with one")
    func omittedWhenNil() {
        struct Head: Encodable, JSONLayoutProviding {
            let schema = "kam.test/1"
            @OmittedWhenNil var calibration: Point?
            @OmittedWhenNil var missing: [String]?
            let rows: Int?
            var jsonLayout: JSONLayout { .lines }
        }
        #expect(
            ReportJSONEncoder().fragment(Head(calibration: nil, missing: nil, rows: nil))
                == "{\n  \"schema\": \"kam.test/1\",\n  \"rows\": null\n}")
        #expect(
            ReportJSONEncoder().fragment(Head(calibration: Point(line: 2, column: nil), missing: [], rows: 4))
                == "{\n  \"schema\": \"kam.test/1\",\n  \"calibration\": {\"line\": 2, \"column\": null},\n  \"missing\": [],\n  \"rows\": 4\n}"
        )
        #expect(ReportJSONEncoder().fragment([OmittedWhenNil<Int>(wrappedValue: nil)]) == "[null]")
    }

    @Test("booleans")
    func booleans() {
        #expect(ReportJSONEncoder().fragment([true, false]) == "[true, false]")
    }
}
