import ScoringEngine

/// Maps a CSV table onto a model: finds each factor's column, reads every field as the
/// model says (numbers with units, category labels, missing codes), and sorts rows into
/// accepted accounts and rejects.
///
/// Accepted + rejected = records read, always.
///
/// This is the in-memory path, and the reference for the streaming one
/// (``ProspectStream``), which maps the same rows to the same accounts, values and rejects
/// (it uses ``RowMapper`` for every row it rejects or shows).
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

        public init(
            file: String, batch: ProspectBatch, rejects: [Reject], header: [String], rowsRead: Int,
            unevaluatedSegments: [(id: String, missingColumns: [String])], encoding: TextEncoding, delimiter: UInt8
        ) {
            self.file = file
            self.batch = batch
            self.rejects = rejects
            self.header = header
            self.rowsRead = rowsRead
            self.unevaluatedSegments = unevaluatedSegments
            self.encoding = encoding
            self.delimiter = delimiter
        }
    }

    /// The columns the model needs that `header` lacks (the id column and every factor's column).
    public func missingColumns(in header: [String]) -> [String] {
        var needed = model.columns.id == AccountColumns.lineNumberID ? [] : [model.columns.id]
        for factor in model.factors where !needed.contains(factor.column) { needed.append(factor.column) }
        return needed.filter { !header.contains($0) }
    }

    /// Segment rules that cannot be evaluated on a file with `header`, with the columns it lacks.
    public func unevaluatedSegments(in header: [String]) -> [(id: String, missingColumns: [String])] {
        var unevaluated: [(id: String, missingColumns: [String])] = []
        for rule in model.segments {
            let absent = rule.columns.filter { !header.contains($0) }
            if !absent.isEmpty { unevaluated.append((rule.id, absent)) }
        }
        return unevaluated
    }

    /// Loads a table.
    ///
    /// Large tables are read in contiguous parts on every core and joined in order; the
    /// result is the one-thread result (see `RecordParts`).
    ///
    /// - Throws: `DatasetError.missingColumns` when the file lacks a column the model needs.
    public func load(_ table: CSVTable) throws(DatasetError) -> Result {
        try load(table, parts: .automatic)
    }

    /// ``load(_:)`` with the records cut into `parts` (tests compare with `.single`).
    func load(_ table: CSVTable, parts: RecordParts) throws(DatasetError) -> Result {
        let missing = missingColumns(in: table.header)
        guard missing.isEmpty else {
            throw .missingColumns(file: table.file, missing: missing, available: table.header)
        }
        let mapper = RowMapper(model: model, header: table.header, file: table.file)
        // The first part (the calling thread's) reserves room for the whole table: the others
        // are appended to it without copying it again.
        @Sendable func read(_ range: Range<Int>, mapper: RowMapper) -> LoadedPart {
            let capacity = range.lowerBound == 0 ? table.records.count : range.count
            var part = LoadedPart(builder: BatchBuilder(mapper: mapper, capacity: capacity))
            for record in table.records[range] {
                switch mapper.map(fields: record.fields, line: record.line) {
                case .rejected(let reject):
                    part.rejects.append(reject)
                case .accepted(let row):
                    if let first = part.firstLine[row.id] {
                        part.rejects.append(mapper.duplicate(row: row, firstLine: first))
                        continue
                    }
                    part.firstLine[row.id] = record.line
                    part.builder.append(row)
                }
            }
            return part
        }
        var joined: LoadedPart?
        if parts.ranges(count: table.records.count).count > 1 {
            // Each other part maps with readers of its own (no reference counts shared across threads).
            let read = parts.map(
                count: table.records.count, first: { read($0, mapper: mapper) }, others: { read($0, mapper: mapper.copy()) })
            if !RecordParts.idsRepeatAcrossParts(read.map(\.firstLine.keys), firstLines: read.map(\.firstLine)) {
                var part = read[0]
                for next in read.dropFirst() {
                    part.builder.append(contentsOf: next.builder)
                    part.rejects += next.rejects
                }
                joined = part
            }
        }
        let loaded = joined ?? read(0..<table.records.count, mapper: mapper)
        return Result(
            file: table.file, batch: loaded.builder.batch(), rejects: loaded.rejects, header: table.header,
            rowsRead: table.records.count, unevaluatedSegments: unevaluatedSegments(in: table.header),
            encoding: table.encoding, delimiter: table.delimiter)
    }

    /// Every problem of each rejected row, not only the first (``Reject`` holds the first):
    /// one reject per failed check, in the order the checks run, rows in the order given. A
    /// wrong field count is the only problem of its row; a duplicate id is listed as it is
    /// (its row passed every other check).
    ///
    /// - Parameters:
    ///   - rejects: Rejects of a file with `header` (``Result/rejects``).
    ///   - header: The file's header.
    ///   - file: The file's name, as the rejects give it.
    public func everyProblem(of rejects: [Reject], header: [String], file: String) -> [Reject] {
        guard !rejects.isEmpty, missingColumns(in: header).isEmpty else { return rejects }
        let mapper = RowMapper(model: model, header: header, file: file)
        return rejects.flatMap { reject -> [Reject] in
            if case .duplicateID = reject.reason { return [reject] }
            return mapper.problems(fields: reject.fields, line: reject.line)
        }
    }

    /// The unit of a column: a factor's unit, else the model's `column_units`, else none.
    func unit(ofColumn name: String) -> NumberUnit {
        Self.unit(ofColumn: name, in: model)
    }

    static func unit(ofColumn name: String, in model: ScoringModel) -> NumberUnit {
        if let factor = model.factors.first(where: { $0.column == name }), let unit = factor.unit {
            return NumberUnit(rawValue: unit) ?? .none
        }
        return model.columnUnits[name].flatMap(NumberUnit.init(rawValue:)) ?? .none
    }
}

