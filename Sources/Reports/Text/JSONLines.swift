/// An array that ``ReportJSONEncoder`` writes one element per line (``JSONLayout/lines``);
/// `[]` when empty. A plain `Array` is written on one line.
public struct JSONLines<Element: Encodable>: Encodable, JSONLayoutProviding {
    public var elements: [Element]

    public init(_ elements: [Element]) {
        self.elements = elements
    }

    public var jsonLayout: JSONLayout { .lines }

    public func encode(to encoder: any Encoder) throws {
        try elements.encode(to: encoder)
    }
}

extension JSONLines: Sendable where Element: Sendable {}
