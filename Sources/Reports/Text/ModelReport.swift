import ScoringEngine
import ScoringIO

/// The effective model as people read it: weights after normalization, scales, grades.
public struct ModelReport {
    public let model: ScoringModel
    public let language: Language

    /// The scale in one line, then the special values (`; special 999 → 0.120 (never contacted)`).
    public func scaleText(_ factor: Factor, _ language: Language = .en) -> String {
        guard !factor.specialValues.isEmpty else { return baseScaleText(factor, language) }
        let zh = language == .zh
        let specials = factor.specialValues.map { special in
            let utility =
                special.utility.map { formatDecimal($0, digits: 3) }
                ?? (zh ? "缺失规则（\(missingText(factor, language))）" : "missing policy (\(missingText(factor, language)))")
            return "\(formatPlain(special.value)) → \(utility)" + (special.label.map { zh ? "（\($0)）" : " (\($0))" } ?? "")
        }
        return baseScaleText(factor, language) + (zh ? "；特殊值 " : "; special ") + specials.joined(separator: zh ? "，" : ", ")
    }

    public func baseScaleText(_ factor: Factor, _ language: Language = .en) -> String {
        let zh = language == .zh
        switch factor.scale {
        case .linear(let low, let high): return (zh ? "线性 " : "linear ") + "\(formatPlain(low))…\(formatPlain(high))"
        case .log(let low, let high, _): return (zh ? "对数 " : "log ") + "\(formatPlain(low))…\(formatPlain(high))"
        case .piecewise(let points):
            return (zh ? "分段 " : "piecewise ") + points.map { "\(formatPlain($0.x))→\(formatPlain($0.utility))" }.joined(separator: " ")
        case .categorical(let map, let other):
            return (map + (other.map { [$0] } ?? [])).map { "\($0.label)=\(formatDecimal($0.utility, digits: 3))" }
                .joined(separator: " ")
        case .binned(let bins):
            return (zh ? "分箱 " : "binned ")
                + bins.map { bin in
                    (bin.upper.map { "<\(formatPlain($0))" } ?? (zh ? "其余" : "rest")) + "→" + formatDecimal(bin.utility, digits: 3)
                }.joined(separator: " ")
        case .interaction(let table):
            let utilities = table.utilities.flatMap { $0 }
            if zh {
                return
                    "交互 \(table.first.factor)（\(table.first.presentGroups) 组 + 缺失）× \(table.second.factor)（\(table.second.presentGroups) 组 + 缺失）：效用 "
                    + "\(formatDecimal(utilities.min() ?? 0, digits: 3))…\(formatDecimal(utilities.max() ?? 0, digits: 3))"
            }
            return
                "interaction \(table.first.factor) (\(table.first.presentGroups) groups + missing) × \(table.second.factor) (\(table.second.presentGroups) + missing): utilities "
                + "\(formatDecimal(utilities.min() ?? 0, digits: 3))…\(formatDecimal(utilities.max() ?? 0, digits: 3))"
        case .minMax: return zh ? "最小-最大（随批次）" : "min-max (batch)"
        case .zScore(let clip): return zh ? "标准分 ±\(formatPlain(clip))（随批次）" : "z-score ±\(formatPlain(clip)) (batch)"
        }
    }

    /// A number as written when it has at most 3 decimals (hand-set cuts, penalties), else to
    /// 3 decimals (learned ones).
    public func readable(_ value: Double) -> String {
        (value * 1000).rounded() / 1000 == value ? formatPlain(value) : formatDecimal(value, digits: 3)
    }

    /// The missing policy's word, or the stated utility.
    public func missingText(_ factor: Factor, _ language: Language = .en) -> String {
        if case .fixed(let utility, _) = factor.missing { return formatDecimal(utility, digits: 3) }
        guard language == .zh else { return factor.missing.name }
        switch factor.missing {
        case .required: return "必填"
        case .worst: return "按最差"
        case .neutral: return "按中性"
        case .mean: return "按均值"
        case .fixed: return "固定"
        }
    }

    /// A factor's side in `language`.
    public static func sideText(_ side: Factor.Side, _ language: Language) -> String {
        language == .zh ? (side == .value ? "价值" : "难度") : side.rawValue
    }

