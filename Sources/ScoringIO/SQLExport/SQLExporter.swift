import ScoringEngine

/// Writes a model as one SQL query that computes, for every row of a table with the
/// model's columns, what `kam rank` computes: each factor's utility and contribution
/// (points), completeness, value and difficulty under every scenario, the ranking key
/// (priority), grade, action, segments, the calibrated probability of winning, and the rank.
///
/// The query is a chain of common table expressions:
///
/// | layer | what it holds |
/// |---|---|
/// | `kam_cells` | each column the model reads, as cleaned text |
/// | `kam_parsed` | missing flags, numbers read as kam reads them, category utilities |
/// | `kam_checked` | the reject reason of rows kam would reject (NULL for the others) |
/// | `kam_accepted` | the rows kam scores (no reason, account id not repeated) |
/// | `kam_stats` | batch statistics (min, max, mean, deviation) of batch-relative scales |
/// | `kam_present` | the utility of every present value |
/// | `kam_means` | mean utilities for the `mean` missing policy |
/// | `kam_utilities` | every utility after the missing policy |
/// | `kam_scored` | completeness, points, value and difficulty per scenario |
/// | `kam_graded` | grades per scenario, the ranking key, the probability, segments |
///
/// Batch-relative statistics are aggregates over the accepted rows of the whole table,
/// joined to every row (a one-row `CROSS JOIN`, which Spark runs without moving the rows to
/// one partition), so scores equal `kam rank` on the same rows.
///
/// Arithmetic repeats the engine's operations with the engine's constants (weights × 100,
/// log denominators and piecewise slopes computed in Swift and written as exact double
/// literals); scores agree with kam's to about 1e-13 (the order of the sums in BLAS and in
/// SQL differ), and grades agree unless a score lies within that distance of a band cut.
public struct SQLExporter: Sendable {
    /// How the table holds the numeric columns of the model's factors.
    public enum Cells: String, Sendable, CaseIterable {
        /// As text, or any type: every cell is cast to text and read with kam's number
        /// grammar (units, thousands separators, missing codes). Always equals `kam rank`.
        case text
        /// As numbers already in the factor's unit; NULL or NaN is missing. Faster; use it
        /// for Parquet or typed warehouse columns. Categorical and segment columns are read
        /// as text either way.
        case typed
    }

    public struct Options: Sendable {
        public var dialect: SQLDialect
        /// The table (or view) to score; written as given, so it may be qualified.
        public var table: String
        /// When set, the query is wrapped in `CREATE VIEW <view> AS …`.
        public var view: String?
        public var cells: Cells
        /// The scenario grades, priority, probability and points follow (`nil`: the model's
        /// own weights).
        public var scenario: String?
        public var language: Language
        /// Whether to number the rows in rank order (a global sort; leave it out on a
        /// cluster when only grades and scores are needed).
        public var rank: Bool
        /// Whether to evaluate segment rules (their columns must then exist in the table).
        public var segments: Bool
        /// A column giving each row's position in the list: the row kept of a repeated id
        /// is the first by it, as kam keeps the first line. Without it, every row of a
        /// repeated id is rejected (a table has no line order).
        public var lineColumn: String?

        public init(
            dialect: SQLDialect = .duckdb, table: String = "prospects", view: String? = nil, cells: Cells = .text,
            scenario: String? = nil, language: Language = .en, rank: Bool = true, segments: Bool = true,
            lineColumn: String? = nil
        ) {
            self.dialect = dialect
            self.table = table
            self.view = view
            self.cells = cells
            self.scenario = scenario
            self.language = language
            self.rank = rank
            self.segments = segments
            self.lineColumn = lineColumn
        }
    }

    public let model: ScoringModel
    public let options: Options
    var dialect: SQLDialect { options.dialect }

