import ScoringEngine

/// Maps a CSV table onto a model: finds each factor's column, reads every field as the
/// model says (numbers with units, category labels, missing codes), and sorts rows into
/// accepted accounts and rejects.
///
/// Accepted + rejected = records read, always.
public struct ProspectListLoader: Sendable {
    public let model: ScoringModel

    public init(model: ScoringModel) {
        self.model = model
    }

    /// The accounts of a file that could be scored, the rows that could not, and notes.
    public struct Result: Sendable {
        public let file: String
        public let batch: ProspectBatch
        public let rejects: [Reject]
        public let header: [String]
        /// Records read (header excluded; blank lines are not records).
        public let rowsRead: Int
        /// Segment rules not evaluated, with the columns the file lacks for them.
        public let unevaluatedSegments: [(id: String, missingColumns: [String])]
        public let encoding: TextEncoding
        public let delimiter: UInt8
    }

    /// The columns the model needs that `header` lacks (the id column and every factor's column).
    public func missingColumns(in header: [String]) -> [String] {
        var needed = model.columns.id == AccountColumns.lineNumberID ? [] : [model.columns.id]
        for factor in model.factors where !needed.contains(factor.column) { needed.append(factor.column) }
        return needed.filter { !header.contains($0) }
    }

    /// Loads a table.
    ///
    /// - Throws: `DatasetError.missingColumns` when the file lacks a column the model needs.
    public func load(_ table: CSVTable) throws(DatasetError) -> Result {
        let missing = missingColumns(in: table.header)
        guard missing.isEmpty else {
            throw .missingColumns(file: table.file, missing: missing, available: table.header)
        }
        var columnIndex: [String: Int] = [:]
        for (index, name) in table.header.enumerated() { columnIndex[name] = index }
        let missingCodes = MissingCodes(model.missingCodes)
        func isMissing(_ field: String) -> Bool { missingCodes.matches(field) }

        let readers = model.factors.map { factor in FieldReader(factor: factor, column: columnIndex[factor.column]!) }
        // '@line' (for files without an id column): the account id is the record's line number.
        let idColumn = columnIndex[model.columns.id]
        func optionalColumn(_ name: String?) -> Int? { name.flatMap { columnIndex[$0] } }
        let nameColumn = optionalColumn(model.columns.name)
        let industryColumn = optionalColumn(model.columns.industry)
        let regionColumn = optionalColumn(model.columns.region)
        let managerColumn = optionalColumn(model.columns.manager)
        let stageColumn = optionalColumn(model.columns.stage)
        let dealColumn = optionalColumn(model.columns.dealValue)
        let dealReader = NumberReader(unit: unit(ofColumn: model.columns.dealValue ?? ""))

        // Segment columns: numeric where some condition compares them with a number.
        var segmentColumns: [(name: String, index: Int, numeric: NumberReader?)] = []
        var unevaluated: [(id: String, missingColumns: [String])] = []
        for rule in model.segments {
            let absent = rule.columns.filter { columnIndex[$0] == nil }
            if !absent.isEmpty { unevaluated.append((rule.id, absent)) }
        }
        for name in Set(model.segments.flatMap(\.columns)).sorted() {
            guard let index = columnIndex[name] else { continue }
            let numeric = model.segments.contains { rule in
                rule.groups.joined().contains { $0.column == name && $0.isNumeric }
            }
            segmentColumns.append((name, index, numeric ? NumberReader(unit: unit(ofColumn: name)) : nil))
        }

        let expectedCount = table.header.count
        var accounts: [Account] = []
        accounts.reserveCapacity(table.records.count)
        var numeric = readers.map { $0.isCategorical ? [Double]() : [Double](reserveCapacity: table.records.count) }
        var codes = readers.map { $0.isCategorical ? [Int32](reserveCapacity: table.records.count) : [Int32]() }
        var segmentValues = [[SegmentValue]](repeating: [], count: segmentColumns.count)
        var firstLine: [String: Int] = [:]
        var rejects: [Reject] = []
        var rowNumbers = [Double](repeating: .nan, count: readers.count)
        var rowCodes = [Int32](repeating: -1, count: readers.count)

        recordLoop: for record in table.records {
            let fields = record.fields
            func reject(_ reason: Reject.Reason, column: Int? = nil) {
                rejects.append(
                    Reject(
                        file: table.file, line: record.line, columnNumber: column.map { $0 + 1 },
                        column: column.map { table.header[$0] }, reason: reason, fields: fields))
            }
            guard fields.count == expectedCount else {
                reject(.fieldCount(expected: expectedCount, found: fields.count))
                continue
            }
            let id = idColumn.map { fields[$0] } ?? String(record.line)
            guard !isMissing(id) else {
                reject(.missingID, column: idColumn)
                continue
            }
            for (index, reader) in readers.enumerated() {
                let field = fields[reader.column]
                if isMissing(field) {
                    if reader.factor.missing == .required {
                        reject(.missingRequired, column: reader.column)
                        continue recordLoop
                    }
                    rowNumbers[index] = .nan
                    rowCodes[index] = -1
                    continue
                }
                switch reader.read(field) {
                case .success(let value):
                    if reader.isCategorical { rowCodes[index] = Int32(value) } else { rowNumbers[index] = value }
                case .failure(let reason):
                    reject(reason, column: reader.column)
                    continue recordLoop
                }
            }
            var stage: Int?
            if let stageColumn, !isMissing(fields[stageColumn]) {
                guard let value = Int(fields[stageColumn]), (1...5).contains(value) else {
                    reject(.badStage(value: fields[stageColumn]), column: stageColumn)
                    continue
                }
                stage = value
            }
            var dealValue: Double?
            if let dealColumn, !isMissing(fields[dealColumn]) {
                switch FieldReader.number(fields[dealColumn], with: dealReader) {
                case .success(let value): dealValue = value
                case .failure(let reason):
                    reject(reason, column: dealColumn)
                    continue
                }
            }
            if let first = firstLine[id] {
                reject(.duplicateID(id: id, firstLine: first), column: idColumn)
                continue
            }
            firstLine[id] = record.line
            for (index, reader) in readers.enumerated() {
                if reader.isCategorical { codes[index].append(rowCodes[index]) } else { numeric[index].append(rowNumbers[index]) }
            }
            for (index, column) in segmentColumns.enumerated() {
                let field = fields[column.index]
                if isMissing(field) {
                    segmentValues[index].append(.missing)
                } else if let reader = column.numeric {
                    // A segment is a rule, not a score: an unreadable number only fails the condition.
                    if case .success(let value) = FieldReader.number(field, with: reader) {
                        segmentValues[index].append(.number(value))
                    } else {
                        segmentValues[index].append(.text(field))
                    }
                } else {
                    segmentValues[index].append(.text(field))
                }
            }
            func text(_ column: Int?) -> String { column.map { fields[$0] } ?? "" }
            accounts.append(
                Account(
                    id: id, name: text(nameColumn), industry: text(industryColumn), region: text(regionColumn),
                    manager: text(managerColumn), stage: stage, dealValue: dealValue, line: record.line))
        }

        let factorColumns: [FactorColumn] = readers.indices.map { index in
            readers[index].isCategorical ? .categorical(codes[index]) : .numeric(numeric[index])
        }
        var segmentData = SegmentData()
        for (index, column) in segmentColumns.enumerated() { segmentData.columns[column.name] = segmentValues[index] }
        return Result(
            file: table.file, batch: ProspectBatch(accounts: accounts, factorColumns: factorColumns, segmentData: segmentData),
            rejects: rejects, header: table.header, rowsRead: table.records.count, unevaluatedSegments: unevaluated,
            encoding: table.encoding, delimiter: table.delimiter)
    }

