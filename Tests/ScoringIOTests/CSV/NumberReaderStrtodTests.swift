import ScoringEngine
import Testing

@testable import ScoringIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's correctly rounded reading of `text`.
private func strtodValue(_ text: String) -> Double {
    strtod(text, nil)
}

/// Random decimal strings of the shapes the number reader must round like `strtod`.
private struct DecimalStringGenerator {
    var random: SeededRandom

    mutating func digits(_ count: Int, leadingNonZero: Bool = false) -> String {
        var text = ""
        for index in 0..<count {
            let low = leadingNonZero && index == 0 ? 1 : 0
            text.append(Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8(Int.random(in: low...9, using: &random)))))
        }
        return text
    }

    mutating func sign() -> String {
        ["", "", "-", "+"].randomElement(using: &random)!
    }

    mutating func exponent() -> String {
        guard Bool.random(using: &random) else { return "" }
        let marker = Bool.random(using: &random) ? "e" : "E"
        let value = Int.random(in: -30...30, using: &random)
        let explicitPlus = value >= 0 && Bool.random(using: &random) ? "+" : ""
        return marker + explicitPlus + String(value)
    }

    /// One random number, cycling through the shapes.
    mutating func next(shape: Int) -> String {
        switch shape % 6 {
        case 0:  // integer, 1–20 digits, leading zeros possible
            return sign() + digits(Int.random(in: 1...20, using: &random)) + exponent()
        case 1:  // decimal with 1–20 fraction digits
            let integer = Bool.random(using: &random) ? digits(Int.random(in: 0...6, using: &random)) : "0"
            return sign() + integer + "." + digits(Int.random(in: 1...20, using: &random)) + exponent()
        case 2:  // long mantissa, more than 19 significant digits
            let total = Int.random(in: 20...40, using: &random)
            let point = Int.random(in: 1...total, using: &random)
            let all = digits(total, leadingNonZero: true)
            let text = String(all.prefix(point)) + "." + String(all.dropFirst(point))
            return sign() + text + exponent()
        case 3:  // near 2^53, with the point anywhere
            let base = Int64(1) << 53
            let value = String(base + Int64.random(in: -20...20, using: &random))
            let point = Int.random(in: 0...value.count, using: &random)
            let text = point == value.count ? value : String(value.prefix(point)) + "." + String(value.dropFirst(point))
            return sign() + (text.hasPrefix(".") ? "0" + text : text) + exponent()
        case 4:  // short business-like values
            return sign() + digits(Int.random(in: 1...7, using: &random), leadingNonZero: true) + "."
                + digits(Int.random(in: 1...4, using: &random))
        default:  // 15–19 significant digits around the fast path's limit, with an exponent
            return sign() + digits(Int.random(in: 15...19, using: &random), leadingNonZero: true) + "e"
                + String(Int.random(in: -30...30, using: &random))
        }
    }
}

/// Inserts thousands separators into an integer string of digits.
private func grouped(_ digits: String) -> String {
    var groups: [Substring] = []
    var rest = Substring(digits)
    while rest.count > 3 {
        groups.insert(rest.suffix(3), at: 0)
        rest = rest.dropLast(3)
    }
    groups.insert(rest, at: 0)
    return groups.joined(separator: ",")
}

@Suite("NumberReader rounds exactly like strtod")
struct NumberReaderStrtodTests {
    @Test("200,000 random decimal strings read bit for bit as strtod reads them")
    func randomStrings() throws {
        var generator = DecimalStringGenerator(random: SeededRandom(seed: 20_261_129))
        let reader = NumberReader()
        var mismatches: [String] = []
        for index in 0..<200_000 {
            let text = generator.next(shape: index)
            let expected = strtodValue(text)
            switch reader.read(text) {
            case .success(let value) where value.bitPattern == expected.bitPattern: continue
            case let other: mismatches.append("\(text): \(other) vs strtod \(expected)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    @Test(
        "Edge cases read bit for bit as strtod reads them",
        arguments: [
            "0", "-0", "0.0", "-0.0", "0e999", "1e-320", "4.9e-324", "2.4703282292062328e-324",
            "2.2250738585072014e-308", "2.2250738585072011e-308", "1.7976931348623157e308", "00012", ".5", "5.",
            "-.5", "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
            "900719925474099.3", "1e22", "1e23", "1e-22", "1e-23", "8.5e-1", "123456789012345678901234567890",
            "0.000000000000000000000000000001", "1e-400", "179769313486231570000000000000e279",
            "4.35679e-2", "0.1", "0.3", "3.14159265358979323846264338327950288",
        ])
    func edgeCases(text: String) {
        let expected = strtodValue(text)
        #expect(NumberReader().read(text).map(\.bitPattern) == .success(expected.bitPattern), "\(text)")
    }

    @Test("Correctly grouped thousands read like the digits without separators")
    func validSeparators() {
        var random = SeededRandom(seed: 7)
        let reader = NumberReader()
        for _ in 0..<20_000 {
            var generator = DecimalStringGenerator(random: random)
            let integer = generator.digits(Int.random(in: 1...16, using: &generator.random), leadingNonZero: true)
            let fraction = Bool.random(using: &generator.random) ? "." + generator.digits(3) : ""
            random = generator.random
            let expected = strtodValue(integer + fraction)
            let text = grouped(integer) + fraction
            #expect(reader.read(text).map(\.bitPattern) == .success(expected.bitPattern), "\(text)")
        }
    }

    @Test("Misplaced thousands separators are rejected")
    func invalidSeparators() {
        var random = SeededRandom(seed: 11)
        let reader = NumberReader()
        for _ in 0..<20_000 {
            var generator = DecimalStringGenerator(random: random)
            let integer = generator.digits(Int.random(in: 2...12, using: &generator.random), leadingNonZero: true)
            random = generator.random
            // A single separator is right only with one to three digits before it and three after.
            let position = Int.random(in: 1..<integer.count, using: &random)
            if position <= 3 && integer.count - position == 3 { continue }
            let text = String(integer.prefix(position)) + "," + String(integer.dropFirst(position))
            #expect(reader.read(text) == .failure(.notANumber), "\(text)")
        }
    }

    @Test("Converted money rounds like strtod on the shifted exponent")
    func moneyConversion() {
        var generator = DecimalStringGenerator(random: SeededRandom(seed: 99))
        let wan = NumberReader(unit: .wan)
        for index in 0..<20_000 {
            let digits = generator.digits(Int.random(in: 1...18, using: &generator.random), leadingNonZero: true)
            let point = Int.random(in: 0...digits.count, using: &generator.random)
            let number =
                point == digits.count ? digits : String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            let written = number.hasPrefix(".") ? "0" + number : number
            let (suffix, shift) = [("元", -4), ("万", 0), ("亿元", 4)][index % 3]
            let expected = strtodValue(written + "e\(shift)")
            let value = wan.read(written + suffix)
            #expect(value.map(\.bitPattern) == .success(expected.bitPattern), "\(written)\(suffix)")
        }
    }
}