/// Maps one record's fields onto the model: the account, its factor values and segment
/// values, or the reason it cannot be scored. The duplicate-id check is the caller's, since
/// it depends on the rows before.
///
/// Checks run in a fixed order and the first failure is the reject: the field count, the
/// id, each factor in model order, the stage, the deal value. ``problems(fields:line:)``
/// runs them all and lists every failure (`kam validate`).
struct RowMapper: Sendable {
    let model: ScoringModel
    let header: [String]
    let file: String
    let readers: [FieldReader]
    let missingCodes: MissingCodes
    let idColumn: Int?
    let nameColumn: Int?
    let industryColumn: Int?
    let regionColumn: Int?
    let managerColumn: Int?
    let stageColumn: Int?
    let dealColumn: Int?
    let dealReader: NumberReader
    /// Segment columns: numeric where some condition compares them with a number.
    let segmentColumns: [(name: String, index: Int, numeric: NumberReader?)]

    /// - Precondition: the header has every column the model needs (see
    ///   ``ProspectListLoader/missingColumns(in:)``).
    init(model: ScoringModel, header: [String], file: String) {
        self.model = model
        self.header = header
        self.file = file
        var columnIndex: [String: Int] = [:]
        for (index, name) in header.enumerated() { columnIndex[name] = index }
        missingCodes = MissingCodes(model.missingCodes)
        readers = model.factors.map { factor in
            guard let column = columnIndex[factor.column] else {
                preconditionFailure("The header lacks the column '\(factor.column)'; check missingColumns first")
            }
            return FieldReader(factor: factor, column: column)
        }
        // '@line' (for files without an id column): the account id is the record's line number.
        idColumn = columnIndex[model.columns.id]
        func optionalColumn(_ name: String?) -> Int? { name.flatMap { columnIndex[$0] } }
        nameColumn = optionalColumn(model.columns.name)
        industryColumn = optionalColumn(model.columns.industry)
        regionColumn = optionalColumn(model.columns.region)
        managerColumn = optionalColumn(model.columns.manager)
        stageColumn = optionalColumn(model.columns.stage)
        dealColumn = optionalColumn(model.columns.dealValue)
        dealReader = NumberReader(unit: ProspectListLoader.unit(ofColumn: model.columns.dealValue ?? "", in: model))
        var segmentColumns: [(name: String, index: Int, numeric: NumberReader?)] = []
        for name in Set(model.segments.flatMap(\.columns)).sorted() {
            guard let index = columnIndex[name] else { continue }
            let numeric = model.segments.contains { rule in
                rule.groups.joined().contains { $0.column == name && $0.isNumeric }
            }
            segmentColumns.append(
                (name, index, numeric ? NumberReader(unit: ProspectListLoader.unit(ofColumn: name, in: model)) : nil))
        }
        self.segmentColumns = segmentColumns
    }

