import Foundation
import ScoringTestSupport

/// Input files with one row of each kind a reader rejects, for the Chinese output test: KPI
/// plans and actuals, stage-event logs, account snapshots and learning histories (each a copy
/// of a bundled file with the bad rows appended). Each file has at most as many rejects as its
/// command's summary lists (8 for kpi, 5 per file for pipeline fit, 3 for model fit), so every
/// reason is printed and scanned; a kind that does not fit goes to a second file.
extension ChineseOutputTests {
    /// A bundled file's lines, without the empty last one.
    static func bundledLines(_ path: String) -> [String] {
        let text = (try? String(contentsOfFile: Paths.packageRoot + "/" + path, encoding: .utf8)) ?? ""
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    static func file(_ lines: [String]) -> Data { Data((lines.joined(separator: "\n") + "\n").utf8) }

    /// A good row's fields with another id and some fields replaced, as one CSV line.
    static func edited(_ good: [String], id: String, _ edits: [Int: String]) -> String {
        var fields = good
        fields[0] = id
        for (index, value) in edits { fields[index] = value }
        return fields.joined(separator: ",")
    }

    /// `datasets/kpi-plan.csv` plus rows rejected for a short row, an impossible period, a blank
    /// person, a value that is not a number, a unit on a count, money in a wrong unit and a
    /// negative amount.
    static let kpiPlanRejectsA = file(
        bundledLines("datasets/kpi-plan.csv") + [
            "2024Q2,甲经理,manager",
            "2024Q5,乙经理,manager,大客户部,800,700,12,4,30,",
            "2024Q2,,manager,大客户部,800,700,12,4,30,",
            "2024Q2,丙经理,manager,大客户部,about 800,700,12,4,30,",
            "2024Q2,丁经理,manager,大客户部,800,700,12,4万,30,",
            "2024Q2,戊经理,manager,大客户部,45%,700,12,4,30,",
            "2024Q2,己经理,manager,大客户部,800,700,12,4,-5,",
        ])

    /// `datasets/kpi-plan.csv` plus rows rejected for a count that is not whole, a list where
    /// one number is expected, an unknown role, a growth step of 0, a second row for a person
    /// and period, and a plan without an actual row.
    static let kpiPlanRejectsB = file(
        bundledLines("datasets/kpi-plan.csv") + [
            "2024Q2,庚经理,manager,大客户部,800,700,12,2.5,30,",
            "2024Q2,辛经理,manager,大客户部,800,700,1;2,4,30,",
            "2024Q2,壬经理,实习生,大客户部,800,700,12,4,30,",
            "2024Q2,癸经理,manager,大客户部,800,700,12,4,30,0",
            "2024Q2,王经理,manager,大客户部,800,700,12,4,30,",
            "2024Q2,新经理,manager,大客户部,800,700,12,4,30,",
        ])

    /// `datasets/kpi-actuals.csv` plus rows rejected for a short row, a second row for a
    /// person and period, an actual without a plan, more accounts lost than held, more monthly
    /// counts than the quarter has months, a rating above its maximum and one between levels.
    static let kpiActualRejects = file(
        bundledLines("datasets/kpi-actuals.csv") + [
            "2024Q2,甲专员,100",
            "2024Q2,赵总监,1260,1000,900,1000,38,10,5,2,1,1100,,,,,,,,,,,",
            "2024Q2,无计划,100,80,60,75,4,2,3,2,0,80,0,0,0,0,0,7,7,6,3,5,5",
            "2024Q2,刘专员,96,90,70,80,5,2,2,0,5,100,0,0,1,0,0,6,8,5,3,5,4.5",
            "2024Q2,杨专员,103,80,60,75,4,2,3,2,0,80,0,0,0;1;0;2,0,0,7,7,6,3,5,5",
            "2024Q2,周专员,0,0,0,0,3,0,2,0,0,0,0,0,0,0,0,9,12,7,3.5,5.5,5",
            "2024Q2,陈专员,160,110,0,0,7,0,4,1,0,120,0,2,0,0,0,8,9,6,3.2,5,4.5",
        ])

    /// `datasets/history/events.csv` plus rows rejected for a short row, a blank id, a bad
    /// date, a bad `from_stage` and a bad `to_stage`.
    static let eventLogRejectsA = file(
        bundledLines("datasets/history/events.csv") + [
            "X-8,2021-01-01",
            ",2021-01-01,,1",
            "X-7,2021-13-45,,1",
            "X-5,2021-01-01,9,2",
            "X-6,2021-01-01,1,待定",
        ])

    /// `datasets/history/events.csv` plus moves rejected for not moving, following a close,
    /// breaking the chain and entering the pipeline twice.
    static let eventLogRejectsB = file(
        bundledLines("datasets/history/events.csv") + [
            "X-4,2021-01-01,2,2",
            "X-1,2021-01-01,,1", "X-1,2021-02-01,1,won", "X-1,2021-03-01,1,2",
            "X-2,2021-01-01,,1", "X-2,2021-02-01,3,4",
            "X-3,2021-01-01,,1", "X-3,2021-02-01,,2",
        ])

    /// `datasets/history/snapshots.csv` plus snapshots rejected for a bad snapshot date, an
    /// outcome that is no outcome, a closed account without its close date, a bad close date
    /// and a close before the snapshot (`duplicate`: a second snapshot of an account and date).
    static func snapshotRejects(duplicate: Bool) -> Data {
        let lines = bundledLines("datasets/history/snapshots.csv")
        guard lines.count > 1 else { return file(lines) }
        if duplicate { return file(lines + [lines[1]]) }
        // The first snapshot's factor columns, with a new id and the last three columns
        // (snapshot_date, outcome, outcome_date) replaced.
        let good = lines[1]
        let factors = good[good.index(after: good.firstIndex(of: ",") ?? good.startIndex)...]
            .split(separator: ",", omittingEmptySubsequences: false).dropLast(3).joined(separator: ",")
        func row(_ id: String, _ date: String, _ outcome: String, _ closed: String) -> String {
            [id, factors, date, outcome, closed].joined(separator: ",")
        }
        return file(
            lines + [
                row("S-1", "某天", "lost", "2021-06-12"), row("S-2", "2021-02-01", "待定", "2021-06-12"),
                row("S-3", "2021-02-01", "won", ""), row("S-4", "2021-02-01", "won", "不久"),
                row("S-5", "2021-03-01", "lost", "2021-02-01"),
            ])
    }

    /// `datasets/history-small.csv` plus rows rejected for an outcome that is no outcome, a
    /// value that is not a number and a bad stage (the prospect-list reasons are all checked
    /// on ``rejectsList``; here they travel through the learning history's reject).
    static let learningHistoryRejects: Data = {
        let lines = bundledLines("datasets/history-small.csv")
        guard lines.count > 1 else { return file(lines) }
        let good = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func row(_ id: String, _ edits: [Int: String]) -> String { edited(good, id: id, edits) }
        return file(
            lines + [row("K-900001", [good.count - 1: "待定"]), row("K-900002", [6: "about 800"]), row("K-900003", [5: "9"])])
    }()

    /// The commands run on those files, with their inputs (table form only: the reasons are
    /// summary lines, the same in Markdown).
    static var rejectFileCases: [CommandGoldenTests.Case] {
        let kpi = ["kpi", "--lang", "zh"]
        let runs: [(String, [String], [String: Data])] = [
            ("kpi-plan-rejects-a", kpi + ["--plan", "plan.csv", "--actual", "datasets/kpi-actuals.csv"], ["plan.csv": kpiPlanRejectsA]),
            ("kpi-plan-rejects-b", kpi + ["--plan", "plan.csv", "--actual", "datasets/kpi-actuals.csv"], ["plan.csv": kpiPlanRejectsB]),
            (
                "kpi-actual-rejects", kpi + ["--plan", "datasets/kpi-plan.csv", "--actual", "actuals.csv"],
                ["actuals.csv": kpiActualRejects]
            ),
            (
                "pipeline-fit-rejects-a",
                ["pipeline", "fit", "events.csv", "--snapshots", "snapshots.csv", "--output", "p.yaml", "--lang", "zh"],
                ["events.csv": eventLogRejectsA, "snapshots.csv": snapshotRejects(duplicate: false)]
            ),
            (
                "pipeline-fit-rejects-b",
                ["pipeline", "fit", "events.csv", "--snapshots", "snapshots.csv", "--output", "p.yaml", "--lang", "zh"],
                ["events.csv": eventLogRejectsB, "snapshots.csv": snapshotRejects(duplicate: true)]
            ),
            (
                "backtest-rejects", ["backtest", "events.csv", "snapshots.csv", "--cut", "2022-01-01", "--lang", "zh"],
                ["events.csv": eventLogRejectsA, "snapshots.csv": snapshotRejects(duplicate: false)]
            ),
            (
                "model-fit-rejects", ["model", "fit", "history.csv", "--output", "fit.yaml", "--lang", "zh"],
                ["history.csv": learningHistoryRejects]
            ),
            ("weights-fit-rejects", ["weights", "fit", "history.csv", "--lang", "zh"], ["history.csv": learningHistoryRejects]),
        ]
        return runs.map { CommandGoldenTests.Case(name: $0.0 + "-zh-table", arguments: $0.1, inputs: $0.2) }
    }
}
