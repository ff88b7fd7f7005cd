import ScoringIO

/// Encodes a report's `Encodable` value as the JSON every `kam … --format json` writes.
///
/// Members are written in encoding order (the order `encode(to:)` gives, for a synthesized
/// conformance the order of `CodingKeys`), each container in its ``JSONLayout`` (a value that
/// is not ``JSONLayoutProviding`` is `.inline`), so that the reports keep the bytes they wrote
/// by hand:
///
/// - keys are written in snake_case: a coding key's name (`rowsRead`, for a synthesized
///   conformance the property's name) as `snakeCase(_:)` converts it (`rows_read`), the way
///   Foundation's `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase` does, so a report's
///   types need no `CodingKeys` to name their members; the keys of a ``JSONMembers``, which
///   are data (factor ids, grades), are written as they are;
/// - strings are escaped by ``JSONWriter/string(_:)``, keys too;
/// - `Double` and `Float` are written with 6 decimals by `formatDecimal(_:digits:)`
///   (non-finite values as it writes them: use ``JSONNumber/finite(_:)`` for `null`), integers
///   in decimal, a ``JSONNumber`` as its text;
/// - `nil`, from `encodeNil` or from `encodeIfPresent` (a synthesized conformance's optional
///   properties), is `null`: a key is left out only for an ``OmittedWhenNil`` member without a
///   value;
/// - an ``InlinedMembers`` member's value writes its members into the enclosing object;
/// - a value that encodes nothing is `{}`.
///
/// ``encode(_:)`` ends the document with a line break; ``fragment(_:indent:)`` writes a value
/// that sits inside JSON written otherwise.
public struct ReportJSONEncoder {
    public init() {}

    /// `value` as a JSON document followed by a line break.
    public func encode(_ value: some Encodable) -> String {
        fragment(value, indent: 0) + "\n"
    }

    /// `value` as JSON, for a member or element of text written otherwise: `indent` is the
    /// indentation (in spaces) of the line the value starts on, which `.lines` containers
    /// indent from; no line break follows.
    public func fragment(_ value: some Encodable, indent: Int = 0) -> String {
        let box: JSONBox
        do {
            box = try JSONBox.make(value, codingPath: [])
        } catch {
            // Nothing in this encoder throws; a report value that throws is a bug in the report.
            preconditionFailure("A report value threw while being encoded as JSON: \(error)")
        }
        var text = ""
        box.write(to: &text, indent: indent)
        return text
    }

    /// The members of the object `value` encodes to, one to a line at `indent` spaces, each
    /// followed by `,` and a line break: the first members of an object whose later members are
    /// written otherwise (a report that streams its rows into an ``OutputSink``).
    public func leadingMembers(of value: some Encodable, indent: Int) -> String {
        let box: JSONBox
        do {
            box = try JSONBox.make(value, codingPath: [])
        } catch {
            preconditionFailure("A report value threw while being encoded as JSON: \(error)")
        }
        precondition(box.kind == .object || box.kind == .unset, "leadingMembers(of:indent:) writes an object's members")
        var text = ""
        box.writeMembers(to: &text, indent: indent)
        return text
    }

    /// `name` in snake_case, as Foundation's `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase`
    /// writes it: a word starts at each capital after the first character, except that a run of
    /// capitals is one word (an acronym) and, when a lowercase letter follows the run, its last
    /// capital starts the next word; digits start no word. The words are lowercased and joined
    /// by `_`: `rowsRead` → `rows_read`, `accountID` → `account_id`, `meanAUCDelta` →
    /// `mean_auc_delta`, `top10Share` → `top10_share`; a name without capitals is itself.
    static func snakeCase(_ name: String) -> String {
        // Most keys are one lowercase ASCII word: nothing to convert.
        guard name.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 >= 0x80 }) else {
            return name
        }
        let scalars = Array(name.unicodeScalars)
        var words: [Range<Int>] = []
        var wordStart = 0
        var searchStart = 1
        while let upper = scalars[searchStart...].firstIndex(where: \.properties.isUppercase) {
            words.append(wordStart..<upper)
            guard let lower = scalars[upper...].firstIndex(where: \.properties.isLowercase) else {
                // Capitals to the end: one last word (`ROC` in `aucROC`).
                wordStart = upper
                break
            }
            if lower == upper + 1 {
                // A capitalized word (`Read` in `rowsRead`).
                wordStart = upper
            } else {
                // An acronym (`AUC` in `meanAUCDelta`); its last capital starts the next word.
                words.append(upper..<lower - 1)
                wordStart = lower - 1
            }
            searchStart = lower + 1
        }
        words.append(wordStart..<scalars.count)
        return words.map { String(String.UnicodeScalarView(scalars[$0])).lowercased() }.joined(separator: "_")
    }
}

