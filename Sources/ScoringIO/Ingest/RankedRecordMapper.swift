import ScoringEngine

/// Maps records that were accepted when the list was ranked (the rows a ranking shows or a
/// run records) into a ``ProspectBatch`` straight from their bytes: the same batch as
/// ``CSVParser`` and ``RowMapper`` followed by ``BatchBuilder`` make, without a `String` per
/// field or the row's checks run again.
///
/// Fields are split with ``FieldScanner`` (``CSVParser``'s grammar), numbers, labels,
/// stages and missing codes are read with the streaming reader's byte readers (which give
/// the loader's values, bit for bit), and only the columns an ``Account`` or a segment rule
/// reads become `String`s. A record that no longer maps as it did (a bug, or a file changed
/// between two reads) is reported, never mapped differently.
struct RankedRecordMapper: Sendable {
    /// What a column's field is used for. A column may have several roles (a factor that
    /// is also a segment column, say).
    enum Role: Sendable {
        case id
        case name
        case industry
        case region
        case manager
        case factor(Int)
        case stage
        case dealValue
        /// The `index`th of ``RowMapper/segmentColumns``.
        case segment(Int)
    }

    let plan: StreamPlan
    /// `roles[roleStart[c]..<roleStart[c + 1]]` are column `c`'s roles (none for a column
    /// nothing reads); one flat array, so that reading a column's roles retains nothing.
    let roles: [Role]
    let roleStart: [Int]
    /// Whether factor columns are read (see ``init(plan:readsFactors:)``).
    let readsFactors: Bool

    /// - Parameter readsFactors: `false` reads only what a run history keeps of an account
    ///   whose utilities are known already: its id, name, stage and segment columns (a factor
    ///   that is also a segment column is read for its segment). The batch's factor values
    ///   are then all missing, and its accounts have no industry, region, manager or deal value.
    init(plan: StreamPlan, readsFactors: Bool = true) {
        self.plan = plan
        self.readsFactors = readsFactors
        let mapper = plan.mapper
        var roles = [[Role]](repeating: [], count: plan.columnCount)
        if let column = mapper.idColumn { roles[column].append(.id) }
        if let column = mapper.nameColumn { roles[column].append(.name) }
        if readsFactors {
            if let column = mapper.industryColumn { roles[column].append(.industry) }
            if let column = mapper.regionColumn { roles[column].append(.region) }
            if let column = mapper.managerColumn { roles[column].append(.manager) }
            for (factor, reader) in mapper.readers.enumerated() { roles[reader.column].append(.factor(factor)) }
        }
        if let column = mapper.stageColumn { roles[column].append(.stage) }
        if readsFactors, let column = mapper.dealColumn { roles[column].append(.dealValue) }
        for (index, column) in mapper.segmentColumns.enumerated() { roles[column.index].append(.segment(index)) }
        self.roles = roles.flatMap { $0 }
        roleStart = roles.reduce(into: [0]) { $0.append($0.last! + $1.count) }
    }

    /// What a record failed to map as; the caller words it.
    struct Mismatch: Error {
        /// The entry's index in the page.
        let index: Int
    }

    /// Maps `records` (the UTF-8 text of each entry's record, `lengths[i]` bytes each, back
    /// to back) in the order given; `lines[i]` is each record's line in the file.
    ///
    /// - Parameter checksID: Called with each mapped record's index and id bytes (as the
    ///   file has them); a `false` answer is a mismatch.
    /// - Throws: ``Mismatch`` for the first record that does not map.
    func map(
        records: [UInt8], lengths: [Int], lines: [Int],
        checksID: ((Int, ByteView) -> Bool)? = nil
    ) throws(Mismatch) -> ProspectBatch {
        var page = Page(
            plan: plan, roles: roles, roleStart: roleStart, readsFactors: readsFactors, capacity: lengths.count)
        try records.withByteView { (bytes: ByteView) throws(Mismatch) in
            var start = 0
            for index in lengths.indices {
                let end = start + lengths[index]
                let record = bytes.rebased(start..<end)
                start = end
                let mapped =
                    if let checksID {
                        page.append(record, line: lines[index]) { checksID(index, $0) }
                    } else {
                        page.append(record, line: lines[index], checksID: nil)
                    }
                guard mapped else { throw Mismatch(index: index) }
            }
        }
        return page.batch(segmentColumns: plan.mapper.segmentColumns)
    }