    /// - Throws: ``SQLExportError`` for anything the SQL cannot compute exactly.
    public init(model: ScoringModel, options: Options = Options()) throws(SQLExportError) {
        try Self.checkSupported(model)
        if let calibration = model.calibration, !["platt", "isotonic"].contains(calibration.method.name) {
            throw .unsupportedCalibration(method: calibration.method.name)
        }
        if let scenario = options.scenario, !model.scenarios.contains(where: { $0.name == scenario }) {
            throw .unknownScenario(name: scenario, known: ["base"] + model.scenarios.map(\.name))
        }
        self.model = model
        self.options = options
    }

    // MARK: Names of the query's columns

    func id(_ name: String) -> String { dialect.identifier(name) }
    func text(_ factor: Int) -> String { "f\(factor)_t" }
    func missing(_ factor: Int) -> String { "f\(factor)_m" }
    func raw(_ factor: Int) -> String { "f\(factor)_y" }
    func value(_ factor: Int) -> String { "f\(factor)_x" }
    func present(_ factor: Int) -> String { "f\(factor)_u" }
    func filled(_ factor: Int) -> String { "f\(factor)_v" }
    func points(_ factor: Int) -> String { "f\(factor)_p" }

    /// The scenarios scored: the model's weights (`base`) first.
    var scenarioNames: [String] { ["base"] + model.scenarios.map(\.name) }

    /// The index of the scenario grades follow.
    var rankedScenario: Int { options.scenario.flatMap { scenarioNames.firstIndex(of: $0) } ?? 0 }

    /// The segment rule columns, in the loader's order, and whether any condition reads
    /// each as a number.
    var segmentColumns: [(name: String, numeric: Bool)] {
        guard options.segments else { return [] }
        return Set(model.segments.flatMap(\.columns)).sorted().map { name in
            (name, model.segments.contains { rule in rule.groups.joined().contains { $0.column == name && $0.isNumeric } })
        }
    }

    // MARK: The query

    /// The SQL text: one query, or `CREATE VIEW … AS` the query, ending with a newline.
    ///
    /// - Throws: ``SQLExportError`` for a scale kind the exporter does not know.
    public func sql() throws(SQLExportError) -> String {
        var layers: [(name: String, body: String)] = []
        layers.append(("kam_cells", cellsLayer()))
        layers.append(("kam_parsed", try parsedLayer()))
        layers.append(("kam_checked", checkedLayer()))
        layers.append(("kam_accepted", acceptedLayer()))
        let relative = model.factors.indices.filter { model.factors[$0].scale.isBatchRelative }
        let statistics = { (index: Int) in
            BatchColumns(
                minimum: "f\(index)_min", maximum: "f\(index)_max", mean: "f\(index)_mean",
                deviation: "f\(index)_sd")
        }
        var presentSource = "kam_accepted"
        if !relative.isEmpty {
            let columns = relative.flatMap { index -> [String] in
                let s = statistics(index)
                let x = value(index)
                return [
                    "MIN(\(x)) AS \(s.minimum)", "MAX(\(x)) AS \(s.maximum)", "AVG(\(x)) AS \(s.mean)",
                    "STDDEV_POP(\(x)) AS \(s.deviation)",
                ]
            }
            layers.append(("kam_stats", "SELECT\n  " + columns.joined(separator: ",\n  ") + "\nFROM kam_accepted"))
            presentSource = "kam_accepted CROSS JOIN kam_stats"
        }
        var presentColumns: [String] = []
        for (index, factor) in model.factors.enumerated() {
            if factor.scale.interaction != nil {
                // Defined for every row: a missing parent has its own group.
                presentColumns.append("\(try interactionUtility(factor: index)) AS \(present(index))")
                continue
            }
            // A category's utility (direction applied) was looked up when the cell was read.
            let utility =
                factor.isCategorical ? value(index) : try utility(of: value(index), factor: index, statistics(index))
            presentColumns.append("CASE WHEN \(missing(index)) THEN NULL ELSE \(utility) END AS \(present(index))")
        }
        layers.append(("kam_present", select(["*"] + presentColumns, from: presentSource)))
        let meanFactors = model.factors.indices.filter { model.factors[$0].missing == .mean }
        var utilitySource = "kam_present"
        if !meanFactors.isEmpty {
            let columns = meanFactors.map { "COALESCE(AVG(\(present($0))), \(d(0.5))) AS f\($0)_mu" }
            layers.append(("kam_means", "SELECT\n  " + columns.joined(separator: ",\n  ") + "\nFROM kam_present"))
            utilitySource = "kam_present CROSS JOIN kam_means"
        }
        let builder = UtilityBuilder(model: model)
        let filledColumns = model.factors.enumerated().map { index, factor in
            if factor.scale.interaction != nil { return "\(present(index)) AS \(filled(index))" }
            let fill = factor.missing == .mean ? "f\(index)_mu" : d(builder.missingUtility(factor: factor, meanUtility: 0.5))
            return "CASE WHEN \(missing(index)) THEN \(fill) ELSE \(present(index)) END AS \(filled(index))"
        }
        layers.append(("kam_utilities", select(["*"] + filledColumns, from: utilitySource)))
        layers.append(("kam_scored", scoredLayer()))
        layers.append(("kam_graded", gradedLayer()))
        var sql = "-- kam model '\(model.name)' as \(dialect.rawValue) SQL: kam model export --sql\n"
        sql += "-- Scores every row of \(options.table) as kam rank does; see docs/sql-export.md.\n"
        if let view = options.view { sql += "CREATE VIEW \(view) AS\n" }
        sql += "WITH\n"
        sql += layers.map { "\(dialect.commonTable($0.name)) (\n\($0.body)\n)" }.joined(separator: ",\n")
        sql += "\n" + finalSelect()
        return sql + (options.view == nil ? "\n" : ";\n")
    }