    /// The unit of a column: a factor's unit, else the model's `column_units`, else none.
    func unit(ofColumn name: String) -> NumberUnit {
        if let factor = model.factors.first(where: { $0.column == name }), let unit = factor.unit {
            return NumberUnit(rawValue: unit) ?? .none
        }
        return model.columnUnits[name].flatMap(NumberUnit.init(rawValue:)) ?? .none
    }
}

/// Reads one factor's fields: numbers through `NumberReader`, labels through the map.
///
/// A class, so that the hot loop shares one instance instead of copying its dictionaries.
final class FieldReader: Sendable {
    let factor: Factor
    let column: Int
    let isCategorical: Bool
    let numberReader: NumberReader
    let exactLabels: [String: Int]
    let foldedLabels: [String: Int]
    let labels: [String]

    init(factor: Factor, column: Int) {
        self.factor = factor
        self.column = column
        numberReader = NumberReader(unit: factor.unit.flatMap(NumberUnit.init(rawValue:)) ?? .none)
        if case .categorical(let map) = factor.scale {
            isCategorical = true
            labels = map.map(\.label)
            var exact: [String: Int] = [:]
            var folded: [String: Int] = [:]
            for (index, category) in map.enumerated() {
                exact[category.label] = index
                folded[category.label.lowercased()] = folded[category.label.lowercased()] ?? index
            }
            exactLabels = exact
            foldedLabels = folded
        } else {
            isCategorical = false
            labels = []
            exactLabels = [:]
            foldedLabels = [:]
        }
    }

    /// The number, or the category index as a Double.
    func read(_ field: String) -> Swift.Result<Double, Reject.Reason> {
        if isCategorical {
            if let index = exactLabels[field] ?? foldedLabels[field.lowercased()] { return .success(Double(index)) }
            return .failure(.unknownCategory(value: field, allowed: labels))
        }
        return Self.number(field, with: numberReader)
    }

    static func number(_ field: String, with reader: NumberReader) -> Swift.Result<Double, Reject.Reason> {
        switch reader.read(field) {
        case .success(let value): return .success(value)
        case .failure(.notANumber): return .failure(.notANumber(value: field))
        case .failure(.unitNotAllowed(let unit)): return .failure(.unitNotAllowed(value: field, unit: unit))
        case .failure(.wrongUnit(_, let expected)): return .failure(.wrongUnit(value: field, expected: expected.rawValue))
        }
    }
}

/// The model's missing codes, matched ignoring ASCII case without allocating, so that the
/// common case (a number or a label that is no code) costs a length check or two.
struct MissingCodes: Sendable {
    /// Each code's UTF-8 bytes, ASCII letters lowercased.
    let codes: [[UInt8]]
    /// `hasLength[n]`: whether some code is n bytes long (n < 64; longer codes never match).
    let hasLength: [Bool]

    init(_ codes: [String]) {
        self.codes = codes.map { Array($0.utf8).map(MissingCodes.lower) }
        var hasLength = [Bool](repeating: false, count: 64)
        for code in self.codes where code.count < 64 { hasLength[code.count] = true }
        self.hasLength = hasLength
    }

    static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    /// Whether a (trimmed) field means "no value": blank, or one of the codes.
    func matches(_ field: String) -> Bool {
        var field = field
        return field.withUTF8 { bytes in
            if bytes.isEmpty { return true }
            guard bytes.count < 64, hasLength[bytes.count] else { return false }
            for code in codes where code.count == bytes.count {
                var equal = true
                for index in 0..<code.count where MissingCodes.lower(bytes[index]) != code[index] {
                    equal = false
                    break
                }
                if equal { return true }
            }
            return false
        }
    }
}

extension Array {
    init(reserveCapacity capacity: Int) {
        self.init()
        reserveCapacity(capacity)
    }
}
