import Foundation
import RunHistory
import ScoringEngine
import ScoringIO

/// The director's report: one self-contained HTML page (inline SVG charts, a little inline
/// script for sorting, filtering and hover; no network request of any kind).
///
/// The report is a value built from engine results — the same values `kam rank`, `kam
/// forecast`, `kam allocate`, `kam sensitivity`, `kam kpi` and `kam changes` write as JSON —
/// and rendered to text by ``render()``. Nothing is computed again in the page's script: every
/// figure is in the HTML, and figures tests compare with the JSON outputs are also in `data-`
/// attributes with the JSON's 6 decimals.
///
/// Each section is present when its input is given: the summary, grade map and ranked
/// accounts always; the pipeline, team, robustness, KPI and changes sections when their
/// values are set.
public struct HTMLReport: Sendable {
    /// What was read: the list's file, size and content hash, and when the report was made.
    public struct Source: Sendable {
        public var file: String
        public var bytes: Int?
        /// The list's content hash (as `kam runs` shows it), if it was computed.
        public var contentHash: String?
        public var generatedAt: Date
        public var kamVersion: String

        public init(file: String, bytes: Int?, contentHash: String?, generatedAt: Date, kamVersion: String) {
            self.file = file
            self.bytes = bytes
            self.contentHash = contentHash
            self.generatedAt = generatedAt
            self.kamVersion = kamVersion
        }
    }

    /// The ranking: what was read and rejected, the whole list's overview, and the assessed
    /// accounts the page lists.
    public struct Ranking: Sendable {
        /// The accounts listed (the ranked table; every account when the grade map draws
        /// dots): the whole list, or only those (read again by a streamed ranking, assessed
        /// with the whole list's statistics).
        public let assessment: BatchAssessment
        public let rowsRead: Int
        public let rejects: [Reject]
        public let unevaluatedSegments: [(id: String, missingColumns: [String])]
        /// Rows of `assessment` in rank order, the first ranked first in the whole list
        /// (``BatchAssessment/rankedRows()`` of a whole list).
        public let rankedRows: [Int]
        /// Counts, deal values, grade cells and density of the whole list.
        public let overview: ListOverview

        /// The ranking of a list assessed whole in memory (`overview` `nil`: the overview of
        /// `assessment`), or of a list seen through its `overview` (a streamed ranking), listing
        /// the accounts of `assessment`: the first of the whole ranking, in rank order, or
        /// every account when there are few enough for the grade map to draw each.
        public init(
            assessment: BatchAssessment, rowsRead: Int, rejects: [Reject],
            unevaluatedSegments: [(id: String, missingColumns: [String])], rankedRows: [Int], overview: ListOverview? = nil
        ) {
            self.assessment = assessment
            self.rowsRead = rowsRead
            self.rejects = rejects
            self.unevaluatedSegments = unevaluatedSegments
            self.rankedRows = rankedRows
            self.overview = overview ?? ListOverview(assessment: assessment)
        }
    }

    /// The forecast: the Monte Carlo totals of `kam forecast` and the per-account forecasts.
    public struct Pipeline: Sendable {
        public let totals: RevenueTotals
        public let forecasts: [AccountForecast]
        public let pipelineFile: String
        /// The label of each forecast period (e.g. "2025-01"), when the start is known.
        public let periodLabels: [String]?

        public init(totals: RevenueTotals, forecasts: [AccountForecast], pipelineFile: String, periodLabels: [String]?) {
            self.totals = totals
            self.forecasts = forecasts
            self.pipelineFile = pipelineFile
            self.periodLabels = periodLabels
        }
    }

    /// The allocation of `kam allocate`.
    public struct TeamAllocation: Sendable {
        public let problem: AllocationProblem
        public let allocation: Allocation
        public let teamFile: String

        public init(problem: AllocationProblem, allocation: Allocation, teamFile: String) {
            self.problem = problem
            self.allocation = allocation
            self.teamFile = teamFile
        }
    }

    /// The weight-draw analysis of `kam sensitivity` for the top accounts.
    public struct Robustness: Sendable {
        public let assessment: BatchAssessment
        public let result: SensitivityResult
        /// The rows shown, in rank order.
        public let rows: [Int]