    func select(_ columns: [String], from source: String, where condition: String? = nil) -> String {
        var text = "SELECT\n  " + columns.joined(separator: ",\n  ") + "\nFROM \(source)"
        if let condition { text += "\nWHERE \(condition)" }
        return text
    }

    func cellsLayer() -> String {
        var columns: [String] = []
        let c = model.columns
        columns.append("\(cleanText(c.id)) AS k_id")
        for (name, alias) in [(c.name, "k_name"), (c.industry, "k_industry"), (c.region, "k_region"), (c.manager, "k_manager")] {
            columns.append("\(name.map(cleanText) ?? "''") AS \(alias)")
        }
        columns.append("\(c.stage.map(cleanText) ?? "CAST(NULL AS \(dialect.textType))") AS k_stage_t")
        columns.append("\(c.dealValue.map(cleanText) ?? "CAST(NULL AS \(dialect.textType))") AS k_deal_t")
        for (index, factor) in model.factors.enumerated() {
            if options.cells == .typed && !factor.isCategorical {
                columns.append("\(dialect.castDouble(id(factor.column))) AS \(raw(index))")
            } else {
                columns.append("\(cleanText(factor.column)) AS \(text(index))")
            }
        }
        for (number, column) in segmentColumns.enumerated() {
            columns.append("\(cleanText(column.name)) AS s\(number)_t")
        }
        if let line = options.lineColumn { columns.append("\(id(line)) AS k_line") }
        return select(columns, from: options.table)
    }

