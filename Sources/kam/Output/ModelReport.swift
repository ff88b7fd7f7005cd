import ScoringEngine
import ScoringIO

/// The effective model as people read it: weights after normalization, scales, grades.
struct ModelReport {
    let model: ScoringModel
    let language: Language

    /// The scale in one line, then the special values (`; special 999 → 0.120 (never contacted)`).
    func scaleText(_ factor: Factor) -> String {
        guard !factor.specialValues.isEmpty else { return baseScaleText(factor) }
        let specials = factor.specialValues.map { special in
            let utility = special.utility.map { formatDecimal($0, digits: 3) } ?? "missing policy (\(missingText(factor)))"
            return "\(formatPlain(special.value)) → \(utility)" + (special.label.map { " (\($0))" } ?? "")
        }
        return baseScaleText(factor) + "; special " + specials.joined(separator: ", ")
    }

    func baseScaleText(_ factor: Factor) -> String {
        switch factor.scale {
        case .linear(let low, let high): return "linear \(formatPlain(low))…\(formatPlain(high))"
        case .log(let low, let high, _): return "log \(formatPlain(low))…\(formatPlain(high))"
        case .piecewise(let points):
            return "piecewise " + points.map { "\(formatPlain($0.x))→\(formatPlain($0.utility))" }.joined(separator: " ")
        case .categorical(let map, let other):
            return (map + (other.map { [$0] } ?? [])).map { "\($0.label)=\(formatDecimal($0.utility, digits: 3))" }
                .joined(separator: " ")
        case .binned(let bins):
            return "binned " + bins.map { bin in
                (bin.upper.map { "<\(formatPlain($0))" } ?? "rest") + "→" + formatDecimal(bin.utility, digits: 3)
            }.joined(separator: " ")
        case .interaction(let table):
            let utilities = table.utilities.flatMap { $0 }
            return "interaction \(table.first.factor) (\(table.first.presentGroups) groups + missing) × \(table.second.factor) (\(table.second.presentGroups) + missing): utilities "
                + "\(formatDecimal(utilities.min() ?? 0, digits: 3))…\(formatDecimal(utilities.max() ?? 0, digits: 3))"
        case .minMax: return "min-max (batch)"
        case .zScore(let clip): return "z-score ±\(formatPlain(clip)) (batch)"
        }
    }

    /// A number as written when it has at most 3 decimals (hand-set cuts, penalties), else to
    /// 3 decimals (learned ones).
    func readable(_ value: Double) -> String {
        (value * 1000).rounded() / 1000 == value ? formatPlain(value) : formatDecimal(value, digits: 3)
    }

    /// The missing policy's word, or the stated utility.
    func missingText(_ factor: Factor) -> String {
        if case .fixed(let utility, _) = factor.missing { return formatDecimal(utility, digits: 3) }
        return factor.missing.name
    }

    /// The calibration in one line, when the model has one.
    var calibrationLine: String? {
        guard let calibration = model.calibration else { return nil }
        let key = model.grading.ranking.key.rawValue
        switch calibration.method {
        case .platt(let intercept, let slope):
            return "Calibration (Platt): P(won) = σ(\(formatPlain(intercept)) + \(formatPlain(slope)) × \(key))."
        case .isotonic(let points):
            return "Calibration (isotonic, \(points.count) points): P(won) from "
                + "\(formatDecimal(points.first?.probability ?? 0, digits: 3)) at \(key) ≤ \(formatDecimal(points.first?.score ?? 0, digits: 1)) "
                + "to \(formatDecimal(points.last?.probability ?? 0, digits: 3)) at \(key) ≥ \(formatDecimal(points.last?.score ?? 0, digits: 1))."
        }
    }

