import Foundation
import ScoringEngine
import Testing

@testable import ScoringIO

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

    @Test(
        "numbers the engine writes are fixed-decimal and locale-free",
        arguments: [
            (0.0, 2, "0.00"), (-0.004, 2, "0.00"), (-0.005, 2, "-0.01"), (12.345, 1, "12.3"), (99.995, 2, "100.00"),
            (1_234_567.891, 3, "1234567.891"), (-7.5, 0, "-8"), (0.125, 4, "0.1250"),
        ])
    func decimals(value: Double, digits: Int, expected: String) {
        #expect(formatDecimal(value, digits: digits) == expected)
    }

    /// The string-building formatter the byte writer replaced, kept as an independent oracle.
    static func referenceDecimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
        var power: Int64 = 1
        for _ in 0..<digits { power *= 10 }
        let scaled = (abs(value) * Double(power)).rounded()
        guard scaled < 9e15 else { return String(value) }
        let units = Int64(scaled)
        var text = value < 0 && units != 0 ? "-" : ""
        text += String(units / power)
        if digits > 0 {
            let fraction = String(units % power)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    @Test("the byte formatter writes what the string formatter wrote, on 200,000 random and edge values")
    func decimalsAgainstReference() {
        var random = SeededRandom(seed: 5)
        var values: [Double] = [
            0, -0.0, 1, -1, 9, 10, 99.5, 1e15, 8.99e15, 9e15, 1e300, -1e300, 5e-324, .nan, .infinity, -.infinity,
            Double(Int64.max), 0.5, 1.5, 2.5, 123_456_789.123_456,
        ]
        for _ in 0..<200_000 {
            let magnitude = Foundation.pow(10, random.nextDouble() * 20 - 6)
            values.append((random.nextDouble() < 0.5 ? -1 : 1) * magnitude)
        }
        for (index, value) in values.enumerated() {
            let digits = index % 7
            let expected = Self.referenceDecimal(value, digits: digits)
            guard formatDecimal(value, digits: digits) == expected else {
                Issue.record("formatDecimal(\(value), digits: \(digits)) is '\(formatDecimal(value, digits: digits))', not '\(expected)'")
                return
            }
        }
    }

    @Test("a record built field by field equals CSVWriter.record of the same fields")
    func recordBuffer() {
        var buffer = CSVRecordBuffer()
        buffer.integer(12)
        buffer.text("K-1")
        buffer.text("a,b")
        buffer.text("=x")
        buffer.text("say \"hi\"")
        buffer.number(-0.004, digits: 2)
        buffer.number(.nan, digits: 4)
        buffer.number(1234.5678, digits: 4)
        buffer.integer(-7)
        buffer.plain("A")
        buffer.endRecord()
        buffer.integer(0)
        buffer.endRecord()
        let text = CSVWriter.record(["12", "K-1", "a,b", "=x", "say \"hi\""])
        let expected =
            String(text.dropLast()) + "," + ["0.00", "", "1234.5678", "-7", "A"].joined(separator: ",") + "\n0\n"
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == expected)
        buffer.removeAll()
        buffer.text("x\ny")
        buffer.endRecord()
        #expect(buffer.bytes == Array("\"x\ny\"\n".utf8))
        var semicolons = CSVRecordBuffer(delimiter: ";")
        semicolons.text("a;b")
        semicolons.text("a,b")
        semicolons.endRecord()
        #expect(String(decoding: semicolons.bytes, as: UTF8.self) == "\"a;b\";a,b\n")
    }
}

