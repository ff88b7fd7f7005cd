import Foundation
import RunHistory
import ScoringEngine
import ScoringIO

/// `kam history ACCOUNT`: one account's grade and scores over the recorded runs.
public struct AccountHistoryReport: FourFormatReport {
    public let path: String
    public let history: AccountTrack
    public let language: Language

    private var zh: Bool { language == .zh }

    private func gradeText(_ grade: Grade) -> String {
        "\(grade == .insufficient ? "I" : grade.rawValue) \(grade.action(language))"
    }

    public func text(markdown: Bool) -> String {
        var table = PlainTable(columns: [
            .init(zh ? "运行" : "run", alignRight: true), .init(zh ? "记录时间 (UTC)" : "recorded (UTC)"),
            .init(zh ? "等级" : "grade"), .init(zh ? "排名" : "rank", alignRight: true),
            .init(zh ? "价值" : "value", alignRight: true), .init(zh ? "难度" : "difficulty", alignRight: true),
            .init(zh ? "优先级" : "priority", alignRight: true), .init(zh ? "完整度" : "completeness", alignRight: true),
            .init(zh ? "赢率" : "P(won)", alignRight: true), .init(zh ? "模型" : "model"), .init(zh ? "缺失的因素" : "missing"),
        ])
        for entry in history.entries {
            let model = "\(entry.run.modelHash.prefix(8))\(entry.modelChanged ? (zh ? " 已改变" : " changed") : "")"
            guard let score = entry.score else {
                table.rows.append([
                    String(entry.run.id), entry.run.recordedAt, zh ? "不在名单中" : "not in the list", "", "", "", "", "", "",
                    model, "",
                ])
                continue
            }
            table.rows.append([
                String(entry.run.id), entry.run.recordedAt, gradeText(score.grade), String(score.rank),
                ReportFormat.decimal(score.value, 1), ReportFormat.decimal(score.difficulty, 1),
                ReportFormat.decimal(score.priority, 2), ReportFormat.percent(score.completeness, digits: 0),
                score.probability.map { ReportFormat.percent($0, digits: 1) } ?? "–", model,
                entry.missing.joined(separator: ", "),
            ])
        }
        let title =
            "\(history.account)\(history.name.isEmpty ? "" : " \(history.name)"): "
            + (zh ? "\(history.entries.count) 次运行(\(path))" : "\(ReportFormat.count(history.entries.count, "run")) in \(path)")
        var notes: [String] = []
        if history.entries.contains(where: \.modelChanged) {
            notes.append(
                zh
                    ? "标记“已改变”的运行使用了与前一次不同的模型或情景:等级变化可能来自模型。"
                    : "Runs marked 'changed' used a different model or scenario from the run before: a grade move there may come from the model."
            )
        }
        if markdown {
            return "## \(title)\n\n" + table.markdown() + notes.map { "\n" + $0 + "\n" }.joined()
        }
        return title + "\n\n" + table.render(maxWidth: 160) + notes.map { "\n" + $0 + "\n" }.joined()
    }

    public func csv() -> String {
        var buffer = CSVRecordBuffer()
        for field in [
            "run", "recorded_at", "model_hash", "model_changed", "account", "name", "grade", "rank", "value", "difficulty",
            "priority", "completeness", "probability", "missing",
        ] { buffer.plain(field) }
        buffer.endRecord()
        for entry in history.entries {
            buffer.integer(Int(entry.run.id))
            buffer.plain(entry.run.recordedAt)
            buffer.plain(entry.run.modelHash)
            buffer.plain(entry.modelChanged ? "1" : "0")
            buffer.text(history.account)
            buffer.text(history.name)
            if let score = entry.score {
                buffer.plain(score.grade.letter)
                buffer.integer(score.rank)
                buffer.number(score.value, digits: 4)
                buffer.number(score.difficulty, digits: 4)
                buffer.number(score.priority, digits: 4)
                buffer.number(score.completeness, digits: 4)
                if let probability = score.probability { buffer.number(probability, digits: 6) } else { buffer.plain("") }
                buffer.text(entry.missing.joined(separator: ";"))
            } else {
                for _ in 0..<8 { buffer.plain("") }
            }
            buffer.endRecord()
        }
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    public func json() -> String {
        let runs = history.entries.map { entry in
            RunJSON(
                run: entry.run.id, recordedAt: entry.run.recordedAt, modelHash: entry.run.modelHash, modelChanged: entry.modelChanged,
                score: entry.score.map { ScoreSnapshotJSON($0, missing: entry.missing) })
        }
        return ReportJSONEncoder().encode(
            JSON(
                history: path, account: history.account, name: JSONWriter.present(history.name, missingCodes: []), runs: JSONLines(runs)))
    }

    /// `kam history --format json` (`kam.history/1`). A history holds the account in at least
    /// one run, so `runs` is never the empty `[]`.
    private struct JSON: Encodable, JSONLayoutProviding {
        let schema = "kam.history/1"
        let history: String
        let account: String
        /// `nil` (`null`) when blank.
        let name: String?
        let runs: JSONLines<RunJSON>
        var jsonLayout: JSONLayout { .lines }
    }

    private struct RunJSON: Encodable {
        let run: Int64
        let recordedAt: String
        let modelHash: String
        let modelChanged: Bool
        /// `nil` (`null`) when the run did not hold the account.
        let score: ScoreSnapshotJSON?
    }

    /// A report from the values its command computed.
    public init(path: String, history: AccountTrack, language: Language) {
        self.path = path
        self.history = history
        self.language = language
    }
}