/// A coding key whose string is data (a factor id, a judge's name, a grade), which
/// ``ReportJSONEncoder`` writes as it is instead of converting it to snake_case.
protocol VerbatimCodingKey: CodingKey {}

// MARK: - The tree a value encodes to

/// One JSON value while it is being encoded: a scalar's text, an object's members or an
/// array's elements, and the container's layout. A reference, so that containers handed out
/// by the encoder fill it in place.
final class JSONBox {
    enum Kind { case unset, scalar, object, array }

    private(set) var kind = Kind.unset
    /// A scalar's JSON text (`12.500000`, `"text"`, `true`, `null`).
    private(set) var text = ""
    /// An object's keys, parallel to `children`.
    private(set) var keys: [String] = []
    /// An object's member values or an array's elements.
    private(set) var children: [JSONBox] = []
    var layout = JSONLayout.inline

    init() {}

    init(scalar text: String) {
        kind = .scalar
        self.text = text
    }

    /// The box `value` encodes to.
    static func make(_ value: some Encodable, codingPath: [any CodingKey]) throws -> JSONBox {
        if let number = value as? JSONNumber { return JSONBox(scalar: number.text) }
        if let string = value as? String { return JSONBox(scalar: JSONWriter().string(string)) }
        let box = JSONBox()
        try value.encode(to: BoxEncoder(box: box, codingPath: codingPath))
        if let provider = value as? any JSONLayoutProviding { box.layout = provider.jsonLayout }
        return box
    }

    func setScalar(_ text: String) {
        precondition(kind == .unset, "A single-value container encodes one value; this one already holds a \(kind)")
        kind = .scalar
        self.text = text
    }

    /// Becomes `other` (a single-value container that encodes a whole value).
    func take(_ other: JSONBox) {
        precondition(kind == .unset, "A single-value container encodes one value; this one already holds a \(kind)")
        kind = other.kind
        text = other.text
        keys = other.keys
        children = other.children
        layout = other.layout
    }

    func becomeObject() {
        precondition(kind == .unset || kind == .object, "Asked for a keyed container on a value that holds a \(kind)")
        kind = .object
    }

    func becomeArray() {
        precondition(kind == .unset || kind == .array, "Asked for an unkeyed container on a value that holds a \(kind)")
        kind = .array
    }

    func append(_ child: JSONBox, key: String) {
        keys.append(key)
        children.append(child)
    }

    func append(_ child: JSONBox) {
        children.append(child)
    }

    // MARK: Writing

