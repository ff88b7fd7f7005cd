import Foundation

/// The notes `kam model fit`'s learner writes (in English, in the engine) as Chinese
/// sentences for `--lang zh`.
///
/// The engine knows nothing about languages, so its notes are matched here by their wording;
/// a note this table does not know is shown as the engine wrote it (and
/// `ChineseOutputTests` fails on it when the bundled data produces it).
public enum LearnerNotes {
    /// One English note's pattern and its Chinese from the captured groups.
    public struct Rule: @unchecked Sendable {
        /// `nil` if the pattern does not compile: the rule then matches nothing and its note
        /// stays in English, which `ChineseOutputTests` reports when the bundled data produces
        /// that note. Never a trap (`FileSafetyTests` forbids `try!` in Sources).
        public let pattern: NSRegularExpression?
        public let chinese: ([String]) -> String

        public init(_ pattern: String, _ chinese: @escaping ([String]) -> String) {
            self.pattern = try? NSRegularExpression(pattern: "^" + pattern + "$")
            self.chinese = chinese
        }
    }

    public static func side(_ word: String) -> String { word == "value" ? "价值" : word == "difficulty" ? "难度" : word }

    public static let rules: [Rule] = [
        Rule(
            #"The grade cuts order the win rates A > B > C > D on the training accounts and out of fold, but some adjacent grades differ by less than (.+) standard errors\."#
        ) { "等级分界使赢单率在训练账户和交叉验证中都按 A > B > C > D 递减，但有些相邻等级相差不到 \($0[0]) 个标准误。" },
        Rule(
            #"The grade cuts order the win rates A > B > C > D on the training accounts only: no cuts also order them out of fold, so expect grades to mix on new accounts; rank by probability\."#
        ) { _ in "等级分界只在训练账户上使赢单率按 A > B > C > D 递减：没有分界能在交叉验证中也保持这一顺序，新客户的等级会混杂；请按赢单概率排序。" },
        Rule(
            #"No band cuts make the win rates fall A > B > C > D on these accounts \(each grade holding at least max\(30, 1%\) of them\); the cuts put the base model's share of accounts in each band, and the grades do not order win rates: rank by probability, not by grade\."#
        ) { _ in
            "没有哪组分档分界能使这些账户的赢单率按 A > B > C > D 递减（每个等级至少 30 个账户且至少 1%）；分界按基础模型各档的账户比例设定，等级不反映赢单率高低：请按赢单概率而不是等级排序。"
        },
        Rule(#"Every account has nearly the same value score, so the value bands cannot all hold accounts\."#) { _ in
            "所有账户的价值分几乎相同，因此各价值档不能都有账户。"
        },
        Rule(
            #"Every account has nearly the same difficulty score \(no difficulty factor carries information\), so the difficulty bands cannot all hold accounts\."#
        ) { _ in "所有账户的难度分几乎相同（没有难度因素带有信息），因此各难度档不能都有账户。" },
        Rule(
            #"Share-matched cuts value (\[.*?\]), difficulty (\[.*?\]) were repaired to value (\[.*?\]), difficulty (\[.*?\]) \(hundredths, inside the range of the scores\)\."#
        ) { "按基础模型比例得到的分界（价值 \($0[0])，难度 \($0[1])）已修正为价值 \($0[2])，难度 \($0[3])（取到 0.01，落在分数范围内）。" },
        Rule(#"Sentinel values learned on their own \(not smoothed into their neighbours\): (.*)\."#) {
            "特殊值单独学习（不与相邻值一起平滑）：\($0[0])。"
        },
        Rule(
            #"Curves learned jointly on up to ([0-9]+) fine bins per numeric factor; smoothing strength (.+?) chosen by out-of-fold log loss; refined per factor by the same loss: (.*)\."#
        ) { "各数值因素的曲线在最多 \($0[0]) 个细分箱上联合学习；平滑强度 \($0[1]) 按样本外对数损失选定，再按同一损失逐个因素细调：\($0[2])。" },
        Rule(
            #"Curves learned jointly on up to ([0-9]+) fine bins per numeric factor; smoothing strength (.+) chosen by out-of-fold log loss\."#
        ) { "各数值因素的曲线在最多 \($0[0]) 个细分箱上联合学习；平滑强度 \($0[1]) 按样本外对数损失选定。" },
        Rule(#"Pairwise interactions \(FAST-ranked, kept while they lower the out-of-fold log loss\): (.*)\."#) {
            "两两交互（按 FAST 方法排序，只保留能降低样本外对数损失的）：\($0[0])。"
        },
        Rule(
            #"Pairwise interactions found \((.*)\) were left out: the same curves without them cross-validate better \(log loss (.*) against (.*)\)\."#
        ) {
            "找到的两两交互（\($0[0])）未采用：不含它们的同一组曲线交叉验证更好（对数损失 \($0[1])，含交互为 \($0[2])）。"
        },
        Rule(#"Reversed, given the other factors \(their utility falls where their own win rate rises\): (.*)\."#) {
            "在其他因素给定时方向相反（其效用在其自身赢单率上升处下降）：\($0[0])。"
        },
        Rule(
            #"No difficulty factor carries information once the value factors are in: the difficulty penalty is 0 and the difficulty weights are equal\."#
        ) { _ in "价值因素加入后，没有难度因素带有信息：难度惩罚为 0，各难度权重相等。" },
        Rule(#"Left out as likely leaks \(written after the outcome\): (.*)\."#) { "疑似泄漏而排除（在结果之后写入）：\($0[0])。" },
        Rule(#"The (value|difficulty) cut (.+) is not a normal number\."#) { "\(side($0[0]))分界 \($0[1]) 不是正常数字。" },
        Rule(
            #"The (value|difficulty) cut (.+) lies outside the (?:value|difficulty) scores of the graded training accounts \((.+)–(.+)\), so a (?:value|difficulty) band is empty\."#
        ) { "\(side($0[0]))分界 \($0[1]) 落在已评级训练账户的\(side($0[0]))分范围（\($0[2])–\($0[3])）之外，因此有一个\(side($0[0]))档为空。" },
        Rule(#"Grades? (.+) holds? no training account\."#) { "等级 \($0[0]) 没有训练账户。" },
    ]

    /// `note` in Chinese, or as written when no rule matches it.
    public static func chinese(_ note: String) -> String {
        let range = NSRange(note.startIndex..., in: note)
        for rule in rules {
            guard let match = rule.pattern?.firstMatch(in: note, range: range) else { continue }
            let groups = (1..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: note).map { String(note[$0]) } ?? ""
            }
            return rule.chinese(groups)
        }
        return note
    }
}
