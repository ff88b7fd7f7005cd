import ScoringEngine

/// A first model file for a list `kam` has never seen (`kam init`): one factor per usable
/// column, each with a scale read off the data, and every guess marked for the analyst to
/// confirm.
///
/// Per column, in order: the outcome column (given, or found by name and won/lost words) is
/// no factor; the id, name and stage columns are found by name and content; a column that is
/// near-unique (ids, free text) or constant is left out with its reason; a column whose
/// present cells are at least 95% numbers becomes a numeric factor with a linear scale from
/// its 1st to its 99th percentile, in the unit its cells carry (`45万`, `35%`); any other
/// column with at most ``maximumCategories`` labels becomes a categorical factor. With an
/// outcome, a column that on its own ranks won above lost with AUC ≥ ``leakAUC``, or whose
/// name says it is written after the outcome (status, result, follow-up, duration…), is
/// flagged as a likely leak and left out (commented in the file), and each factor's
/// direction and side follow the sign of its relation to winning; without one, sides are
/// guessed from names (risk, cost, delay, cycle, difficulty, 风险, 成本, 周期 … are
/// difficulty) and directions are increasing. Weights are equal within a side. The grading
/// block is a neutral 3 × 3 grid for `kam model fit` to relearn.
public struct ModelDraft: Sendable {
    /// What became of one column.
    public struct Column: Sendable, Equatable {
        public enum Role: Sendable, Equatable {
            case id, name, stage, dealValue, outcome
            case factor(side: Factor.Side, direction: Factor.Direction)
            case leftOut(reason: String)
            case likelyLeak(reason: String)
        }

        public let name: String
        public let role: Role
        /// Numeric columns: the unit the cells carry.
        public let unit: NumberUnit
        /// Numeric columns: the scale's ends (1st and 99th percentile); categorical: nil.
        public let range: (low: Double, high: Double)?
        /// Categorical columns: the labels with their proposed utilities (by win rate with an
        /// outcome, 0.5 without), most frequent first.
        public let categories: [(label: String, utility: Double)]
        /// The single-column AUC of won above lost (≥ 0.5 by orientation), with an outcome.
        public let auc: Double?
        /// Why the side or direction was chosen.
        public let note: String

        public static func == (lhs: Column, rhs: Column) -> Bool {
            lhs.name == rhs.name && lhs.role == rhs.role && lhs.unit == rhs.unit
                && lhs.range?.low == rhs.range?.low && lhs.range?.high == rhs.range?.high
                && lhs.categories.map(\.label) == rhs.categories.map(\.label)
                && lhs.categories.map(\.utility) == rhs.categories.map(\.utility) && lhs.auc == rhs.auc
                && lhs.note == rhs.note
        }
    }

    public static let maximumCategories = 50
    public static let leakAUC = 0.90

    public let file: String
    public let name: String
    public let columns: [Column]
    public let missingCodes: [String]
    public let rowsRead: Int
    public let outcomeColumn: String?
    /// Decided outcomes (won, lost) among the rows, with an outcome column.
    public let outcomes: (won: Int, lost: Int)?

    /// Texts read as "no value" when they appear in a column (matched ignoring case).
    static let knownMissingCodes = ["NA", "N/A", "n.a.", "null", "none", "unknown", "-", "--", "?", "未知", "无", "空", "缺失"]

