/// One factor of the valuation model: a column of the prospect list turned into a utility
/// in 0...1 on one side of the assessment (value or difficulty), with a weight.
public struct Factor: Sendable, Equatable, Codable {
    /// Short stable identifier, e.g. `share` or `payment_risk`.
    public let id: String
    /// Label for people, in English and Chinese.
    public let label: LocalizedLabel
    /// The column of the prospect list that holds the raw value.
    public let column: String
    /// Which score the factor feeds.
    public let side: Side
    /// The factor's weight within its side; the weights of one side sum to 1 (normalized on load).
    public let weight: Double
    /// Whether the utility rises (`increasing`) or falls (`decreasing`) with the raw value.
    public let direction: Direction
    /// How a raw value becomes a utility before `direction` is applied.
    public let scale: Scale
    /// What to do when the account has no value for the factor.
    public let missing: MissingPolicy
    /// The unit the column's numbers are written in (`percent`, `wan` for 万元, …).
    public let unit: String?
    /// Where the factor comes from (for `kam model show`), e.g. "seed §3.2.3 (五) A".
    public let source: String?
    /// Codes in a numeric column that are not measurements (`pdays = 999` "never contacted",
    /// `−1`, `0`): each gets its own utility instead of the scale's (see ``SpecialValue``).
    public let specialValues: [SpecialValue]

    public init(
        id: String, label: LocalizedLabel, column: String, side: Side, weight: Double,
        direction: Direction = .increasing, scale: Scale, missing: MissingPolicy = .neutral,
        unit: String? = nil, source: String? = nil, specialValues: [SpecialValue] = []
    ) {
        self.id = id
        self.label = label
        self.column = column
        self.side = side
        self.weight = weight
        self.direction = direction
        self.scale = scale
        self.missing = missing
        self.unit = unit
        self.source = source
        self.specialValues = specialValues
    }

    /// A copy with another weight (used when weights are normalized or replaced by a scenario).
    public func withWeight(_ weight: Double) -> Factor {
        Factor(
            id: id, label: label, column: column, side: side, weight: weight, direction: direction,
            scale: scale, missing: missing, unit: unit, source: source, specialValues: specialValues)
    }

    /// A copy with other special values.
    public func withSpecialValues(_ specialValues: [SpecialValue]) -> Factor {
        Factor(
            id: id, label: label, column: column, side: side, weight: weight, direction: direction,
            scale: scale, missing: missing, unit: unit, source: source, specialValues: specialValues)
    }

    /// The special value equal to `x`, if any (exact comparison; a handful per factor).
    public func specialValue(for x: Double) -> SpecialValue? {
        specialValues.first { $0.value == x }
    }

    /// The side of the assessment a factor feeds.
    public enum Side: String, Sendable, Codable, CaseIterable {
        /// 价值: what winning the account is worth.
        case value
        /// 难度: how hard the account is to win and serve.
        case difficulty
    }

    /// How the utility moves with the raw value.
    public enum Direction: String, Sendable, Codable, CaseIterable {
        case increasing
        case decreasing
    }

    /// Whether the factor reads numbers or category labels from its column.
    public var isCategorical: Bool {
        if case .categorical = scale { return true }
        return false
    }
}

/// A label in English and Chinese.
public struct LocalizedLabel: Sendable, Equatable, Codable {
    public let en: String
    public let zh: String

    public init(en: String, zh: String) {
        self.en = en
        self.zh = zh
    }

    public func text(_ language: Language) -> String {
        language == .zh ? zh : en
    }
}

/// The language of labels in output people read.
public enum Language: String, Sendable, Codable, CaseIterable {
    case en
    case zh
}

extension Factor {
    private enum CodingKeys: String, CodingKey {
        case id, label, column, side, weight, direction, scale, missing, unit, source, specialValues
    }

    // Special values are encoded only when there are some, so a model without them encodes
    // (and hashes, in the run history) as it did before they existed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id), label: try container.decode(LocalizedLabel.self, forKey: .label),
            column: try container.decode(String.self, forKey: .column), side: try container.decode(Side.self, forKey: .side),
            weight: try container.decode(Double.self, forKey: .weight),
            direction: try container.decode(Direction.self, forKey: .direction),
            scale: try container.decode(Scale.self, forKey: .scale), missing: try container.decode(MissingPolicy.self, forKey: .missing),
            unit: try container.decodeIfPresent(String.self, forKey: .unit),
            source: try container.decodeIfPresent(String.self, forKey: .source),
            specialValues: try container.decodeIfPresent([SpecialValue].self, forKey: .specialValues) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(label, forKey: .label)
        try container.encode(column, forKey: .column)
        try container.encode(side, forKey: .side)
        try container.encode(weight, forKey: .weight)
        try container.encode(direction, forKey: .direction)
        try container.encode(scale, forKey: .scale)
        try container.encode(missing, forKey: .missing)
        try container.encodeIfPresent(unit, forKey: .unit)
        try container.encodeIfPresent(source, forKey: .source)
        if !specialValues.isEmpty { try container.encode(specialValues, forKey: .specialValues) }
    }
}
