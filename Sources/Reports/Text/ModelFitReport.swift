import Foundation
import ScoringEngine
import ScoringIO

/// `kam model fit`: what was learned per factor, how well it predicts (cross-validated and
/// held out), the win rate per grade, and the comments written into the model file.
public struct ModelFitReport: ViewedFourFormatReport {
    /// Which table `--format csv` writes (`kam model fit --view`).
    public enum CSVView: String, CaseIterable, Sendable {
        case factors
        case groups
        case metrics
        case grades
    }

    /// The command line's choices, for the report and the model file's header.
    public struct Settings {
        public let candidates: ModelLearner.Candidates
        public let excluded: [String]
        public let folds: Int
        public let seed: UInt64
        public let prior: WeightFit.Prior
        public let outcomeColumn: String
        public let leakThreshold: Double
        public let holdout: Double?
        public let test: String?

        public init(
            candidates: ModelLearner.Candidates, excluded: [String], folds: Int, seed: UInt64, prior: WeightFit.Prior,
            outcomeColumn: String, leakThreshold: Double, holdout: Double?, test: String?
        ) {
            self.candidates = candidates
            self.excluded = excluded
            self.folds = folds
            self.seed = seed
            self.prior = prior
            self.outcomeColumn = outcomeColumn
            self.leakThreshold = leakThreshold
            self.holdout = holdout
            self.test = test
        }
    }

    /// The check that the written file scores the training accounts as the fit did.
    public struct RoundTrip {
        public let accounts: Int
        /// Training accounts also compared through the prospect-list reader (`kam rank`'s path).
        public let comparedThroughIngest: Int
        public let largestDifference: Double
        public let tolerance: Double
        public let gradesDiffer: Int

        public init(accounts: Int, comparedThroughIngest: Int, largestDifference: Double, tolerance: Double, gradesDiffer: Int) {
            self.accounts = accounts
            self.comparedThroughIngest = comparedThroughIngest
            self.largestDifference = largestDifference
            self.tolerance = tolerance
            self.gradesDiffer = gradesDiffer
        }
    }

    /// The evaluation on a test file or a held-out part.
    public struct HeldOut {
        /// The test file, or "holdout 30%".
        public let source: String
        public let evaluation: LearnedModelEvaluation
        public let open: Int
        public let rejects: [LearningReject]
        public let rejectsPath: String?

        public init(source: String, evaluation: LearnedModelEvaluation, open: Int, rejects: [LearningReject], rejectsPath: String?) {
            self.source = source
            self.evaluation = evaluation
            self.open = open
            self.rejects = rejects
            self.rejectsPath = rejectsPath
        }
    }

    public let file: String
    public let modelFile: String
    public let baseModel: ScoringModel
    public let history: LearningHistoryLoader.Result
    public let trainingCount: Int
    public let learned: LearnedModel
    public let settings: Settings
    public let outputPath: String
    public let rejectsPath: String?
    public let language: Language
    public var roundTrip: RoundTrip?
    public var heldOut: HeldOut?

    public var zh: Bool { language == .zh }

    // MARK: Words and numbers

    public func name(_ factor: FactorReport) -> String {
        zh ? factor.label.zh : factor.factorID
    }

    public func decimal(_ value: Double?, _ digits: Int) -> String {
        guard let value, value.isFinite else { return "–" }
        return formatDecimal(value, digits: digits)
    }

    public func signed(_ value: Double?, _ digits: Int) -> String {
        guard let value, value.isFinite else { return "–" }
        return ReportFormat.signed(value, digits: digits)
    }