    /// Profiles `table` and proposes a model.
    ///
    /// - Parameters:
    ///   - outcomeColumn: The won/lost column; `nil` looks for one by name (`outcome`, `y`,
    ///     `result`, `won`, 结果 …) whose cells are won/lost words.
    ///   - name: The model's name.
    /// - Throws: ``ModelDraftError`` when the outcome column is missing, or when no column
    ///   can be a factor.
    public init(table: CSVTable, outcomeColumn: String? = nil, name: String) throws(ModelDraftError) {
        self.file = table.file
        self.name = name
        self.rowsRead = table.records.count
        let header = table.header
        let cells: [[String]] = header.indices.map { index in
            table.records.map { index < $0.fields.count ? Self.trimmed($0.fields[index]) : "" }
        }
        let seenCodes = Self.missingCodes(in: cells)
        self.missingCodes = seenCodes
        let missing = MissingCells(codes: seenCodes)
        let outcomeIndex = try Self.outcomeIndex(named: outcomeColumn, table: table, cells: cells, missing: missing)
        self.outcomeColumn = outcomeIndex.map { header[$0] }
        let outcome: [Double?] = outcomeIndex.map { index in cells[index].map(Self.outcomeValue) } ?? []
        if outcomeIndex != nil {
            let won = outcome.filter { $0 == 1 }.count
            let lost = outcome.filter { $0 == 0 }.count
            self.outcomes = (won, lost)
        } else {
            self.outcomes = nil
        }

        var columns: [Column] = []
        var taken: Set<String> = []  // roles already given: id, name, stage, deal value
        for (index, columnName) in header.enumerated() {
            if index == outcomeIndex {
                columns.append(Column(name: columnName, role: .outcome, unit: .none, range: nil, categories: [], auc: nil, note: ""))
                continue
            }
            let column = ColumnCells(name: columnName, cells: cells[index], missing: missing)
            columns.append(Self.draftColumn(column, outcome: outcome, taken: &taken))
        }
        let factorIndices = columns.indices.filter { if case .factor = columns[$0].role { return true } else { return false } }
        guard !factorIndices.isEmpty else { throw .noFactor(file: table.file) }
        Self.giveEachSideAFactor(&columns, factorIndices: factorIndices)
        self.columns = columns
    }

    /// The texts read as "no value": the missing codes found and the empty text.
    struct MissingCells {
        let missing: Set<String>

        init(codes: [String]) { missing = Set(codes.map { $0.lowercased() } + [""]) }

        func contains(_ text: String) -> Bool { missing.contains(text.lowercased()) }
    }

    /// One column's cells and what the draft reads off them.
    struct ColumnCells {
        let name: String
        let lowered: String
        /// Every cell, blank or not.
        let all: [String]
        /// The cells that are not missing, with their row.
        let present: [(offset: Int, element: String)]
        let distinct: Set<String>
        let numbers: (values: [Double], rows: [Int], unit: NumberUnit)
        /// Whether at least 95% of the present cells are numbers.
        let isNumeric: Bool

        init(name: String, cells: [String], missing: MissingCells) {
            self.name = name
            all = cells
            present = cells.enumerated().filter { !missing.contains($0.element) }
            lowered = name.lowercased()
            distinct = Set(present.map(\.element))
            numbers = ModelDraft.numbers(present.map(\.element))
            let numericShare = present.isEmpty ? 0 : Double(numbers.values.count) / Double(present.count)
            isNumeric = numericShare >= 0.95 && !numbers.values.isEmpty
        }

        func column(_ role: Column.Role, note: String = "", unit: NumberUnit = .none) -> Column {
            Column(name: name, role: role, unit: unit, range: nil, categories: [], auc: nil, note: note)
        }
    }

    /// The known missing codes that occur anywhere in `cells`.
    static func missingCodes(in cells: [[String]]) -> [String] {
        var seenCodes: [String] = []
        for code in knownMissingCodes {
            let lowered = code.lowercased()
            if cells.contains(where: { column in column.contains { $0.lowercased() == lowered } }) { seenCodes.append(code) }
        }
        return seenCodes
    }

    /// The index of the outcome column: the one named, else the first whose name is an
    /// outcome name and whose cells are all won/lost words or missing.
    static func outcomeIndex(
        named outcomeColumn: String?, table: CSVTable, cells: [[String]], missing: MissingCells
    ) throws(ModelDraftError) -> Int? {
        let header = table.header
        if let outcomeColumn {
            guard let index = header.firstIndex(of: outcomeColumn) else {
                throw .missingOutcome(file: table.file, column: outcomeColumn, available: header)
            }
            return index
        }
        return header.indices.first { index in
            outcomeNames.contains(header[index].lowercased())
                && cells[index].allSatisfy { outcomeValue($0) != nil || missing.contains($0) }
        }
    }