    /// The same mapper with field readers of its own (new instances, equal to these), for a
    /// thread that maps alongside others.
    func copy() -> RowMapper { RowMapper(model: model, header: header, file: file) }

    /// One accepted row: who the account is and its raw values.
    struct Row {
        let id: String
        let line: Int
        let fields: [String]
        /// Per factor: the number (NaN when missing) or the category code as a Double (-1).
        let values: [Double]
        let stage: Int?
        let dealValue: Double?
    }

    enum Outcome {
        case accepted(Row)
        case rejected(Reject)
    }

    func isMissing(_ field: String) -> Bool { missingCodes.matches(field) }

    /// Maps one record.
    func map(fields: [String], line: Int) -> Outcome {
        var problems: [Reject] = []
        if let row = check(fields: fields, line: line, everyProblem: false, problems: &problems) {
            return .accepted(row)
        }
        return .rejected(problems[0])
    }

    /// Every check a record fails, in the order the checks run (a wrong field count is the
    /// only problem of its record, since its fields cannot be told apart).
    func problems(fields: [String], line: Int) -> [Reject] {
        var problems: [Reject] = []
        _ = check(fields: fields, line: line, everyProblem: true, problems: &problems)
        return problems
    }

    /// Runs the checks on a record: the row when it passes them all; otherwise appends the
    /// first failure to `problems`, or every failure when `everyProblem` is set.
    private func check(fields: [String], line: Int, everyProblem: Bool, problems: inout [Reject]) -> Row? {
        /// Records a failure; returns whether to go on checking.
        func fail(_ reason: Reject.Reason, column: Int? = nil) -> Bool {
            problems.append(
                Reject(
                    file: file, line: line, columnNumber: column.map { $0 + 1 },
                    column: column.map { header[$0] }, reason: reason, fields: fields))
            return everyProblem
        }
        guard fields.count == header.count else {
            _ = fail(.fieldCount(expected: header.count, found: fields.count))
            return nil
        }
        let id = idColumn.map { fields[$0] } ?? String(line)
        if isMissing(id), !fail(.missingID, column: idColumn) { return nil }
        var values = [Double](repeating: .nan, count: readers.count)
        for (index, reader) in readers.enumerated() {
            let field = fields[reader.column]
            if isMissing(field) {
                if reader.factor.missing == .required, !fail(.missingRequired, column: reader.column) { return nil }
                values[index] = reader.isCategorical ? -1 : .nan
                continue
            }
            switch reader.read(field) {
            case .success(let value): values[index] = value
            case .failure(let reason): if !fail(reason, column: reader.column) { return nil }
            }
        }
        var stage: Int?
        if let stageColumn, !isMissing(fields[stageColumn]) {
            if let value = Int(fields[stageColumn]), (1...5).contains(value) {
                stage = value
            } else if !fail(.badStage(value: fields[stageColumn]), column: stageColumn) {
                return nil
            }
        }
        var dealValue: Double?
        if let dealColumn, !isMissing(fields[dealColumn]) {
            switch FieldReader.number(fields[dealColumn], with: dealReader) {
            case .success(let value) where value < 0:
                if !fail(.negativeDealValue(value: fields[dealColumn]), column: dealColumn) { return nil }
            case .success(let value): dealValue = value
            case .failure(let reason): if !fail(reason, column: dealColumn) { return nil }
            }
        }
        guard problems.isEmpty else { return nil }
        return Row(id: id, line: line, fields: fields, values: values, stage: stage, dealValue: dealValue)
    }