    func parsedLayer() throws(SQLExportError) -> String {
        var columns = [
            "*", "\(isMissing("k_id")) AS k_id_m", "\(isMissing("k_stage_t")) AS k_stage_m",
            "\(isMissing("k_deal_t")) AS k_deal_m",
        ]
        columns.append("CASE WHEN \(dialect.matches("k_stage_t", "^[+]?0*[1-5]$")) THEN \(dialect.castInteger("k_stage_t")) END AS k_stage")
        let dealUnit = unit(ofColumn: model.columns.dealValue ?? "")
        columns.append("CASE WHEN NOT \(isMissing("k_deal_t")) THEN \(number("k_deal_t", unit: dealUnit)) END AS k_deal_y")
        for (index, factor) in model.factors.enumerated() {
            if factor.isCategorical {
                columns.append("\(isMissing(text(index))) AS \(missing(index))")
                columns.append(
                    "CASE WHEN \(isMissing(text(index))) THEN NULL ELSE \(try categoryUtility(text(index), factor: factor)) END AS \(raw(index))"
                )
            } else if options.cells == .typed {
                columns.append("(\(raw(index)) IS NULL OR \(dialect.isNaN(raw(index)))) AS \(missing(index))")
            } else {
                columns.append("\(isMissing(text(index))) AS \(missing(index))")
                let unit = NumberUnit(rawValue: factor.unit ?? "") ?? .none
                columns.append(
                    "CASE WHEN \(isMissing(text(index))) THEN NULL ELSE \(number(text(index), unit: unit)) END AS \(raw(index))")
            }
        }
        for (number, column) in segmentColumns.enumerated() {
            columns.append("\(isMissing("s\(number)_t")) AS s\(number)_m")
            if column.numeric {
                columns.append(
                    "CASE WHEN \(isMissing("s\(number)_t")) THEN NULL ELSE \(self.number("s\(number)_t", unit: unit(ofColumn: column.name))) END AS s\(number)_y"
                )
            }
        }
        return select(columns, from: "kam_cells")
    }

    func checkedLayer() -> String {
        var columns = ["*", "\(finite("k_deal_y")) AS k_deal"]
        for (index, factor) in model.factors.enumerated() {
            columns.append(factor.isCategorical ? "\(raw(index)) AS \(value(index))" : "\(finite(raw(index))) AS \(value(index))")
        }
        for (number, column) in segmentColumns.enumerated() where column.numeric {
            columns.append("\(finite("s\(number)_y")) AS s\(number)_x")
        }
        // The first problem in kam's order: the id, each factor (missing and required, or
        // unreadable), the stage, the deal value.
        var reason = "CASE WHEN k_id_m THEN 'missing_id'"
        for (index, factor) in model.factors.enumerated() {
            let column = factor.column
            if factor.missing == .required {
                reason += " WHEN \(missing(index)) THEN \(dialect.string("missing_required:" + column))"
            }
            let check = factor.isCategorical ? raw(index) : finite(raw(index))
            let code = factor.isCategorical ? "unknown_category:" : "not_a_number:"
            reason += " WHEN NOT \(missing(index)) AND \(check) IS NULL THEN \(dialect.string(code + column))"
        }
        if let stage = model.columns.stage {
            reason += " WHEN NOT k_stage_m AND k_stage IS NULL THEN \(dialect.string("bad_stage:" + stage))"
        }
        if let deal = model.columns.dealValue {
            reason += " WHEN NOT k_deal_m AND \(finite("k_deal_y")) IS NULL THEN \(dialect.string("not_a_number:" + deal))"
        }
        columns.append(reason + " END AS reject_reason")
        return select(columns, from: "kam_parsed")
    }

    func acceptedLayer() -> String {
        // Of the rows without a problem, one per account id. The window runs over every row
        // (valid ones first) and the filter sits above it: a filter on the reject reason
        // right above the parsing layers would let Spark's constraint propagation expand
        // every parsed expression into every other (it runs out of memory planning).
        let valid = "CASE WHEN reject_reason IS NULL THEN 0 ELSE 1 END"
        let copy: String
        if options.lineColumn != nil {
            copy = "ROW_NUMBER() OVER (PARTITION BY k_id ORDER BY \(valid), k_line)"
        } else {
            copy = "COUNT(CASE WHEN reject_reason IS NULL THEN 1 END) OVER (PARTITION BY k_id)"
        }
        return "SELECT * FROM (\n" + select(["*", "\(copy) AS k_copy"], from: "kam_checked")
            + "\n) kam_valid WHERE reject_reason IS NULL AND k_copy = 1"
    }

