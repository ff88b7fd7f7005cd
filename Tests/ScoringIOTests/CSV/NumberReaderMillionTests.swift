import ScoringEngine
import Testing

@testable import ScoringIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random number texts written straight into bytes (fast enough to make millions in a
/// debug build), with the value `strtod` gives for them.
private struct ByteNumberGenerator {
    var random: SeededRandom

    mutating func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }

    mutating func digits(_ count: Int, into text: inout [UInt8], leadingNonZero: Bool = false) {
        for index in 0..<count {
            let low = leadingNonZero && index == 0 ? 1 : 0
            text.append(UInt8(ascii: "0") + UInt8(low + below(10 - low)))
        }
    }

    /// One number text (no separators) in one of eight shapes; `strtod` reads it whole.
    mutating func number(shape: Int) -> [UInt8] {
        var text: [UInt8] = []
        switch below(4) {
        case 0: text.append(UInt8(ascii: "-"))
        case 1: text.append(UInt8(ascii: "+"))
        default: break
        }
        func exponent(_ range: ClosedRange<Int>, _ text: inout [UInt8], _ generator: inout ByteNumberGenerator) {
            text.append(generator.below(2) == 0 ? UInt8(ascii: "e") : UInt8(ascii: "E"))
            let value = range.lowerBound + generator.below(range.count)
            if value >= 0 && generator.below(2) == 0 { text.append(UInt8(ascii: "+")) }
            text += Array(String(value).utf8)
        }
        switch shape % 8 {
        case 0:  // business values: up to 7 integer digits, up to 4 decimals
            digits(1 + below(7), into: &text, leadingNonZero: true)
            if below(2) == 0 {
                text.append(UInt8(ascii: "."))
                digits(1 + below(4), into: &text)
            }
        case 1:  // integers of 1–20 digits, leading zeros possible
            digits(1 + below(20), into: &text)
        case 2:  // decimals with 1–25 fraction digits, sometimes no integer part
            if below(3) > 0 { digits(1 + below(6), into: &text) }
            text.append(UInt8(ascii: "."))
            digits(1 + below(25), into: &text)
        case 3:  // long mantissas: 20–40 significant digits
            let total = 20 + below(21)
            let point = 1 + below(total)
            var all: [UInt8] = []
            digits(total, into: &all, leadingNonZero: true)
            text += all[..<point] + [UInt8(ascii: ".")] + all[point...]
        case 4:  // exponents across the whole range, including overflow to infinity
            digits(1 + below(17), into: &text, leadingNonZero: true)
            if below(2) == 0 {
                text.append(UInt8(ascii: "."))
                digits(1 + below(10), into: &text)
            }
            exponent(-340...310, &text, &self)
        case 5:  // subnormals and the smallest normals
            text += Array("0.".utf8)
            digits(1 + below(17), into: &text, leadingNonZero: true)
            exponent(-330 ... -300, &text, &self)
        case 6:  // around 2^53, where the fast path ends
            let value = String((Int64(1) << 53) + Int64(below(41)) - 20)
            let point = below(value.count + 1)
            if point == value.count {
                text += Array(value.utf8)
            } else {
                text += Array((point == 0 ? "0" : String(value.prefix(point))).utf8)
                text += [UInt8(ascii: ".")] + Array(value.dropFirst(point).utf8)
            }
        default:  // 15–19 significant digits with exponents around the exact powers of ten
            digits(15 + below(5), into: &text, leadingNonZero: true)
            exponent(-45...45, &text, &self)
        }
        return text
    }
}

/// `strtod` on bytes (NUL-terminated copy).
private func strtodValue(_ text: [UInt8]) -> Double {
    (text + [0]).withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { strtod($0, nil) }
    }
}

/// The streaming reader's entry on a byte buffer.
private func fastValue(_ reader: NumberReader, _ text: [UInt8]) -> Double? {
    text.withByteView { reader.value(in: $0, from: 0, to: $0.count) }
}

