import Foundation
import ScoringEngine

/// Writes a `ScoringModel` as a model file (YAML) that a person can read and edit, and that
/// ``ModelFileReader`` reads back equal.
///
/// ## Round trip
///
/// For every model `m` that ``ModelFileReader`` can produce (and every model `kam model fit`
/// learns), `ModelFileReader().read(yaml: write(m), file:) == m`: the same factors, scales,
/// missing policies, evidence, grading, segments, scenarios and calibration, every number
/// bit for bit. Numbers are written with ``formatPlain(_:)``: whole numbers as integers
/// (`60`), others with Swift's shortest round-tripping `description` (`0.30000000000000004`
/// stays that), which `Double(_:)` reads back to the same bits.
///
/// Weights are written as the model's declared weights (`ScoringModel.declaredWeights`), which
/// the reader normalizes per side again: writing the normalized weights instead would change
/// the meaning of scenarios (a scenario's unnamed weights keep the declared ones) and, by a
/// rounding step, the normalized weights themselves. For a learned model the declared
/// weights are the learned ones, already normalized per side.
///
/// ## Layout
///
/// Hand-set scales stay on one line (`scale: {type: linear, min: 0, max: 60}`). Learned
/// scales are tables, one bin or category per line, with the evidence behind each utility
/// and a comment giving the range, the observed win rate and the weight of evidence:
///
/// ```yaml
///     scale:
///       type: binned
///       bins:
///         - {below: 12.5, utility: 0.31, count: 412, won: 71}    # x < 12.5: 17.2% won, WoE -0.45
///         - {utility: 0.9, count: 80, won: 12}                    # x ≥ 12.5: 15.0% won, WoE -0.62
///     missing: {utility: 0.42, count: 30, won: 9}                 # 30.0% won, WoE +0.11
/// ```
///
/// The weight of evidence of a group is `ln((won/W) / (lost/L))`, with `W` and `L` the won and
/// lost accounts over all the factor's groups (bins or categories, `other` and missing), and
/// 0.5 added to both cells of a group with no won or no lost account. It is a comment only:
/// the reader ignores it.
///
/// The output depends only on the model and the annotations (no date, no environment), so the
/// same model gives the same bytes.
public struct ModelFileWriter: Sendable {
    public init() {}

    /// Comments to write into the file: what was fitted, from which file, with which settings.
    public struct Annotations: Sendable, Equatable {
        /// Lines at the top of the file (each becomes a `# ` comment line; may be empty).
        public var header: [String]
        /// Lines written as comments just above a factor, by factor id.
        public var factorComments: [String: [String]]
        /// Lines at the end of the file (e.g. the columns left out and why).
        public var footer: [String]

        public init(header: [String] = [], factorComments: [String: [String]] = [:], footer: [String] = []) {
            self.header = header
            self.factorComments = factorComments
            self.footer = footer
        }
    }

    /// The model file's text.
    public func write(_ model: ScoringModel, annotations: Annotations = Annotations()) -> String {
        var out = YAMLText()
        for line in annotations.header { out.comment(line, indent: 0) }
        if !annotations.header.isEmpty { out.blank() }
        out.line("name: \(YAMLText.scalar(model.name))")
        writeColumns(model, into: &out)
        out.line("missing_codes: [\(model.missingCodes.map(YAMLText.scalar).joined(separator: ", "))]")
        if !model.columnUnits.isEmpty {
            out.line("column_units:")
            for key in model.columnUnits.keys.sorted() {
                out.line("  \(YAMLText.scalar(key)): \(YAMLText.scalar(model.columnUnits[key] ?? ""))")
            }
        }
        out.blank()
        out.line("factors:")
        for (index, factor) in model.factors.enumerated() {
            if index > 0 { out.blank() }
            for line in annotations.factorComments[factor.id] ?? [] { out.comment(line, indent: 2) }
            writeFactor(factor, declaredWeight: model.declaredWeights[index], into: &out)
        }
        out.blank()
        writeGrading(model.grading, into: &out)
        if !model.segments.isEmpty {
            out.blank()
            out.line("segments:")
            for segment in model.segments { writeSegment(segment, into: &out) }
        }
        if !model.scenarios.isEmpty {
            out.blank()
            out.line("scenarios:")
            for scenario in model.scenarios {
                out.line("  - name: \(YAMLText.scalar(scenario.name))")
                let weights = scenario.weights.keys.sorted().map { "\(YAMLText.scalar($0)): \(number(scenario.weights[$0] ?? 0))" }
                out.line("    weights: {\(weights.joined(separator: ", "))}")
            }
        }
        if let calibration = model.calibration {
            out.blank()
            writeCalibration(calibration, into: &out)
        }
        if !annotations.footer.isEmpty {
            out.blank()
            for line in annotations.footer { out.comment(line, indent: 0) }
        }
        return out.text
    }

