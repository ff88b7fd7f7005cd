import Foundation

/// Looks at a candidate column before any learning for two reasons not to learn from it: it
/// looks like an identifier (numeric or text), or its name or content says it was written
/// after the outcome (a status, a result, free-text notes).
///
/// ## Rules (on the column's present values, m of them; nothing is said below 20)
///
/// - **Id-like**: whole numbers, at least 95% distinct, spanning at most twice their count
///   (a run like 1…n or 100001…102000); text with at least 90%
///   distinct labels; values that rise (or fall) with the row order at ≥ 99% of the steps
///   between consecutive present values with at least 50% distinct; or a name that says id
///   (`id`, `…_id`, `no`, `number`, `code`, `key`, `uuid`, 编号, 代码, 序号) with at least 50% distinct.
/// - **Leak hint**: a name with a status word (status, result, outcome, reason, won, lost,
///   closed, followup, postmortem, verdict, 状态, 结果, 成交, 签约, 原因, 跟进); labels at least half of
///   which carry such a word (signed, closed, won, lost, contract, deal, 成交, 签约, 赢单, 输单,
///   丢单); or free text (labels of 20 characters or 3 words on average with at least 30% distinct).
public enum ColumnScreening {
    static let minimumValues = 20
    static let idNameTokens: Set<String> = ["id", "no", "nr", "number", "code", "key", "uuid", "guid", "serial"]
    static let idNameFragments = ["编号", "代码", "序号", "号码"]
    static let statusNameTokens: Set<String> = [
        "status", "result", "results", "outcome", "reason", "won", "lost", "closed", "followup", "postmortem", "verdict",
    ]
    static let statusNameFragments = ["状态", "结果", "成交", "签约", "原因", "跟进", "赢单", "输单"]
    static let statusValueTokens: Set<String> = [
        "signed", "closed", "won", "lost", "contract", "deal", "win", "loss", "cancelled", "canceled", "rejected",
    ]
    static let statusValueFragments = ["成交", "签约", "赢单", "输单", "丢单", "已签", "失败"]

    /// The words of a name or label: lowercase runs of letters or digits, camel case split.
    static func tokens(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for character in text {
            if character.isLetter || character.isNumber {
                if character.isUppercase, previousLower, !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current.append(Character(character.lowercased()))
                previousLower = character.isLowercase
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Why the column looks like an identifier, or `nil`.
    public static func idLikeReason(_ column: LearningColumn) -> String? {
        let nameSaysID =
            tokens(column.name).contains { idNameTokens.contains($0) }
            || idNameFragments.contains { column.name.contains($0) }
        switch column.values {
        case .numeric(let values):
            let present = values.filter { !$0.isNaN }
            guard present.count >= minimumValues else { return nil }
            let distinct = Set(present).count
            let share = Double(distinct) / Double(present.count)
            if share >= 0.95, present.allSatisfy({ $0 == $0.rounded() }), let low = present.min(), let high = present.max(),
                high - low <= 2 * Double(present.count)
            {
                return
                    "\(distinct) distinct whole numbers in \(present.count) values, nearly a run from \(Int(low)) to \(Int(high)), like an id"
            }
            if share >= 0.5 {
                let steps = zip(present, present.dropFirst())
                let rising = steps.filter { $0 <= $1 }.count
                let falling = steps.filter { $0 >= $1 }.count
                let total = Double(present.count - 1)
                if Double(rising) >= 0.99 * total || Double(falling) >= 0.99 * total {
                    return "its values \(rising >= falling ? "rise" : "fall") with the row order, like a row number or a date of entry"
                }
            }
            if nameSaysID, share >= 0.5 { return "its name says id and \(distinct) of \(present.count) values are distinct" }
            return nil
        case .categorical(let labels):
            let present = labels.compactMap { $0 }
            guard present.count >= minimumValues else { return nil }
            let distinct = Set(present).count
            let share = Double(distinct) / Double(present.count)
            if share >= 0.9, !isFreeText(present) { return "\(distinct) distinct labels in \(present.count) values, like an id or a name" }
            if nameSaysID, share >= 0.5 { return "its name says id and \(distinct) of \(present.count) labels are distinct" }
            return nil
        }
    }

    /// Free text: long labels (20 characters or 3 words on average), at least 30% distinct.
    static func isFreeText(_ present: [String]) -> Bool {
        guard !present.isEmpty else { return false }
        let characters = present.reduce(0) { $0 + $1.count }
        let words = present.reduce(0) { $0 + $1.split(whereSeparator: { $0 == " " }).count }
        let distinct = Double(Set(present).count) / Double(present.count)
        let n = Double(present.count)
        return distinct >= 0.3 && (Double(characters) / n >= 20 || Double(words) / n >= 3)
    }

    /// Why the column may have been written after the outcome (its name, its labels), or `nil`.
    public static func leakHint(_ column: LearningColumn) -> String? {
        let nameTokens = tokens(column.name)
        if let word = nameTokens.first(where: { statusNameTokens.contains($0) })
            ?? statusNameFragments.first(where: { column.name.contains($0) })
        {
            return "its name has the status word '\(word)'"
        }
        guard case .categorical(let labels) = column.values else { return nil }
        let present = labels.compactMap { $0 }
        guard present.count >= minimumValues else { return nil }
        if isFreeText(present) { return "it holds free text (notes are usually written after the outcome)" }
        var counts: [String: Int] = [:]
        for label in present { counts[label, default: 0] += 1 }
        var carrying = 0
        var example: String?
        for label in counts.keys.sorted() {
            let hasWord =
                tokens(label).contains { statusValueTokens.contains($0) }
                || statusValueFragments.contains { label.contains($0) }
            if hasWord {
                carrying += counts[label] ?? 0
                if example == nil { example = label }
            }
        }
        if Double(carrying) >= 0.5 * Double(present.count), let example {
            return "\(carrying) of \(present.count) values carry status words (e.g. '\(example)')"
        }
        return nil
    }
}

extension ModelLearner {
    /// Whether the win rate clearly rises (true) or falls (false) with a numeric column on its
    /// own, or neither (nil): the AUC of the raw values against the outcomes (present values
    /// only) at least 2 null standard errors, sqrt((n₁ + n₀ + 1) / (12 n₁ n₀)), from 0.5.
    static func marginalTrend(_ column: LearningColumn, outcomes: [Double]) -> Bool? {
        guard case .numeric(let values) = column.values else { return nil }
        let rows = values.indices.filter { !values[$0].isNaN }
        let scores = rows.map { values[$0] }
        let present = rows.map { outcomes[$0] }
        let won = present.reduce(0, +)
        let lost = Double(present.count) - won
        guard won > 0, lost > 0, let auc = RankStatistics.areaUnderROC(scores: scores, outcomes: present) else { return nil }
        let standardError = ((won + lost + 1) / (12 * won * lost)).squareRoot()
        guard abs(auc - 0.5) >= 2 * standardError else { return nil }
        return auc > 0.5
    }
}
