import ScoringEngine
import ScoringIO

/// `kam sensitivity`: grade probabilities, rank acceptability and rank ranges per account,
/// and the weight interval of each factor that keeps the A set.
public struct SensitivityReport: FourFormatReport {
    public let assessment: BatchAssessment
    public let result: SensitivityResult
    public let intervals: [FactorWeightInterval]
    public let loaded: ProspectListLoader.Result
    public let language: Language
    /// Batch rows to list, in base rank order.
    public let rows: [Int]

    public var model: ScoringModel { assessment.model }
    public var zh: Bool { language == .zh }

    public func percent(_ p: Double) -> String {
        formatDecimal(100 * p, digits: 0) + "%"
    }

    public func status(_ row: Int) -> String {
        switch result.isStableA(row) {
        case .some(true): return zh ? "稳定" : "stable"
        case .some(false): return zh ? "临界" : "borderline"
        case .none: return ""
        }
    }

    public func drawsText() -> String {
        switch result.distribution {
        case .uniform:
            return zh ? "\(result.samples) 组权重，各方在单纯形上均匀抽取" : "\(result.samples) weight draws, uniform on each side's simplex"
        case .dirichlet(let c):
            return zh ? "\(result.samples) 组权重，围绕模型权重的 Dirichlet 分布（集中度 \(formatPlain(c))）"
                : "\(result.samples) weight draws, Dirichlet around the model's weights (concentration \(formatPlain(c)))"
        }
    }

    public func summaryLines() -> [String] {
        var lines: [String] = []
        let aRows = (0..<result.count).filter { result.baseGrades[$0] == .a }
        let stable = aRows.filter { result.isStableA($0) == true }.count
        lines.append(
            zh ? "\(loaded.file): \(loaded.batch.count) 个账户（拒绝 \(loaded.rejects.count) 行）；\(drawsText())，种子 \(result.seed)。"
                : "\(loaded.file): \(loaded.batch.count) accounts (\(loaded.rejects.count) rows rejected); \(drawsText()), seed \(result.seed).")
        lines.append(
            zh ? "模型权重下 A 级 \(aRows.count) 个: 稳定 \(stable) 个（P(A) ≥ \(percent(result.stableProbability))），临界 \(aRows.count - stable) 个。"
                : "Grade A with the model's weights: \(aRows.count); stable \(stable) (P(A) ≥ \(percent(result.stableProbability))), borderline \(aRows.count - stable).")
        let contenders = (0..<result.count).filter { result.baseGrades[$0] != .a && result.probability(of: .a, row: $0) >= 0.5 }
            .sorted { result.probability(of: .a, row: $0) > result.probability(of: .a, row: $1) }
        if !contenders.isEmpty {
            let names = contenders.prefix(5).map { "\(assessment.accounts[$0].id) (\(percent(result.probability(of: .a, row: $0))))" }
            lines.append(
                (zh ? "非 A 级但多数抽样下为 A: " : "Not A now but A in most draws: ") + names.joined(separator: ", ")
                    + (contenders.count > 5 ? (zh ? " 等 \(contenders.count) 个" : " and \(contenders.count - 5) more") : "") + ".")
        }
        if result.rankResolution > 1 {
            let percent = formatDecimal(100 * result.relativeRankResolution, digits: 2)
            lines.append(
                zh ? "排名分位数在前 \(result.exactRankLimit) 名内精确，之后误差约为名次的 \(percent)%（受内存预算限制；加大 --memory 可扩大精确范围）。"
                    : "Rank quantiles are exact up to rank \(result.exactRankLimit) and within about \(percent)% of the rank beyond (memory budget; a larger --memory widens the exact range).")
        }
        return lines
    }

    // MARK: Table and Markdown