    /// What becomes of a column that is not the outcome: an identity role not yet `taken`,
    /// left out, or a numeric or categorical factor.
    static func draftColumn(_ cells: ColumnCells, outcome: [Double?], taken: inout Set<String>) -> Column {
        if let identity = identityColumn(cells, taken: &taken) { return identity }
        let present = cells.present
        let distinct = cells.distinct
        if present.isEmpty {
            return cells.column(.leftOut(reason: "every cell is blank or a missing code"))
        }
        if distinct.count == 1 {
            return cells.column(.leftOut(reason: "constant: every present cell is '\(Self.shown(present[0].element))'"))
        }
        // Near-unique columns are ids or free text, not factors.
        let uniqueShare = Double(distinct.count) / Double(present.count)
        if present.count >= 20, uniqueShare >= 0.95, !cells.isNumeric || Self.isIDLike(cells.numbers.values) {
            let kind =
                cells.isNumeric ? "looks like an id (near-unique whole numbers in row order)" : "near-unique text (an id or free text)"
            if !taken.contains("id"), cells.isNumeric || cells.lowered.contains("id") {
                taken.insert("id")
                return cells.column(.id)
            }
            return cells.column(.leftOut(reason: "\(kind): \(distinct.count) distinct values in \(present.count) rows"))
        }
        let rowsOutcome = outcome.isEmpty ? [] : present.map { outcome[$0.offset] }
        if cells.isNumeric { return numericColumn(cells, rowsOutcome: rowsOutcome) }
        if distinct.count > Self.maximumCategories {
            return cells.column(
                .leftOut(
                    reason: "\(distinct.count) distinct labels (more than \(Self.maximumCategories)): a name or free text, not a factor"))
        }
        return categoricalColumn(cells, rowsOutcome: rowsOutcome, hasOutcome: !outcome.isEmpty)
    }

    /// The id, name, stage or deal-value column, found by name first and by content, when
    /// that role is not yet `taken`.
    static func identityColumn(_ cells: ColumnCells, taken: inout Set<String>) -> Column? {
        let lowered = cells.lowered
        if !taken.contains("id"), Self.idNames.contains(lowered) || lowered.hasSuffix("_id") || lowered.hasSuffix(" id"),
            cells.distinct.count == cells.present.count, cells.present.count == cells.all.count
        {
            taken.insert("id")
            return cells.column(.id)
        }
        if !taken.contains("name"), Self.nameNames.contains(lowered), !cells.isNumeric {
            taken.insert("name")
            return cells.column(.name)
        }
        if !taken.contains("stage"), Self.stageNames.contains(lowered), cells.isNumeric,
            cells.numbers.values.allSatisfy({ $0 == $0.rounded() && (1...5).contains($0) })
        {
            taken.insert("stage")
            return cells.column(.stage)
        }
        if !taken.contains("deal"), Self.dealNames.contains(lowered), cells.isNumeric {
            taken.insert("deal")
            return cells.column(.dealValue, unit: cells.numbers.unit)
        }
        return nil
    }

