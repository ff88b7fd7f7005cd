import ScoringEngine
import ScoringIO

/// `kam weights fit`: coefficients, cross-validated comparison, proposed weights.
public struct WeightFitReport: FourFormatReport {
    public let model: ScoringModel
    public let result: WeightFitResult
    public let history: HistoryColumns
    public let file: String
    public let language: Language
    public let writtenModel: String?

    public var zh: Bool { language == .zh }

    public func factorName(_ index: Int) -> String {
        model.factors[index].name(in: language)
    }

    public func pText(_ p: Double) -> String {
        p < 0.001 ? "<0.001" : formatDecimal(p, digits: 3)
    }

    public func strengthText() -> String {
        let lambda = formatDecimal(result.strength, digits: result.strength < 1 ? 2 : 0)
        if result.strengthWasChosen, let folds = result.comparison?.folds {
            return zh ? "λ = \(lambda)（\(folds) 折交叉验证选定）" : "λ = \(lambda), chosen by \(folds)-fold cross-validation"
        }
        return zh ? "λ = \(lambda)（指定）" : "λ = \(lambda), as given"
    }

    public func priorText() -> String {
        switch result.prior {
        case .none:
            return zh ? "先验: 零（岭回归）" : "Prior: zero (ridge)"
        case .model:
            if result.priorFellBack, result.currentWeightsSeparate {
                return zh
                    ? "先验: 当前权重把赢单与输单完全分开（样本内 AUC 1.000，完全分离），对数几率斜率无穷大，先验退回到零"
                    : "Prior: the current weights separate won from lost completely (in-sample AUC 1.000: separation), so their log-odds slope is infinite and the prior fell back to zero"
            }
            if result.priorFellBack, result.priorSlope == nil {
                let auc = result.currentWeightsAreaUnderROC.map { formatDecimal($0, digits: 3) } ?? "n/a"
                return zh
                    ? "先验: 当前权重的对数几率斜率无法拟合（样本内 AUC \(auc)，接近完全分离），先验退回到零"
                    : "Prior: the log-odds slope of the current weights could not be fitted (in-sample AUC \(auc): near separation), so the prior fell back to zero"
            }
            if result.priorFellBack {
                return zh
                    ? "先验: 当前权重无法区分赢单与输单（斜率 ≤ 0），退回到零"
                    : "Prior: the current weights do not rank won above lost (slope ≤ 0), so the prior fell back to zero"
            }
            let slope = result.priorSlope.map { formatDecimal($0, digits: 4) } ?? "?"
            return zh
                ? "先验: 当前模型权重（每优先分 \(slope) 对数几率）"
                : "Prior: the model's weights (\(slope) log-odds per priority point)"
        }
    }

    /// The data column for a factor the data cannot judge: constant, or separating.
    public func degenerateVerdict(_ index: Int) -> String? {
        if result.constantFactors.contains(index) { return zh ? "无信息（常数）" : "no info (constant)" }
        if result.separatingFactors.contains(where: { $0.factor == index }) { return zh ? "完全分离" : "separation" }
        return nil
    }

    /// The key of a factor's verdict for CSV and JSON: constant, separation or "".
    public func degenerateKey(_ index: Int) -> String {
        if result.constantFactors.contains(index) { return "constant" }
        if result.separatingFactors.contains(where: { $0.factor == index }) { return "separation" }
        return ""
    }

    /// Notes on constant columns and separation (issue 14).
    public func degenerateNotes() -> [String] {
        var notes: [String] = []
        for index in result.constantFactors {
            notes.append(
                zh
                    ? "\(factorName(index)) 在所有结果中取同一值：数据对它没有信息（常数），其系数只来自先验，不作判断。"
                    : "\(factorName(index)) has the same utility in every outcome: no information (constant). Its coefficient is the prior's; no verdict."
            )
        }
        for (index, direction) in result.separatingFactors {
            let higher = direction > 0 ? (zh ? "高于" : "above") : (zh ? "低于" : "below")
            notes.append(
                zh
                    ? "完全分离: 仅 \(factorName(index)) 一个因素就把赢单与输单分开（每个赢单都\(higher)每个输单），其系数只受先验强度 λ 约束，数据无法给出其效应大小。"
                    : "Separation: \(factorName(index)) alone separates won from lost (every won account scores \(higher) every lost one on it), so its coefficient is bounded only by the prior strength λ; the data cannot say how large its effect is."
            )
        }
        if result.separatingFactors.isEmpty, result.currentWeightsSeparate {
            notes.append(
                zh
                    ? "完全分离: 当前权重的评分把赢单与输单完全分开（样本内 AUC 1.000）。"
                    : "Separation: the current weights' score ranks every won account above every lost one (in-sample AUC 1.000).")
        }
        return notes
    }