    public func text(markdown: Bool) -> String {
        let k = result.topCount
        var out = (zh ? "权重敏感性 (SMAA-2)，模型 '\(model.name)'\n" : "Weight sensitivity (SMAA-2) for model '\(model.name)'\n")
        out += (markdown ? summaryLines() : summaryLines().flatMap { DisplayWidth.wrap($0, width: 100) }).joined(separator: "\n") + "\n\n"
        let showInsufficient = (0..<result.count).contains { result.probability(of: .insufficient, row: $0) > 0 }
        var columns: [PlainTable.Column] = [
            .init("#", alignRight: true), .init(zh ? "账户" : "account", maxWidth: 10),
            .init(zh ? "名称" : "name", maxWidth: markdown ? nil : 10), .init(zh ? "等级" : "grade"),
            .init("P(A)", alignRight: true), .init("P(B)", alignRight: true), .init("P(C)", alignRight: true),
            .init("P(D)", alignRight: true),
        ]
        if showInsufficient { columns.append(.init("P(I)", alignRight: true)) }
        columns += [
            .init("P(≤\(k))", alignRight: true), .init(zh ? "中位" : "median", alignRight: true),
            .init("P5–P95", alignRight: true), .init(zh ? "判断" : "A is"),
        ]
        var table = PlainTable(columns: columns)
        for row in rows {
            var cells = [
                String(result.baseRanks[row]), assessment.accounts[row].id, assessment.accounts[row].name,
                result.baseGrades[row].letter,
            ]
            for grade in [Grade.a, .b, .c, .d] { cells.append(percent(result.probability(of: grade, row: row))) }
            if showInsufficient { cells.append(percent(result.probability(of: .insufficient, row: row))) }
            cells += [
                percent(result.topProbability[row]), String(result.medianRank[row]),
                "\(result.lowRank[row])–\(result.highRank[row])", status(row),
            ]
            table.rows.append(cells)
        }
        out += markdown ? table.markdown() : table.render()
        out += "\n" + (zh ? "各因素权重在此区间内（同方其他因素按比例调整）A 级名单不变:" : "Weight range of each factor that keeps the set of A accounts (the rest of its side rescaled):") + "\n\n"
        var factors = PlainTable(columns: [
            .init(zh ? "因素" : "factor"), .init(zh ? "方" : "side"), .init(zh ? "权重" : "weight", alignRight: true),
            .init(zh ? "区间" : "keeps A set", alignRight: true), .init(zh ? "越界时" : "beyond the ends"),
        ])
        for interval in intervals {
            let factor = model.factors[interval.factorIndex]
            var limits: [String] = []
            if let account = interval.lowerAccount {
                limits.append("↓ \(assessment.accounts[account].id) \(interval.lowerAccountBecomesA == true ? (zh ? "升 A" : "enters A") : (zh ? "失 A" : "leaves A"))")
            }
            if let account = interval.upperAccount {
                limits.append("↑ \(assessment.accounts[account].id) \(interval.upperAccountBecomesA == true ? (zh ? "升 A" : "enters A") : (zh ? "失 A" : "leaves A"))")
            }
            factors.rows.append([
                zh ? factor.label.zh : factor.id, factor.side == .value ? (zh ? "价值" : "value") : (zh ? "难度" : "diff"),
                formatDecimal(interval.weight, digits: 3),
                "\(formatDecimal(interval.lower, digits: 3))–\(formatDecimal(interval.upper, digits: 3))",
                limits.joined(separator: ", "),
            ])
        }
        out += markdown ? factors.markdown() : factors.render()
        return out
    }

    // MARK: CSV

