import ScoringEngine
import ScoringIO

/// `kam weights ahp`: per side, the combined AHP weights beside the model's, every judge's
/// weights and consistency, and the judgements to revisit.
public struct AHPReport: FourFormatReport {
    public let model: ScoringModel
    public let analysis: AHPAnalysis
    public let contents: JudgementFileReader.Contents
    public let file: String
    public let language: Language
    /// Where `--write-model` wrote the new model, if it did.
    public let writtenModel: String?
    /// Why `--write-model` did not write, if it was asked and refused.
    public let refusal: String?

    /// How many inconsistent judgements to list per matrix.
    public static let listedJudgements = 3

    public var zh: Bool { language == .zh }

    public func sideName(_ side: Factor.Side) -> String {
        switch side {
        case .value: return zh ? "价值方" : "Value side"
        case .difficulty: return zh ? "难度方" : "Difficulty side"
        }
    }

    public func factorName(_ index: Int) -> String {
        model.factors[index].name(in: language)
    }

    public func ratioText(_ analysis: PairwiseAnalysis) -> String {
        guard let ratio = analysis.consistencyRatio else { return "CR n/a (no random index for n = \(analysis.order))" }
        return "CR \(formatDecimal(ratio, digits: 3))"
    }

    public func verdict(_ analysis: PairwiseAnalysis) -> String {
        if analysis.isAcceptable { return zh ? "可接受 (≤ 0.10)" : "acceptable (≤ 0.10)" }
        return zh ? "不一致 (> 0.10): 请复核下列判断" : "INCONSISTENT (> 0.10): revisit the judgements below"
    }

    /// The judge index of a name (for line lookups).
    public func judgeIndex(_ name: String) -> Int? {
        contents.judges.firstIndex { $0.name == name }
    }

    /// A sentence about one inconsistent judgement.
    public func revisionText(_ item: PairwiseAnalysis.Inconsistency, side: AHPAnalysis.SideResult, judge: String?) -> String {
        let a = side.factorIndices[item.row]
        let b = side.factorIndices[item.column]
        var place = ""
        if let judge, let index = judgeIndex(judge),
            let line = contents.lines["\(index)/\(a)/\(b)"]
        {
            place = zh ? "第 \(line) 行 " : "line \(line): "
        }
        let judged = PairwiseAnalysis.scaleText(PairwiseAnalysis.nearestScaleValue(to: item.judged))
        let judgedText =
            abs(PairwiseAnalysis.nearestScaleValue(to: item.judged) - item.judged) < 1e-9
            ? judged : formatDecimal(item.judged, digits: 2)
        let implied = formatDecimal(item.consistentValue, digits: 2)
        let suggestion = PairwiseAnalysis.scaleText(item.nearestScaleValue)
        let revised = item.consistencyRatioIfRevised.map { formatDecimal($0, digits: 3) } ?? "n/a"
        if zh {
            return "\(place)\(factorName(a)) 对 \(factorName(b)) 判为 \(judgedText)，其他判断推出 \(implied)；改为 \(suggestion) 后 CR 为 \(revised)"
        }
        return "\(place)\(factorName(a)) vs \(factorName(b)) judged \(judgedText); the other judgements imply \(implied): "
            + "revise to \(suggestion) (CR would be \(revised))"
    }

    // MARK: Table and Markdown