@Suite("Formatting straight into reserved bytes (OutputSpan)")
struct OutputSpanFormattingTests {
    static func bytes(_ body: (inout OutputSpan<UInt8>) -> Void) -> String {
        var bytes: [UInt8] = []
        bytes.append(addingCapacity: 128) { body(&$0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("decimals equal the string formatter on 1,000,000 random bit patterns and edge values, 0 to 12 decimals")
    func decimals() {
        var random = SeededRandom(seed: 15)
        var values: [Double] = [
            0, -0.0, 0.5, -0.5, 1.5, 2.5, 0.49999999999999994, 4503599627370495.5, 4503599627370496, 8.999999999999999e15,
            9e15, 1e21, -1e21, 1e22, 123456789012345678901234.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
            .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .nan, .infinity, -.infinity,
        ]
        for index in 0..<1_000_000 {
            let bits = random.next()
            switch index % 4 {
            case 0: values.append(Double(bitPattern: bits))  // anything: subnormals, huge, NaN payloads
            case 1: values.append((random.nextDouble() - 0.5) * 200)  // the usual scores and points
            case 2: values.append(Double(Int64(bitPattern: bits) >> 20))  // integers, both signs
            default: values.append(Foundation.pow(10, random.nextDouble() * 40 - 20) * (bits & 1 == 0 ? 1 : -1))
            }
        }
        for (index, value) in values.enumerated() {
            let digits = index % 13
            let expected = CSVWriterTests.referenceDecimal(value, digits: digits)
            let written = Self.bytes { $0.appendDecimal(value, digits: digits) }
            guard written == expected else {
                Issue.record("appendDecimal(\(value), digits: \(digits)) wrote '\(written)', not '\(expected)'")
                return
            }
            #expect(written.utf8.count <= OutputSpan<UInt8>.decimalCapacity(digits: digits))
        }
    }

    @Test("integers, text fields and CSV numbers equal what CSVWriter and CSVRecordBuffer write")
    func fields() {
        for value in [0, 7, -7, 10, 99, 100, Int.max, Int.min, 1_234_567_890] {
            #expect(Self.bytes { $0.appendInteger(value) } == String(value))
        }
        for text in ["", "plain", "=SUM(A1)", "-2", "a,b", "say \"hi\"", "two\nlines", "\rx", "华信\"集团\"", "@x,y"] {
            #expect(Self.bytes { $0.appendCSVField(text.utf8, separator: UInt8(ascii: ",")) } == CSVWriter.field(text))
            #expect(
                Self.bytes { $0.appendCSVField(Array(text.utf8), separator: UInt8(ascii: ";")) } == CSVWriter.field(text, delimiter: ";"))
        }
        #expect(Self.bytes { $0.appendCSVNumber(.nan, digits: 4) } == "")
        #expect(Self.bytes { $0.appendCSVNumber(-0.00004, digits: 4) } == "0.0000")
        #expect(Self.bytes { $0.appendDigits(42, minimumCount: 5) } == "00042")
    }

    @Test("four fixed decimals built in one word equal the digits written one by one, with room for the word and without")
    func fixedFour() {
        var fractions = Array(stride(from: 0, to: 10_000, by: 7)).map(UInt32.init)
        fractions += [0, 1, 9, 10, 99, 100, 999, 1000, 5000, 9990, 9999]
        var word: [UInt8] = []
        var exact: [UInt8] = []
        var reference: [UInt8] = []
        for integer in UInt32(0)..<1000 {
            for fraction in fractions {
                reference.removeAll(keepingCapacity: true)
                reference.append(addingCapacity: 16) {
                    $0.appendDigits(UInt64(integer))
                    $0.append(UInt8(ascii: "."))
                    $0.appendFourDigits(fraction)
                }
                word.removeAll(keepingCapacity: true)
                word.append(addingCapacity: 16) { $0.appendFixedFour(integer, fraction) }
                // Exactly the room the bytes need: written byte by byte.
                exact.removeAll(keepingCapacity: true)
                exact.append(addingCapacity: reference.count) { $0.appendFixedFour(integer, fraction) }
                guard word == reference, exact == reference else {
                    Issue.record("appendFixedFour(\(integer), \(fraction)) wrote \(word) and \(exact), not \(reference)")
                    return
                }
            }
        }
        // A number after other bytes: the store's extra bytes are overwritten by what follows.
        let joined = Self.bytes {
            $0.appendDecimal(12.5, digits: 4)
            $0.append(UInt8(ascii: ","))
            $0.appendDecimal(-3.25, digits: 4)
            $0.append(UInt8(ascii: ","))
            $0.appendDecimal(999.9999, digits: 4)
            $0.append(UInt8(ascii: ","))
            $0.appendDecimal(1000.5, digits: 4)
        }
        #expect(joined == "12.5000,-3.2500,999.9999,1000.5000")
    }

    @Test("digits equal String's, zero-padded, at every length from 1 to 20 digits and padding 0 to 20")
    func digitsAgainstString() {
        var random = SeededRandom(seed: 11)
        var numbers: [UInt64] = [0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10_000, UInt64.max, UInt64.max - 1]
        for exponent in 0..<20 {
            let power = (0..<exponent).reduce(UInt64(1)) { product, _ in product * 10 }
            numbers += [power, power &- 1, power &+ 1]
        }
        for _ in 0..<100_000 {
            // Uniform in the number of bits, then in the bits themselves.
            let bits = random.next() % 64 + 1
            let word = random.next()
            numbers.append(bits == 64 ? word : word & ((1 << bits) - 1))
        }
        for (index, number) in numbers.enumerated() {
            let minimum = index % 21
            let plain = String(number)
            let expected = String(repeating: "0", count: max(0, minimum - plain.count)) + plain
            let written = Self.bytes { $0.appendDigits(number, minimumCount: minimum) }
            guard written == expected else {
                Issue.record("appendDigits(\(number), minimumCount: \(minimum)) wrote '\(written)', not '\(expected)'")
                return
            }
        }
    }
}