    /// Writes the model file to `path` (atomically), after checking that it reads back equal.
    ///
    /// - Throws: ``ModelFileError`` when the file cannot be written, or (a bug) when the text
    ///   does not read back to the same model; line 0 in both cases.
    public func write(_ model: ScoringModel, annotations: Annotations = Annotations(), toFile path: String)
        throws(ModelFileError)
    {
        let text = try checkedText(model, annotations: annotations, file: path)
        do {
            try OutputFile.write(text, to: path)
        } catch {
            throw ModelFileError(.cannotWrite(reason: error.description), at: .init(file: path, line: 0))
        }
    }

    /// The model file's text, after checking that it reads back equal to `model`.
    ///
    /// - Throws: ``ModelFileError`` (a bug) when the text does not read back to the same model.
    public func checkedText(_ model: ScoringModel, annotations: Annotations = Annotations(), file path: String)
        throws(ModelFileError) -> String
    {
        let text = write(model, annotations: annotations)
        let reread = try ModelFileReader().read(yaml: text, file: path)
        guard reread == model else {
            throw ModelFileError(
                file: path, line: 0,
                message: "the model file text does not read back equal to the model in memory, so it was not written")
        }
        return text
    }

    // MARK: Parts

    func number(_ value: Double) -> String {
        precondition(value.isFinite, "A model holds only finite numbers")
        return formatPlain(value)
    }

    func writeColumns(_ model: ScoringModel, into out: inout YAMLText) {
        let columns = model.columns
        out.line("columns:")
        out.line("  id: \(YAMLText.scalar(columns.id))")
        let optional: [(String, String?)] = [
            ("name", columns.name), ("industry", columns.industry), ("region", columns.region),
            ("manager", columns.manager), ("stage", columns.stage), ("deal_value", columns.dealValue),
        ]
        for (key, value) in optional {
            out.line("  \(key): \(value.map(YAMLText.scalar) ?? "null")")
        }
    }

    func label(_ label: LocalizedLabel) -> String {
        "{en: \(YAMLText.scalar(label.en)), zh: \(YAMLText.scalar(label.zh))}"
    }

    func writeFactor(_ factor: Factor, declaredWeight: Double, into out: inout YAMLText) {
        out.line("  - id: \(YAMLText.scalar(factor.id))")
        out.line("    label: \(label(factor.label))")
        out.line("    column: \(YAMLText.scalar(factor.column))")
        out.line("    side: \(factor.side.rawValue)")
        out.line("    weight: \(number(declaredWeight))")
        out.line("    direction: \(factor.direction.rawValue)")
        if let unit = factor.unit { out.line("    unit: \(YAMLText.scalar(unit))") }
        let totals = EvidenceTotals(factor: factor)
        writeScale(factor.scale, totals: totals, into: &out)
        switch factor.missing {
        case .fixed(let utility, let evidence):
            out.commented(
                "    missing: " + learned(utility: utility, evidence: evidence),
                comment: evidence.map { "no value: " + totals.describe($0) + " (final utility)" } ?? "final utility")
        default:
            out.line("    missing: \(factor.missing.name)")
        }
        writeSpecialValues(factor.specialValues, totals: totals, into: &out)
        if let source = factor.source { out.line("    source: \(YAMLText.scalar(source))") }
    }

