/// A review period as plan and actual files write it: a quarter, a month or a year
/// (seed §2.1: indicators are reviewed 月/季/年, month, quarter or year; §1.2: 季度考核).
///
/// Different spellings of the same period are the same value, so a plan that writes
/// `2024-Q2` matches actuals that write `2024Q2` or `2024年第二季度`:
///
/// | kind | accepted spellings | canonical ``label`` |
/// |---|---|---|
/// | quarter | `2024Q2`, `2024-Q2`, `2024 q2`, `Q2 2024`, `2024年Q2`, `2024年第2季度`, `2024年第二季度` | `2024Q2` |
/// | month | `2024-06`, `2024-6`, `2024/06`, `2024.06`, `2024年6月` | `2024-06` |
/// | year | `2024`, `2024年` | `2024` |
///
/// Any other text is a period too (``Kind/other(_:)``, compared as written, trimmed), but it
/// has no ``previous`` period, so sales growth needs an explicit `previous_sales`.
public struct ReviewPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case year(Int)
        /// `quarter` is 1...4.
        case quarter(year: Int, quarter: Int)
        /// `month` is 1...12.
        case month(year: Int, month: Int)
        case other(String)
    }

    public let kind: Kind

    public init(kind: Kind) {
        self.kind = kind
    }

    /// Reads a period as written in a file; never fails (unrecognized text is `.other`).
    public init(_ text: String) {
        kind = Self.parse(PerformanceText.trimmed(text))
    }

    /// The canonical spelling: `2024Q2`, `2024-06`, `2024`, or the text as written.
    public var label: String {
        switch kind {
        case .year(let year): return String(year)
        case .quarter(let year, let quarter): return "\(year)Q\(quarter)"
        case .month(let year, let month): return "\(year)-\(month < 10 ? "0" : "")\(month)"
        case .other(let text): return text
        }
    }

    public var description: String { label }

    /// The period before this one of the same kind (2024Q1 → 2023Q4, 2024-01 → 2023-12),
    /// or `nil` for unrecognized text.
    public var previous: ReviewPeriod? {
        switch kind {
        case .year(let year): return ReviewPeriod(kind: .year(year - 1))
        case .quarter(let year, let quarter):
            return ReviewPeriod(kind: quarter == 1 ? .quarter(year: year - 1, quarter: 4) : .quarter(year: year, quarter: quarter - 1))
        case .month(let year, let month):
            return ReviewPeriod(kind: month == 1 ? .month(year: year - 1, month: 12) : .month(year: year, month: month - 1))
        case .other: return nil
        }
    }

    /// How many calendar months the period spans (12, 3 or 1), or `nil` for unrecognized
    /// text. Monthly rules (attendance) accept at most this many monthly values.
    public var monthCount: Int? {
        switch kind {
        case .year: return 12
        case .quarter: return 3
        case .month: return 1
        case .other: return nil
        }
    }

    /// Chronological within a kind; years, then quarters, then months, then other text.
    public static func < (lhs: ReviewPeriod, rhs: ReviewPeriod) -> Bool {
        func key(_ period: ReviewPeriod) -> (Int, Int, Int, String) {
            switch period.kind {
            case .year(let year): return (0, year, 0, "")
            case .quarter(let year, let quarter): return (1, year, quarter, "")
            case .month(let year, let month): return (2, year, month, "")
            case .other(let text): return (3, 0, 0, text)
            }
        }
        return key(lhs) < key(rhs)
    }

    /// Why `text` looks like a quarter or month that does not exist (`2024Q5`, `2024-13`,
    /// `2024年第5季度`, `Q0 2024`), or `nil` when it is a valid period or plain other text.
    /// Files refuse such periods at read time rather than treat them as unrelated text.
    /// - Parameter language: The language of the reason (English by default).
    public static func impossiblePeriod(_ text: String, language: Language = .en) -> String? {
        let zh = language == .zh
        let trimmed = PerformanceText.trimmed(text)
        guard case .other = parse(trimmed) else { return nil }
        let characters = Array(trimmed)
        // "Q5 2024"
        if characters.count >= 6, characters[0] == "Q" || characters[0] == "q", let quarter = characters[1].wholeNumberValue {
            let rest = String(characters.dropFirst(2)).drop { $0 == " " || $0 == "-" || $0 == "/" }
            if rest.count == 4, Int(rest) != nil {
                return zh ? "不存在第 \(quarter) 季度；季度为 Q1 到 Q4" : "quarter \(quarter) does not exist; a quarter is Q1 to Q4"
            }
            return nil
        }
        guard characters.count >= 5, characters.prefix(4).allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var rest = String(characters.dropFirst(4).drop { $0 == " " || $0 == "-" || $0 == "/" || $0 == "." || $0 == "年" })
        let quarterWords: Set<Character> = ["五", "六", "七", "八", "九", "零", "〇"]
        var quarterText = rest
        if quarterText.hasPrefix("第") { quarterText.removeFirst() }
        if quarterText.hasSuffix("季度") { quarterText.removeLast(2) }
        let explicit = quarterText.first == "Q" || quarterText.first == "q"
        if explicit { quarterText.removeFirst() }
        if explicit || rest.hasSuffix("季度") {
            if !quarterText.isEmpty, quarterText.allSatisfy({ $0.isASCII && $0.isNumber }) || quarterText.allSatisfy(quarterWords.contains)
            {
                return zh ? "不存在第 \(quarterText) 季度；季度为 Q1 到 Q4" : "quarter \(quarterText) does not exist; a quarter is Q1 to Q4"
            }
            return nil
        }
        if rest.hasSuffix("月") { rest.removeLast() }
        if (1...2).contains(rest.count), rest.allSatisfy({ $0.isASCII && $0.isNumber }), let month = Int(rest), !(1...12).contains(month) {
            return zh ? "不存在 \(month) 月；月份为 1 到 12" : "month \(month) does not exist; a month is 1 to 12"
        }
        return nil
    }

    // MARK: Parsing

    private static let chineseDigits: [Character: Int] = ["一": 1, "二": 2, "三": 3, "四": 4]

    private static func parse(_ text: String) -> Kind {
        let characters = Array(text)
        // "Q2 2024", "Q2-2024"
        if characters.count >= 6, characters[0] == "Q" || characters[0] == "q",
            let quarter = characters[1].wholeNumberValue, (1...4).contains(quarter)
        {
            let rest = String(characters.dropFirst(2)).drop { $0 == " " || $0 == "-" || $0 == "/" }
            if rest.count == 4, let year = Int(rest), rest.allSatisfy(\.isASCII) {
                return .quarter(year: year, quarter: quarter)
            }
            return .other(text)
        }
        guard characters.count >= 4, characters.prefix(4).allSatisfy({ $0.isASCII && $0.isNumber }),
            let year = Int(String(characters.prefix(4)))
        else { return .other(text) }
        var rest = String(characters.dropFirst(4))
        if rest.isEmpty || rest == "年" { return .year(year) }
        rest = String(rest.drop { $0 == " " || $0 == "-" || $0 == "/" || $0 == "." || $0 == "年" })
        // Quarters: Q2, q2, 第2季度, 第二季度, 2季度, Q2季度
        var quarterText = rest
        if quarterText.hasPrefix("第") { quarterText.removeFirst() }
        if quarterText.hasSuffix("季度") { quarterText.removeLast(2) }
        let explicitQuarter = quarterText.first == "Q" || quarterText.first == "q"
        if explicitQuarter { quarterText.removeFirst() }
        if explicitQuarter || rest.hasSuffix("季度"), quarterText.count == 1, let character = quarterText.first,
            let quarter = character.wholeNumberValue ?? chineseDigits[character], (1...4).contains(quarter)
        {
            return .quarter(year: year, quarter: quarter)
        }
        // Months: 06, 6, 6月
        var monthText = rest
        if monthText.hasSuffix("月") { monthText.removeLast() }
        if (1...2).contains(monthText.count), monthText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let month = Int(monthText), (1...12).contains(month)
        {
            return .month(year: year, month: month)
        }
        return .other(text)
    }
}