    /// Writes the value; `indent` is the indentation of the line it starts on.
    func write(to text: inout String, indent: Int) {
        switch kind {
        case .unset:
            text += "{}"
        case .scalar:
            text += self.text
        case .object, .array:
            let object = kind == .object
            guard !children.isEmpty else {
                text += object ? "{}" : "[]"
                return
            }
            text += object ? "{" : "["
            switch layout {
            case .lines, .linesJoining:
                var joining: Set<String> = []
                if object, case .linesJoining(let keys) = layout { joining = keys }
                let inner = String(repeating: " ", count: indent + 2)
                for (index, child) in children.enumerated() {
                    if index == 0 {
                        text += "\n" + inner
                    } else if object, joining.contains(keys[index]) {
                        text += ", "
                    } else {
                        text += ",\n" + inner
                    }
                    writeMember(index, child, to: &text, indent: indent + 2)
                }
                text += "\n" + String(repeating: " ", count: indent)
            case .inline, .inlineBreaking, .inlineBreakingEach, .eachOnNewLine:
                var breaking: Set<String> = []
                var breaksEach = false
                var breaksFirst = false
                var depth = 0
                switch layout {
                case .inlineBreaking(let keys, let extra):
                    if object { breaking = keys }
                    depth = extra
                case .inlineBreakingEach(let extra):
                    breaksEach = true
                    depth = extra
                case .eachOnNewLine(let extra):
                    breaksEach = true
                    breaksFirst = true
                    depth = extra
                default: break
                }
                var lineIndent = indent
                for (index, child) in children.enumerated() {
                    if index == 0 && breaksFirst {
                        lineIndent = indent + depth
                        text += "\n" + String(repeating: " ", count: lineIndent)
                    } else if index > 0 {
                        if breaksEach || (object && breaking.contains(keys[index])) {
                            lineIndent = indent + depth
                            text += ",\n" + String(repeating: " ", count: lineIndent)
                        } else {
                            text += ", "
                        }
                    }
                    writeMember(index, child, to: &text, indent: lineIndent)
                }
            }
            text += object ? "}" : "]"
        }
    }

    /// Writes each member on a line of its own at `indent`, followed by `,` and a line break.
    func writeMembers(to text: inout String, indent: Int) {
        let spaces = String(repeating: " ", count: indent)
        for (index, child) in children.enumerated() {
            text += spaces
            writeMember(index, child, to: &text, indent: indent)
            text += ",\n"
        }
    }

    private func writeMember(_ index: Int, _ child: JSONBox, to text: inout String, indent: Int) {
        if kind == .object {
            text += JSONWriter().string(keys[index])
            text += ": "
        }
        child.write(to: &text, indent: indent)
    }
}

// MARK: - Encoder and containers

/// JSON text of the scalars the encoding protocols name.
private enum ScalarText {
    static func of(_ value: Bool) -> String { value ? "true" : "false" }
    static func of(_ value: Double) -> String { formatDecimal(value, digits: 6) }
    static func of(_ value: some BinaryInteger) -> String { String(value) }
}

private struct BoxEncoder: Encoder {
    let box: JSONBox
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        box.becomeObject()
        return KeyedEncodingContainer(KeyedBoxContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        box.becomeArray()
        return UnkeyedBoxContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleBoxContainer(box: box, codingPath: codingPath)
    }
}

