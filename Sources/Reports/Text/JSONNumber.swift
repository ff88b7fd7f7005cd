import ScoringIO

/// A number whose JSON text is chosen by the report, written by ``ReportJSONEncoder`` as it is.
///
/// ``ReportJSONEncoder`` writes a plain `Double` with 6 decimals (`formatDecimal(_:digits:)`);
/// use a `JSONNumber` for any other text: other digits, `null` for a value that is not finite,
/// or a format of its own (`%g`).
public struct JSONNumber: Encodable, Sendable, Equatable {
    /// The text written in the JSON: digits, or `null`.
    public let text: String

    /// A number written as `text`, which must be valid JSON (a number or `null`).
    public init(text: String) {
        self.text = text
    }

    /// `value` with `digits` decimals, as `formatDecimal(value, digits:)` writes it.
    public init(_ value: Double, digits: Int) {
        text = formatDecimal(value, digits: digits)
    }

    /// `value` with 6 decimals, or `null` when it is nil, NaN or infinite (``ReportFormat/jsonNumber(_:)``).
    public static func finite(_ value: Double?) -> JSONNumber {
        value.map { JSONNumber(text: ReportFormat.jsonNumber($0)) } ?? .null
    }

    /// `null`.
    public static let null = JSONNumber(text: "null")

    /// For encoders other than ``ReportJSONEncoder``: the number the text reads as, or nil.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value = Double(text) {
            try container.encode(value)
        } else {
            try container.encodeNil()
        }
    }
}
