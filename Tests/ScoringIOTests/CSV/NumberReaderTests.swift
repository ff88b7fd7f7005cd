import Testing

@testable import ScoringIO

@Suite("NumberReader reads numbers as business exports write them")
struct NumberReaderTests {
    @Test(
        "Plain numbers read exactly",
        arguments: [
            ("0", 0.0), ("-0", -0.0), ("0.0", 0.0), ("+7", 7), ("00012", 12), (".5", 0.5), ("5.", 5),
            ("-.5", -0.5), ("  42\t", 42), ("1e6", 1e6), ("2.5E-3", 2.5e-3), ("1,234,567.5", 1_234_567.5),
            ("-1,000", -1000), ("999", 999), ("1,000e3", 1e6), ("5.e2", 500), ("0.1", 0.1),
            ("123456789012345678", 123_456_789_012_345_680), ("9007199254740993", 9_007_199_254_740_992),
        ])
    func plainNumbers(text: String, expected: Double) throws {
        let value = try NumberReader().read(text).get()
        #expect(value.bitPattern == expected.bitPattern, "\(text) read as \(value)")
    }

    @Test(
        "Malformed numbers are not numbers",
        arguments: [
            "", " ", "-", "+", ".", "1.2.3", "12a", "1e", "1e+", "e5", ".e5", "nan", "NaN", "inf", "-inf",
            "Infinity", "1,23", "1,2345", "1234,567", ",123", "1,234,", "1,,234", "1,234.5,6", "1.234,5",
            "١٢٣", "1，234", "１，２３４", "１2a", "0x10", "+-1", "--1", "1 2", "1e5e5", "12 USD", "1.7976931348623159e308",
            "-1e309", "¥", "万", "%",
        ])
    func notNumbers(text: String) {
        #expect(NumberReader().read(text) == .failure(.notANumber))
        #expect(NumberReader(unit: .wan).read(text) == .failure(.notANumber))
        #expect(NumberReader(unit: .percent).read(text) == .failure(.notANumber))
    }

    @Test(
        "Full-width digits, signs and points read as their ASCII forms",
        arguments: [
            ("１２５０", 1250.0, NumberUnit.none), ("－１２．５", -12.5, .none), ("−3", -3, .none), ("＋７", 7, .none),
            ("１,２５０", 1250, .none), ("４５万", 45, .wan), ("－１２．５％", -12.5, .percent), ("１e3", 1000, .none),
        ])
    func fullWidth(text: String, expected: Double, unit: NumberUnit) throws {
        let value = try NumberReader(unit: unit).read(text).get()
        #expect(value.bitPattern == expected.bitPattern, "\(text) read as \(value)")
        // The streaming reader's entry gives the same.
        let bytes = Array(text.utf8)
        let fast = bytes.withByteView { NumberReader(unit: unit).value(in: $0, from: 0, to: bytes.count) }
        #expect(fast?.bitPattern == expected.bitPattern)
    }

    @Test(
        "Percent columns take numbers with or without the percent sign, as written",
        arguments: [("35%", 35.0), ("35", 35), (" 12.5 % ", 12.5), ("-3%", -3), ("0.35", 0.35), ("40％", 40)])
    func percent(text: String, expected: Double) {
        #expect(NumberReader(unit: .percent).read(text) == .success(expected))
    }

    @Test(
        "Money converts to the column's unit",
        arguments: [
            (NumberUnit.wan, "1,800万", 1800.0), (.wan, "18,000,000元", 1800), (.wan, "0.18亿", 1800),
            (.wan, "1800", 1800), (.wan, "1,800 万元", 1800), (.wan, "0.18亿元", 1800), (.wan, "¥18,000,000", 1800),
            (.wan, "￥18000000", 1800), (.wan, "CNY 18000000", 1800), (.wan, "18000000 RMB", 1800),
            (.wan, "rmb18000000", 1800), (.wan, "-¥5万", -5), (.wan, "¥-5万", -5), (.yuan, "1.5万", 15000),
            (.yuan, "3亿", 300_000_000), (.yuan, "12.34元", 12.34), (.yi, "1,800万", 0.18), (.yi, "2", 2),
            (.wan, "1e3万", 1000), (.yuan, "0.1万", 1000),
        ])
    func money(unit: NumberUnit, text: String, expected: Double) {
        #expect(NumberReader(unit: unit).read(text) == .success(expected))
    }

    @Test("Unit conversion rounds once: 0.07亿 in a yuan column is exactly 7,000,000")
    func conversionRoundsOnce() throws {
        // 0.07 × 1e8 in binary floating point is 7000000.000000001.
        #expect(0.07 * 1e8 != 7_000_000)
        #expect(try NumberReader(unit: .yuan).read("0.07亿").get() == 7_000_000)
        #expect(try NumberReader(unit: .yi).read("7,000,000元").get() == 0.07)
    }

    @Test(
        "Unit signs are refused where the column has no unit or the wrong kind",
        arguments: [
            (NumberUnit.none, "35%", NumberReadError.unitNotAllowed("%")),
            (.none, "1,800万", .unitNotAllowed("万")),
            (.none, "¥5", .unitNotAllowed("¥")), (.percent, "5元", .unitNotAllowed("元")),
            (.percent, "RMB 5", .unitNotAllowed("RMB")), (.percent, "¥5%", .unitNotAllowed("¥")),
            (.none, "5 亿元", .unitNotAllowed("亿元")), (.wan, "35%", .wrongUnit(found: "%", expected: .wan)),
            (.yuan, "35％", .wrongUnit(found: "％", expected: .yuan)),
            (.yi, "¥35%", .wrongUnit(found: "%", expected: .yi)),
        ])
    func refusedUnits(unit: NumberUnit, text: String, error: NumberReadError) {
        #expect(NumberReader(unit: unit).read(text) == .failure(error))
    }

    @Test("Reading bytes honours a slice's own indices")
    func byteSlice() {
        let bytes = Array("xx1,800万yy".utf8)
        #expect(NumberReader(unit: .wan).read(bytes: bytes[2..<(bytes.count - 2)]) == .success(1800))
        #expect(NumberReader().read(bytes: bytes[2..<7]) == .success(1800))
    }

    @Test("Reading a Substring of a larger string uses only that slice")
    func substring() {
        let line = "K-1,1,800万,35%"
        let budget = line.dropFirst(4).prefix(6)
        #expect(budget == "1,800万")
        #expect(NumberReader(unit: .wan).read(budget) == .success(1800))
    }
}
