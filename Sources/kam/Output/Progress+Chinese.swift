import Foundation
import Reports

/// The progress lines in Chinese (`--lang zh`): the commands announce their phases in
/// English, and the phase is matched here by its wording, as ``LearnerNotes`` matches the
/// learner's notes. A phase this table does not know is shown as written; the terminal test
/// (`ProgressLineTests`) scans the Chinese lines for English words.
extension Progress {
    /// `(English prefix, Chinese prefix, English suffix, Chinese suffix)`: a phase
    /// `prefix + middle + suffix` becomes `chinese prefix + middle + chinese suffix`; the
    /// middle is a file name or a number. Longer prefixes come first.
    static let chinesePhases: [(String, String, String, String)] = [
        ("reading and scoring ", "读取并评分 ", "", ""),
        ("reading ", "读取 ", "", ""),
        ("checking the written model through kam rank's reader", "按 kam rank 的读取方式核对写出的模型", "", ""),
        ("checking ", "用引擎核对另外 ", " more accounts through the engine", " 个客户"),
        ("checking ", "写出前核对 ", " before writing it", ""),
        ("checking ", "检查 ", "", ""),
        ("scoring ", "评分 ", " accounts", " 个客户"),
        ("ranking", "排序", "", ""),
        ("allocating", "分配", "", ""),
        ("writing rejects", "写出被拒绝的行", "", ""),
        ("writing the report", "写出报告", "", ""),
        ("writing ", "写出 ", " rows", " 行"),
        ("writing ", "写出 ", "", ""),
        ("writing", "写出", "", ""),
        ("explaining ", "解释 ", " accounts", " 个客户"),
        ("recording the run into ", "把本次运行记入 ", "", ""),
        ("forecasting ", "预测 ", " accounts", " 个客户"),
        ("simulating the ", "模拟策略 --policy ", " policy", ""),
        ("simulating ", "模拟 ", " runs", " 次"),
        ("utilities of ", "计算 ", " accounts", " 个客户的效用"),
        ("fitting ", "拟合 ", " outcomes", " 个结果"),
        ("mapping ", "把 ", " rows onto the model", " 行映射到模型"),
        ("learning from ", "从 ", " accounts", " 个客户学习"),
        ("evaluating", "评估", "", ""),
        ("weight intervals", "权重区间", "", ""),
        ("sampling ", "抽样 ", " accounts", " 个客户"),
    ]

    /// `phase` in Chinese, or as written when no entry matches.
    static func chinese(phase: String) -> String {
        for (prefix, chinesePrefix, suffix, chineseSuffix) in chinesePhases
        where phase.hasPrefix(prefix) && phase.hasSuffix(suffix) && phase.count >= prefix.count + suffix.count {
            let middle = phase.dropFirst(prefix.count).dropLast(suffix.count)
            // A bare word phase ("ranking") matches only itself.
            if !prefix.hasSuffix(" ") && !middle.isEmpty { continue }
            return chinesePrefix + middle.replacingOccurrences(of: " weight vectors × ", with: " 组权重 × ") + chineseSuffix
        }
        return phase
    }

    /// What a phase counts, in Chinese: 行, 次, 次抽样, 步.
    static func chinese(unit: String) -> String {
        ["rows": "行", "runs": "次", "draws": "次抽样", "steps": "步"][unit] ?? unit
    }
}