    /// Lines that say what was read and what the fit rests on.
    public func summaryLines() -> [String] {
        var lines: [String] = []
        let rejected = history.rejects.count + history.outcomeRejects.count
        lines.append(
            zh
                ? "\(file): 读取 \(history.rowsRead) 行，\(result.outcomeCount) 个结果（赢 \(result.wonCount)，输 \(result.lostCount)），\(history.openCount) 个未结，\(rejected) 行被拒。"
                : "\(file): \(history.rowsRead) rows read: \(result.outcomeCount) outcomes (\(result.wonCount) won, \(result.lostCount) lost), \(history.openCount) still open, \(rejected) rejected."
        )
        for reject in history.rejects.prefix(3) { lines.append((zh ? "  拒绝 " : "  rejected ") + reject.description(language)) }
        for reject in history.outcomeRejects.prefix(3) { lines.append((zh ? "  拒绝 " : "  rejected ") + reject.description(language)) }
        let share = formatDecimal(100 * result.dataShare, digits: 0)
        let worth = result.priorEquivalentOutcomes.isFinite ? formatDecimal(result.priorEquivalentOutcomes, digits: 0) : "∞"
        lines.append(
            zh
                ? "有效结果数 \(result.effectiveOutcomes)（较少一类）；数据决定了拟合的 \(share)%，先验约相当于 \(worth) 个结果。"
                : "Effective outcomes: \(result.effectiveOutcomes) (the rarer kind). The data determined \(share)% of the fit; the prior is worth about \(worth) outcomes."
        )
        lines.append(priorText() + "; " + strengthText() + ".")
        let stopped = result.unconvergedFits
        if !stopped.isEmpty {
            let list = stopped.prefix(3).map { "\($0.label) (\($0.stopReason.rawValue) after \($0.iterations) iterations)" }
                .joined(separator: "; ")
            lines.append(
                zh
                    ? "警告：\(result.fits.count) 次内部拟合中有 \(stopped.count) 次未收敛：\(list)。"
                    : "Warning: \(stopped.count) of \(result.fits.count) internal fits stopped without converging: \(list).")
        }
        return lines
    }

    // MARK: Table and Markdown

