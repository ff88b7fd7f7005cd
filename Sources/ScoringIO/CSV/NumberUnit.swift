/// The unit a numeric column is written in.
///
/// Money units are powers of ten of the yuan (元, CNY), so converting between them only moves
/// the decimal point: 1 万元 = 10⁴ 元, 1 亿元 = 10⁸ 元.
public enum NumberUnit: String, Sendable, Codable, CaseIterable {
    /// A plain number; no unit sign may follow it.
    case none
    /// A percentage written as a number of percent: `35%` and `35` both read as 35.
    case percent
    /// Yuan (元).
    case yuan
    /// Ten thousand yuan (万元), the usual unit of budgets in Chinese sales reports.
    case wan
    /// One hundred million yuan (亿元).
    case yi

    /// The power of ten that turns one of this unit into yuan, or `nil` if it is not money.
    var yuanExponent: Int? {
        switch self {
        case .yuan: 0
        case .wan: 4
        case .yi: 8
        case .none, .percent: nil
        }
    }
}

/// Why a field could not be read as a number.
public enum NumberReadError: Error, Equatable, Sendable {
    /// The field is not a decimal number (this includes `inf`, `nan`, non-ASCII digits,
    /// misplaced thousands separators and values too large for a `Double`).
    case notANumber
    /// The field carries a unit sign (`%`, `元`, `万`, `¥`…, as written) but its column has no
    /// unit or is a percentage.
    case unitNotAllowed(String)
    /// The field carries a unit of the wrong kind for its column, such as `%` in a money
    /// column.
    case wrongUnit(found: String, expected: NumberUnit)
}
