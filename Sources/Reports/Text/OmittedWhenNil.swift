/// A member that ``ReportJSONEncoder`` leaves out of its object when it has no value; a plain
/// optional property is written as `null` instead.
///
/// For a member only some reports or rows have (`kam rank`'s `calibration` without a
/// calibrated model, a person's `profiles` without a prospect list), so that its type keeps
/// the synthesized `Encodable` conformance instead of a hand-written `encode(to:)`:
///
///     @OmittedWhenNil var calibration: CalibrationJSON?
///
/// Outside an object (as an array's element or a whole document) a `nil` value is `null`.
@propertyWrapper
public struct OmittedWhenNil<Wrapped: Encodable>: Encodable {
    public var wrappedValue: Wrapped?

    public init(wrappedValue: Wrapped?) {
        self.wrappedValue = wrappedValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension OmittedWhenNil: Sendable where Wrapped: Sendable {}

/// What ``ReportJSONEncoder`` asks of an ``OmittedWhenNil`` member, whatever it wraps.
protocol OmissibleJSONMember {
    /// Whether the member is left out of its object.
    var isOmitted: Bool { get }
}

extension OmittedWhenNil: OmissibleJSONMember {
    var isOmitted: Bool { wrappedValue == nil }
}