    public func text(markdown: Bool) -> String {
        var out = (zh ? "按历史结果拟合的权重，模型 '\(model.name)'\n" : "Weights fitted to past outcomes for model '\(model.name)'\n")
        out += (markdown ? summaryLines() : summaryLines().flatMap { DisplayWidth.wrap($0, width: 100) }).joined(separator: "\n") + "\n\n"
        var table = PlainTable(columns: [
            .init(zh ? "因素" : "factor"), .init(zh ? "方" : "side"), .init(zh ? "现权重" : "current", alignRight: true),
            .init(zh ? "建议" : "proposed", alignRight: true), .init(zh ? "系数" : "coef", alignRight: true),
            .init(zh ? "标准误" : "SE", alignRight: true), .init("z", alignRight: true), .init("p", alignRight: true),
            .init(zh ? "先验" : "prior", alignRight: true), .init(zh ? "数据" : "data"),
        ])
        let estimates = result.fitted.estimates.filter { $0.term != .intercept }
        let contradicted = Set(result.contradictedFactors)
        for (index, estimate) in estimates.enumerated() {
            var verdict = ""
            if let degenerate = degenerateVerdict(index) {
                verdict = degenerate
            } else if contradicted.contains(index) {
                verdict = estimate.pValue < 0.05 ? (zh ? "相反!" : "CONTRADICTS") : (zh ? "相反?" : "contradicts?")
            } else if estimate.pValue < 0.05 {
                verdict = zh ? "支持" : "supports"
            }
            table.rows.append([
                factorName(index), model.factors[index].side.shortText(language),
                formatDecimal(model.factors[index].weight, digits: 3), formatDecimal(result.proposedWeights[index], digits: 3),
                ReportFormat.signed(estimate.value, digits: 2), formatDecimal(estimate.standardError, digits: 2),
                ReportFormat.signed(estimate.zScore, digits: 1), pText(estimate.pValue),
                result.prior == .model ? ReportFormat.signed(result.priorMean[index], digits: 2) : "0", verdict,
            ])
        }
        out += table.text(markdown: markdown)
        out += "\n"
        if let comparison = result.comparison {
            var metrics = PlainTable(columns: [
                .init(zh ? "\(comparison.folds) 折交叉验证（样本外）" : "cross-validated, \(comparison.folds) folds (out of fold)"),
                .init("AUC", alignRight: true), .init(zh ? "对数损失" : "log loss", alignRight: true),
            ])
            func row(_ name: String, _ m: WeightFitResult.Metrics) -> [String] {
                [name, m.areaUnderROC.map { formatDecimal($0, digits: 3) } ?? "n/a", formatDecimal(m.logLoss, digits: 3)]
            }
            metrics.rows.append(row(zh ? "拟合模型" : "fitted model", comparison.fitted))
            metrics.rows.append(row(zh ? "当前权重（作为评分）" : "current weights as a score", comparison.current))
            metrics.rows.append(row(zh ? "建议权重（作为评分）" : "proposed weights as a score", comparison.proposed))
            metrics.rows.append([zh ? "基准（只用赢单率）" : "base rate only", "0.500", formatDecimal(comparison.baseRateLogLoss, digits: 3)])
            out += metrics.text(markdown: markdown)
            out += "\n"
        } else if let failure = result.comparisonFailure {
            let text =
                zh
                ? "交叉验证的某一折无法拟合（\(failure)）；加一个正的 --strength 即可比较。"
                : "No out-of-fold comparison: a training fold could not be fitted at this strength (\(failure)). A positive --strength makes it possible."
            out += (markdown ? [text] : DisplayWidth.wrap(text, width: 100)).joined(separator: "\n") + "\n\n"
        } else {
            out += zh ? "结果太少，无法交叉验证。\n\n" : "Too few outcomes of one kind for cross-validation; no out-of-fold comparison.\n\n"
        }
        var notes: [String] = []
        if contradicted.isEmpty {
            notes.append(zh ? "数据不与任何因素的方向相反。" : "The data contradicts no factor's direction.")
        } else {
            for index in contradicted.sorted() {
                let estimate = estimates[index]
                let expected = model.factors[index].side == .value ? (zh ? "正" : "positive") : (zh ? "负" : "negative")
                notes.append(
                    zh
                        ? "数据与 \(factorName(index)) 相反: 系数 \(ReportFormat.signed(estimate.value, digits: 2))，\(model.factors[index].side == .value ? "价值" : "难度")因素应为\(expected) (p \(pText(estimate.pValue)))；建议权重为 0。"
                        : "The data contradicts \(factorName(index)): coefficient \(ReportFormat.signed(estimate.value, digits: 2)) where a \(model.factors[index].side.rawValue) factor should be \(expected) (p \(pText(estimate.pValue)))\(estimate.pValue < 0.05 ? "" : ", though not significantly"); the proposal gives it weight 0."
                )
            }
            notes.append(
                zh
                    ? "这些判断基于模型自己的刻度；kam model fit 按声明的方向从结果学习每个因素的曲线，并以该曲线判断，因此结论可能不同（其报告中每列只有一个结论）。"
                    : "These verdicts are on the model's own scales; kam model fit learns each factor's curve from the outcomes in its declared direction and judges that curve, so its verdict can differ (its report gives one verdict per column)."
            )
        }
        notes += degenerateNotes()
        for side in result.sidesWithoutSupport {
            notes.append(
                zh
                    ? "\(side.rawValue) 方没有方向正确的因素，保留模型权重。"
                    : "No \(side.rawValue) factor has the expected sign; that side keeps the model's weights.")
        }
        if let implied = result.impliedDifficultyPenalty {
            let ranking = model.grading.ranking
            let current = ranking.key == .priority ? formatDecimal(ranking.difficultyPenalty, digits: 2) : "1 (key \(ranking.key.rawValue))"
            notes.append(
                zh
                    ? "数据隐含的难度惩罚: \(formatDecimal(implied, digits: 2))（模型: \(current)）。"
                    : "Difficulty penalty the data implies: \(formatDecimal(implied, digits: 2)) (model: \(current)).")
        }
        if result.strengthWasChosen, !result.strengthTable.isEmpty {
            let parts = result.strengthTable.map { "\(formatPlain($0.strength)): \(formatDecimal($0.logLoss, digits: 4))" }
            notes.append((zh ? "各强度的样本外对数损失: " : "Out-of-fold log loss by strength λ: ") + parts.joined(separator: ", "))
        }
        if let writtenModel {
            notes.append(
                zh ? "已写出新模型 \(writtenModel)（只改权重行）。" : "Wrote \(writtenModel) with the proposed weights (only the weight values changed).")
        } else {
            notes.append(
                zh ? "用 --write-model OUT 写出带建议权重的模型副本。" : "Use --write-model OUT to write a copy of the model with the proposed weights.")
        }
        out += (markdown ? notes : notes.flatMap { DisplayWidth.wrap($0, width: 100) }).joined(separator: "\n") + "\n"
        return out
    }