    /// A numeric factor with a scale from the 1st to the 99th percentile (a code at an edge
    /// left out), or a column left out for too little spread.
    ///
    /// - Parameter rowsOutcome: The outcome of each present cell's row (empty without an outcome).
    static func numericColumn(_ cells: ColumnCells, rowsOutcome: [Double?]) -> Column {
        let numbers = cells.numbers
        let values = numbers.values
        var sorted = values.sorted()
        // A code at an edge (999 for "never", -1, 0 on a large share of rows) would
        // stretch the scale: the range leaves it out and the note names it.
        var sentinel = ""
        if let code = Self.edgeCode(sorted) {
            sorted.removeAll { $0 == code.value }
            sentinel =
                "; \(Self.number(code.value)) on \(formatDecimal(100 * code.share, digits: 1))% of rows looks like a code, "
                + "not an amount: the scale leaves it out (CONFIRM what it means)"
        }
        let low = Self.quantile(sorted, 0.01)
        let high = Self.quantile(sorted, 0.99)
        guard low < high else {
            return cells.column(.leftOut(reason: "98% of its values are \(Self.number(low)): too little spread for a scale"))
        }
        let decided = zip(numbers.rows, numbers.values).compactMap { row, value -> (Double, Double)? in
            guard !rowsOutcome.isEmpty, let won = rowsOutcome[row] else { return nil }
            return (value, won)
        }
        let auc =
            decided.isEmpty
            ? nil
            : BinaryOutcomeMetrics.areaUnderROC(scores: decided.map(\.0), outcomes: decided.map(\.1))
        let factor = Self.factorColumn(name: cells.name, unit: numbers.unit, range: (low, high), categories: [], auc: auc)
        return Column(
            name: factor.name, role: factor.role, unit: factor.unit, range: factor.range,
            categories: factor.categories, auc: factor.auc, note: factor.note + sentinel)
    }