    public func text(markdown: Bool) -> String {
        var out =
            zh
            ? "AHP 权重: \(file) (\(contents.judges.count) 位评判人), 模型 '\(model.name)'\n"
            : "AHP weights from \(file) (\(contents.judges.count) judge\(contents.judges.count == 1 ? "" : "s")) for model '\(model.name)'\n"
        for side in analysis.sides {
            let combined = side.combined
            out += "\n\(sideName(side.side)) (\(side.factorIndices.count) \(zh ? "个因素" : "factors")): "
            out +=
                (zh ? "最大特征值 " : "λmax ")
                + "\(formatDecimal(combined.lambdaMax, digits: 3)), CI \(formatDecimal(combined.consistencyIndex, digits: 3)), "
            out += "\(ratioText(combined)) — \(verdict(combined))\n"
            if let ri = combined.randomIndex, let source = combined.randomIndexSource, combined.order > 2 {
                out +=
                    zh
                    ? "  RI(\(combined.order)) = \(formatDecimal(ri, digits: 4))，来自 \(source.citation.replacingOccurrences(of: " table", with: " 表").replacingOccurrences(of: " formula", with: " 公式"))。\n"
                    : "  RI(\(combined.order)) = \(formatDecimal(ri, digits: 4)) from the \(source.citation).\n"
            }
            if combined.missingPairCount > 0 {
                out +=
                    zh
                    ? "  \(combined.missingPairCount) 对无人评判，按 Harker 方法补全。\n"
                    : "  \(combined.missingPairCount) pair\(combined.missingPairCount == 1 ? "" : "s") judged by nobody, filled by Harker's method.\n"
            }
            out += "\n"
            var columns: [PlainTable.Column] = [
                .init(zh ? "因素" : "factor"), .init(zh ? "现权重" : "current", alignRight: true),
                .init("AHP", alignRight: true), .init(zh ? "变化" : "change", alignRight: true),
            ]
            for judge in side.judges { columns.append(.init(judge.name, alignRight: true)) }
            var table = PlainTable(columns: columns)
            for (k, index) in side.factorIndices.enumerated() {
                var row = [
                    factorName(index), formatDecimal(model.factors[index].weight, digits: 3),
                    formatDecimal(combined.weights[k], digits: 3),
                    ReportFormat.signed(combined.weights[k] - model.factors[index].weight, digits: 3),
                ]
                for judge in side.judges {
                    switch judge.analysis {
                    case .success(let own): row.append(formatDecimal(own.weights[k], digits: 3))
                    case .failure: row.append("–")
                    }
                }
                table.rows.append(row)
            }
            var consistencyRow = ["CR", "", combined.consistencyRatio.map { formatDecimal($0, digits: 3) } ?? "n/a", ""]
            for judge in side.judges {
                switch judge.analysis {
                case .success(let own):
                    consistencyRow.append(
                        (own.consistencyRatio.map { formatDecimal($0, digits: 3) } ?? "n/a") + (own.isAcceptable ? "" : "!"))
                case .failure: consistencyRow.append(zh ? "不完整" : "partial")
                }
            }
            table.rows.append(consistencyRow)
            out += table.text(markdown: markdown)
            // What to revisit: the combined matrix, then each inconsistent judge.
            var notes: [String] = []
            if !combined.isAcceptable {
                notes.append(zh ? "合并后最不一致的判断:" : "Most inconsistent pairs after combining the judges:")
                for item in combined.inconsistencies.prefix(Self.listedJudgements) {
                    notes.append("  " + revisionText(item, side: side, judge: side.judges.count == 1 ? side.judges[0].name : nil))
                }
            }
            for judge in side.judges {
                switch judge.analysis {
                case .success(let own) where !own.isAcceptable:
                    notes.append(
                        zh
                            ? "\(judge.name) 的判断不一致 (\(ratioText(own))):"
                            : "\(judge.name)'s judgements are inconsistent (\(ratioText(own))):")
                    for item in own.inconsistencies.prefix(Self.listedJudgements) {
                        notes.append("  " + revisionText(item, side: side, judge: judge.name))
                    }
                case .success(let own) where own.missingPairCount > 0:
                    let total = own.order * (own.order - 1) / 2
                    notes.append(
                        zh
                            ? "\(judge.name) 有 \(own.missingPairCount)/\(total) 对留空，按 Harker 方法补全。"
                            : "\(judge.name) left \(own.missingPairCount) of \(total) pairs blank; Harker's method fills them in.")
                case .failure(let error):
                    notes.append(
                        zh
                            ? "\(judge.name): 本人判断未连通全部因素 (\(error))；只参与合并。"
                            : "\(judge.name): own judgements do not link every factor, so only the combined weights use them (\(error)).")
                default:
                    break
                }
            }
            if !notes.isEmpty {
                out +=
                    "\n"
                    + (markdown
                    ? notes.map { $0.hasPrefix("  ") ? "-" + $0.dropFirst() : $0 } : notes.flatMap { DisplayWidth.wrap($0, width: 100) })
                    .joined(separator: "\n") + "\n"
            }
        }
        for side in analysis.unjudgedSides {
            out += "\n" + (zh ? "\(sideName(side)): 无判断，保留模型权重。" : "\(sideName(side)): no judgements; the model's weights stay.") + "\n"
        }
        out += "\n" + (markdown ? footer() : footer().flatMap { DisplayWidth.wrap($0, width: 100) }).joined(separator: "\n") + "\n"
        return out
    }