    /// The reject of a row whose id already appeared on `firstLine`.
    func duplicate(row: Row, firstLine: Int) -> Reject {
        Reject(
            file: file, line: row.line, columnNumber: idColumn.map { $0 + 1 }, column: idColumn.map { header[$0] },
            reason: .duplicateID(id: row.id, firstLine: firstLine), fields: row.fields)
    }

    /// The segment value of a row's field.
    func segmentValue(_ field: String, numeric: NumberReader?) -> SegmentValue {
        if isMissing(field) { return .missing }
        if let numeric {
            // A segment is a rule, not a score: an unreadable number only fails the condition.
            if case .success(let value) = FieldReader.number(field, with: numeric) { return .number(value) }
        }
        return .text(field)
    }
}

/// The accounts and rejects of a contiguous part of a table's records (or of all of them),
/// with the line of each id's first accepted row.
struct LoadedPart: Sendable {
    var builder: BatchBuilder
    var firstLine: [String: Int] = [:]
    var rejects: [Reject] = []
}

/// Collects accepted rows into a ``ProspectBatch``, column by column.
///
/// What each column is (categorical or not, segment columns and their number readers) is
/// copied out of the mapper once, so that appending a row reads plain arrays rather than the
/// mapper's readers (a reference count each) and its segment tuples (a string each).
struct BatchBuilder {
    let mapper: RowMapper
    private let categorical: [Bool]
    private let segmentFields: [Int]
    private let segmentReaders: [NumberReader?]
    private var accounts: [Account] = []
    private var numeric: [[Double]]
    private var codes: [[Int32]]
    private var segmentValues: [[SegmentValue]]

    init(mapper: RowMapper, capacity: Int) {
        self.mapper = mapper
        categorical = mapper.readers.map(\.isCategorical)
        segmentFields = mapper.segmentColumns.map(\.index)
        segmentReaders = mapper.segmentColumns.map(\.numeric)
        accounts.reserveCapacity(capacity)
        numeric = categorical.map { $0 ? [Double]() : [Double](reserveCapacity: capacity) }
        codes = categorical.map { $0 ? [Int32](reserveCapacity: capacity) : [Int32]() }
        segmentValues = [[SegmentValue]](repeating: [], count: mapper.segmentColumns.count)
    }

    mutating func append(_ row: RowMapper.Row) {
        for index in categorical.indices {
            let value = row.values[index]
            if categorical[index] {
                codes[index].append(value.isNaN ? -1 : Int32(value))
            } else {
                numeric[index].append(value)
            }
        }
        for index in segmentFields.indices {
            segmentValues[index].append(mapper.segmentValue(row.fields[segmentFields[index]], numeric: segmentReaders[index]))
        }
        func text(_ column: Int?) -> String { column.map { row.fields[$0] } ?? "" }
        accounts.append(
            Account(
                id: row.id, name: text(mapper.nameColumn), industry: text(mapper.industryColumn),
                region: text(mapper.regionColumn), manager: text(mapper.managerColumn), stage: row.stage,
                dealValue: row.dealValue, line: row.line))
    }

    /// Appends the rows another builder of the same mapper's columns collected (the next
    /// part of the records).
    mutating func append(contentsOf next: BatchBuilder) {
        accounts += next.accounts
        for index in numeric.indices { numeric[index] += next.numeric[index] }
        for index in codes.indices { codes[index] += next.codes[index] }
        for index in segmentValues.indices { segmentValues[index] += next.segmentValues[index] }
    }