    /// The columns of a page being mapped.
    private struct Page {
        let plan: StreamPlan
        let roles: [Role]
        let roleStart: [Int]
        let columnCount: Int
        let factorCount: Int
        let isCategorical: [Bool]
        let readsFactors: Bool
        /// Per column: the numeric factor that is its only role, read as its field is
        /// scanned when it is a plain number (``FieldScanner/nextSimpleNumber(_:)``); -1 for
        /// the other columns.
        let fusedFactor: [Int]
        var accounts: [Account] = []
        /// Every mapped record's factor values (a category as its code; NaN when missing),
        /// row after row; made into columns once, by ``batch(segmentColumns:)``, which gives a
        /// missing category the loader's -1.
        var rows: [Double] = []
        /// Every mapped record's segment values, a column per segment column.
        var segmentColumnValues: [[SegmentValue]]
        // The current record's values.
        var id = ""
        var hasID = false
        var name = ""
        var industry = ""
        var region = ""
        var manager = ""
        var values: [Double]
        var stage: Int?
        var dealValue: Double?
        var segmentRow: [SegmentValue]

        init(plan: StreamPlan, roles: [Role], roleStart: [Int], readsFactors: Bool, capacity: Int) {
            self.plan = plan
            self.roles = roles
            self.roleStart = roleStart
            self.readsFactors = readsFactors
            columnCount = plan.columnCount
            factorCount = plan.factorCount
            isCategorical = plan.isCategorical
            let fuses = FieldScanner.fusesNumbers(delimiter: plan.delimiter)
            fusedFactor = (0..<plan.columnCount).map { column in
                guard fuses, roleStart[column + 1] - roleStart[column] == 1,
                    case .factor(let factor) = roles[roleStart[column]], !plan.isCategorical[factor]
                else { return -1 }
                return factor
            }
            if readsFactors { rows.reserveCapacity(capacity * plan.factorCount) }
            segmentColumnValues = plan.mapper.segmentColumns.map { _ in
                var column: [SegmentValue] = []
                column.reserveCapacity(capacity)
                return column
            }
            accounts.reserveCapacity(capacity)
            values = [Double](repeating: .nan, count: plan.factorCount)
            segmentRow = [SegmentValue](repeating: .missing, count: plan.mapper.segmentColumns.count)
            // Storage of their own even when empty: the empty array's storage is shared, never
            // uniquely referenced, so `read` (which makes them writable on entry) would copy
            // them for every field (2% of a whole ranking's time).
            values.reserveCapacity(1)
            segmentRow.reserveCapacity(1)
        }

        /// Maps one record and appends it; `false` when it does not map.
        mutating func append(_ record: ByteView, line: Int, checksID: ((ByteView) -> Bool)?) -> Bool {
            var scanner = FieldScanner(bytes: record, start: 0, line: line, delimiter: plan.delimiter)
            hasID = false
            stage = nil
            dealValue = nil
            name = ""
            industry = ""
            region = ""
            manager = ""
            var column = 0
            do throws(FieldScanner.Failure) {
                guard scanner.skipBlankLines() else { return false }
                while true {
                    guard column < columnCount else { return false }
                    let first = roleStart[column]
                    let last = roleStart[column &+ 1]
                    if first == last {
                        let endsRecord = try scanner.skipField()
                        column &+= 1
                        if endsRecord { break }
                        continue
                    }
                    let factor = fusedFactor[column]
                    if factor >= 0, let (field, value) = scanner.nextSimpleNumber(plan.numberReaders[factor]) {
                        if plan.missingCodes.matches(bytes: record, from: field.start, to: field.end) {
                            if plan.isRequired[factor] { return false }
                            values[factor] = .nan
                        } else {
                            values[factor] = value
                        }
                        column &+= 1
                        if field.endsRecord { break }
                        continue
                    }
                    let field = try scanner.nextField()
                    let mapped =
                        field.inScratch
                        ? scanner.scratch.withByteView { read(field, in: $0, roles: first..<last, checksID: checksID) }
                        : read(field, in: record, roles: first..<last, checksID: checksID)
                    guard mapped else { return false }
                    column &+= 1
                    if field.endsRecord { break }
                }
            } catch {
                return false
            }
            guard column == columnCount else { return false }
            if plan.mapper.idColumn == nil {
                id = String(line)
            } else if !hasID {
                return false
            }
            // (Appending nothing to an empty array would make a new empty buffer each time.)
            if readsFactors && factorCount > 0 { rows.append(contentsOf: values) }
            for index in segmentRow.indices { segmentColumnValues[index].append(segmentRow[index]) }
            accounts.append(
                Account(
                    id: id, name: name, industry: industry, region: region, manager: manager, stage: stage,
                    dealValue: dealValue, line: line))
            return true
        }