    public func footer() -> [String] {
        var lines: [String] = []
        lines.append(
            zh
                ? "方法: 主特征向量；多位评判人按几何平均合并；CR = CI / RI，RI 表: \(tableText)。"
                : "Method: principal eigenvector (LAPACK dgeev); judges combined by the geometric mean of their matrices; CR = CI / RI, random index: \(tableText)."
        )
        if let writtenModel {
            lines.append(
                zh
                    ? "已写出新模型 \(writtenModel)：只改了权重行，其余原样保留。"
                    : "Wrote \(writtenModel): the weight values were replaced, every other line is unchanged.")
        } else if let refusal {
            lines.append(refusal)
        } else {
            lines.append(zh ? "用 --write-model OUT 写出带新权重的模型副本。" : "Use --write-model OUT to write a copy of the model with these weights.")
        }
        return lines
    }

    /// The random-index choice in words (`--random-index`).
    public var tableText: String {
        if zh {
            switch analysis.randomIndexTable {
            case .auto: return "自动（n ≤ 15 用 Saaty 1980 表，更大用 Alonso–Lamata 2006 公式）"
            case .saaty1980: return "Saaty 1980 表（n ≤ 15）"
            case .alonsoLamata: return "Alonso–Lamata 2006（n ≤ 15 用其表，更大用其公式）"
            }
        }
        switch analysis.randomIndexTable {
        case .auto: return "auto (Saaty 1980 up to n = 15, Alonso–Lamata 2006 formula beyond)"
        case .saaty1980: return "saaty1980 (Saaty 1980, n ≤ 15)"
        case .alonsoLamata: return "alonso-lamata (Alonso–Lamata 2006 table up to n = 15, their formula beyond)"
        }
    }

    // MARK: CSV

    /// One flat table: `kind` is `weight`, `consistency` or `revisit`.
    public func csv() -> String {
        var out = CSVWriter.record([
            "kind", "side", "judge", "factor", "factor_b", "current_weight", "weight", "judged", "implied", "suggested",
            "lambda_max", "ci", "cr", "cr_if_revised", "acceptable", "line", "ri", "ri_source",
        ])
        func number(_ value: Double?, _ digits: Int = 6) -> String { value.map { formatDecimal($0, digits: digits) } ?? "" }
        for side in analysis.sides {
            for (k, index) in side.factorIndices.enumerated() {
                out += CSVWriter.record([
                    "weight", side.side.rawValue, "combined", model.factors[index].id, "", number(model.factors[index].weight),
                    number(side.combined.weights[k]), "", "", "", "", "", "", "", "", "", "", "",
                ])
                for judge in side.judges {
                    if case .success(let own) = judge.analysis {
                        out += CSVWriter.record([
                            "weight", side.side.rawValue, judge.name, model.factors[index].id, "", number(model.factors[index].weight),
                            number(own.weights[k]), "", "", "", "", "", "", "", "", "", "", "",
                        ])
                    }
                }
            }
            var matrices: [(String, PairwiseAnalysis)] = [("combined", side.combined)]
            for judge in side.judges { if case .success(let own) = judge.analysis { matrices.append((judge.name, own)) } }
            for (name, result) in matrices {
                out += CSVWriter.record([
                    "consistency", side.side.rawValue, name, "", "", "", "", "", "", "", number(result.lambdaMax),
                    number(result.consistencyIndex),
                    number(result.consistencyRatio), "", result.isAcceptable ? "true" : "false", "",
                    number(result.randomIndex, 4), result.randomIndexSource?.rawValue ?? "",
                ])
                guard !result.isAcceptable else { continue }
                for item in result.inconsistencies.prefix(Self.listedJudgements) {
                    let a = side.factorIndices[item.row]
                    let b = side.factorIndices[item.column]
                    let line = judgeIndex(name).flatMap { contents.lines["\($0)/\(a)/\(b)"] }
                    out += CSVWriter.record([
                        "revisit", side.side.rawValue, name, model.factors[a].id, model.factors[b].id, "", "", number(item.judged),
                        number(item.consistentValue), PairwiseAnalysis.scaleText(item.nearestScaleValue), "", "", "",
                        number(item.consistencyRatioIfRevised), "", line.map(String.init) ?? "", "", "",
                    ])
                }
            }
        }
        return out
    }

    // MARK: JSON