        public init(assessment: BatchAssessment, result: SensitivityResult, rows: [Int]) {
            self.assessment = assessment
            self.result = result
            self.rows = rows
        }
    }

    /// The 100-point scorecards of `kam kpi`.
    public struct Scorecards: Sendable {
        public let review: PerformanceReview
        public let scorecard: Scorecard
        public let planFile: String
        public let actualFile: String

        public init(review: PerformanceReview, scorecard: Scorecard, planFile: String, actualFile: String) {
            self.review = review
            self.scorecard = scorecard
            self.planFile = planFile
            self.actualFile = actualFile
        }
    }

    public var language: Language
    public var source: Source
    public var ranking: Ranking
    public var pipeline: Pipeline?
    public var team: TeamAllocation?
    public var robustness: Robustness?
    public var scorecards: Scorecards?
    public var changes: RunChanges?
    /// The history file the changes were read from.
    public var historyFile: String?
    /// Accounts in the ranked table (the top N).
    public var topCount: Int
    /// Above this many accounts the grade map draws a density (hexagonal bins) instead of
    /// one dot per account.
    public var densityThreshold: Int

    public init(
        language: Language, source: Source, ranking: Ranking, topCount: Int = 200, densityThreshold: Int = 3000
    ) {
        self.language = language
        self.source = source
        self.ranking = ranking
        self.topCount = topCount
        self.densityThreshold = densityThreshold
    }

    var zh: Bool { language == .zh }
    var model: ScoringModel { ranking.assessment.model }

    /// The English or the Chinese text, by the report's language.
    func t(_ english: String, _ chinese: String) -> String { zh ? chinese : english }

    /// The page.
    public func render() -> String {
        var page = HTMLPage(language: language)
        page.title = t("Key-account report", "大客户报告") + " — " + HTMLText.escape(fileName(source.file))
        var sections: [(id: String, title: String)] = [
            ("summary", t("Summary", "概要")), ("grade-map", t("Grade map", "等级分布图")),
            ("ranked", t("Ranked accounts", "账户排名")),
        ]
        if pipeline != nil { sections.append(("pipeline", t("Pipeline", "销售漏斗与预测"))) }
        if team != nil { sections.append(("team", t("Team", "团队资源分配"))) }
        if robustness != nil { sections.append(("robustness", t("Robustness", "稳健性"))) }
        if scorecards != nil { sections.append(("kpi", t("KPI scorecards", "KPI 考核"))) }
        if changes != nil { sections.append(("changes", t("Changes", "变化"))) }
        page.body += "<header><h1>\(page.title)</h1><nav>"
        page.body += sections.map { "<a href=\"#\($0.id)\">\($0.title)</a>" }.joined(separator: " · ")
        page.body += "</nav></header>\n"
        summarySection(&page)
        gradeMapSection(&page)
        rankedSection(&page)
        if let pipeline { pipelineSection(pipeline, &page) }
        if let team { teamSection(team, &page) }
        if let robustness { robustnessSection(robustness, &page) }
        if let scorecards { scorecardSection(scorecards, &page) }
        if let changes { changesSection(changes, &page) }
        page.body +=
            "<footer>"
            + t(
                "Made by kam \(HTMLText.escape(source.kamVersion)). Every figure comes from the engine's results, as in the JSON outputs of the kam commands; the page needs no network.",
                "由 kam \(HTMLText.escape(source.kamVersion)) 生成。所有数字均来自引擎计算结果，与 kam 各命令的 JSON 输出一致；本页无需联网。") + "</footer>\n"
        return page.document()
    }

    func fileName(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }

    /// A grade's letter and action ("A 全力以赴").
    func gradeText(_ grade: Grade) -> String {
        grade == .insufficient ? t("insufficient information", "信息不足") : "\(grade.rawValue) \(grade.action(language))"
    }

    /// Opens a section with its heading and an optional note.
    func open(_ id: String, _ title: String, note: String? = nil, _ page: inout HTMLPage) {
        page.body += "<section id=\"\(id)\"><h2>\(title)</h2>\n"
        if let note { page.body += "<p class=\"note\">\(note)</p>\n" }
    }
}