        /// Applies a field's roles; `false` when a check the record passed when it was ranked
        /// fails now.
        mutating func read(
            _ field: FieldScanner.Field, in bytes: ByteView, roles range: Range<Int>, checksID: ((ByteView) -> Bool)?
        ) -> Bool {
            let start = field.start
            let end = field.end
            let missing = plan.missingCodes.matches(bytes: bytes, from: start, to: end)
            for index in range {
                switch roles[index] {
                case .id:
                    if missing { return false }
                    let idBytes = bytes.rebased(start..<end)
                    if let checksID, !checksID(idBytes) { return false }
                    id = idBytes.string
                    hasID = true
                case .name: name = bytes.rebased(start..<end).string
                case .industry: industry = bytes.rebased(start..<end).string
                case .region: region = bytes.rebased(start..<end).string
                case .manager: manager = bytes.rebased(start..<end).string
                case .factor(let factor):
                    if missing {
                        if plan.isRequired[factor] { return false }
                        values[factor] = .nan
                    } else if isCategorical[factor] {
                        guard let code = plan.categories.index(factor: factor, of: bytes, from: start, to: end)
                        else { return false }
                        values[factor] = Double(code)
                    } else {
                        guard let value = plan.numberReaders[factor].value(in: bytes, from: start, to: end)
                        else { return false }
                        values[factor] = value
                    }
                case .stage:
                    if missing { continue }
                    guard let value = StageText.integer(bytes, from: start, to: end), (1...5).contains(value)
                    else { return false }
                    stage = value
                case .dealValue:
                    if missing { continue }
                    guard let value = plan.dealReader.value(in: bytes, from: start, to: end), value >= 0
                    else { return false }
                    dealValue = value
                case .segment(let index):
                    if missing {
                        segmentRow[index] = .missing
                    } else if let reader = plan.mapper.segmentColumns[index].numeric,
                        let value = reader.value(in: bytes, from: start, to: end)
                    {
                        segmentRow[index] = .number(value)
                    } else {
                        segmentRow[index] = .text(bytes.rebased(start..<end).string)
                    }
                }
            }
            return true
        }

        func batch(segmentColumns: [(name: String, index: Int, numeric: NumberReader?)]) -> ProspectBatch {
            let count = accounts.count
            let factorColumns: [FactorColumn] = (0..<factorCount).map { factor in
                guard readsFactors else {
                    return isCategorical[factor]
                        ? .categorical(Array(repeating: -1, count: count)) : .numeric(Array(repeating: .nan, count: count))
                }
                let column = stride(from: factor, to: count * factorCount, by: factorCount).map { rows[$0] }
                return isCategorical[factor] ? .categorical(column.map { $0.isNaN ? -1 : Int32($0) }) : .numeric(column)
            }
            var segmentData = SegmentData()
            for (index, column) in segmentColumns.enumerated() { segmentData.columns[column.name] = segmentColumnValues[index] }
            return ProspectBatch(accounts: accounts, factorColumns: factorColumns, segmentData: segmentData)
        }
    }
}