    public func json() -> String {
        func analysisJSON(_ result: PairwiseAnalysis, side: AHPAnalysis.SideResult, judge: String?) -> AnalysisJSON {
            let revisit = result.inconsistencies.prefix(result.isAcceptable ? 0 : Self.listedJudgements).map { item in
                let a = side.factorIndices[item.row]
                let b = side.factorIndices[item.column]
                return RevisitJSON(
                    factor: model.factors[a].id, versus: model.factors[b].id, judged: item.judged, implied: item.consistentValue,
                    suggested: PairwiseAnalysis.scaleText(item.nearestScaleValue), crIfRevised: item.consistencyRatioIfRevised,
                    line: judge.flatMap(judgeIndex).flatMap { contents.lines["\($0)/\(a)/\(b)"] })
            }
            return AnalysisJSON(
                lambdaMax: result.lambdaMax, ci: result.consistencyIndex, ri: result.randomIndex,
                riSource: result.randomIndexSource?.rawValue, cr: result.consistencyRatio, acceptable: result.isAcceptable,
                missingPairs: result.missingPairCount, revisit: Array(revisit))
        }
        let sides = analysis.sides.map { side in
            let factors = side.factorIndices.enumerated().map { k, index in
                var judges: [(key: String, value: Double)] = []
                for judge in side.judges {
                    if case .success(let own) = judge.analysis { judges.append((key: judge.name, value: own.weights[k])) }
                }
                return FactorJSON(
                    id: model.factors[index].id, current: model.factors[index].weight, weight: side.combined.weights[k],
                    judges: JSONMembers(judges))
            }
            let judges = side.judges.map { judge in
                switch judge.analysis {
                case .success(let own):
                    return JudgeJSON(name: judge.name, analysis: analysisJSON(own, side: side, judge: judge.name))
                case .failure(let error): return JudgeJSON(name: judge.name, error: error.description)
                }
            }
            return SideJSON(
                side: side.side.rawValue,
                analysis: analysisJSON(side.combined, side: side, judge: side.judges.count == 1 ? side.judges[0].name : nil),
                factors: factors, judges: judges)
        }
        return ReportJSONEncoder().encode(
            JSON(
                model: model.name, file: file, judges: contents.judges.map(\.name), randomIndex: analysis.randomIndexTable.rawValue,
                sides: JSONLines(sides), unjudgedSides: analysis.unjudgedSides.map(\.rawValue), writtenModel: writtenModel))
    }

    /// `kam weights ahp --format json` (`kam.weights.ahp/1`).
    private struct JSON: Encodable, JSONLayoutProviding {
        let schema = "kam.weights.ahp/1"
        let model: String
        let file: String
        let judges: [String]
        let randomIndex: String
        let sides: JSONLines<SideJSON>
        let unjudgedSides: [String]
        let writtenModel: String?
        var jsonLayout: JSONLayout { .lines }
    }

    /// A side: its name, the combined judgement's analysis, then `factors` and `judges`,
    /// each on a line of its own.
    private struct SideJSON: Encodable, JSONLayoutProviding {
        let side: String
        @InlinedMembers var analysis: AnalysisJSON?
        let factors: [FactorJSON]
        let judges: [JudgeJSON]
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["factors", "judges"]) }
    }

    /// The members one pairwise analysis adds to the object it is encoded into.
    private struct AnalysisJSON: Encodable {
        let lambdaMax: Double
        let ci: Double
        let ri: Double?
        let riSource: String?
        let cr: Double?
        let acceptable: Bool
        let missingPairs: Int
        let revisit: [RevisitJSON]
    }

    private struct RevisitJSON: Encodable {
        let factor: String
        let versus: String
        let judged: Double
        let implied: Double
        let suggested: String
        let crIfRevised: Double?
        /// The judgement's line in the judgement file, when one judge made it.
        let line: Int?
    }

    private struct FactorJSON: Encodable {
        let id: String
        let current: Double
        let weight: Double
        /// Each judge's weight, for the judges whose matrix could be analysed.
        let judges: JSONMembers<Double>
    }

    /// A judge: the name, then the analysis of the judge's matrix or why it has none.
    private struct JudgeJSON: Encodable {
        let name: String
        @InlinedMembers var analysis: AnalysisJSON? = nil
        @OmittedWhenNil var error: String? = nil
    }

    /// A report from the values its command computed.
    public init(
        model: ScoringModel, analysis: AHPAnalysis, contents: JudgementFileReader.Contents, file: String, language: Language,
        writtenModel: String?, refusal: String?
    ) {
        self.model = model
        self.analysis = analysis
        self.contents = contents
        self.file = file
        self.language = language
        self.writtenModel = writtenModel
        self.refusal = refusal
    }
}