    func batch() -> ProspectBatch {
        let factorColumns: [FactorColumn] = categorical.indices.map { index in
            categorical[index] ? .categorical(codes[index]) : .numeric(numeric[index])
        }
        var segmentData = SegmentData()
        for (index, column) in mapper.segmentColumns.enumerated() {
            segmentData.columns[column.name] = segmentValues[index]
        }
        return ProspectBatch(accounts: accounts, factorColumns: factorColumns, segmentData: segmentData)
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
    /// The code of the scale's `other` category (`labels.count`), which takes every label
    /// the map does not know; `nil` when unknown labels are rejected.
    let otherCode: Int?

    init(factor: Factor, column: Int) {
        self.factor = factor
        self.column = column
        numberReader = NumberReader(unit: factor.unit.flatMap(NumberUnit.init(rawValue:)) ?? .none)
        if case .categorical(let map, let other) = factor.scale {
            isCategorical = true
            labels = map.map(\.label)
            otherCode = other == nil ? nil : map.count
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
            otherCode = nil
            labels = []
            exactLabels = [:]
            foldedLabels = [:]
        }
    }

    /// The number, or the category index as a Double.
    func read(_ field: String) -> Swift.Result<Double, Reject.Reason> {
        if isCategorical {
            if let index = categoryIndex(field) { return .success(Double(index)) }
            return .failure(.unknownCategory(value: field, allowed: labels))
        }
        return Self.number(field, with: numberReader)
    }

    /// The category's index in the map: the label equal to the field, else the label equal
    /// to it ignoring case (both as Swift strings compare: canonically equivalent text is
    /// equal), else `other`'s code when the scale has one.
    func categoryIndex(_ field: String) -> Int? {
        exactLabels[field] ?? foldedLabels[field.lowercased()] ?? otherCode
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
/// common case (a number or a label that is no code) costs a table look-up or two.
struct MissingCodes: Sendable {
    /// Each code's UTF-8 bytes, ASCII letters lowercased, back to back.
    let bytes: [UInt8]
    /// Code `i` is `bytes[starts[i]..<starts[i + 1]]`.
    let starts: [Int]
    /// `hasLength[n]`: whether some code is n bytes long (n < 64; longer codes never match).
    let hasLength: [Bool]
    /// `startsWith[b]`: whether some code starts with byte `b` (lowercased).
    let startsWith: [Bool]

    init(_ codes: [String]) {
        let lowered = codes.map { Array($0.utf8).map(MissingCodes.lower) }
        bytes = lowered.flatMap { $0 }
        var starts = [0]
        for code in lowered { starts.append(starts[starts.count - 1] + code.count) }
        self.starts = starts
        var hasLength = [Bool](repeating: false, count: 64)
        var startsWith = [Bool](repeating: false, count: 256)
        for code in lowered where code.count < 64 {
            hasLength[code.count] = true
            if let first = code.first { startsWith[Int(first)] = true }
        }
        self.hasLength = hasLength
        self.startsWith = startsWith
    }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// Whether a (trimmed) field means "no value": blank, or one of the codes.
    func matches(_ field: String) -> Bool {
        ByteView.withBytes(of: field) { matches(bytes: $0, from: 0, to: $0.count) }
    }

    /// Whether the bytes `text[start..<end]` mean "no value"; see ``matches(_:)``.
    @inline(__always)
    func matches(bytes text: ByteView, from start: Int, to end: Int) -> Bool {
        let length = end &- start
        if length == 0 { return true }
        guard length < 64, hasLength[length], startsWith[Int(MissingCodes.lower(text[start]))] else { return false }
        for code in 0..<(starts.count - 1) where starts[code + 1] - starts[code] == length {
            var equal = true
            let base = starts[code]
            for index in 0..<length where MissingCodes.lower(text[start &+ index]) != bytes[base &+ index] {
                equal = false
                break
            }
            if equal { return true }
        }
        return false
    }
}

extension Array {
    init(reserveCapacity capacity: Int) {
        self.init()
        reserveCapacity(capacity)
    }
}