    /// A column unit as people write it: `%`, 万元, 元, 亿元 (the model's word otherwise).
    public static func unitText(_ unit: String, _ language: Language) -> String {
        language == .zh ? ["percent": "%", "wan": "万元", "yuan": "元", "yi": "亿元"][unit, default: unit] : unit
    }

    /// The calibration in one line, when the model has one.
    public var calibrationLine: String? {
        guard let calibration = model.calibration else { return nil }
        let zh = language == .zh
        let key = model.grading.ranking.key.rawValue
        let zhKey = model.grading.ranking.key == .priority ? "优先级" : key
        switch calibration.method {
        case .platt(let intercept, let slope):
            return zh
                ? "校准（Platt）：赢率 = σ(\(formatPlain(intercept)) + \(formatPlain(slope)) × \(zhKey))。"
                : "Calibration (Platt): P(won) = σ(\(formatPlain(intercept)) + \(formatPlain(slope)) × \(key))."
        case .isotonic(let points):
            let lowScore = formatDecimal(points.first?.score ?? 0, digits: 1)
            let low = formatDecimal(points.first?.probability ?? 0, digits: 3)
            let highScore = formatDecimal(points.last?.score ?? 0, digits: 1)
            let high = formatDecimal(points.last?.probability ?? 0, digits: 3)
            return zh
                ? "校准（保序回归，\(points.count) 个点）：赢率从\(zhKey) ≤ \(lowScore) 时的 \(low) 到\(zhKey) ≥ \(highScore) 时的 \(high)。"
                : "Calibration (isotonic, \(points.count) points): P(won) from \(low) at \(key) ≤ \(lowScore) to \(high) at \(key) ≥ \(highScore)."
        }
    }

