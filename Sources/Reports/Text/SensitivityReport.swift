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
            return zh
                ? "\(result.samples) 组权重，围绕模型权重的 Dirichlet 分布（集中度 \(formatPlain(c))）"
                : "\(result.samples) weight draws, Dirichlet around the model's weights (concentration \(formatPlain(c)))"
        }
    }

    public func summaryLines() -> [String] {
        var lines: [String] = []
        let aRows = (0..<result.count).filter { result.baseGrades[$0] == .a }
        let stable = aRows.filter { result.isStableA($0) == true }.count
        lines.append(
            zh
                ? "\(loaded.file): \(loaded.batch.count) 个账户（拒绝 \(loaded.rejects.count) 行）；\(drawsText())，种子 \(result.seed)。"
                : "\(loaded.file): \(loaded.batch.count) accounts (\(loaded.rejects.count) rows rejected); \(drawsText()), seed \(result.seed)."
        )
        lines.append(
            zh
                ? "模型权重下 A 级 \(aRows.count) 个: 稳定 \(stable) 个（P(A) ≥ \(percent(result.stableProbability))），临界 \(aRows.count - stable) 个。"
                : "Grade A with the model's weights: \(aRows.count); stable \(stable) (P(A) ≥ \(percent(result.stableProbability))), borderline \(aRows.count - stable)."
        )
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
                zh
                    ? "排名分位数在前 \(result.exactRankLimit) 名内精确，之后误差约为名次的 \(percent)%（受内存预算限制；加大 --memory 可扩大精确范围）。"
                    : "Rank quantiles are exact up to rank \(result.exactRankLimit) and within about \(percent)% of the rank beyond (memory budget; a larger --memory widens the exact range)."
            )
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
        out += table.text(markdown: markdown)
        out +=
            "\n"
            + (zh
                ? "各因素权重在此区间内（同方其他因素按比例调整）A 级名单不变:"
                : "Weight range of each factor that keeps the set of A accounts (the rest of its side rescaled):") + "\n\n"
        var factors = PlainTable(columns: [
            .init(zh ? "因素" : "factor"), .init(zh ? "方" : "side"), .init(zh ? "权重" : "weight", alignRight: true),
            .init(zh ? "区间" : "keeps A set", alignRight: true), .init(zh ? "越界时" : "beyond the ends"),
        ])
        for interval in intervals {
            let factor = model.factors[interval.factorIndex]
            var limits: [String] = []
            if let account = interval.lowerAccount {
                limits.append(
                    "↓ \(assessment.accounts[account].id) \(interval.lowerAccountBecomesA == true ? (zh ? "升 A" : "enters A") : (zh ? "失 A" : "leaves A"))"
                )
            }
            if let account = interval.upperAccount {
                limits.append(
                    "↑ \(assessment.accounts[account].id) \(interval.upperAccountBecomesA == true ? (zh ? "升 A" : "enters A") : (zh ? "失 A" : "leaves A"))"
                )
            }
            factors.rows.append([
                factor.name(in: language), factor.side.shortText(language),
                formatDecimal(interval.weight, digits: 3),
                "\(formatDecimal(interval.lower, digits: 3))–\(formatDecimal(interval.upper, digits: 3))",
                limits.joined(separator: ", "),
            ])
        }
        out += factors.text(markdown: markdown)
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
        let missingCodes = Set(model.missingCodes.map { $0.lowercased() })
        var draws = DrawsJSON(
            samples: result.samples, distribution: "uniform", concentration: nil, seed: result.seed, topK: result.topCount,
            stableAt: result.stableProbability, exactRankLimit: result.exactRankLimit, rankResolution: result.rankResolution,
            relativeRankResolution: result.relativeRankResolution)
        if case .dirichlet(let concentration) = result.distribution {
            draws.distribution = "dirichlet"
            draws.concentration = concentration
        }
        let aRows = (0..<result.count).filter { result.baseGrades[$0] == .a }
        let summary = SummaryJSON(
            accounts: result.count, rejected: loaded.rejects.count, a: aRows.count,
            stableA: aRows.filter { result.isStableA($0) == true }.count, shown: rows.count)
        let accounts = rows.map { row in
            let account = assessment.accounts[row]
            return AccountJSON(
                accountID: account.id, name: JSONWriter.isMissing(account.name, missingCodes: missingCodes) ? nil : account.name,
                baseRank: result.baseRanks[row], grade: result.baseGrades[row].letter,
                gradeProbabilities: JSONMembers(
                    keys: Grade.allCases.map(\.letter), values: Grade.allCases.map { result.probability(of: $0, row: row) }),
                pTopK: result.topProbability[row], meanRank: result.meanRank[row], medianRank: result.medianRank[row],
                p5Rank: result.lowRank[row], p95Rank: result.highRank[row],
                aStatus: result.isStableA(row).map { $0 ? "stable" : "borderline" },
                centralWeights: result.centralWeights[row].map { JSONMembers(keys: model.factors.map(\.id), values: $0) })
        }
        let factorIntervals = intervals.map { interval in
            func account(_ row: Int?, _ enters: Bool?) -> IntervalAccountJSON? {
                row.map { IntervalAccountJSON(accountID: assessment.accounts[$0].id, becomesA: enters ?? false) }
            }
            return IntervalJSON(
                factor: model.factors[interval.factorIndex].id, side: model.factors[interval.factorIndex].side.rawValue,
                weight: interval.weight, lower: interval.lower, upper: interval.upper,
                belowLower: account(interval.lowerAccount, interval.lowerAccountBecomesA),
                aboveUpper: account(interval.upperAccount, interval.upperAccountBecomesA))
        }
        return ReportJSONEncoder().encode(
            JSON(
                model: model.name, file: loaded.file, draws: draws, summary: summary, accounts: JSONLines(accounts),
                factorIntervals: JSONLines(factorIntervals)))
    }

    /// `kam sensitivity --format json` (`kam.sensitivity/1`).
    private struct JSON: Encodable, JSONLayoutProviding {
        let schema = "kam.sensitivity/1"
        let model: String
        let file: String
        let draws: DrawsJSON
        let summary: SummaryJSON
        let accounts: JSONLines<AccountJSON>
        let factorIntervals: JSONLines<IntervalJSON>
        var jsonLayout: JSONLayout { .lines }
    }

    private struct DrawsJSON: Encodable {
        let samples: Int
        var distribution: String
        /// The Dirichlet concentration; `null` for uniform draws.
        var concentration: Double?
        let seed: UInt64
        let topK: Int
        let stableAt: Double
        let exactRankLimit: Int
        let rankResolution: Int
        let relativeRankResolution: Double
    }

    private struct SummaryJSON: Encodable {
        let accounts: Int
        let rejected: Int
        let a: Int
        let stableA: Int
        let shown: Int
    }

    private struct AccountJSON: Encodable {
        let accountID: String
        /// `nil` (`null`) when blank or a missing code.
        let name: String?
        let baseRank: Int
        let grade: String
        let gradeProbabilities: JSONMembers<Double>
        let pTopK: Double
        let meanRank: Double
        let medianRank: Int
        let p5Rank: Int
        let p95Rank: Int
        let aStatus: String?
        let centralWeights: JSONMembers<Double>?
    }

    private struct IntervalJSON: Encodable {
        let factor: String
        let side: String
        let weight: Double
        let lower: Double
        let upper: Double
        let belowLower: IntervalAccountJSON?
        let aboveUpper: IntervalAccountJSON?
    }

    private struct IntervalAccountJSON: Encodable {
        let accountID: String
        let becomesA: Bool
    }

    /// A report from the values its command computed.
    public init(
        assessment: BatchAssessment, result: SensitivityResult, intervals: [FactorWeightInterval], loaded: ProspectListLoader.Result,
        language: Language, rows: [Int]
    ) {
        self.assessment = assessment
        self.result = result
        self.intervals = intervals
        self.loaded = loaded
        self.language = language
        self.rows = rows
    }
}
