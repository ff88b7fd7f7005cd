import Foundation
import RunHistory
import ScoringEngine
import ScoringIO

/// `kam runs`: the recorded runs of a history.
public struct RunsReport: FourFormatReport {
    public let path: String
    public let runs: [RecordedRun]
    public let language: Language

    private var zh: Bool { language == .zh }

    public func text(markdown: Bool) -> String {
        var table = PlainTable(columns: [
            .init(zh ? "运行" : "run", alignRight: true), .init(zh ? "记录时间 (UTC)" : "recorded (UTC)"),
            .init(zh ? "模型" : "model"), .init(zh ? "情景" : "scenario"), .init(zh ? "名单" : "list"),
            .init(zh ? "行数" : "rows", alignRight: true), .init(zh ? "已评分" : "scored", alignRight: true),
            .init(zh ? "拒绝" : "rejected", alignRight: true), .init("A", alignRight: true), .init("B", alignRight: true),
            .init("C", alignRight: true), .init("D", alignRight: true), .init(zh ? "信息不足" : "insufficient", alignRight: true),
        ])
        for run in runs {
            table.rows.append(
                [
                    String(run.id), run.recordedAt, "\(run.modelName) \(run.modelHash.prefix(8))",
                    run.scenario.isEmpty ? "–" : run.scenario,
                    "\(URL(fileURLWithPath: run.inputFile).lastPathComponent) \(run.inputHash.prefix(8))",
                    ReportFormat.grouped(run.rowsRead), ReportFormat.grouped(run.accepted), ReportFormat.grouped(run.rejected),
                ] + run.gradeCounts.map(ReportFormat.grouped))
        }
        let title =
            zh ? "\(path):记录了 \(runs.count) 次运行" : "\(path): \(ReportFormat.count(runs.count, "recorded run"))"
        if markdown { return "## \(title)\n\n" + table.markdown() }
        return title + "\n\n" + (runs.isEmpty ? "" : table.render(maxWidth: 160))
    }

    public func csv() -> String {
        var text = CSVWriter.record([
            "run", "recorded_at", "kam_version", "model", "model_file", "model_hash", "scenario", "input_file",
            "input_hash", "rows_read", "accepted", "rejected", "grade_a", "grade_b", "grade_c", "grade_d",
            "insufficient",
        ])
        for run in runs {
            text += CSVWriter.record(
                [
                    String(run.id), run.recordedAt, run.kamVersion, run.modelName,
                    run.modelFile, run.modelHash, run.scenario,
                    run.inputFile, run.inputHash, String(run.rowsRead), String(run.accepted),
                    String(run.rejected),
                ] + run.gradeCounts.map(String.init))
        }
        return text
    }

    public func json() -> String {
        ReportJSONEncoder().encode(JSON(history: path, runs: JSONLines(runs.map(RunJSON.init))))
    }

    /// `kam runs --format json` (`kam.runs/1`).
    private struct JSON: Encodable, JSONLayoutProviding {
        let schema = "kam.runs/1"
        let history: String
        let runs: JSONLines<RunJSON>
        var jsonLayout: JSONLayout { .lines }
    }

    /// A recorded run on one line, as `kam runs` and `kam changes` write it.
    struct RunJSON: Encodable {
        let run: Int64
        let recordedAt: String
        let kamVersion: String
        let model: String
        let modelFile: String
        let modelHash: String
        let scenario: String
        let inputFile: String
        let inputHash: String
        let rowsRead: Int
        let accepted: Int
        let rejected: Int
        let grades: JSONMembers<Int>

        init(_ run: RecordedRun) {
            self.run = run.id
            recordedAt = run.recordedAt
            kamVersion = run.kamVersion
            model = run.modelName
            modelFile = run.modelFile
            modelHash = run.modelHash
            scenario = run.scenario
            inputFile = run.inputFile
            inputHash = run.inputHash
            rowsRead = run.rowsRead
            accepted = run.accepted
            rejected = run.rejected
            grades = JSONMembers(keys: ["A", "B", "C", "D", "insufficient"], values: run.gradeCounts)
        }
    }

    /// A report from the values its command computed.
    public init(path: String, runs: [RecordedRun], language: Language) {
        self.path = path
        self.runs = runs
        self.language = language
    }
}