    public var table: PlainTable {
        let zh = language == .zh
        var table = PlainTable(columns: [
            .init(zh ? "因素" : "factor"), .init(zh ? "名称" : "label", maxWidth: 18), .init(zh ? "方" : "side"),
            .init(zh ? "权重" : "weight", alignRight: true), .init(zh ? "方向" : "dir"), .init(zh ? "缺失" : "missing"),
            .init(zh ? "列: 标尺" : "column: scale"),
        ])
        for factor in model.factors {
            table.rows.append([
                factor.id, factor.label.text(language), Self.sideText(factor.side, language),
                formatDecimal(factor.weight, digits: 3), factor.direction == .increasing ? "↑" : "↓", missingText(factor, language),
                factor.column + (factor.unit.map { " (\(Self.unitText($0, language)))" } ?? "") + ": " + scaleText(factor, language),
            ])
        }
        return table
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table, .markdown:
            var text =
                language == .zh
                ? "模型 '\(model.name)'：\(model.factors(on: .value).count) 个价值因素，\(model.factors(on: .difficulty).count) 个难度因素（权重在每一方内归一）。\n\n"
                : "Model '\(model.name)': \(model.factors(on: .value).count) value factors, "
                    + "\(model.factors(on: .difficulty).count) difficulty factors (weights normalized per side).\n\n"
            text += table.text(markdown: format == .markdown)
            text += "\n" + gradingLines().joined(separator: "\n") + "\n"
            if let calibrationLine { text += calibrationLine + "\n" }
            return text
        case .csv:
            var text = CSVWriter.record([
                "factor", "label_en", "label_zh", "side", "weight", "column", "unit", "direction", "missing", "scale", "source",
            ])
            for factor in model.factors {
                text += CSVWriter.record([
                    factor.id, factor.label.en, factor.label.zh, factor.side.rawValue, formatDecimal(factor.weight, digits: 6),
                    factor.column, factor.unit ?? "", factor.direction.rawValue, missingText(factor), scaleText(factor),
                    factor.source ?? "",
                ])
            }
            return text
        case .json:
            let factors = model.factors.map { factor in
                FactorJSON(
                    id: factor.id, label: factor.label, side: factor.side.rawValue,
                    weight: factor.weight, column: factor.column, unit: factor.unit, direction: factor.direction.rawValue,
                    missing: missingText(factor), scale: scaleText(factor))
            }
            return ReportJSONEncoder().encode(JSON(model: model.name, factors: JSONLines(factors)))
        }
    }

    /// `kam model show --format json`. Models have at least one factor, so `factors` is never
    /// the empty `[]`.
    private struct JSON: Encodable, JSONLayoutProviding {
        let model: String
        let factors: JSONLines<FactorJSON>
        var jsonLayout: JSONLayout { .lines }
    }

    private struct FactorJSON: Encodable {
        let id: String
        let label: LocalizedLabel
        let side: String
        let weight: Double
        let column: String
        let unit: String?
        let direction: String
        let missing: String
        let scale: String
    }

    public func gradingLines() -> [String] {
        let grading = model.grading
        var lines: [String] = []
        func bands(_ bands: Bands) -> String {
            var parts: [String] = []
            for (index, name) in bands.names.enumerated() {
                let low = index == 0 ? "0" : readable(bands.cuts[index - 1])
                let high = index == bands.cuts.count ? "100" : readable(bands.cuts[index])
                parts.append("\(Self.bandText(name, language)) \(low)–\(high)")
            }
            return parts.joined(separator: language == .zh ? "，" : ", ")
        }
        let zh = language == .zh
        let valueBands = grading.valueBands.names.map { Self.bandText($0, language) }
        let difficultyBands = grading.difficultyBands.names.map { Self.bandText($0, language) }
        let ranking = grading.ranking
        if zh {
            lines.append("价值档：\(bands(grading.valueBands))。")
            lines.append("难度档：\(bands(grading.difficultyBands))。")
            lines.append("评级表（价值档 → 各难度档 \(difficultyBands.joined(separator: "/")) 的等级）：")
            for (index, name) in valueBands.enumerated().reversed() {
                lines.append("  \(name)：" + grading.grid[index].map(\.rawValue).joined(separator: " "))
            }
            lines.append("最低完整度：\(formatDecimal(100 * grading.minimumCompleteness, digits: 0))%（低于它为信息不足）。")
            let key =
                ranking.key == .priority ? "优先级 = 价值 − \(readable(ranking.difficultyPenalty)) × 难度" : Self.keyText(ranking.key.rawValue)
            lines.append("排序：\(ranking.gradeFirst ? "先按等级，再按" : "按")\(key)，从高到低；相同时按客户编号。")
            if !model.segments.isEmpty {
                lines.append("细分：")
                for segment in model.segments {
                    let rule = segment.groups.map { $0.map { Self.conditionText($0, language) }.joined(separator: " 且 ") }
                        .joined(separator: "；或 ")
                    lines.append("  \(segment.id)（\(segment.label.text(language))）：\(rule)")
                }
            }
            if !model.scenarios.isEmpty {
                lines.append("情景：" + model.scenarios.map { $0.name }.joined(separator: "，") + "。")
            }
            return lines
        }
        lines.append("Value bands: \(bands(grading.valueBands)).")
        lines.append("Difficulty bands: \(bands(grading.difficultyBands)).")
        lines.append("Grade grid (value band → grade per difficulty band \(grading.difficultyBands.names.joined(separator: "/"))):")
        for (index, name) in grading.valueBands.names.enumerated().reversed() {
            lines.append("  \(name): " + grading.grid[index].map(\.rawValue).joined(separator: " "))
        }
        lines.append(
            "Minimum completeness: \(formatDecimal(100 * grading.minimumCompleteness, digits: 0))% (below it: insufficient information, 信息不足)."
        )
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

    /// A band's name in `language`: low, medium and high are translated; other names are
    /// the model's own.
    public static func bandText(_ name: String, _ language: Language) -> String {
        language == .zh ? ["low": "低", "medium": "中", "high": "高"][name, default: name] : name
    }

    /// A ranking key's name in Chinese (value, difficulty, priority, probability).
    public static func keyText(_ key: String) -> String {
        ["value": "价值", "difficulty": "难度", "priority": "优先级", "value_per_difficulty": "价值/难度"][key, default: key]
    }

    /// A segment condition: `column > 1000`, `column 有值` / `column present`.
    public static func conditionText(_ condition: Condition, _ language: Language) -> String {
        guard language == .zh else { return condition.text }
        switch condition.comparison {
        case .present: return "\(condition.column) 有值"
        case .absent: return "\(condition.column) 为空"
        default: return condition.text
        }
    }

    /// A report from the values its command computed.
    public init(model: ScoringModel, language: Language) {
        self.model = model
        self.language = language
    }
}