    /// A categorical factor: labels by frequency; utilities by win rate (shrunk toward the
    /// mean) with an outcome, else 0.5.
    ///
    /// - Parameter rowsOutcome: The outcome of each present cell's row (empty without an outcome).
    static func categoricalColumn(_ cells: ColumnCells, rowsOutcome: [Double?], hasOutcome: Bool) -> Column {
        var counts: [String: (count: Int, won: Double, decided: Int)] = [:]
        for (position, cell) in cells.present.enumerated() {
            var entry = counts[cell.element, default: (0, 0, 0)]
            entry.count += 1
            if !rowsOutcome.isEmpty, let won = rowsOutcome[position] {
                entry.won += won
                entry.decided += 1
            }
            counts[cell.element] = entry
        }
        let labels = counts.sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }
        guard hasOutcome else {
            return Self.factorColumn(name: cells.name, unit: .none, range: nil, categories: labels.map { ($0.key, 0.5) }, auc: nil)
        }
        let totalDecided = labels.reduce(0) { $0 + $1.value.decided }
        let totalWon = labels.reduce(0.0) { $0 + $1.value.won }
        let mean = totalDecided > 0 ? totalWon / Double(totalDecided) : 0.5
        let prior = 10.0
        let rates = labels.map { ($0.key, ($0.value.won + prior * mean) / (Double($0.value.decided) + prior)) }
        let lowest = rates.map(\.1).min() ?? 0
        let highest = rates.map(\.1).max() ?? 1
        let spread = highest - lowest
        let categories: [(label: String, utility: Double)] = rates.map { ($0.0, spread > 0 ? Self.rounded(($0.1 - lowest) / spread) : 0.5) }
        let rateByLabel = Dictionary(uniqueKeysWithValues: rates.map { ($0.0, $0.1) })
        let groups = labels.map { label in
            (score: rateByLabel[label.key] ?? 0, won: Int(label.value.won), lost: label.value.decided - Int(label.value.won))
        }
        let auc = BinaryOutcomeMetrics.areaUnderROC(
            scores: groups.flatMap { group in Array(repeating: group.score, count: group.won + group.lost) },
            outcomes: groups.flatMap { group in Array(repeating: 1.0, count: group.won) + Array(repeating: 0.0, count: group.lost) })
        return Self.factorColumn(name: cells.name, unit: .none, range: nil, categories: categories, auc: auc)
    }

    /// At least one factor a side: with an outcome the weakest-signed factor moves; else the
    /// last numeric one.
    static func giveEachSideAFactor(_ columns: inout [Column], factorIndices: [Int]) {
        for side in Factor.Side.allCases {
            let onSide = factorIndices.filter { if case .factor(side, _) = columns[$0].role { return true } else { return false } }
            guard onSide.isEmpty, factorIndices.count >= 2 else { continue }
            let other: Factor.Side = side == .value ? .difficulty : .value
            let candidates = factorIndices.filter { if case .factor(other, _) = columns[$0].role { return true } else { return false } }
            guard candidates.count >= 2,
                let chosen = candidates.min(by: { (columns[$0].auc ?? 0.5) < (columns[$1].auc ?? 0.5) }) ?? candidates.last
            else { continue }
            let old = columns[chosen]
            guard case .factor(_, let direction) = old.role else { continue }
            // Same ranking effect: a value factor increasing in x is a difficulty factor decreasing in x.
            let flipped: Factor.Direction = direction == .increasing ? .decreasing : .increasing
            columns[chosen] = Column(
                name: old.name, role: .factor(side: side, direction: flipped), unit: old.unit, range: old.range,
                categories: old.categories, auc: old.auc,
                note:
                    "no column names a \(side.rawValue) factor: moved here (the weakest relation) so each side has one; CONFIRM or replace")
        }
    }

    /// A factor column: leak check, side and direction.
    static func factorColumn(
        name: String, unit: NumberUnit, range: (low: Double, high: Double)?, categories: [(label: String, utility: Double)],
        auc rawAUC: Double?
    ) -> Column {
        let lowered = name.lowercased()
        let difficultyByName = difficultyWords.contains { lowered.contains($0) }
        let leakByName = leakWords.contains { lowered.contains($0) }
        let strength = rawAUC.map { max($0, 1 - $0) }
        if let strength, strength >= leakAUC {
            return Column(
                name: name,
                role: .likelyLeak(
                    reason: "on its own it ranks won above lost with AUC \(number(strength)) (≥ \(number(leakAUC)))"
                        + (leakByName ? ", and its name suggests it is written after the outcome" : "")),
                unit: unit, range: range, categories: categories, auc: strength, note: "")
        }
        if leakByName, rawAUC != nil {
            return Column(
                name: name,
                role: .likelyLeak(reason: "its name suggests it is written after the outcome (status, result, follow-up, duration)"),
                unit: unit, range: range, categories: categories, auc: strength, note: "")
        }
        let side: Factor.Side = difficultyByName ? .difficulty : .value
        var direction: Factor.Direction = .increasing
        var note = difficultyByName ? "side from its name" : "side guessed"
        if let rawAUC, range != nil {
            // Higher values win more often: increasing value, or decreasing difficulty.
            let winsMoreWhenHigher = rawAUC >= 0.5
            direction = (side == .value) == winsMoreWhenHigher ? .increasing : .decreasing
            note += "; direction from the outcomes (AUC \(number(max(rawAUC, 1 - rawAUC))))"
        } else if range != nil {
            note += "; direction assumed increasing"
        }
        if rawAUC != nil, range == nil {
            // Categories: utilities follow win rates; on the difficulty side they must run the other way.
            let flipped = side == .difficulty ? categories.map { ($0.label, rounded(1 - $0.utility)) } : categories
            return Column(
                name: name, role: .factor(side: side, direction: .increasing), unit: unit, range: nil, categories: flipped,
                auc: strength, note: note + "; utilities from win rates")
        }
        return Column(
            name: name, role: .factor(side: side, direction: direction), unit: unit, range: range, categories: categories,
            auc: strength, note: note)
    }

    // MARK: Words

    static let outcomeNames: Set<String> = ["outcome", "y", "result", "won", "win", "status_final", "结果", "成交", "输赢"]
    static let idNames: Set<String> = ["id", "account_id", "customer_id", "client_id", "account", "编号", "客户编号", "账户"]
    static let nameNames: Set<String> = ["name", "account_name", "company", "customer", "customer_name", "名称", "客户名称", "公司"]
    static let stageNames: Set<String> = ["stage", "阶段", "销售阶段"]
    static let dealNames: Set<String> = ["deal_value", "deal_size", "amount", "contract_value", "close_value", "金额", "合同金额", "预计金额"]
    static let difficultyWords = [
        "risk", "cost", "delay", "cycle", "difficult", "competit", "incumbent", "debt", "default", "loan", "complaint",
        "churn", "late", "风险", "成本", "周期", "难", "竞争", "延迟", "拖欠", "投诉", "负债",
    ]
    static let leakWords = ["status", "result", "followup", "follow_up", "follow-up", "duration", "close_date", "closed", "跟进", "结果", "状态"]

    /// 1 for won, 0 for lost, nil otherwise (the words of `kam weights fit`).
    static func outcomeValue(_ text: String) -> Double? {
        let word = text.lowercased()
        if HistoryLoader.wonWords.contains(word) { return 1 }
        if HistoryLoader.lostWords.contains(word) { return 0 }
        return nil
    }

    // MARK: Numbers

    /// The cells that read as numbers (with their row among `texts`) and the unit they carry:
    /// plain, percent, or money (`万`, `元`, `亿`: read into 万).
    static func numbers(_ texts: [String]) -> (values: [Double], rows: [Int], unit: NumberUnit) {
        let plain = NumberReader(unit: .none)
        var units: [String: Int] = [:]
        var values: [Double] = []
        var rows: [Int] = []
        for (row, text) in texts.enumerated() {
            switch plain.read(text) {
            case .success(let value):
                values.append(value)
                rows.append(row)
            case .failure(.unitNotAllowed(let unit)):
                units[unit, default: 0] += 1
            case .failure:
                break
            }
        }
        guard let (unitText, _) = units.max(by: { $0.value < $1.value }) else { return (values, rows, .none) }
        let unit: NumberUnit = unitText.contains("%") || unitText.contains("％") ? .percent : .wan
        let reader = NumberReader(unit: unit)
        values = []
        rows = []
        for (row, text) in texts.enumerated() {
            if case .success(let value) = reader.read(text) {
                values.append(value)
                rows.append(row)
            }
        }
        return (values, rows, unit)
    }

    /// Whole numbers, all distinct, rising in row order: a row number or an id.
    static func isIDLike(_ values: [Double]) -> Bool {
        guard values.allSatisfy({ $0 == $0.rounded() }) else { return false }
        let rising = zip(values, values.dropFirst()).filter { $0 < $1 }.count
        return Double(rising) >= 0.95 * Double(max(values.count - 1, 1)) || Set(values).count == values.count
    }

    /// The smallest or largest value when it holds at least 10% of the rows and stands apart
    /// from the rest (beyond 1.5 × the range of the others): a code such as 999 or −1.
    static func edgeCode(_ sorted: [Double]) -> (value: Double, share: Double)? {
        guard let first = sorted.first, let last = sorted.last, first < last else { return nil }
        for (value, atEnd) in [(last, true), (first, false)] {
            let count = sorted.filter { $0 == value }.count
            guard Double(count) >= 0.1 * Double(sorted.count) else { continue }
            let rest = sorted.filter { $0 != value }
            guard let restLow = rest.first, let restHigh = rest.last else { continue }
            let gap = atEnd ? value - restHigh : restLow - value
            if gap > 1.5 * max(restHigh - restLow, 1e-12) { return (value, Double(count) / Double(sorted.count)) }
        }
        return nil
    }

    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let position = p * Double(sorted.count - 1)
        let index = Int(position)
        return sorted[min(index, sorted.count - 1)]
    }

    static func trimmed(_ text: String) -> String {
        var view = Substring(text)
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return formatDecimal(value, digits: abs(value) >= 100 ? 1 : 3)
    }

    /// At most 40 characters of `text`, control characters escaped.
    static func shown(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars.prefix(40) {
            result += scalar.value < 0x20 || scalar.value == 0x7F ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }
        return text.unicodeScalars.count > 40 ? result + "…" : result
    }
}

/// Why no model could be drafted.
public enum ModelDraftError: Error, Equatable, CustomStringConvertible {
    case missingOutcome(file: String, column: String, available: [String])
    case noFactor(file: String)

    public var description: String {
        switch self {
        case .missingOutcome(let file, let column, let available):
            return "\(file): there is no column '\(column)' for the outcome; the columns are \(available.joined(separator: ", "))."
        case .noFactor(let file):
            return "\(file): no column can be a factor (every column is an id, a name, constant, free text or the outcome)."
        }
    }
}