private struct KeyedBoxContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONBox
    let codingPath: [any CodingKey]

    /// The key as written: in snake_case, unless it is data.
    private func name(_ key: Key) -> String {
        Key.self is any VerbatimCodingKey.Type ? key.stringValue : ReportJSONEncoder.snakeCase(key.stringValue)
    }

    private func put(_ text: String, _ key: Key) { box.append(JSONBox(scalar: text), key: name(key)) }

    mutating func encodeNil(forKey key: Key) throws { put("null", key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(ScalarText.of(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(JSONWriter().string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(ScalarText.of(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(ScalarText.of(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(ScalarText.of(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(ScalarText.of(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(ScalarText.of(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(ScalarText.of(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(ScalarText.of(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(ScalarText.of(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(ScalarText.of(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(ScalarText.of(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(ScalarText.of(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(ScalarText.of(value), key) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        if let member = value as? any OmissibleJSONMember, member.isOmitted { return }
        if let members = value as? any InlinedJSONMembers {
            return try members.encodeMembers(to: BoxEncoder(box: box, codingPath: codingPath))
        }
        box.append(try JSONBox.make(value, codingPath: codingPath + [key]), key: name(key))
    }

    // `nil` is `null`: the reports' keys are present unless `OmittedWhenNil` leaves them out.
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: (some Encodable)?, forKey key: Key) throws { try encodeOptional(value, key) }

    private mutating func encodeOptional(_ value: (some Encodable)?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = JSONBox()
        child.becomeObject()
        box.append(child, key: name(key))
        return KeyedEncodingContainer(KeyedBoxContainer<NestedKey>(box: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = JSONBox()
        child.becomeArray()
        box.append(child, key: name(key))
        return UnkeyedBoxContainer(box: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(forKey: Key(stringValue: "super")!)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = JSONBox()
        box.append(child, key: name(key))
        return BoxEncoder(box: child, codingPath: codingPath + [key])
    }
}

private struct UnkeyedBoxContainer: UnkeyedEncodingContainer {
    let box: JSONBox
    let codingPath: [any CodingKey]
    var count: Int { box.children.count }

    private struct IndexKey: CodingKey {
        let intValue: Int?
        init(_ index: Int) { intValue = index }
        init?(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
        var stringValue: String { intValue.map(String.init) ?? "" }
    }

    private func put(_ text: String) { box.append(JSONBox(scalar: text)) }

    mutating func encodeNil() throws { put("null") }
    mutating func encode(_ value: Bool) throws { put(ScalarText.of(value)) }
    mutating func encode(_ value: String) throws { put(JSONWriter().string(value)) }
    mutating func encode(_ value: Double) throws { put(ScalarText.of(value)) }
    mutating func encode(_ value: Float) throws { put(ScalarText.of(Double(value))) }
    mutating func encode(_ value: Int) throws { put(ScalarText.of(value)) }
    mutating func encode(_ value: Int8) throws { put(ScalarText.of(value)) }
    mutating func encode(_ value: Int16) throws { put(ScalarText.of(value)) }
    mutating func encode(_ value: Int32) throws { put(ScalarText.of(value)) }
    mutating func encode(_ value: Int64) throws { put(ScalarText.of(value)) }
    mutating func encode(_ value: UInt) throws { put(ScalarText.of(value)) }
    mutating func encode(_ value: UInt8) throws { put(ScalarText.of(value)) }
    mutating func encode(_ value: UInt16) throws { put(ScalarText.of(value)) }
    mutating func encode(_ value: UInt32) throws { put(ScalarText.of(value)) }
    mutating func encode(_ value: UInt64) throws { put(ScalarText.of(value)) }

    mutating func encode(_ value: some Encodable) throws {
        box.append(try JSONBox.make(value, codingPath: codingPath + [IndexKey(count)]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = JSONBox()
        child.becomeObject()
        let path = codingPath + [IndexKey(count)]
        box.append(child)
        return KeyedEncodingContainer(KeyedBoxContainer<NestedKey>(box: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = JSONBox()
        child.becomeArray()
        let path = codingPath + [IndexKey(count)]
        box.append(child)
        return UnkeyedBoxContainer(box: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let child = JSONBox()
        let path = codingPath + [IndexKey(count)]
        box.append(child)
        return BoxEncoder(box: child, codingPath: path)
    }
}

private struct SingleBoxContainer: SingleValueEncodingContainer {
    let box: JSONBox
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { box.setScalar("null") }
    mutating func encode(_ value: Bool) throws { box.setScalar(ScalarText.of(value)) }
    mutating func encode(_ value: String) throws { box.setScalar(JSONWriter().string(value)) }
    mutating func encode(_ value: Double) throws { box.setScalar(ScalarText.of(value)) }
    mutating func encode(_ value: Float) throws { box.setScalar(ScalarText.of(Double(value))) }
    mutating func encode(_ value: Int) throws { box.setScalar(ScalarText.of(value)) }
    mutating func encode(_ value: Int8) throws { box.setScalar(ScalarText.of(value)) }
    mutating func encode(_ value: Int16) throws { box.setScalar(ScalarText.of(value)) }
    mutating func encode(_ value: Int32) throws { box.setScalar(ScalarText.of(value)) }
    mutating func encode(_ value: Int64) throws { box.setScalar(ScalarText.of(value)) }
    mutating func encode(_ value: UInt) throws { box.setScalar(ScalarText.of(value)) }
    mutating func encode(_ value: UInt8) throws { box.setScalar(ScalarText.of(value)) }
    mutating func encode(_ value: UInt16) throws { box.setScalar(ScalarText.of(value)) }
    mutating func encode(_ value: UInt32) throws { box.setScalar(ScalarText.of(value)) }
    mutating func encode(_ value: UInt64) throws { box.setScalar(ScalarText.of(value)) }

    mutating func encode(_ value: some Encodable) throws {
        box.take(try JSONBox.make(value, codingPath: codingPath))
    }
}
