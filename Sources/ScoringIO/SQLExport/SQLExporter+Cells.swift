import ScoringEngine

/// Cell texts to values, the way ``NumberReader`` and the prospect-list loader read them.
///
/// A table cell may hold text (`45万`, `1,800`, `23.5%`, `NA`) or a typed number; the SQL
/// casts every cell to text and reads it with the same grammar as `kam rank`:
///
/// 1. tabs become spaces and spaces are trimmed at both ends (the CSV reader trims
///    unquoted fields);
/// 2. an empty cell, NULL or a missing code (ASCII case ignored, as kam compares them) is
///    missing;
/// 3. a number is `[sign][currency sign][sign]digits[,ddd…][.digits][e±digits][ unit]`,
///    with the units and currency signs its column's unit allows (NumberReader's rules);
///    anything else rejects the row, as kam rejects it;
/// 4. the value is the written digits with the decimal exponent moved by the unit
///    conversion, rounded once by the engine's text-to-double cast (correctly rounded in
///    DuckDB, Spark and PostgreSQL, as kam's reader is), so `0.18亿` in a 万元 column is
///    exactly 1800.
///
/// Differences that cannot matter for business data are stated in docs/sql-export.md:
/// exponents of more than 6 digits are not read, and text is compared without Unicode
/// normalization.
extension SQLExporter {
    /// A cell as cleaned text: tabs to spaces, trimmed; NULL stays NULL.
    func cleanText(_ column: String) -> String {
        let text = dialect.castText(dialect.identifier(column))
        return dialect.trimSpaces("replace(\(text), \(dialect.tab), ' ')")
    }

    /// Whether cleaned text `text` means "no value".
    func isMissing(_ text: String) -> String {
        let codes = model.missingCodes.filter { !$0.isEmpty && $0.utf8.count < 64 }
            .map { String(decoding: $0.utf8.map(Self.asciiLower), as: UTF8.self) }
        var condition = "\(text) IS NULL OR \(text) = ''"
        if !codes.isEmpty {
            let lowered = "translate(\(text), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
            condition += " OR \(lowered) IN (\(codes.map(dialect.string).joined(separator: ", ")))"
        }
        return "(\(condition))"
    }

    static func asciiLower(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    static let currencyPrefix = "(¥|￥|[Cc][Nn][Yy]|[Rr][Mm][Bb])"
    static let mantissa = "(([0-9]{1,3}(,[0-9]{3})+|[0-9]+)([.][0-9]*)?|[.][0-9]+)"
    static let exponent = "([eE][+-]?0*[0-9]{1,6})?"

    /// The regular expression of a valid number in a column of `unit`.
    static func numberPattern(unit: NumberUnit) -> String {
        switch unit {
        case .none:
            return "^[+-]?" + mantissa + exponent + "$"
        case .percent:
            return "^[+-]?" + mantissa + exponent + "( *(%|％))?$"
        case .yuan, .wan, .yi:
            let head = "([+-]?|[+-]?" + currencyPrefix + " *|" + currencyPrefix + " *[+-])"
            return "^" + head + mantissa + exponent + "( *(元|万元|万|亿元|亿|[Cc][Nn][Yy]|[Rr][Mm][Bb]))?$"
        }
    }

    /// The value of cleaned, present text in a column of `unit`, as a double; NULL when the
    /// text is not a number there. Values beyond the double range are NULL too (checked by
    /// ``finite(_:)`` in the next layer).
    func number(_ cell: String, unit: NumberUnit) -> String {
        // Full-width digits, signs and points read as ASCII, as NumberReader reads them (a
        // text holding one is never an ASCII number, so folding first changes nothing else).
        let text = "translate(\(cell), '０１２３４５６７８９＋－．−', '0123456789+-.-')"
        let valid = dialect.matches(text, Self.numberPattern(unit: unit))
        let sign = "CASE WHEN \(dialect.matches(text, "^[^0-9.]*-")) THEN '-' ELSE '' END"
        let digits = "replace(\(dialect.extract(text, "[0-9][0-9,]*[.]?[0-9]*|[.][0-9]+", group: 0)), ',', '')"
        let written = dialect.extract(text, "[eE]([+-]?[0-9]+)", group: 1)
        let writtenExponent = "CASE WHEN \(written) = '' THEN 0 ELSE \(dialect.castInteger(written)) END"
        var shift = "0"
        if let columnExponent = unit.sqlYuanExponent {
            let prefixed = dialect.matches(text, "^[+-]?" + Self.currencyPrefix)
            shift =
                "CASE WHEN \(dialect.matches(text, "亿元?$")) THEN \(8 - columnExponent)"
                + " WHEN \(dialect.matches(text, "万元?$")) THEN \(4 - columnExponent)"
                + " WHEN \(dialect.matches(text, "(元|[Cc][Nn][Yy]|[Rr][Mm][Bb])$")) THEN \(-columnExponent)"
                + " WHEN \(prefixed) THEN \(-columnExponent) ELSE 0 END"
        }
        let exponentText = dialect.castText("(\(writtenExponent)) + (\(shift))")
        let normalized = "\(sign) || \(digits) || 'e' || \(exponentText)"
        // The usual cell (`1800`, `-2`, `23.5`, `35%` in a percent column) is cast as it is,
        // without regular expressions: the same correctly rounded value, several times faster.
        let plain =
            unit == .percent ? "CASE WHEN right(\(text), 1) = '%' THEN substr(\(text), 1, length(\(text)) - 1) ELSE \(text) END" : text
        let rest = "translate(\(plain), '0123456789', '')"
        let simple =
            "\(rest) IN ('', '.', '-', '-.', '+', '+.') AND length(\(rest)) < length(\(plain))"
            + " AND (left(\(rest), 1) NOT IN ('-', '+') OR left(\(plain), 1) = left(\(rest), 1))"
        return "CASE WHEN \(simple) THEN \(dialect.castDouble(plain)) WHEN \(valid) THEN \(dialect.castDouble(normalized)) END"
    }

    /// `value` when it is a finite double, NULL otherwise.
    func finite(_ value: String) -> String {
        "CASE WHEN abs(\(value)) <= \(dialect.double(.greatestFiniteMagnitude)) THEN \(value) END"
    }

    /// The unit a column's numbers are read in (the factor's, else `column_units`).
    func unit(ofColumn name: String) -> NumberUnit {
        ProspectListLoader.unit(ofColumn: name, in: model)
    }
}

extension NumberUnit {
    /// The power of ten from one of this unit to yuan, or `nil` if it is not money.
    var sqlYuanExponent: Int? {
        switch self {
        case .yuan: return 0
        case .wan: return 4
        case .yi: return 8
        case .none, .percent: return nil
        }
    }
}