    // MARK: CSV

    public func csv() -> String {
        var out = CSVWriter.record([
            "factor", "side", "expected_sign", "current_weight", "proposed_weight", "coefficient", "standard_error",
            "z", "p_value", "prior_mean", "contradicted", "data_note",
        ])
        let contradicted = Set(result.contradictedFactors)
        for estimate in result.fitted.estimates {
            let index: Int?
            if case .feature(let j) = estimate.term { index = j } else { index = nil }
            var fields = [CSVWriter.field(index.map { model.factors[$0].id } ?? "intercept")]
            fields.append(index.map { model.factors[$0].side.rawValue } ?? "")
            fields.append(index.map { result.expectedSigns[$0] > 0 ? "1" : "-1" } ?? "")
            fields.append(index.map { formatDecimal(model.factors[$0].weight, digits: 6) } ?? "")
            fields.append(index.map { formatDecimal(result.proposedWeights[$0], digits: 6) } ?? "")
            fields += [
                formatDecimal(estimate.value, digits: 6), formatDecimal(estimate.standardError, digits: 6),
                formatDecimal(estimate.zScore, digits: 4), String(format: "%.6g", estimate.pValue),
            ]
            fields.append(index.map { formatDecimal(result.priorMean[$0], digits: 6) } ?? "")
            fields.append(index.map { contradicted.contains($0) ? "true" : "false" } ?? "")
            fields.append(index.map { degenerateKey($0) } ?? "")
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    // MARK: JSON

    public func json() -> String {
        // Every number here is `null` when it is not finite.
        func number(_ value: Double?) -> JSONNumber { .finite(value) }
        func metrics(_ m: WeightFitResult.Metrics) -> MetricsJSON {
            MetricsJSON(auc: number(m.areaUnderROC), logLoss: number(m.logLoss))
        }
        let outcomes = OutcomesJSON(
            total: result.outcomeCount, won: result.wonCount, lost: result.lostCount, open: history.openCount,
            rejected: history.rejects.count + history.outcomeRejects.count, effective: result.effectiveOutcomes,
            dataShare: number(result.dataShare), priorEquivalentOutcomes: number(result.priorEquivalentOutcomes))
        let prior = PriorJSON(
            kind: result.prior.rawValue, slope: number(result.priorSlope), fellBack: result.priorFellBack,
            currentWeightsSeparate: result.currentWeightsSeparate, strength: number(result.strength),
            chosenByCV: result.strengthWasChosen)
        let strengthTable = result.strengthTable.map(StrengthJSON.init)
        let fit = FitJSON(
            converged: result.fitted.converged, iterations: result.fitted.iterations, stopReason: result.fitted.stopReason.rawValue,
            internalFits: result.fits.count,
            unconvergedInternalFits: result.unconvergedFits.map {
                UnconvergedJSON(label: $0.label, stopReason: $0.stopReason.rawValue, iterations: $0.iterations)
            },
            logLikelihood: number(result.fitted.logLikelihood), effectiveParameters: number(result.fitted.effectiveParameterCount),
            intercept: number(result.fitted.intercept), interceptSE: number(result.fitted.interceptStandardError))
        let contradicted = Set(result.contradictedFactors)
        let factors = model.factors.indices.map { index in
            let estimate = result.fitted.estimates.first { $0.term == .feature(index) }
            return FactorJSON(
                id: model.factors[index].id, side: model.factors[index].side.rawValue, currentWeight: number(model.factors[index].weight),
                proposedWeight: number(result.proposedWeights[index]), coefficient: number(estimate?.value),
                standardError: number(estimate?.standardError), z: number(estimate?.zScore),
                pValue: estimate.map { JSONNumber(text: String(format: "%.6g", $0.pValue)) } ?? .null,
                priorMean: number(result.priorMean[index]), contradicted: contradicted.contains(index),
                dataNote: degenerateKey(index).isEmpty ? nil : degenerateKey(index))
        }
        let crossValidation = result.comparison.map { comparison in
            CrossValidationJSON(
                folds: comparison.folds, fitted: metrics(comparison.fitted), current: metrics(comparison.current),
                proposed: metrics(comparison.proposed), baseRateLogLoss: number(comparison.baseRateLogLoss))
        }
        return ReportJSONEncoder().encode(
            JSON(
                model: model.name, file: file, outcomes: outcomes, prior: prior, strengthTable: strengthTable, fit: fit,
                factors: JSONLines(factors), crossValidation: crossValidation,
                impliedDifficultyPenalty: number(result.impliedDifficultyPenalty),
                sidesWithoutSupport: result.sidesWithoutSupport.map(\.rawValue), writtenModel: writtenModel))
    }

    /// `kam weights fit --format json` (`kam.weights.fit/1`). The model has at least one
    /// factor, so `factors` is never the empty `[]`.
    private struct JSON: Encodable, JSONLayoutProviding {
        let schema = "kam.weights.fit/1"
        let model: String
        let file: String
        let outcomes: OutcomesJSON
        let prior: PriorJSON
        let strengthTable: [StrengthJSON]
        let fit: FitJSON
        let factors: JSONLines<FactorJSON>
        let crossValidation: CrossValidationJSON?
        let impliedDifficultyPenalty: JSONNumber
        let sidesWithoutSupport: [String]
        let writtenModel: String?
        var jsonLayout: JSONLayout { .lines }
    }

    private struct OutcomesJSON: Encodable {
        let total: Int
        let won: Int
        let lost: Int
        let open: Int
        let rejected: Int
        let effective: Int
        let dataShare: JSONNumber
        let priorEquivalentOutcomes: JSONNumber
    }

    private struct PriorJSON: Encodable {
        let kind: String
        let slope: JSONNumber
        let fellBack: Bool
        let currentWeightsSeparate: Bool
        let strength: JSONNumber
        let chosenByCV: Bool
    }

    private struct FitJSON: Encodable {
        let converged: Bool
        let iterations: Int
        let stopReason: String
        let internalFits: Int
        let unconvergedInternalFits: [UnconvergedJSON]
        let logLikelihood: JSONNumber
        let effectiveParameters: JSONNumber
        let intercept: JSONNumber
        let interceptSE: JSONNumber
    }

    private struct UnconvergedJSON: Encodable {
        let label: String
        let stopReason: String
        let iterations: Int
    }

    private struct FactorJSON: Encodable {
        let id: String
        let side: String
        let currentWeight: JSONNumber
        let proposedWeight: JSONNumber
        let coefficient: JSONNumber
        let standardError: JSONNumber
        let z: JSONNumber
        /// `%.6g`, as the p-values have always been written.
        let pValue: JSONNumber
        let priorMean: JSONNumber
        let contradicted: Bool
        let dataNote: String?
    }

    private struct MetricsJSON: Encodable {
        let auc: JSONNumber
        let logLoss: JSONNumber
    }

    private struct CrossValidationJSON: Encodable {
        let folds: Int
        let fitted: MetricsJSON
        let current: MetricsJSON
        let proposed: MetricsJSON
        let baseRateLogLoss: JSONNumber
    }

    /// A report from the values its command computed.
    public init(
        model: ScoringModel, result: WeightFitResult, history: HistoryColumns, file: String, language: Language, writtenModel: String?
    ) {
        self.model = model
        self.result = result
        self.history = history
        self.file = file
        self.language = language
        self.writtenModel = writtenModel
    }
}
