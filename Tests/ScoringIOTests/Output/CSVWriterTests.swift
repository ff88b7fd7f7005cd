import ScoringIO
import Testing

@Suite("CSV output safe for Excel")
struct CSVWriterTests {
    @Test(
        "cells a spreadsheet would run as a formula get a leading apostrophe",
        arguments: [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+86 138", "'+86 138"), ("-2", "'-2"), ("@cmd", "'@cmd"),
            ("\tx", "'\tx"), ("\rx", "\"'\rx\""), ("plain", "plain"), ("华信集团", "华信集团"), ("a=b", "a=b"), ("", ""),
        ])
    func formulas(input: String, expected: String) {
        #expect(CSVWriter.field(input) == expected)
    }

    @Test("fields with delimiters, quotes or line breaks are quoted with doubled quotes")
    func quoting() {
        #expect(CSVWriter.field("a,b") == "\"a,b\"")
        #expect(CSVWriter.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.field("two\nlines") == "\"two\nlines\"")
        #expect(CSVWriter.field("=1,2") == "\"'=1,2\"")
        #expect(CSVWriter.record(["K-1", "a,b", "=x"]) == "K-1,\"a,b\",'=x\n")
        // A CRLF pair is one Character in Swift; it is still a line break to quote.
        #expect(CSVWriter.field("two\r\nlines") == "\"two\r\nlines\"")
        #expect(CSVWriter.field("a;b", delimiter: ";") == "\"a;b\"")
        #expect(CSVWriter.field("a,b", delimiter: ";") == "a,b")
        #expect(CSVWriter.field("华信\"集团\"") == "\"华信\"\"集团\"\"\"")
    }

    @Test("numbers the engine writes are fixed-decimal and locale-free", arguments: [
        (0.0, 2, "0.00"), (-0.004, 2, "0.00"), (-0.005, 2, "-0.01"), (12.345, 1, "12.3"), (99.995, 2, "100.00"),
        (1_234_567.891, 3, "1234567.891"), (-7.5, 0, "-8"), (0.125, 4, "0.1250"),
    ])
    func decimals(value: Double, digits: Int, expected: String) {
        #expect(formatDecimal(value, digits: digits) == expected)
    }
}