    public func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return formatDecimal(100 * value, digits: 1) + "%"
    }

    /// A bin edge for people: whole numbers plain, others to 4 significant digits.
    public func edge(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.4g", value)
    }

    public func groupLabel(_ kind: FactorReport.Group.Kind) -> String {
        switch kind {
        case .bin(let lower, let upper):
            switch (lower, upper) {
            case (nil, let upper?): return "x < \(edge(upper))"
            case (let lower?, let upper?) where upper == lower.nextUp: return "x = \(edge(lower))"
            case (let lower?, let upper?): return "\(edge(lower)) ≤ x < \(edge(upper))"
            case (let lower?, nil): return "x ≥ \(edge(lower))"
            case (nil, nil): return zh ? "全部" : "every x"
            }
        case .category(let label): return label
        case .other(let pooled):
            let word = zh ? "其他" : "other"
            guard !pooled.isEmpty else { return word }
            let shown = pooled.prefix(3).joined(separator: ", ") + (pooled.count > 3 ? ", …" : "")
            return "\(word) (\(shown))"
        case .missing: return zh ? "缺失" : "missing"
        }
    }

    public func groupKind(_ kind: FactorReport.Group.Kind) -> String {
        switch kind {
        case .bin: return "bin"
        case .category: return "category"
        case .other: return "other"
        case .missing: return "missing"
        }
    }

    public func shapeText(_ shape: FactorReport.Shape?, short: Bool) -> String {
        guard let shape else { return "–" }
        switch shape {
        case .monotone(let increases):
            if short { return (zh ? "单调" : "mono") + (increases ? "↑" : "↓") }
            return zh
                ? (increases ? "单调（赢单率随 x 上升）" : "单调（赢单率随 x 下降）")
                : (increases ? "monotone (win rate rises with x)" : "monotone (win rate falls with x)")
        case .free: return short ? (zh ? "自由" : "free") : (zh ? "自由（合并无差异的相邻分箱）" : "free (adjacent bins merged where win rates agree)")
        case .categorical: return short ? (zh ? "类别" : "cat") : (zh ? "按类别" : "by category")
        }
    }

    public func shapeCode(_ shape: FactorReport.Shape?) -> String {
        guard let shape else { return "" }
        switch shape {
        case .monotone(let increases): return increases ? "monotone_increasing" : "monotone_decreasing"
        case .free: return "free"
        case .categorical: return "categorical"
        }
    }

    public func sideText(_ side: Factor.Side) -> String {
        side.shortText(language)
    }

    public func reasonCode(_ reason: FactorReport.Reason) -> String {
        switch reason {
        case .baseModelFactor: return "base_model_factor"
        case .informative: return "informative"
        case .weakInformation: return "weak_information"
        case .leak: return "leak"
        case .flat: return "flat"
        case .tooManyLabels: return "too_many_labels"
        case .noValues: return "no_values"
        case .rankDeficient: return "rank_deficient"
        case .contradicted: return "contradicted"
        case .notConsidered: return "not_considered"
        case .idLike: return "id_like"
        case .possibleLeak: return "possible_leak"
        case .shapeContradicted: return "contradicted"
        case .interaction: return "interaction"
        }
    }

    /// Why a column was kept or left out, as a sentence (numbers rounded for people).
    public func reasonText(_ reason: FactorReport.Reason) -> String {
        switch reason {
        case .interaction(let improvement):
            return zh
                ? "两因素交互: 交叉验证对数损失每个账户降低 \(decimal(improvement, 5))"
                : "pairwise interaction: lowers the out-of-fold log loss by \(decimal(improvement, 5)) per account"
        case .baseModelFactor:
            return zh ? "基础模型的因素" : "a factor of the base model"
        case .informative(let iv, let threshold):
            return zh
                ? "信息值 \(decimal(iv, 3)) 达到 \(decimal(threshold, 3))"
                : "information value \(decimal(iv, 3)) reaches \(decimal(threshold, 3))"
        case .weakInformation(let iv, let threshold):
            return zh
                ? "信息值 \(decimal(iv, 3)) 低于 \(decimal(threshold, 3))"
                : "information value \(decimal(iv, 3)) is below \(decimal(threshold, 3))"
        case .leak(let auc, let threshold):
            return zh
                ? "疑似泄漏: 单独预测结果的 AUC 为 \(decimal(auc, 3))（高于 \(decimal(threshold, 2))），很可能是在结果之后才记录的"
                : "LIKELY LEAK: on its own it predicts the outcome with AUC \(decimal(auc, 3)) (above \(decimal(threshold, 2))); it was probably written after the outcome"
        case .flat:
            return zh ? "赢单率不随其变化" : "the win rate does not vary with it"
        case .tooManyLabels(let count, let limit):
            return zh
                ? "\(count) 个不同标签（超过 \(limit)）: 是名称或编号，不是因素" : "\(count) distinct labels (more than \(limit)): a name or id, not a factor"
        case .noValues:
            return zh ? "全部缺失" : "every value is missing"
        case .rankDeficient:
            return zh ? "无法与其他因素区分" : "the fit cannot tell it apart from the other factors"
        case .contradicted(let coefficient):
            return zh
                ? "加入其他因素后系数 \(signed(coefficient, 2)) 的符号与其方向相反，权重 0"
                : "its coefficient (\(signed(coefficient, 2))) has the wrong sign for its side once the other factors are in: weight 0"
        case .notConsidered:
            return zh ? "不是基础模型的因素（用 --candidates all 纳入考虑）" : "not a factor of the base model (use --candidates all to consider it)"
        case .idLike(let why):
            return zh ? "像是编号（\(why)）；已排除，除非用 --include 指名" : "LOOKS LIKE AN ID (\(why)); left out unless --include names it"
        case .possibleLeak(let hint, let auc):
            let figure = auc.map { zh ? "，单因素 AUC \(decimal($0, 3))" : ", single-factor AUC \(decimal($0, 3))" } ?? ""
            return zh
                ? "可能泄漏: \(hint)\(figure)；已排除，除非用 --include 指名" : "POSSIBLE LEAK: \(hint)\(figure); left out unless --include names it"
        case .shapeContradicted(let rises):
            return zh
                ? "数据不支持声明的方向: 赢单率不随其\(rises ? "上升" : "下降")（所有取值并为一组），权重 0"
                : "the data does not support the declared direction: the win rate does not \(rises ? "rise" : "fall") with it (all its values pooled into one group): weight 0"
        }
    }

    public func gradeLabel(_ grade: Grade) -> String {
        grade == .insufficient ? grade.action(language) : "\(grade.letter) \(grade.action(language))"
    }

    public func isLeak(_ factor: FactorReport) -> Bool {
        if case .leak = factor.reason { return true }
        return false
    }

    /// A few words for the factor table; the full reason is listed below it.
    public func statusText(_ factor: FactorReport) -> String {
        if isLeak(factor) { return zh ? "泄漏! 已排除" : "LEAK! left out" }
        let short: String
        switch factor.reason {
        case .baseModelFactor, .informative: short = ""
        case .interaction: short = zh ? "交互" : "interaction"
        case .weakInformation: short = zh ? "信息值低" : "weak IV"
        case .leak: short = zh ? "泄漏" : "leak"
        case .flat: short = zh ? "无变化" : "flat"
        case .tooManyLabels: short = zh ? "标签过多" : "too many labels"
        case .noValues: short = zh ? "全缺失" : "no values"
        case .rankDeficient: short = zh ? "不可区分" : "collinear"
        case .contradicted: short = zh ? "符号相反" : "contradicted"
        case .notConsidered: return zh ? "未考虑" : "not considered"
        case .idLike: return zh ? "编号? 已排除" : "ID? left out"
        case .possibleLeak: return zh ? "泄漏? 已排除" : "LEAK? left out"
        case .shapeContradicted: short = zh ? "方向不符" : "contradicted"
        }
        if factor.status == .kept {
            if factor.weight > 0 { return zh ? "保留" : "kept" }
            return (zh ? "权重 0" : "weight 0") + (short.isEmpty ? "" : ": " + short)
        }
        return (zh ? "排除" : "left out") + (short.isEmpty ? "" : ": " + short)
    }

    public var leaks: [FactorReport] { learned.factors.filter(isLeak) }

    /// Whether the win rates of the non-empty grades fall strictly from A to D.
    public static func fallsFromAToD(_ rates: [GradeWinRate]) -> Bool? {
        let graded = rates.filter { $0.grade != .insufficient && $0.count > 0 }.sorted { $0.grade < $1.grade }
        guard graded.count >= 2 else { return nil }
        return zip(graded, graded.dropFirst()).allSatisfy { ($0.winRate ?? 0) > ($1.winRate ?? 0) }
    }

    public func fallsText(_ rates: [GradeWinRate]) -> String {
        guard let falls = Self.fallsFromAToD(rates) else {
            return zh ? "评级少于两个，无法比较。" : "fewer than two grades hold accounts; nothing to compare."
        }
        let graded = rates.filter { $0.grade != .insufficient && $0.count > 0 }.sorted { $0.grade < $1.grade }
        let chain = graded.map { "\($0.grade.letter) \(percent($0.winRate))" }.joined(separator: falls ? " > " : ", ")
        if falls { return zh ? "赢单率按 A > B > C > D 递减: 是（\(chain)）。" : "Win rate falls A > B > C > D: yes (\(chain))." }
        return zh ? "赢单率按 A > B > C > D 递减: 否（\(chain)）。" : "Win rate falls A > B > C > D: NO (\(chain))."
    }

    // MARK: Summary

    public func candidatesText() -> String {
        switch settings.candidates {
        case .model:
            return zh ? "候选: 基础模型的 \(baseModel.factors.count) 个因素" : "Candidates: the base model's \(baseModel.factors.count) factors"
        case .all:
            let count = history.candidateColumns.count
            var text = zh ? "候选: 全部列（模型因素之外另有 \(count) 列）" : "Candidates: every column (\(count) besides the model's factors)"
            if !settings.excluded.isEmpty {
                text += zh ? "；排除 \(settings.excluded.joined(separator: ", "))" : "; excluded: \(settings.excluded.joined(separator: ", "))"
            }
            return text
        }
    }

    public func summaryLines() -> [String] {
        var lines: [String] = []
        let rejected = history.rejects.count
        let written = rejectsPath.map { zh ? "（写入 \($0)）" : " (written to \($0))" } ?? ""
        lines.append(
            zh
                ? "\(file): 读取 \(history.rowsRead) 行: \(history.data.count) 个结果（赢 \(history.wonCount)，输 \(history.lostCount)），\(history.openCount) 个未结，\(rejected) 行被拒\(written)。"
                : "\(file): \(history.rowsRead) rows read: \(history.data.count) outcomes (\(history.wonCount) won, \(history.lostCount) lost), \(history.openCount) still open, \(rejected) rejected\(written)."
        )
        for reject in history.rejects.prefix(3) { lines.append((zh ? "  拒绝 " : "  rejected ") + reject.description(language)) }
        if let holdout = settings.holdout {
            lines.append(
                zh
                    ? "用 \(trainingCount) 个账户学习；按结果分层留出 \(history.data.count - trainingCount) 个（\(formatPlain(100 * holdout))%，种子 \(settings.seed)）。"
                    : "Learning from \(trainingCount) accounts; \(history.data.count - trainingCount) held out (\(formatPlain(100 * holdout))%, stratified by outcome, seed \(settings.seed))."
            )
        }
        lines.append(candidatesText() + (zh ? "。" : "."))
        for column in history.candidateColumns where column.unreadable > 0 {
            lines.append(
                zh
                    ? "  列 \(column.name): \(column.unreadable) 个值不是数字，按缺失处理（第一个: \(column.firstUnreadable ?? "")）。"
                    : "  column \(column.name): \(column.unreadable) of \(column.present) values are not numbers and were treated as missing (first: \(column.firstUnreadable ?? ""))."
            )
        }
        let lambda = edge(learned.strength)
        let prior = settings.prior == .model ? (zh ? "基础模型权重" : "the base model's weights") : (zh ? "零" : "zero")
        lines.append(
            zh
                ? "\(learned.folds) 折交叉验证，种子 \(learned.seed)；每个分箱至少 \(learned.minimumBinCount) 个账户；先验: \(prior)，λ = \(lambda)。"
                : "\(learned.folds)-fold cross-validation, seed \(learned.seed); at least \(learned.minimumBinCount) accounts per bin; prior: \(prior), λ = \(lambda)."
        )
        if let roundTrip {
            let largest = roundTrip.largestDifference == 0 ? "0" : String(format: "%.1e", roundTrip.largestDifference)
            let rest = roundTrip.accounts - roundTrip.comparedThroughIngest
            let engineEN = rest > 0 ? "; \(rest) account\(rest == 1 ? "" : "s") that reader rejects through the engine" : ""
            let engineZH = rest > 0 ? "；该读取路径拒收的 \(rest) 个账户经引擎核对" : ""
            lines.append(
                zh
                    ? "已写出 \(outputPath)；读回后对 \(roundTrip.accounts) 个训练账户的评分与拟合一致（最大差 \(largest) ≤ 1e-12；按 kam rank 的方式重读历史文件核对\(engineZH)）。"
                    : "Wrote \(outputPath); read back, it scores the \(roundTrip.accounts) training accounts as the fit did (largest difference \(largest) ≤ 1e-12; checked by reading the history again as kam rank does\(engineEN))."
            )
        }
        return lines
    }

    public func leakWarnings() -> [String] {
        var warnings = leaks.map { factor in
            zh
                ? "列 '\(factor.column)' \(reasonText(factor.reason))；已从模型中排除。以后请用 --exclude \(factor.column) 或从导出中删除。"
                : "column '\(factor.column)': \(reasonText(factor.reason)). It was left out of the model; drop it from the export or pass --exclude \(factor.column)."
        }
        for factor in learned.factors {
            switch factor.reason {
            case .idLike, .possibleLeak:
                warnings.append(
                    zh ? "列 '\(factor.column)': \(reasonText(factor.reason))。" : "column '\(factor.column)': \(reasonText(factor.reason)).")
            default: break
            }
        }
        return warnings
    }

    // MARK: Model file comments

    /// The comments written into the model file: what was fitted, on which file, with which
    /// settings and figures (no date, so the file is the same for the same input and seed).
    public func annotations() -> ModelFileWriter.Annotations {
        var header = [
            "Learned by `kam model fit` from \(URL(fileURLWithPath: file).lastPathComponent) (base model '\(baseModel.name)', \(modelFile)).",
            "\(history.rowsRead) rows: \(history.data.count) outcomes (\(history.wonCount) won, \(history.lostCount) lost), \(history.openCount) open, \(history.rejects.count) rejected.",
        ]
        if let holdout = settings.holdout {
            header.append(
                "Learned on \(trainingCount) of them; \(history.data.count - trainingCount) held out (\(formatPlain(100 * holdout))%, seed \(settings.seed))."
            )
        }
        header.append(
            "Candidates: \(settings.candidates.rawValue)\(settings.excluded.isEmpty ? "" : " (excluded: \(settings.excluded.joined(separator: ", ")))"); \(learned.folds)-fold cross-validation, seed \(learned.seed); "
                + "at least \(learned.minimumBinCount) accounts per bin; prior \(settings.prior.rawValue), λ = \(formatPlain(learned.strength))."
        )
        let m = learned.metrics
        func figures(_ metrics: OutcomeMetrics) -> String {
            "AUC \(decimal(metrics.areaUnderROC, 3)), Brier \(decimal(metrics.brierScore, 4)), log loss \(decimal(metrics.logLoss, 4)), ECE \(decimal(metrics.calibrationError, 4))"
        }
        header.append("Cross-validated (out of fold): learned model \(figures(m.learned));")
        if let weightsOnly = m.weightsOnly { header.append("  weights only on the base model's scales: \(figures(weightsOnly));") }
        if let stage = m.stageBaseline { header.append("  stage baseline: \(figures(stage));") }
        header.append("  base rate: \(figures(m.baseRate)).")
        if !learned.comparison.recommendsLearned {
            header.append("NOT RECOMMENDED: " + recommendationLines().joined(separator: " "))
        }
        header.append(
            "Calibration: \(learned.calibrationMethod) (cross-validated log loss: Platt \(decimal(learned.calibrationLogLoss.platt, 4)), isotonic \(decimal(learned.calibrationLogLoss.isotonic, 4))); "
                + "priority = value − \(decimal(learned.difficultyPenalty, 4)) × difficulty.")
        header.append("")
        header.append("Learned scales list, per bin or category, the accounts (count) and wins (won) behind each utility;")
        header.append("bin and category utilities are before the factor's direction, a missing utility is final.")
        header.append("Edit freely: `kam model show` and `kam rank` read this file like any model file.")

        var factorComments: [String: [String]] = [:]
        for factor in learned.factors where factor.status == .kept {
            var parts = ["learned: \(shapeText(factor.shape, short: false))"]
            if let iv = factor.informationValue { parts.append("IV \(decimal(iv, 3))") }
            if let auc = factor.singleFactorAUC { parts.append("single-factor AUC \(decimal(auc, 3))") }
            if let contribution = factor.contribution { parts.append("CV contribution \(signed(contribution, 4)) AUC") }
            if let coefficient = factor.coefficient { parts.append("coefficient \(signed(coefficient, 3))") }
            var lines = [parts.joined(separator: ", ")]
            if factor.weight == 0 { lines.append("weight 0: \(reasonText(factor.reason))") }
            factorComments[factor.factorID] = lines
        }
        let leftOut = learned.factors.filter { $0.status == .leftOut }
        var footer: [String] = []
        if !leftOut.isEmpty {
            footer.append("Columns left out:")
            for factor in leftOut { footer.append("  \(factor.column): \(reasonText(factor.reason))") }
        }
        return ModelFileWriter.Annotations(header: header, factorComments: factorComments, footer: footer)
    }

    // MARK: Table and Markdown

    public func wrapped(_ lines: [String], markdown: Bool) -> String {
        // Markdown: a hard line break ("  ") keeps each line on its own.
        markdown
            ? lines.joined(separator: "  \n") + "\n" : lines.flatMap { DisplayWidth.wrap($0, width: 100) }.joined(separator: "\n") + "\n"
    }

    public func factorTable() -> PlainTable {
        var table = PlainTable(columns: [
            .init(zh ? "因素" : "factor", maxWidth: 18), .init(zh ? "方" : "side"), .init(zh ? "类型" : "kind"),
            .init(zh ? "形状" : "shape"), .init(zh ? "组" : "grp", alignRight: true), .init("IV", alignRight: true),
            .init("AUC", alignRight: true), .init(zh ? "贡献" : "contrib", alignRight: true),
            .init(zh ? "权重" : "weight", alignRight: true), .init(zh ? "状态" : "status"),
        ])
        for factor in learned.factors {
            table.rows.append([
                name(factor), sideText(factor.side), factor.kind == .numeric ? (zh ? "数值" : "num") : (zh ? "类别" : "cat"),
                shapeText(factor.shape, short: true), factor.groups.isEmpty ? "–" : String(factor.groups.count),
                decimal(factor.informationValue, 3), decimal(factor.singleFactorAUC, 3), signed(factor.contribution, 3),
                factor.status == .kept ? decimal(factor.weight, 3) : "–", statusText(factor),
            ])
        }
        return table
    }

    public func metricsTable() -> PlainTable {
        let title = zh ? "\(learned.folds) 折交叉验证（样本外）" : "cross-validated, \(learned.folds) folds (out of fold)"
        var table = PlainTable(columns: [
            .init(title), .init("AUC", alignRight: true), .init("Brier", alignRight: true),
            .init(zh ? "对数损失" : "log loss", alignRight: true), .init("ECE", alignRight: true),
            .init(zh ? "账户" : "accounts", alignRight: true),
        ])
        func row(_ name: String, _ m: OutcomeMetrics) -> [String] {
            [
                name, decimal(m.areaUnderROC, 3), decimal(m.brierScore, 4), decimal(m.logLoss, 4), decimal(m.calibrationError, 4),
                String(m.count),
            ]
        }
        let m = learned.metrics
        table.rows.append(row(zh ? "学习的模型" : "learned model", m.learned))
        if let weightsOnly = m.weightsOnly {
            table.rows.append(row(zh ? "只拟合权重（基础模型刻度）" : "weights only (base model's scales)", weightsOnly))
        }
        if let stage = m.stageBaseline { table.rows.append(row(zh ? "阶段基准" : "stage baseline", stage)) }
        table.rows.append(row(zh ? "基准赢单率" : "base rate", m.baseRate))
        if let heldOut {
            table.rows.append(row((zh ? "留出: " : "held out: ") + heldOut.source, heldOut.evaluation.metrics))
        }
        return table
    }

    public func candidateName(_ candidate: ModelComparison.Candidate) -> String {
        switch candidate {
        case .baseModel: return zh ? "基础模型（原样，逐折校准）" : "base model as written (calibrated per fold)"
        case .weightsOnly: return zh ? "只拟合权重（基础模型刻度）" : "weights only (base model's scales)"
        case .learned: return zh ? "学习的模型（无交互）" : "learned model (no interactions)"
        case .learnedWithInteractions: return zh ? "学习的模型（含交互）" : "learned model with interactions"
        }
    }

    /// The candidate models on the same folds: mean ± standard error over folds.
    public func comparisonTable() -> PlainTable {
        let comparison = learned.comparison
        var table = PlainTable(columns: [
            .init(zh ? "比较（\(learned.folds) 折，均值 ± 标准误）" : "compared on \(learned.folds) folds (mean ± SE)"),
            .init(zh ? "对数损失" : "log loss", alignRight: true), .init("AUC", alignRight: true),
            .init(zh ? "推荐" : "recommended"),
        ])
        let best = comparison.best?.candidate
        for entry in comparison.entries {
            table.rows.append([
                candidateName(entry.candidate),
                decimal(entry.logLoss, 4) + " ± " + decimal(entry.logLossStandardError, 4),
                entry.areaUnderROC.map { decimal($0, 3) + " ± " + decimal(entry.areaUnderROCStandardError, 3) } ?? "–",
                entry.candidate == best ? (zh ? "是" : "yes") : "",
            ])
        }
        return table
    }

    /// What to rank with, in plain words: the learned model only when it has the lowest
    /// cross-validated log loss; otherwise the sentence says it is not better and what to use.
    public func recommendationLines() -> [String] {
        let comparison = learned.comparison
        guard let best = comparison.best, let learnedEntry = comparison.entry(comparison.written) else { return [] }
        func figures(_ entry: ModelComparison.Entry) -> String {
            "\(decimal(entry.logLoss, 4)) ± \(decimal(entry.logLossStandardError, 4))"
        }
        if comparison.recommendsLearned {
            var text =
                zh
                ? "推荐: \(candidateName(best.candidate))，交叉验证对数损失最低（\(figures(best))）"
                : "Recommended: the \(candidateName(best.candidate)), lowest cross-validated log loss (\(figures(best)))"
            if let runnerUp = comparison.entries.filter({ $0.candidate != best.candidate }).min(by: { $0.logLoss < $1.logLoss }),
                let difference = comparison.difference(runnerUp.candidate, best.candidate)
            {
                let within = difference.mean < 2 * difference.standardError
                text +=
                    zh
                    ? "；比\(candidateName(runnerUp.candidate))低 \(decimal(difference.mean, 4)) ± \(decimal(difference.standardError, 4))（同折配对）\(within ? "，差距不到两个标准误" : "")。"
                    : "; \(decimal(difference.mean, 4)) ± \(decimal(difference.standardError, 4)) below the \(candidateName(runnerUp.candidate)) on the same folds\(within ? ", less than two standard errors" : "")."
            } else {
                text += zh ? "。" : "."
            }
            return [text]
        }
        let difference = comparison.difference(comparison.written, best.candidate)
        let by =
            difference.map {
                zh
                    ? "（同一组折上高 \(decimal($0.mean, 4)) ± \(decimal($0.standardError, 4))）"
                    : " (+\(decimal($0.mean, 4)) ± \(decimal($0.standardError, 4)) on the same folds)"
            } ?? ""
        var lines = [
            zh
                ? "学习的模型并不更好: 其交叉验证对数损失为 \(figures(learnedEntry))，\(candidateName(best.candidate))为 \(figures(best))\(by)。不要用它排序。"
                : "The learned model is NOT better: its cross-validated log loss is \(figures(learnedEntry)) against \(figures(best)) for the \(candidateName(best.candidate))\(by). Do not rank with it."
                    .replacingOccurrences(
                        of: "for the weights only (base model's scales)", with: "for weights fitted on the base model's scales")
        ]
        switch best.candidate {
        case .weightsOnly:
            lines.append(
                zh
                    ? "推荐: 保留基础模型的刻度，只拟合权重: kam weights fit \(file) --model \(modelFile) --write-model OUT（\(outputPath) 仅供查看）。"
                    : "Recommended: keep the base model's scales and fit only its weights: kam weights fit \(file) --model \(modelFile) --write-model OUT (\(outputPath) was written for inspection only)."
            )
        case .baseModel:
            lines.append(
                zh
                    ? "推荐: 原样使用基础模型: kam rank FILE --model \(modelFile)（\(outputPath) 仅供查看）。"
                    : "Recommended: keep the base model as written: kam rank FILE --model \(modelFile) (\(outputPath) was written for inspection only)."
            )
        case .learned, .learnedWithInteractions:
            break
        }
        return lines
    }

    /// Win rate per grade: the written model on its training accounts (what `kam rank` with
    /// it gives them, exactly), its cuts on the out-of-fold scores, and on held-out accounts.
    public func gradeTable() -> PlainTable {
        // Accounts, won and win rate under each evaluation's heading.
        var evaluations = [(zh ? "训练账户" : "training", learned.trainingGradeWinRates), (zh ? "交叉验证" : "cross-val.", learned.gradeWinRates)]
        if let heldOut { evaluations.append((zh ? "留出账户" : "held out", heldOut.evaluation.gradeWinRates)) }
        var table = PlainTable(
            columns: [.init(zh ? "评级" : "grade")]
                + evaluations.flatMap { heading, _ -> [PlainTable.Column] in
                    [
                        .init(heading, alignRight: true), .init(zh ? "赢" : "won", alignRight: true),
                        .init(zh ? "赢单率" : "win rate", alignRight: true),
                    ]
                })
        for rate in learned.trainingGradeWinRates {
            table.rows.append(
                [gradeLabel(rate.grade)]
                    + evaluations.flatMap { _, rates in
                        let same = rates.first { $0.grade == rate.grade }
                        return [String(same?.count ?? 0), String(same?.won ?? 0), percent(same?.winRate)]
                    })
        }
        return table
    }

    /// The sentences under the grade table: what each column is, and whether win rates fall.
    public func gradeLines() -> [String] {
        var lines = [
            zh
                ? "训练账户: 写出的模型对其训练账户的评级（kam rank 用该模型给出的正是这些）。交叉验证: 同样的分界用于每个账户在不含其所在折的模型下的分数。"
                : "Training: the written model's grades of its training accounts (exactly what kam rank with it gives them). "
                    + "Cross-val.: the same cuts on each account's score from the model fitted without its fold.",
            (zh ? "训练账户: " : "Training: ") + fallsText(learned.trainingGradeWinRates),
            (zh ? "交叉验证: " : "Cross-validated: ") + fallsText(learned.gradeWinRates),
        ]
        if let heldOut {
            lines.append((zh ? "留出: " : "Held out: ") + fallsText(heldOut.evaluation.gradeWinRates))
        }
        return lines
    }

    public func groupTable(_ factor: FactorReport) -> PlainTable {
        var table = PlainTable(columns: [
            .init(zh ? "分组" : "group", maxWidth: 40), .init(zh ? "账户" : "count", alignRight: true),
            .init(zh ? "赢" : "won", alignRight: true),
            .init(zh ? "赢单率" : "win rate", alignRight: true), .init("WoE", alignRight: true),
            .init(zh ? "对数几率" : "log-odds", alignRight: true), .init(zh ? "效用" : "utility", alignRight: true),
        ])
        for group in factor.groups {
            table.rows.append([
                groupLabel(group.kind), String(group.count), String(group.won), percent(group.winRate),
                signed(group.weightOfEvidence, 2), signed(group.logOdds, 2), decimal(group.utility, 3),
            ])
        }
        return table
    }

    public func text(markdown: Bool) -> String {
        func table(_ table: PlainTable) -> String { markdown ? table.markdown() + "\n" : table.render() }
        let heading = markdown ? "## " : ""
        var out =
            zh
            ? "\(heading)从历史结果学习的模型（基础模型 '\(baseModel.name)'）\n"
            : "\(heading)Model learned from past outcomes (base model '\(baseModel.name)')\n"
        out += wrapped(summaryLines(), markdown: markdown) + "\n"
        if !leakWarnings().isEmpty {
            out += wrapped(leakWarnings().map { "!! " + $0 }, markdown: markdown) + "\n"
        }
        out += table(factorTable()) + "\n"
        out += table(metricsTable()) + "\n"
        out += table(comparisonTable())
        out += wrapped(recommendationLines(), markdown: markdown) + "\n"
        out += table(gradeTable())
        out += wrapped(gradeLines(), markdown: markdown) + "\n"

        let shown = learned.factors.filter { $0.status == .kept || isLeak($0) }.filter { !$0.groups.isEmpty }
        out += (zh ? "\(heading)学到的刻度（训练账户）\n" : "\(heading)Learned scales (training accounts)\n") + "\n"
        for factor in shown {
            var title =
                "\(factor.factorID) — \(factor.label.text(language)): \(sideText(factor.side)), \(shapeText(factor.shape, short: false))"
            if factor.status == .kept {
                title += zh ? "，权重 \(decimal(factor.weight, 3))" : ", weight \(decimal(factor.weight, 3))"
            } else {
                title += zh ? "，已排除（泄漏）" : ", LEFT OUT (leak)"
            }
            if let iv = factor.informationValue { title += ", IV \(decimal(iv, 3))" }
            out += markdown ? "**" + title + "**\n\n" : wrapped([title], markdown: false)
            out += table(groupTable(factor)) + "\n"
        }

        var notes: [String] = []
        let penalty = decimal(learned.difficultyPenalty, 3)
        notes.append(
            zh
                ? "校准: \(learned.calibrationMethod == "platt" ? "Platt 缩放" : learned.calibrationMethod == "isotonic" ? "保序回归" : learned.calibrationMethod)（交叉验证对数损失: Platt \(decimal(learned.calibrationLogLoss.platt, 4))，保序 \(decimal(learned.calibrationLogLoss.isotonic, 4))）。"
                : "Calibration: \(learned.calibrationMethod) (cross-validated log loss: Platt \(decimal(learned.calibrationLogLoss.platt, 4)), isotonic \(decimal(learned.calibrationLogLoss.isotonic, 4)))."
        )
        notes.append(
            zh
                ? "优先分 = 价值 − \(penalty) × 难度；对数几率 = \(signed(learned.intercept, 3)) + \(decimal(learned.valueCoefficientSum / 100, 4)) × 优先分。"
                : "Priority = value − \(penalty) × difficulty; log-odds = \(signed(learned.intercept, 3)) + \(decimal(learned.valueCoefficientSum / 100, 4)) × priority."
        )
        if !learned.strengthTable.isEmpty {
            let parts = learned.strengthTable.map { "\(formatPlain($0.strength)): \(decimal($0.logLoss, 4))" }
            notes.append((zh ? "各强度 λ 的样本外对数损失: " : "Out-of-fold log loss by strength λ: ") + parts.joined(separator: ", ") + ".")
        }
        let leftOut = learned.factors.filter { ($0.status == .leftOut || $0.weight == 0) && !isLeak($0) }
        if !leftOut.isEmpty {
            notes.append(zh ? "排除或权重为 0 的列:" : "Columns left out or at weight 0:")
            for factor in leftOut { notes.append("  \(factor.column): \(reasonText(factor.reason))") }
        }
        if learned.factors.contains(where: \.inBaseModel) {
            notes.append(
                zh
                    ? "这里的判断基于从结果学到的曲线；kam weights fit 在基础模型的刻度上、给定其他因素来判断，结论可能不同。"
                    : "These verdicts are on the curves learned from the outcomes; kam weights fit judges the base model's scales given the other factors, so its verdicts can differ."
            )
        }
        notes += zh ? learned.notes.map(LearnerNotes.chinese) : learned.notes
        if let heldOut {
            if heldOut.evaluation.unknownLabels > 0 {
                notes.append(
                    zh
                        ? "留出数据中有 \(heldOut.evaluation.unknownLabels) 个标签模型不认识，按缺失处理。"
                        : "The held-out data has \(heldOut.evaluation.unknownLabels) labels the model does not know; they were treated as missing."
                )
            }
            if !heldOut.rejects.isEmpty {
                let written = heldOut.rejectsPath.map { zh ? "（写入 \($0)）" : " (written to \($0))" } ?? ""
                notes.append(
                    zh
                        ? "\(heldOut.source): \(heldOut.rejects.count) 行被拒\(written)，\(heldOut.open) 个未结。"
                        : "\(heldOut.source): \(heldOut.rejects.count) rows rejected\(written), \(heldOut.open) still open.")
                for reject in heldOut.rejects.prefix(3) { notes.append((zh ? "  拒绝 " : "  rejected ") + reject.description(language)) }
            }
        }
        if learned.comparison.recommendsLearned {
            notes.append(
                zh
                    ? "用这个模型排序: kam rank FILE --model \(outputPath)（显示每个账户的赢单概率）。"
                    : "Rank with it: kam rank FILE --model \(outputPath) (shows each account's probability of winning).")
        } else {
            notes += recommendationLines()
        }
        out += wrapped(notes, markdown: markdown)
        return out
    }

    // MARK: CSV

    public func csv(_ view: CSVView) -> String {
        func number(_ value: Double?, _ digits: Int = 6) -> String {
            guard let value, value.isFinite else { return "" }
            return formatDecimal(value, digits: digits)
        }
        switch view {
        case .factors:
            var out = CSVWriter.record([
                "column", "factor", "label", "side", "direction", "in_base_model", "kind", "shape", "groups", "status", "reason",
                "information_value", "single_factor_auc", "contribution", "coefficient", "weight", "leak", "why",
            ])
            for factor in learned.factors {
                out += CSVWriter.record([
                    factor.column, factor.factorID, factor.label.text(language), factor.side.rawValue, factor.direction.rawValue,
                    String(factor.inBaseModel), factor.kind.rawValue, shapeCode(factor.shape), String(factor.groups.count),
                    factor.status.rawValue, reasonCode(factor.reason), number(factor.informationValue),
                    number(factor.singleFactorAUC), number(factor.contribution), number(factor.coefficient),
                    number(factor.weight), String(isLeak(factor)), reasonText(factor.reason),
                ])
            }
            return out
        case .groups:
            var out = CSVWriter.record([
                "factor", "column", "status", "group", "kind", "lower", "upper", "count", "won", "win_rate", "log_odds",
                "weight_of_evidence", "utility", "scale_utility",
            ])
            for factor in learned.factors {
                for group in factor.groups {
                    var lower: Double?
                    var upper: Double?
                    if case .bin(let low, let high) = group.kind {
                        lower = low
                        upper = high
                    }
                    out += CSVWriter.record([
                        factor.factorID, factor.column, factor.status.rawValue, groupLabel(group.kind), groupKind(group.kind),
                        lower.map(formatPlain) ?? "", upper.map(formatPlain) ?? "", String(group.count), String(group.won),
                        number(group.winRate), number(group.logOdds), number(group.weightOfEvidence), number(group.utility),
                        number(group.scaleUtility),
                    ])
                }
            }
            return out
        case .metrics:
            var out = CSVWriter.record([
                "evaluation", "model", "auc", "brier", "log_loss", "ece", "accounts", "auc_se", "log_loss_se", "recommended",
            ])
            func row(_ evaluation: String, _ model: String, _ m: OutcomeMetrics) -> String {
                CSVWriter.record([
                    evaluation, model, number(m.areaUnderROC), number(m.brierScore), number(m.logLoss),
                    number(m.calibrationError), String(m.count), "", "", "",
                ])
            }
            let best = learned.comparison.best?.candidate
            for entry in learned.comparison.entries {
                out += CSVWriter.record([
                    "fold_mean", entry.candidate.rawValue, number(entry.areaUnderROC), "", number(entry.logLoss), "",
                    String(learned.outcomeCount), number(entry.areaUnderROCStandardError), number(entry.logLossStandardError),
                    String(entry.candidate == best),
                ])
            }
            let m = learned.metrics
            out += row("cross_validation", "learned", m.learned)
            if let weightsOnly = m.weightsOnly { out += row("cross_validation", "weights_only", weightsOnly) }
            if let stage = m.stageBaseline { out += row("cross_validation", "stage_baseline", stage) }
            out += row("cross_validation", "base_rate", m.baseRate)
            if let heldOut { out += row("holdout", "learned", heldOut.evaluation.metrics) }
            return out
        case .grades:
            var out = CSVWriter.record(["evaluation", "grade", "accounts", "won", "win_rate"])
            let evaluations = [
                ("training", learned.trainingGradeWinRates), ("cross_validation", learned.gradeWinRates),
                ("holdout", heldOut?.evaluation.gradeWinRates ?? []),
            ]
            for (evaluation, rates) in evaluations {
                for rate in rates {
                    out += CSVWriter.record([evaluation, rate.grade.letter, String(rate.count), String(rate.won), number(rate.winRate)])
                }
            }
            return out
        }
    }

    // MARK: JSON

    public func json() -> String {
        // Every number here is `null` when it is missing or not finite.
        func number(_ value: Double?) -> JSONNumber { .finite(value) }
        func metrics(_ m: OutcomeMetrics?) -> MetricsJSON? {
            m.map {
                MetricsJSON(
                    auc: number($0.areaUnderROC), brier: number($0.brierScore), logLoss: number($0.logLoss),
                    ece: number($0.calibrationError), accounts: $0.count)
            }
        }
        func grades(_ rates: [GradeWinRate]) -> [GradeJSON] {
            rates.map { GradeJSON(grade: $0.grade.letter, accounts: $0.count, won: $0.won, winRate: number($0.winRate)) }
        }
        let settingsJSON = SettingsJSON(
            candidates: settings.candidates.rawValue, excluded: settings.excluded, folds: settings.folds, foldsUsed: learned.folds,
            seed: learned.seed, prior: settings.prior.rawValue, outcomeColumn: settings.outcomeColumn,
            leakThreshold: number(settings.leakThreshold), minimumBinCount: learned.minimumBinCount,
            holdoutFraction: number(settings.holdout), testFile: settings.test)
        let data = DataJSON(
            rowsRead: history.rowsRead, outcomes: history.data.count, won: history.wonCount, lost: history.lostCount,
            open: history.openCount, rejected: history.rejects.count, rejectsFile: rejectsPath, training: trainingCount,
            heldOut: settings.holdout == nil ? nil : history.data.count - trainingCount,
            rejects: history.rejects.prefix(100).map {
                LearningRejectJSON(line: $0.line, column: $0.column, reason: $0.code, message: $0.message)
            },
            candidateColumns: history.candidateColumns.map {
                CandidateColumnJSON(
                    name: $0.name, kind: $0.kind.rawValue, present: $0.present, notNumbers: $0.unreadable,
                    firstNotNumber: $0.firstUnreadable)
            })
        let roundTripJSON = roundTrip.map { roundTrip in
            RoundTripJSON(
                accounts: roundTrip.accounts, comparedThroughIngest: roundTrip.comparedThroughIngest,
                largestDifference: JSONNumber(
                    text: roundTrip.largestDifference == 0 ? "0" : String(format: "%.3e", roundTrip.largestDifference)),
                passed: roundTrip.largestDifference <= roundTrip.tolerance, gradesDiffer: roundTrip.gradesDiffer)
        }
        let factors = learned.factors.map { factor in
            let groups = factor.groups.map { group in
                var item = GroupJSON(
                    kind: groupKind(group.kind), count: group.count, won: group.won, winRate: number(group.winRate),
                    logOdds: number(group.logOdds), woe: number(group.weightOfEvidence), utility: number(group.utility),
                    scaleUtility: number(group.scaleUtility))
                switch group.kind {
                case .bin(let low, let high):
                    item.bounds = (
                        lower: low.map { JSONNumber(text: formatPlain($0)) } ?? .null,
                        upper: high.map { JSONNumber(text: formatPlain($0)) } ?? .null
                    )
                case .category(let name): item.label = name
                case .other(let names): item.pooled = names
                case .missing: break
                }
                return item
            }
            return FactorJSON(
                column: factor.column, id: factor.factorID, label: factor.label,
                side: factor.side.rawValue, direction: factor.direction.rawValue, inBaseModel: factor.inBaseModel,
                kind: factor.kind.rawValue, shape: factor.shape == nil ? nil : shapeCode(factor.shape),
                status: factor.status.rawValue, reason: reasonCode(factor.reason), why: reasonText(factor.reason),
                leak: isLeak(factor), informationValue: number(factor.informationValue),
                singleFactorAUC: number(factor.singleFactorAUC), contribution: number(factor.contribution),
                coefficient: number(factor.coefficient), weight: number(factor.weight), groups: GroupsJSON(groups: groups))
        }
        let m = learned.metrics
        let crossValidation = CrossValidationJSON(
            folds: learned.folds, learned: metrics(m.learned), weightsOnly: metrics(m.weightsOnly),
            stageBaseline: metrics(m.stageBaseline), baseRate: metrics(m.baseRate))
        let comparison = ComparisonJSON(
            entries: learned.comparison.entries.map {
                ComparisonEntryJSON(
                    model: $0.candidate.rawValue, logLoss: number($0.logLoss), logLossSE: number($0.logLossStandardError),
                    auc: number($0.areaUnderROC), aucSE: number($0.areaUnderROCStandardError),
                    foldLogLoss: $0.foldLogLoss.map { number($0) })
            },
            recommended: learned.comparison.best?.candidate.rawValue, learnedIsBest: learned.comparison.recommendsLearned,
            advice: recommendationLines())
        let gradesJSON = GradesJSON(
            training: grades(learned.trainingGradeWinRates),
            trainingFallsAToD: Self.fallsFromAToD(learned.trainingGradeWinRates), orderedCutsFound: learned.gradesOrdered,
            crossValidation: grades(learned.gradeWinRates), fallsAToD: Self.fallsFromAToD(learned.gradeWinRates))
        let holdout = heldOut.map { heldOut in
            let e = heldOut.evaluation
            return HoldoutJSON(
                source: heldOut.source, metrics: metrics(e.metrics), unknownLabels: e.unknownLabels, open: heldOut.open,
                rejected: heldOut.rejects.count,
                grades: grades(e.gradeWinRates), fallsAToD: Self.fallsFromAToD(e.gradeWinRates))
        }
        return ReportJSONEncoder().encode(
            JSON(
                file: file, baseModel: baseModel.name, baseModelFile: modelFile, output: outputPath, settings: settingsJSON,
                data: data, roundTrip: roundTripJSON, strength: number(learned.strength),
                strengthTable: learned.strengthTable.map(StrengthJSON.init),
                calibration: CalibrationJSON(
                    method: learned.calibrationMethod,
                    logLoss: CalibrationLossJSON(
                        platt: number(learned.calibrationLogLoss.platt), isotonic: number(learned.calibrationLogLoss.isotonic))),
                difficultyPenalty: number(learned.difficultyPenalty), intercept: number(learned.intercept),
                valueCoefficientSum: number(learned.valueCoefficientSum), factors: JSONLines(factors),
                crossValidation: crossValidation, comparison: comparison, grades: gradesJSON, holdout: holdout,
                leaks: leaks.map(\.column), notes: learned.notes))
    }

    /// `kam model fit --format json` (`kam.modelfit/1`). `intercept` and
    /// `value_coefficient_sum` share `difficulty_penalty`'s line. A learned model reports every
    /// factor it considered (at least one), so `factors` is never the empty `[]`.
    private struct JSON: Encodable, JSONLayoutProviding {
        let schema = "kam.modelfit/1"
        let file: String
        let baseModel: String
        let baseModelFile: String
        let output: String
        let settings: SettingsJSON
        let data: DataJSON
        let roundTrip: RoundTripJSON?
        let strength: JSONNumber
        let strengthTable: [StrengthJSON]
        let calibration: CalibrationJSON
        let difficultyPenalty: JSONNumber
        let intercept: JSONNumber
        let valueCoefficientSum: JSONNumber
        let factors: JSONLines<FactorJSON>
        let crossValidation: CrossValidationJSON
        let comparison: ComparisonJSON
        let grades: GradesJSON
        let holdout: HoldoutJSON?
        let leaks: [String]
        let notes: [String]
        var jsonLayout: JSONLayout { .linesJoining(["intercept", "value_coefficient_sum"]) }
    }

    private struct SettingsJSON: Encodable {
        let candidates: String
        let excluded: [String]
        let folds: Int
        let foldsUsed: Int
        let seed: UInt64
        let prior: String
        let outcomeColumn: String
        let leakThreshold: JSONNumber
        let minimumBinCount: Int
        let holdoutFraction: JSONNumber
        let testFile: String?
    }

    /// The history read; its rejects and candidate columns each start a line of their own.
    private struct DataJSON: Encodable, JSONLayoutProviding {
        let rowsRead: Int
        let outcomes: Int
        let won: Int
        let lost: Int
        let open: Int
        let rejected: Int
        let rejectsFile: String?
        let training: Int
        /// `nil` (`null`) without a holdout.
        let heldOut: Int?
        let rejects: [LearningRejectJSON]
        let candidateColumns: [CandidateColumnJSON]
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["rejects", "candidate_columns"], indent: 2) }
    }

    private struct LearningRejectJSON: Encodable {
        let line: Int
        let column: String?
        let reason: String
        let message: String
    }

    private struct CandidateColumnJSON: Encodable {
        let name: String
        let kind: String
        let present: Int
        let notNumbers: Int
        let firstNotNumber: String?
    }

    private struct RoundTripJSON: Encodable {
        let accounts: Int
        let comparedThroughIngest: Int
        /// `%.3e`, or `0`.
        let largestDifference: JSONNumber
        let tolerance = JSONNumber(text: "1e-12")
        let passed: Bool
        let gradesDiffer: Int
    }

    private struct CalibrationJSON: Encodable {
        let method: String
        let logLoss: CalibrationLossJSON
    }

    private struct CalibrationLossJSON: Encodable {
        let platt: JSONNumber
        let isotonic: JSONNumber
    }

    /// A considered factor; its groups start a line of their own.
    private struct FactorJSON: Encodable, JSONLayoutProviding {
        let column: String
        let id: String
        let label: LocalizedLabel
        let side: String
        let direction: String
        let inBaseModel: Bool
        let kind: String
        let shape: String?
        let status: String
        let reason: String
        let why: String
        let leak: Bool
        let informationValue: JSONNumber
        let singleFactorAUC: JSONNumber
        let contribution: JSONNumber
        let coefficient: JSONNumber
        let weight: JSONNumber
        let groups: GroupsJSON
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["groups"], indent: 2) }
    }

    /// A factor's groups, one to a line after the first.
    private struct GroupsJSON: Encodable, JSONLayoutProviding {
        let groups: [GroupJSON]
        var jsonLayout: JSONLayout { .inlineBreakingEach(indent: 2) }

        func encode(to encoder: any Encoder) throws { try groups.encode(to: encoder) }
    }

    /// One group: `lower` and `upper` for a bin, `label` for a category, `pooled` for the
    /// other categories.
    private struct GroupJSON: Encodable {
        let kind: String
        var bounds: (lower: JSONNumber, upper: JSONNumber)?
        var label: String?
        var pooled: [String]?
        let count: Int
        let won: Int
        let winRate: JSONNumber
        let logOdds: JSONNumber
        let woe: JSONNumber
        let utility: JSONNumber
        let scaleUtility: JSONNumber

        init(
            kind: String, count: Int, won: Int, winRate: JSONNumber, logOdds: JSONNumber, woe: JSONNumber, utility: JSONNumber,
            scaleUtility: JSONNumber
        ) {
            self.kind = kind
            self.count = count
            self.won = won
            self.winRate = winRate
            self.logOdds = logOdds
            self.woe = woe
            self.utility = utility
            self.scaleUtility = scaleUtility
        }

        private enum CodingKeys: String, CodingKey {
            case kind, lower, upper, label, pooled, count, won
            case winRate
            case logOdds
            case woe, utility
            case scaleUtility
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            if let bounds {
                try container.encode(bounds.lower, forKey: .lower)
                try container.encode(bounds.upper, forKey: .upper)
            }
            if let label { try container.encode(label, forKey: .label) }
            if let pooled { try container.encode(pooled, forKey: .pooled) }
            try container.encode(count, forKey: .count)
            try container.encode(won, forKey: .won)
            try container.encode(winRate, forKey: .winRate)
            try container.encode(logOdds, forKey: .logOdds)
            try container.encode(woe, forKey: .woe)
            try container.encode(utility, forKey: .utility)
            try container.encode(scaleUtility, forKey: .scaleUtility)
        }
    }

    private struct MetricsJSON: Encodable {
        let auc: JSONNumber
        let brier: JSONNumber
        let logLoss: JSONNumber
        let ece: JSONNumber
        let accounts: Int
    }

    /// Cross-validation metrics; each model after the learned one starts a line of its own.
    private struct CrossValidationJSON: Encodable, JSONLayoutProviding {
        let folds: Int
        let learned: MetricsJSON?
        let weightsOnly: MetricsJSON?
        let stageBaseline: MetricsJSON?
        let baseRate: MetricsJSON?
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["weights_only", "stage_baseline", "base_rate"], indent: 2) }
    }

    private struct ComparisonEntryJSON: Encodable {
        let model: String
        let logLoss: JSONNumber
        let logLossSE: JSONNumber
        let auc: JSONNumber
        let aucSE: JSONNumber
        let foldLogLoss: [JSONNumber]
    }

    private struct ComparisonJSON: Encodable {
        let entries: [ComparisonEntryJSON]
        let recommended: String?
        let learnedIsBest: Bool
        let advice: [String]
    }

    private struct GradeJSON: Encodable {
        let grade: String
        let accounts: Int
        let won: Int
        let winRate: JSONNumber
    }

    private struct GradesJSON: Encodable {
        let training: [GradeJSON]
        let trainingFallsAToD: Bool?
        let orderedCutsFound: Bool
        let crossValidation: [GradeJSON]
        let fallsAToD: Bool?
    }

    private struct HoldoutJSON: Encodable {
        let source: String
        @InlinedMembers var metrics: MetricsJSON?
        let unknownLabels: Int
        let open: Int
        let rejected: Int
        let grades: [GradeJSON]
        let fallsAToD: Bool?
    }

    /// A report from the values its command computed.
    public init(
        file: String, modelFile: String, baseModel: ScoringModel, history: LearningHistoryLoader.Result, trainingCount: Int,
        learned: LearnedModel, settings: Settings, outputPath: String, rejectsPath: String?, language: Language,
        roundTrip: RoundTrip? = nil, heldOut: HeldOut? = nil
    ) {
        self.file = file
        self.modelFile = modelFile
        self.baseModel = baseModel
        self.history = history
        self.trainingCount = trainingCount
        self.learned = learned
        self.settings = settings
        self.outputPath = outputPath
        self.rejectsPath = rejectsPath
        self.language = language
        self.roundTrip = roundTrip
        self.heldOut = heldOut
    }
}