    func scoredLayer() -> String {
        var columns = ["*"]
        // Completeness: the shares of present factors in factor order, capped at 1.
        let shares = UtilityBuilder(model: model).completenessShares
        let terms = shares.indices.map { "CASE WHEN \(missing($0)) THEN \(d(0)) ELSE \(d(shares[$0])) END" }
        columns.append("LEAST(\(terms.joined(separator: " + ")), \(d(1))) AS k_completeness")
        let weightSets = model.weightSets
        for (index, weights) in weightSets.enumerated() {
            for side in Factor.Side.allCases {
                let terms = model.factors.indices.filter { model.factors[$0].side == side && weights[$0] != 0 }
                    .map { "\(d(100 * weights[$0])) * \(filled($0))" }
                let sum = terms.isEmpty ? d(0) : terms.joined(separator: " + ")
                columns.append("\(sum) AS k_\(side.rawValue)_\(index)")
            }
        }
        let ranked = weightSets[rankedScenario]
        for index in model.factors.indices {
            columns.append("\(d(100 * ranked[index])) * \(filled(index)) AS \(points(index))")
        }
        return select(columns, from: "kam_utilities")
    }

    /// The grade of value `v` and difficulty `d` scores as a CASE over the bands.
    func grade(value v: String, difficulty dd: String) -> String {
        let grading = model.grading
        func row(_ band: Int) -> String {
            let cuts = grading.difficultyBands.cuts
            var sql = "CASE"
            for cut in cuts.indices.reversed() {
                sql += " WHEN \(dd) >= \(d(cuts[cut])) THEN '\(grading.grid[band][cut + 1].letter)'"
            }
            return sql + " ELSE '\(grading.grid[band][0].letter)' END"
        }
        let cuts = grading.valueBands.cuts
        var sql = "CASE WHEN k_completeness < \(d(grading.minimumCompleteness)) THEN 'insufficient'"
        for cut in cuts.indices.reversed() { sql += " WHEN \(v) >= \(d(cuts[cut])) THEN \(row(cut + 1))" }
        return sql + " ELSE \(row(0)) END"
    }

    /// The ranking key of the ranked scenario's scores.
    func rankingKey(value v: String, difficulty dd: String) -> String {
        let ranking = model.grading.ranking
        switch ranking.key {
        case .value: return v
        case .priority: return "\(v) - \(d(ranking.difficultyPenalty)) * \(dd)"
        case .valuePerDifficulty: return "\(v) / GREATEST(\(dd), \(d(1)))"
        }
    }

    func gradedLayer() -> String {
        var columns = ["*"]
        for index in scenarioNames.indices {
            columns.append("\(grade(value: "k_value_\(index)", difficulty: "k_difficulty_\(index)")) AS k_grade_\(index)")
        }
        let s = rankedScenario
        columns.append("\(rankingKey(value: "k_value_\(s)", difficulty: "k_difficulty_\(s)")) AS k_key")
        columns.append("\(segmentsText()) AS k_segments")
        return select(columns, from: "kam_scored")
    }

    /// The ids of the account's segments, joined by ';' in model order.
    func segmentsText() -> String {
        guard options.segments, !model.segments.isEmpty else { return "''" }
        let parts = model.segments.map { rule in "CASE WHEN \(segmentCondition(rule)) THEN \(dialect.string(rule.id)) END" }
        return "concat_ws(';', \(parts.joined(separator: ", ")))"
    }