    /// `special_values: [999, -1]` for bare codes; otherwise one item per line, with the
    /// stated (final) utility, the evidence and the label.
    func writeSpecialValues(_ specials: [SpecialValue], totals: EvidenceTotals, into out: inout YAMLText) {
        guard !specials.isEmpty else { return }
        if specials.allSatisfy({ $0.utility == nil && $0.label == nil }) {
            out.line("    special_values: [\(specials.map { number($0.value) }.joined(separator: ", "))]")
            return
        }
        out.line("    special_values:")
        for special in specials {
            var parts = ["value: \(number(special.value))"]
            if let utility = special.utility { parts.append("utility: \(number(utility))") }
            if let evidence = special.evidence { parts.append("count: \(evidence.count), won: \(evidence.won)") }
            if let label = special.label { parts.append("label: \(YAMLText.scalar(label))") }
            let text = "      - {" + parts.joined(separator: ", ") + "}"
            let comment = special.utility == nil ? "the missing policy's utility" : "final utility"
            out.commented(
                text, comment: special.evidence.map { "x = \(number(special.value)): " + totals.describe($0) + " (\(comment))" } ?? comment)
        }
    }

    /// `{utility: u, count: n, won: w}`, or `{utility: u}` without evidence.
    func learned(utility: Double, evidence: Evidence?, prefix: String = "") -> String {
        var parts = prefix.isEmpty ? [] : [prefix]
        parts.append("utility: \(number(utility))")
        if let evidence { parts.append("count: \(evidence.count), won: \(evidence.won)") }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    func writeScale(_ scale: Scale, totals: EvidenceTotals, into out: inout YAMLText) {
        switch scale {
        case .linear(let low, let high):
            out.line("    scale: {type: linear, min: \(number(low)), max: \(number(high))}")
        case .log(let low, let high, let offset):
            out.line("    scale: {type: log, min: \(number(low)), max: \(number(high)), offset: \(number(offset))}")
        case .piecewise(let points):
            let text = points.map { "[\(number($0.x)), \(number($0.utility))]" }.joined(separator: ", ")
            out.line("    scale: {type: piecewise, points: [\(text)]}")
        case .minMax:
            out.line("    scale: {type: minmax}")
        case .zScore(let clip):
            out.line("    scale: {type: zscore, clip: \(number(clip))}")
        case .categorical(let map, let other):
            let learnedScale = map.contains { $0.evidence != nil } || other?.evidence != nil
            if !learnedScale && map.count <= 12 {
                var text = "{" + map.map { "\(YAMLText.scalar($0.label)): \(number($0.utility))" }.joined(separator: ", ") + "}"
                text = "    scale: {type: categorical, map: \(text)"
                if let other { text += ", other: \(number(other.utility))" }
                out.line(text + "}")
                return
            }
            out.line("    scale:")
            out.line("      type: categorical")
            out.line("      map:")
            for category in map {
                let value =
                    category.evidence == nil ? number(category.utility) : learned(utility: category.utility, evidence: category.evidence)
                out.commented(
                    "        \(YAMLText.scalar(category.label)): \(value)", comment: category.evidence.map(totals.describe))
            }
            if let other {
                let value = other.evidence == nil ? number(other.utility) : learned(utility: other.utility, evidence: other.evidence)
                let comment: String
                if let evidence = other.evidence, evidence.count > 0 {
                    comment = "rare and unseen labels: " + totals.describe(evidence)
                } else {
                    comment = "labels not listed above"
                }
                out.commented("      other: \(value)", comment: comment)
            }
        case .interaction(let table):
            func axis(_ axis: Interaction.Axis) -> String {
                let groups =
                    axis.isCategorical
                    ? "categories: [\(axis.labels.map(YAMLText.scalar).joined(separator: ", "))]"
                    : "below: [\(axis.edges.map(number).joined(separator: ", "))]"
                return "{factor: \(YAMLText.scalar(axis.factor)), \(groups)}"
            }
            out.line("    scale:")
            out.line("      type: interaction")
            out.line("      first: \(axis(table.first))")
            out.line("      second: \(axis(table.second))")
            out.commented(
                "      utilities:",
                comment: "rows: \(table.first.factor) groups then missing; columns: \(table.second.factor) groups then missing")
            for (i, row) in table.utilities.enumerated() {
                out.commented(
                    "        - [\(row.map(number).joined(separator: ", "))]", comment: "\(table.first.factor) \(table.first.groupLabel(i))")
            }
        case .binned(let bins):
            out.line("    scale:")
            out.line("      type: binned")
            out.line("      bins:")
            var lower: Double?
            for bin in bins {
                let prefix = bin.upper.map { "below: \(number($0))" } ?? ""
                let range: String
                switch (lower, bin.upper) {
                case (nil, let upper?): range = "x < \(number(upper))"
                case (let low?, let upper?): range = "\(number(low)) ≤ x < \(number(upper))"
                case (let low?, nil): range = "x ≥ \(number(low))"
                case (nil, nil): range = "every x"
                }
                let comment = bin.evidence.map { range + ": " + totals.describe($0) } ?? range
                out.commented("        - " + learned(utility: bin.utility, evidence: bin.evidence, prefix: prefix), comment: comment)
                lower = bin.upper
            }
        }
    }

    func writeGrading(_ grading: GradingPolicy, into out: inout YAMLText) {
        func bands(_ bands: Bands) -> String {
            "{names: [\(bands.names.map(YAMLText.scalar).joined(separator: ", "))], cuts: [\(bands.cuts.map(number).joined(separator: ", "))]}"
        }
        out.line("grading:")
        out.line("  value_bands: \(bands(grading.valueBands))")
        out.line("  difficulty_bands: \(bands(grading.difficultyBands))")
        out.line("  grid:                             # per value band: the grade for each difficulty band")
        for (index, name) in grading.valueBands.names.enumerated().reversed() {
            out.line("    \(YAMLText.scalar(name)): [\(grading.grid[index].map(\.letter).joined(separator: ", "))]")
        }
        out.line("  minimum_completeness: \(number(grading.minimumCompleteness))")
        let ranking = grading.ranking
        out.line(
            "  ranking: {key: \(ranking.key.rawValue), difficulty_penalty: \(number(ranking.difficultyPenalty)), grade_first: \(ranking.gradeFirst)}"
        )
    }

    func writeSegment(_ segment: SegmentRule, into out: inout YAMLText) {
        out.line("  - id: \(YAMLText.scalar(segment.id))")
        out.line("    label: \(label(segment.label))")
        out.line("    when:")
        for group in segment.groups {
            out.line("      - [\(group.map { YAMLText.quoted($0.text) }.joined(separator: ", "))]")
        }
    }

    func writeCalibration(_ calibration: Calibration, into out: inout YAMLText) {
        out.line("calibration:                        # ranking key (priority) → probability of winning")
        switch calibration.method {
        case .platt(let intercept, let slope):
            out.line("  method: platt                     # p = 1 / (1 + exp(−(intercept + slope × priority)))")
            out.line("  intercept: \(number(intercept))")
            out.line("  slope: \(number(slope))")
        case .isotonic(let points):
            out.line("  method: isotonic                  # linear between points, flat beyond the ends")
            out.line("  points:                           # [priority, probability]")
            for point in points {
                out.line("    - [\(number(point.score)), \(number(point.probability))]")
            }
        }
    }
}

/// The won and lost accounts over all the learned groups of one factor, for the comments.
struct EvidenceTotals {
    let won: Int
    let lost: Int