@Suite("The fast number reader equals strtod bit for bit on millions of strings")
struct NumberReaderMillionTests {
    @Test("2,000,000 random numbers of eight shapes read as strtod reads them, or are refused as out of range")
    func millions() {
        var generator = ByteNumberGenerator(random: SeededRandom(seed: 2_026_006))
        let reader = NumberReader()
        var mismatches: [String] = []
        var refused = 0
        for index in 0..<2_000_000 {
            let text = generator.number(shape: index)
            let expected = strtodValue(text)
            let value = fastValue(reader, text)
            if !expected.isFinite {
                // Beyond Double.greatestFiniteMagnitude: not a number the engine can use.
                if value != nil { mismatches.append("\(String(decoding: text, as: UTF8.self)): \(String(describing: value)) vs inf") }
                refused += 1
                continue
            }
            if value?.bitPattern != expected.bitPattern {
                mismatches.append("\(String(decoding: text, as: UTF8.self)): \(String(describing: value)) vs \(expected)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
        #expect(refused > 0)
    }

    @Test("Edge cases: signs, zeros, subnormals, the largest double, 2^53 ± 1, exact powers of ten")
    func edges() {
        let reader = NumberReader()
        let cases = [
            "0", "-0", "+0", "0.0", "-0.000", "00012", ".5", "5.", "-.5", "+.5", "1e22", "1e23", "1e-22", "1e-23",
            "9007199254740991", "9007199254740992", "9007199254740993", "9007199254740994", "900719925474099.3",
            "4.9e-324", "2.4703282292062328e-324", "2.4703282292062327e-324", "1e-400", "2.2250738585072011e-308",
            "2.2250738585072014e-308", "1.7976931348623157e308", "1.7976931348623158e308", "123456789e22",
            "1234567890123456789", "12345678901234567890", "0.1", "0.3", "3.14159265358979323846264338327950288",
            "99999999999999999999e-20", "1E+2", "1e+0", "7e-0",
        ]
        for text in cases {
            let bytes = Array(text.utf8)
            let expected = strtodValue(bytes)
            #expect(fastValue(reader, bytes)?.bitPattern == expected.bitPattern, "\(text)")
        }
        #expect(fastValue(reader, Array("1e309".utf8)) == nil)
        #expect(fastValue(reader, Array("-1e309".utf8)) == nil)
    }

    @Test("Thousands separators where allowed read like the bare digits; percent signs in percent columns")
    func separatorsAndPercent() {
        var generator = ByteNumberGenerator(random: SeededRandom(seed: 77))
        let plain = NumberReader()
        let percent = NumberReader(unit: .percent)
        for _ in 0..<200_000 {
            var integer: [UInt8] = []
            generator.digits(1 + generator.below(15), into: &integer, leadingNonZero: true)
            var fraction: [UInt8] = []
            if generator.below(2) == 0 {
                fraction.append(UInt8(ascii: "."))
                generator.digits(1 + generator.below(6), into: &fraction)
            }
            let expected = strtodValue(integer + fraction)
            var grouped: [UInt8] = []
            for (index, digit) in integer.enumerated() {
                if index > 0 && (integer.count - index) % 3 == 0 { grouped.append(UInt8(ascii: ",")) }
                grouped.append(digit)
            }
            #expect(fastValue(plain, grouped + fraction)?.bitPattern == expected.bitPattern)
            #expect(fastValue(percent, integer + fraction + [UInt8(ascii: "%")])?.bitPattern == expected.bitPattern)
        }
    }

    @Test("What is not a number is refused, as by the full reader")
    func notNumbers() {
        var generator = ByteNumberGenerator(random: SeededRandom(seed: 91))
        let reader = NumberReader()
        let fixed = [
            "", "+", "-", ".", "e5", ".e1", "1e", "1e+", "--5", "+-5", "1..2", "1.2.3", "inf", "nan", "Infinity",
            "0x1p3", "1 2", "1,23", "1234,567", ",123", "123,", "1,2345", "12a", "a12", "1%", "１，２", "1_000", "1e5x",
            "NaN", "1.5.", "١٢",
        ]
        for text in fixed {
            let bytes = Array(text.utf8)
            #expect(fastValue(reader, bytes) == nil, "\(text)")
            #expect(throws: NumberReadError.self, "\(text)") { try reader.read(text).get() }
        }
        // Valid numbers with one byte replaced by a letter, a second point or a sign inside.
        let corruptions: [UInt8] = Array("xZ.+-e,".utf8)
        var refused = 0
        for index in 0..<200_000 {
            var text = generator.number(shape: index % 4)
            let position = generator.below(text.count)
            text[position] = corruptions[generator.below(corruptions.count)]
            let fast = fastValue(reader, text)
            let full = try? reader.read(String(decoding: text, as: UTF8.self)).get()
            #expect(fast?.bitPattern == full?.bitPattern, "\(String(decoding: text, as: UTF8.self))")
            if fast == nil { refused += 1 }
            // Accepted: a number after all (a separator that happens to group digits in
            // threes reads like the digits without it).
            if let fast { #expect(fast.bitPattern == strtodValue(text.filter { $0 != UInt8(ascii: ",") }).bitPattern) }
        }
        #expect(refused > 100_000)
    }
}
