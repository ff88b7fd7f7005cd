/// A member whose value ``ReportJSONEncoder`` writes as members of the enclosing object, in
/// the member's place, instead of as an object under the member's key; without a value it
/// writes nothing.
///
/// For members shared by several objects or data-keyed members after fixed ones (`kam ahp`'s
/// pairwise analysis in a side and in each judge, `kam changes`'s sections), so that the
/// enclosing type keeps the synthesized `Encodable` conformance instead of a hand-written
/// `encode(to:)`:
///
///     @InlinedMembers var analysis: AnalysisJSON?
///
/// The value must encode an object. Outside an object (as an array's element or a whole
/// document) it is the value itself, or `null`.
@propertyWrapper
struct InlinedMembers<Wrapped: Encodable>: Encodable {
    var wrappedValue: Wrapped?

    init(wrappedValue: Wrapped?) {
        self.wrappedValue = wrappedValue
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

/// What ``ReportJSONEncoder`` asks of an ``InlinedMembers`` member, whatever it wraps.
protocol InlinedJSONMembers {
    /// Encodes the value's members (if any) into the object `encoder` is encoding.
    func encodeMembers(to encoder: any Encoder) throws
}

extension InlinedMembers: InlinedJSONMembers {
    func encodeMembers(to encoder: any Encoder) throws { try wrappedValue?.encode(to: encoder) }
}