    init(factor: Factor) {
        var pieces: [Evidence] = []
        switch factor.scale {
        case .binned(let bins): pieces += bins.compactMap(\.evidence)
        case .categorical(let map, let other): pieces += map.compactMap(\.evidence) + (other?.evidence.map { [$0] } ?? [])
        default: break
        }
        if case .fixed(_, let evidence?) = factor.missing { pieces.append(evidence) }
        pieces += factor.specialValues.compactMap(\.evidence)
        won = pieces.reduce(0) { $0 + $1.won }
        lost = pieces.reduce(0) { $0 + $1.count - $1.won }
    }

    /// Weight of evidence `ln((won/W)/(lost/L))`, 0.5 added to both cells of a group with a
    /// zero cell; `nil` for an empty group or when the factor has no won or no lost account.
    func weightOfEvidence(_ evidence: Evidence) -> Double? {
        guard evidence.count > 0, won > 0, lost > 0 else { return nil }
        var groupWon = Double(evidence.won)
        var groupLost = Double(evidence.count - evidence.won)
        if groupWon == 0 || groupLost == 0 {
            groupWon += 0.5
            groupLost += 0.5
        }
        return log((groupWon / Double(won)) / (groupLost / Double(lost)))
    }

    /// `17.2% won, WoE -0.45` (or `no accounts`).
    func describe(_ evidence: Evidence) -> String {
        guard let rate = evidence.winRate else { return "no accounts" }
        var text = formatDecimal(100 * rate, digits: 1) + "% won"
        if let woe = weightOfEvidence(evidence) {
            text += ", WoE " + (woe >= 0 ? "+" : "") + formatDecimal(woe, digits: 2)
        }
        return text
    }
}

/// Builds YAML text line by line; trailing comments of consecutive lines are aligned in one
/// column (two spaces after the longest line of the run).
struct YAMLText {
    private var done = ""
    /// Consecutive lines with trailing comments, aligned when the run ends.
    private var pending: [(line: String, comment: String)] = []

