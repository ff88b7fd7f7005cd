/// An object whose keys are data (factor ids, judge names, grades), written in the order
/// given; `Dictionary` has no order, so reports use this instead.
public struct JSONMembers<Value: Encodable>: Encodable, JSONLayoutProviding {
    public var members: [(key: String, value: Value)]
    public var jsonLayout: JSONLayout

    public init(_ members: [(key: String, value: Value)], layout: JSONLayout = .inline) {
        self.members = members
        self.jsonLayout = layout
    }

    /// The members `zip(keys, values)`, in that order.
    public init(keys: some Sequence<String>, values: some Sequence<Value>, layout: JSONLayout = .inline) {
        self.init(zip(keys, values).map { (key: $0, value: $1) }, layout: layout)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: MemberKey.self)
        for member in members {
            try container.encode(member.value, forKey: MemberKey(stringValue: member.key))
        }
    }

    private struct MemberKey: VerbatimCodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

extension JSONMembers: Sendable where Value: Sendable {}