    /// Whether the account is in a segment: every condition of at least one group.
    func segmentCondition(_ rule: SegmentRule) -> String {
        let columns = segmentColumns
        func number(of column: String) -> Int { columns.firstIndex { $0.name == column }! }
        let groups = rule.groups.map { group -> String in
            guard !group.isEmpty else { return "TRUE" }
            return "("
                + group.map { condition in
                    let j = number(of: condition.column)
                    let isMissing = "s\(j)_m"
                    let sql: String
                    switch (condition.comparison, condition.operand) {
                    case (.present, _): sql = "NOT \(isMissing)"
                    case (.absent, _): sql = isMissing
                    case (let comparison, .number(let y)):
                        let op: String
                        switch comparison {
                        case .equal: op = "="
                        case .notEqual: op = "<>"
                        case .greater: op = ">"
                        case .greaterOrEqual: op = ">="
                        case .less: op = "<"
                        case .lessOrEqual: op = "<="
                        case .present, .absent: op = "="
                        }
                        sql = "s\(j)_x IS NOT NULL AND s\(j)_x \(op) \(d(y))"
                    case (.equal, .text(let y)), (.notEqual, .text(let y)):
                        let isText = columns[j].numeric ? " AND s\(j)_x IS NULL" : ""
                        let op = condition.comparison == .equal ? "=" : "<>"
                        sql = "NOT \(isMissing)\(isText) AND lower(s\(j)_t) \(op) \(dialect.string(y.lowercased()))"
                    default: sql = "FALSE"
                    }
                    return "COALESCE(\(sql), FALSE)"
                }.joined(separator: " AND ") + ")"
        }
        return groups.isEmpty ? "FALSE" : groups.joined(separator: " OR ")
    }

    func action(_ grade: String) -> String {
        var sql = "CASE \(grade)"
        for g in Grade.allCases { sql += " WHEN '\(g.letter)' THEN \(dialect.string(g.action(options.language)))" }
        return sql + " END"
    }

    func finalSelect() -> String {
        let s = rankedScenario
        var columns: [String] = []
        if options.rank {
            var order =
                model.grading.ranking.gradeFirst
                ? ["CASE k_grade_\(s) WHEN 'A' THEN 0 WHEN 'B' THEN 1 WHEN 'C' THEN 2 WHEN 'D' THEN 3 ELSE 4 END"] : []
            order += ["k_key DESC", "k_id"]
            columns.append("ROW_NUMBER() OVER (ORDER BY \(order.joined(separator: ", "))) AS \(id("rank"))")
        }
        columns += [
            "k_id AS \(id("account_id"))", "k_name AS \(id("name"))", "k_industry AS \(id("industry"))",
            "k_region AS \(id("region"))", "k_manager AS \(id("manager"))", "k_stage AS \(id("stage"))",
            "k_deal AS \(id("deal_value"))", "k_grade_\(s) AS \(id("grade"))", "\(action("k_grade_\(s)")) AS \(id("action"))",
        ]
        if let calibration = model.calibration {
            columns.append("\(probability(calibration, key: "k_key")) AS \(id("probability"))")
        }
        columns += [
            "k_value_\(s) AS \(id("value"))", "k_difficulty_\(s) AS \(id("difficulty"))", "k_key AS \(id("priority"))",
            "k_completeness AS \(id("completeness"))", "k_segments AS \(id("segments"))",
        ]
        if options.lineColumn != nil { columns.append("k_line AS \(id("line"))") }
        for (index, factor) in model.factors.enumerated() { columns.append("\(points(index)) AS \(id("points_" + factor.id))") }
        for (index, name) in scenarioNames.enumerated().dropFirst() {
            columns += [
                "k_value_\(index) AS \(id("value_" + name))", "k_difficulty_\(index) AS \(id("difficulty_" + name))",
                "k_grade_\(index) AS \(id("grade_" + name))",
            ]
        }
        var sql = "SELECT\n  " + columns.joined(separator: ",\n  ") + "\nFROM kam_graded"
        if options.rank && options.view == nil { sql += "\nORDER BY \(id("rank"))" }
        return sql
    }

    /// The calibrated probability of winning for the ranking key.
    func probability(_ calibration: Calibration, key: String) -> String {
        switch calibration.method {
        case .platt(let intercept, let slope):
            let z = "(\(d(intercept)) + \(d(slope)) * \(key))"
            return "CASE WHEN \(z) >= \(d(0)) THEN \(d(1)) / (\(d(1)) + exp(-\(z))) ELSE exp(\(z)) / (\(d(1)) + exp(\(z))) END"
        case .isotonic(let points):
            return piecewise(key, points.map { ($0.score, $0.probability) })
        }
    }
}