    var text: String {
        var copy = self
        copy.flush()
        return copy.done
    }

    private mutating func flush() {
        guard !pending.isEmpty else { return }
        let width = pending.map(\.line.count).max() ?? 0
        for (line, comment) in pending {
            done += line + String(repeating: " ", count: width - line.count + 3) + "# " + comment + "\n"
        }
        pending = []
    }

    mutating func line(_ line: String) {
        flush()
        done += line + "\n"
    }

    mutating func blank() {
        flush()
        if !done.isEmpty && !done.hasSuffix("\n\n") { done += "\n" }
    }

    /// A comment line (or several, for text with line breaks).
    mutating func comment(_ comment: String, indent: Int) {
        flush()
        let pad = String(repeating: " ", count: indent)
        for part in comment.split(separator: "\n", omittingEmptySubsequences: false) {
            done += part.isEmpty ? pad + "#\n" : pad + "# " + part + "\n"
        }
    }

    /// A line with a trailing comment, aligned with the comments of the lines around it.
    mutating func commented(_ line: String, comment: String?) {
        guard let comment, !comment.isEmpty else { return self.line(line) }
        pending.append((line, comment.replacingOccurrences(of: "\n", with: " ")))
    }

    // MARK: Scalars

    /// YAML words that a plain scalar must not be (they read as booleans or null).
    static let reservedWords: Set<String> = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ]

    /// `text` as a plain scalar when that is safe in block and flow context, else quoted.
    static func scalar(_ text: String) -> String {
        isPlainSafe(text) ? text : quoted(text)
    }

    /// Whether `text` can be written unquoted: letters (any script), digits and `_ - . / ( ) +`
    /// and inner single spaces, not starting with `-` or `.`, not a YAML keyword and not a
    /// number (which would still read as the same text, but is clearer quoted).
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last else { return false }
        guard first != "-", first != ".", first != " ", last != " ", first != "+", first != "(" else { return false }
        guard !reservedWords.contains(text.lowercased()), Double(text) == nil else { return false }
        guard !text.contains("  ") else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) { return true }
            return ["_", "-", ".", "/", "(", ")", "+", " "].contains(scalar)
        }
    }

    /// `text` in double quotes with YAML escapes.
    static func quoted(_ text: String) -> String {
        let escaped = ScalarEscaping.escape(text) { scalar in
            if let escape = ScalarEscaping.backslashed(scalar) { return escape }
            guard scalar.value < 0x20 || scalar.value == 0x7F else { return nil }
            let hex = String(scalar.value, radix: 16)
            return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
        }
        return "\"" + escaped + "\""
    }
}
