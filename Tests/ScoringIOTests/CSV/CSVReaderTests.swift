import Testing

@testable import ScoringIO

@Suite("CSVReader splits records and fields")
struct CSVReaderTests {
    @Test("A plain file gives its header and records with their line numbers")
    func plainFile() throws {
        let table = try readCSV("id,name,value\nK-1,Acme,10\nK-2,Globex,20\n")
        #expect(table.header == ["id", "name", "value"])
        #expect(
            table.records == [
                CSVRecord(line: 2, fields: ["K-1", "Acme", "10"]),
                CSVRecord(line: 3, fields: ["K-2", "Globex", "20"]),
            ])
        #expect(table.delimiter == UInt8(ascii: ","))
        #expect(table.encoding == .utf8)
        #expect(table.hadByteOrderMark == false)
        #expect(table.file == "test.csv")
    }

    @Test("Quoted fields keep commas, doubled quotes and spaces inside the quotes")
    func quotedFields() throws {
        let table = try readCSV(
            #"""
            id,name,note
            1,"Acme, Inc.","He said ""hi"""
            2, "  padded  " ,""
            3,"""quoted""",x
            """#)
        #expect(
            table.records.map(\.fields) == [
                ["1", "Acme, Inc.", "He said \"hi\""],
                ["2", "  padded  ", ""],
                ["3", "\"quoted\"", "x"],
            ])
    }

    @Test("Embedded line breaks stay in the field and later records keep their physical line")
    func embeddedNewlines() throws {
        let table = try readCSV("id,note\n1,\"first\nsecond\r\nthird\"\n2,after\n\n3,\"a\rb\"\n4,end")
        #expect(
            table.records == [
                CSVRecord(line: 2, fields: ["1", "first\nsecond\r\nthird"]),
                CSVRecord(line: 5, fields: ["2", "after"]),
                CSVRecord(line: 7, fields: ["3", "a\rb"]),
                CSVRecord(line: 9, fields: ["4", "end"]),
            ])
    }

    @Test("CRLF, lone CR and a missing final newline all end records")
    func lineEnds() throws {
        let crlf = try readCSV("a,b\r\n1,2\r\n3,4")
        #expect(crlf.records == [CSVRecord(line: 2, fields: ["1", "2"]), CSVRecord(line: 3, fields: ["3", "4"])])
        let lonelyCR = try readCSV("a,b\r1,2\r3,4\r")
        #expect(lonelyCR.records == [CSVRecord(line: 2, fields: ["1", "2"]), CSVRecord(line: 3, fields: ["3", "4"])])
        let mixed = try readCSV("a,b\n1,2\r\n3,4\r5,6")
        #expect(mixed.records.map(\.line) == [2, 3, 4])
        #expect(mixed.records.last?.fields == ["5", "6"])
    }

    @Test("Blank lines and lines of only spaces are skipped but counted")
    func blankLines() throws {
        let table = try readCSV("\n\r\na,b\n\n1,2\n   \n\t\r\n3,4\n\n\n")
        #expect(table.header == ["a", "b"])
        #expect(table.records == [CSVRecord(line: 5, fields: ["1", "2"]), CSVRecord(line: 8, fields: ["3", "4"])])
    }

    @Test("Unquoted fields and header names are trimmed of spaces and tabs")
    func trimming() throws {
        let table = try readCSV(" id ,\t\"name \" , value\n  K-1 ,\tAcme Corp\t, 10 \n")
        #expect(table.header == ["id", "name", "value"])
        #expect(table.records.first?.fields == ["K-1", "Acme Corp", "10"])
    }

    @Test("Empty fields, trailing delimiters and ragged rows are kept as written")
    func emptyAndRaggedFields() throws {
        let table = try readCSV("a,b,c\n,,\n1,2,\n1\n1,2,3,4\n")
        #expect(table.records.map(\.fields) == [["", "", ""], ["1", "2", ""], ["1"], ["1", "2", "3", "4"]])
    }

    @Test("Text after a closing quote is appended to the field")
    func textAfterClosingQuote() throws {
        let table = try readCSV("a,b\n\"ab\"c,\"x\" y \n\"q\"\"\"r,5\" screen\n")
        #expect(table.records.map(\.fields) == [["abc", "x y"], ["q\"r", "5\" screen"]])
    }

    @Test("A semicolon header like the UCI bank file's selects ';'")
    func semicolonDetection() throws {
        let table = try readCSV(
            """
            "age";"job";"marital";"balance"
            56;"housemaid";"married";2,143
            57;"services";"married";29
            """)
        #expect(table.delimiter == UInt8(ascii: ";"))
        #expect(table.header == ["age", "job", "marital", "balance"])
        #expect(
            table.records.map(\.fields) == [
                ["56", "housemaid", "married", "2,143"], ["57", "services", "married", "29"],
            ])
    }

    @Test("A tab-separated header selects tab; fields keep their empty cells and lines of tabs are blank")
    func tabDetection() throws {
        let table = try readCSV("id\tname\tnote\nK-1\t Acme \t\t\n\t\t\nK-2\t\"a\tb\"\tx\n")
        #expect(table.delimiter == UInt8(ascii: "\t"))
        #expect(table.records.map(\.fields) == [["K-1", "Acme", "", ""], ["K-2", "a\tb", "x"]])
        #expect(table.records.map(\.line) == [2, 4])
    }

    @Test(
        "Delimiter detection counts outside quotes, prefers ',' on ties and defaults to ','",
        arguments: [
            ("a,b;c", ","), ("a;b;c,d", ";"), ("a\tb\tc;d", "\t"), ("\"a;b;c\",d", ","),
            ("only", ","), ("a;b\tc", ";"), ("a,b\tc", ","), ("\"x,y,z\";b", ";"),
        ])
    func delimiterDetection(header: String, expected: String) {
        let detected = CSVParser.detectDelimiter(in: Array((header + "\n1,2;3\t4").utf8), from: 0)
        #expect(detected == UInt8(ascii: Unicode.Scalar(expected)!))
    }

    @Test("An explicit delimiter overrides detection")
    func explicitDelimiter() throws {
        let table = try readCSV("a;b,c\n1;2,3\n", options: CSVOptions(delimiter: UInt8(ascii: ";")))
        #expect(table.header == ["a", "b,c"])
        #expect(table.records.first?.fields == ["1", "2,3"])
    }

    @Test("A quote that never closes reports the line where its field starts")
    func unterminatedQuote() {
        #expect(throws: DatasetError.unterminatedQuote(file: "test.csv", line: 4)) {
            try readCSV("a,b\n1,2\n\n3,\"never\nclosed,\n5,6\n")
        }
        #expect(throws: DatasetError.unterminatedQuote(file: "test.csv", line: 1)) {
            try readCSV("\"a,b\n1,2\n")
        }
        // A closed multi-line field before it moves the line on.
        #expect(throws: DatasetError.unterminatedQuote(file: "test.csv", line: 4)) {
            try readCSV("a,b\n\"x\ny\",2\n3,\"z")
        }
    }

    @Test("Duplicate header names are rejected with all their columns")
    func duplicateHeader() {
        #expect(throws: DatasetError.duplicateHeader(file: "test.csv", column: "id", columns: [1, 3])) {
            try readCSV("id,name, id ,name\n1,2,3,4\n")
        }
        let error = DatasetError.duplicateHeader(file: "test.csv", column: "id", columns: [1, 3])
        #expect(
            error.description
                == "test.csv, line 1: the header names 'id' more than once (columns 1, 3). Rename one of them.")
    }

    @Test(
        "An empty file, blank lines only, or only a byte-order mark is empty",
        arguments: [
            [], Array("\n\n  \r\n".utf8), [0xEF, 0xBB, 0xBF], [0xEF, 0xBB, 0xBF, 0x0A],
        ] as [[UInt8]])
    func emptyFile(bytes: [UInt8]) {
        #expect(throws: DatasetError.empty(file: "x.csv")) {
            try CSVReader().read(bytes: bytes, file: "x.csv")
        }
    }

    @Test("A header without records is a table with no records")
    func headerOnly() throws {
        let table = try readCSV("a,b\n")
        #expect(table.header == ["a", "b"])
        #expect(table.records.isEmpty)
    }

    @Test("A missing file is unreadable with the system's reason")
    func missingFile() {
        #expect(throws: DatasetError.unreadable(file: "/nonexistent/kam.csv", reason: "No such file or directory")) {
            try CSVReader().read(contentsOf: "/nonexistent/kam.csv")
        }
        #expect(throws: DatasetError.unreadable(file: "/tmp", reason: "Is a directory")) {
            try CSVReader().read(contentsOf: "/tmp")
        }
    }

    @Test("Physical line numbers count LF, CRLF and lone CR once each")
    func physicalLines() {
        let bytes = Array("a\nb\r\nc\rd\r".utf8)
        #expect(CSVParser.physicalLine(of: 0, in: bytes, from: 0) == 1)
        #expect(CSVParser.physicalLine(of: 2, in: bytes, from: 0) == 2)
        #expect(CSVParser.physicalLine(of: 5, in: bytes, from: 0) == 3)
        #expect(CSVParser.physicalLine(of: 7, in: bytes, from: 0) == 4)
    }
}