    var table: PlainTable {
        let zh = language == .zh
        var table = PlainTable(columns: [
            .init(zh ? "因素" : "factor"), .init(zh ? "名称" : "label", maxWidth: 18), .init(zh ? "方" : "side"),
            .init(zh ? "权重" : "weight", alignRight: true), .init(zh ? "方向" : "dir"), .init(zh ? "缺失" : "missing"),
            .init(zh ? "列: 标尺" : "column: scale"),
        ])
        for factor in model.factors {
            table.rows.append([
                factor.id, factor.label.text(language), factor.side.rawValue,
                formatDecimal(factor.weight, digits: 3), factor.direction == .increasing ? "↑" : "↓", missingText(factor),
                factor.column + (factor.unit.map { " (\($0))" } ?? "") + ": " + scaleText(factor),
            ])
        }
        return table
    }

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .table, .markdown:
            var text = "Model '\(model.name)': \(model.factors(on: .value).count) value factors, "
            text += "\(model.factors(on: .difficulty).count) difficulty factors (weights normalized per side).\n\n"
            text += format == .markdown ? table.markdown() : table.render()
            text += "\n" + gradingLines().joined(separator: "\n") + "\n"
            if let calibrationLine { text += calibrationLine + "\n" }
            return text
        case .csv:
            var text = CSVWriter.record(["factor", "label_en", "label_zh", "side", "weight", "column", "unit", "direction", "missing", "scale", "source"])
            for factor in model.factors {
                text += CSVWriter.record([
                    factor.id, factor.label.en, factor.label.zh, factor.side.rawValue, formatDecimal(factor.weight, digits: 6),
                    factor.column, factor.unit ?? "", factor.direction.rawValue, missingText(factor), scaleText(factor),
                    factor.source ?? "",
                ])
            }
            return text
        case .json:
            let json = JSONWriter()
            let factors = model.factors.map { factor in
                "    {\"id\": \(json.string(factor.id)), \"label\": {\"en\": \(json.string(factor.label.en)), \"zh\": \(json.string(factor.label.zh))}, "
                    + "\"side\": \(json.string(factor.side.rawValue)), \"weight\": \(formatDecimal(factor.weight, digits: 6)), "
                    + "\"column\": \(json.string(factor.column)), \"unit\": \(factor.unit.map { json.string($0) } ?? "null"), "
                    + "\"direction\": \(json.string(factor.direction.rawValue)), \"missing\": \(json.string(missingText(factor))), "
                    + "\"scale\": \(json.string(scaleText(factor)))}"
            }
            return "{\n  \"model\": \(json.string(model.name)),\n  \"factors\": [\n" + factors.joined(separator: ",\n") + "\n  ]\n}\n"
        }
    }

    func gradingLines() -> [String] {
        let grading = model.grading
        var lines: [String] = []
        func bands(_ bands: Bands) -> String {
            var parts: [String] = []
            for (index, name) in bands.names.enumerated() {
                let low = index == 0 ? "0" : readable(bands.cuts[index - 1])
                let high = index == bands.cuts.count ? "100" : readable(bands.cuts[index])
                parts.append("\(name) \(low)–\(high)")
            }
            return parts.joined(separator: ", ")
        }
        lines.append("Value bands: \(bands(grading.valueBands)).")
        lines.append("Difficulty bands: \(bands(grading.difficultyBands)).")
        lines.append("Grade grid (value band → grade per difficulty band \(grading.difficultyBands.names.joined(separator: "/"))):")
        for (index, name) in grading.valueBands.names.enumerated().reversed() {
            lines.append("  \(name): " + grading.grid[index].map(\.rawValue).joined(separator: " "))
        }
        lines.append(
            "Minimum completeness: \(formatDecimal(100 * grading.minimumCompleteness, digits: 0))% (below it: insufficient information, 信息不足).")
        let ranking = grading.ranking
        var key = ranking.key.rawValue
        if ranking.key == .priority { key += " = value − \(readable(ranking.difficultyPenalty)) × difficulty" }
        lines.append("Ranking: \(ranking.gradeFirst ? "grade first, then " : "")\(key), highest first; ties by account id.")
        if !model.segments.isEmpty {
            lines.append("Segments:")
            for segment in model.segments {
                let rule = segment.groups.map { $0.map(\.text).joined(separator: " and ") }.joined(separator: "; or ")
                lines.append("  \(segment.id) (\(segment.label.text(language))): \(rule)")
            }
        }
        if !model.scenarios.isEmpty {
            lines.append("Scenarios: " + model.scenarios.map { $0.name }.joined(separator: ", ") + ".")
        }
        return lines
    }
}