    /// One row per account (all listed rows): probabilities, ranks, central weights.
    public func csv() -> String {
        var header = [
            "base_rank", "account_id", "name", "grade", "p_a", "p_b", "p_c", "p_d", "p_insufficient", "p_top_k",
            "mean_rank", "median_rank", "p5_rank", "p95_rank", "a_status",
        ]
        header += model.factors.map { "central_\($0.id)" }
        // Built as bytes, field by field (a string per field and per row made writing
        // 100,000 accounts take most of a second).
        var buffer = CSVRecordBuffer()
        buffer.reserve(rows.count * (120 + 10 * model.factors.count))
        for name in header { buffer.text(name) }
        buffer.endRecord()
        for row in rows {
            buffer.integer(result.baseRanks[row])
            buffer.text(assessment.accounts[row].id)
            buffer.text(assessment.accounts[row].name)
            buffer.plain(result.baseGrades[row].letter)
            for grade in Grade.allCases { buffer.decimal(result.probability(of: grade, row: row), digits: 6) }
            buffer.decimal(result.topProbability[row], digits: 6)
            buffer.decimal(result.meanRank[row], digits: 3)
            buffer.integer(result.medianRank[row])
            buffer.integer(result.lowRank[row])
            buffer.integer(result.highRank[row])
            buffer.plain(result.isStableA(row).map { $0 ? "stable" : "borderline" } ?? "")
            for index in model.factors.indices {
                if let central = result.centralWeights[row] {
                    buffer.decimal(central[index], digits: 6)
                } else {
                    buffer.plain("")
                }
            }
            buffer.endRecord()
        }
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    // MARK: JSON

    public func json() -> String {
        let json = JSONWriter()
        func number(_ value: Double) -> String { formatDecimal(value, digits: 6) }
        var out = "{\n  \"schema\": \"kam.sensitivity/1\",\n"
        out += "  \"model\": \(json.string(model.name)),\n  \"file\": \(json.string(loaded.file)),\n"
        switch result.distribution {
        case .uniform: out += "  \"draws\": {\"samples\": \(result.samples), \"distribution\": \"uniform\", \"concentration\": null, "
        case .dirichlet(let c): out += "  \"draws\": {\"samples\": \(result.samples), \"distribution\": \"dirichlet\", \"concentration\": \(number(c)), "
        }
        out += "\"seed\": \(result.seed), \"top_k\": \(result.topCount), \"stable_at\": \(number(result.stableProbability)), "
        out += "\"exact_rank_limit\": \(result.exactRankLimit), \"rank_resolution\": \(result.rankResolution), "
        out += "\"relative_rank_resolution\": \(number(result.relativeRankResolution))},\n"
        let aRows = (0..<result.count).filter { result.baseGrades[$0] == .a }
        out += "  \"summary\": {\"accounts\": \(result.count), \"rejected\": \(loaded.rejects.count), \"a\": \(aRows.count), "
        out += "\"stable_a\": \(aRows.filter { result.isStableA($0) == true }.count), \"shown\": \(rows.count)},\n"
        out += "  \"accounts\": ["
        for (position, row) in rows.enumerated() {
            out += position == 0 ? "\n" : ",\n"
            out += "    {\"account_id\": \(json.string(assessment.accounts[row].id)), \"name\": \(json.optionalString(assessment.accounts[row].name, missingCodes: Set(model.missingCodes.map { $0.lowercased() }))), "
            out += "\"base_rank\": \(result.baseRanks[row]), \"grade\": \(json.string(result.baseGrades[row].letter)), "
            out += "\"grade_probabilities\": {" + Grade.allCases.map { "\(json.string($0.letter)): \(number(result.probability(of: $0, row: row)))" }.joined(separator: ", ") + "}, "
            out += "\"p_top_k\": \(number(result.topProbability[row])), \"mean_rank\": \(number(result.meanRank[row])), "
            out += "\"median_rank\": \(result.medianRank[row]), \"p5_rank\": \(result.lowRank[row]), \"p95_rank\": \(result.highRank[row]), "
            out += "\"a_status\": \(result.isStableA(row).map { json.string($0 ? "stable" : "borderline") } ?? "null"), "
            if let central = result.centralWeights[row] {
                out += "\"central_weights\": {" + model.factors.indices.map { "\(json.string(model.factors[$0].id)): \(number(central[$0]))" }.joined(separator: ", ") + "}}"
            } else {
                out += "\"central_weights\": null}"
            }
        }
        out += rows.isEmpty ? "],\n" : "\n  ],\n"
        out += "  \"factor_intervals\": [" + intervals.map { interval in
            func account(_ row: Int?, _ enters: Bool?) -> String {
                guard let row else { return "null" }
                return "{\"account_id\": \(json.string(assessment.accounts[row].id)), \"becomes_a\": \(enters ?? false)}"
            }
            return "\n    {\"factor\": \(json.string(model.factors[interval.factorIndex].id)), \"side\": \(json.string(model.factors[interval.factorIndex].side.rawValue)), "
                + "\"weight\": \(number(interval.weight)), \"lower\": \(number(interval.lower)), \"upper\": \(number(interval.upper)), "
                + "\"below_lower\": \(account(interval.lowerAccount, interval.lowerAccountBecomesA)), \"above_upper\": \(account(interval.upperAccount, interval.upperAccountBecomesA))}"
        }.joined(separator: ",") + (intervals.isEmpty ? "]\n" : "\n  ]\n")
        out += "}\n"
        return out
    }

    /// A report from the values its command computed.
    public init(assessment: BatchAssessment, result: SensitivityResult, intervals: [FactorWeightInterval], loaded: ProspectListLoader.Result, language: Language, rows: [Int]) {
        self.assessment = assessment
        self.result = result
        self.intervals = intervals
        self.loaded = loaded
        self.language = language
        self.rows = rows
    }
}
