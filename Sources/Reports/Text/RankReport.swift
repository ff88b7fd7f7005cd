import ScoringEngine
import ScoringIO

/// A ranking ready to render: the assessed batch, the rows to show in rank order, and
/// what was read and rejected.
public struct RankReport {
    public let assessment: BatchAssessment
    /// Rows to show, in rank order, with their rank in the whole list (1-based).
    public let rows: [(rank: Int, row: Int)]
    public let loaded: ProspectListLoader.Result
    public let language: Language
    /// Where rejects were written, if any were.
    public let rejectsPath: String?
    /// Grade counts and accepted rows of the whole list, when `assessment` holds only the
    /// shown rows (the streaming path); `nil` when it holds every accepted row.
    public var wholeList: (gradeCounts: [Grade: Int], accepted: Int)? = nil
    /// For a report written page by page (see ``writeCSV(to:morePages:)``): how many rows all
    /// the pages show and the sum of their calibrated probabilities; `nil` when `rows` holds
    /// every shown row.
    public var pagedTotals: (shown: Int, expectedWins: Double)? = nil
    /// Decimals of the numbers the engine computed, in CSV (`kam rank --digits`).
    public var digits = 4
    /// The rows of a further page already formatted (``formattedAhead(as:)``), written as
    /// they are instead of being formatted by the writer.
    public private(set) var formattedRows: [[UInt8]]? = nil

    /// Formats of the rows a page can have formatted ahead.
    public enum RowFormat {
        /// CSV records, as ``writeCSV(to:morePages:)`` writes a further page's rows.
        case csv
        /// Elements of the JSON accounts array after at least one earlier element, as
        /// ``writeJSON(to:morePages:)`` writes a further page's accounts.
        case json
    }

    /// This page with its rows formatted now, on the calling thread (a worker of a whole
    /// ranking's pages), in the bytes the writer would have written for it as a further page.
    public func formattedAhead(as format: RowFormat) -> RankReport {
        var sink = BlockSink()
        switch format {
        case .csv: writeCSVRows(to: &sink)
        case .json:
            var json = JSONWriter()
            _ = writeJSONAccounts(to: &sink, after: 1, json: &json)
        }
        var report = self
        report.formattedRows = sink.blocks
        return report
    }

    /// Rows shown in all (on every page).
    public var shownCount: Int { pagedTotals?.shown ?? rows.count }

    public var model: ScoringModel { assessment.model }

    /// Counts of each grade in the whole list.
    public var gradeCounts: [Grade: Int] {
        if let wholeList { return wholeList.gradeCounts }
        var counts: [Grade: Int] = [:]
        for grade in assessment.grades { counts[grade, default: 0] += 1 }
        return counts
    }

    /// Rows that could be scored, in the whole list.
    public var acceptedCount: Int { wholeList?.accepted ?? loaded.batch.count }

    public func label(_ factorIndex: Int) -> String {
        model.factors[factorIndex].name(in: language)
    }

    public func gradeText(_ grade: Grade) -> String {
        "\(grade == .insufficient ? "–" : grade.rawValue) \(grade.action(language))"
    }

    /// "budget +9.1, share +4.0" style reasons: the factor, then its effect on priority.
    public func reasons(_ contributions: [Explanation.Contribution], sign: String) -> String {
        contributions.map { "\(label($0.factorIndex)) \(sign)\(formatDecimal(abs($0.impact), digits: 1))" }
            .joined(separator: ", ")
    }

    /// The calibrated probability of winning the account, for a calibrated model.
    public func probability(_ row: Int) -> Double? {
        model.probability(value: assessment.value(row), difficulty: assessment.difficulty(row))
    }

    public func segmentIDs(_ row: Int) -> [String] {
        assessment.segments[row].map { model.segments[$0].id }
    }

    // MARK: Summary

    /// Lines that say what was read, rejected, graded and assumed.
    public func summaryLines() -> [String] {
        let loaded = self.loaded
        var lines: [String] = []
        let rejected = loaded.rejects.count
        let zh = language == .zh
        lines.append(
            RejectLines.readLine(rowsRead: loaded.rowsRead, accepted: acceptedCount, rejected: rejected, path: rejectsPath, language))
        lines += RejectLines.lines(loaded.rejects, limit: 5, language)
        let counts = gradeCounts
        let scenario = assessment.scorer.scenarioNames[assessment.scenario]
        lines.append(
            zh
                ? "等级："
                    + Grade.allCases.map { "\($0 == .insufficient ? "信息不足" : $0.letter) \(counts[$0, default: 0])" }.joined(separator: "，")
                    + "。情景：\(scenario == "base" ? "基础" : scenario)。"
                : "Grades: " + Grade.allCases.map { "\($0.letter) \(counts[$0, default: 0])" }.joined(separator: ", ")
                    + ". Scenario: \(scenario).")
        let relative = assessment.batchRelativeFactors
        if !relative.isEmpty {
            lines.append(
                zh
                    ? "随批次变化（名单改变时分数会变）：\(relative.joined(separator: "，"))。"
                    : "Batch-relative (scores move when the list changes): \(relative.joined(separator: ", ")).")
        }
        let constant = assessment.constantFactors
        if !constant.isEmpty {
            lines.append(
                zh
                    ? "在本名单中取值不变，因此每个客户在其上的效用都是 0.5，不影响排序：\(constant.joined(separator: "，"))。"
                    : "Constant in this list, so every account gets utility 0.5 on it and it does not rank: \(constant.joined(separator: ", "))."
            )
        }
        if let calibration = model.calibration {
            let expected = pagedTotals?.expectedWins ?? rows.reduce(0.0) { $0 + (probability($1.row) ?? 0) }
            lines.append(
                zh
                    ? "赢率是模型校准后的赢单概率（按\(model.grading.ranking.key == .priority ? "优先级" : model.grading.ranking.key.rawValue)校准）；"
                        + "所显示的 \(shownCount) 个客户中预期赢单 \(formatDecimal(expected, digits: 1)) 个。"
                    : "P(won) is the model's calibrated probability of winning (\(calibration.method.name) on \(model.grading.ranking.key.rawValue)); "
                        + "expected wins among the \(shownCount) shown: \(formatDecimal(expected, digits: 1)).")
        }
        for segment in loaded.unevaluatedSegments {
            lines.append(
                zh
                    ? "未评估细分 '\(segment.id)'：文件缺少 \(segment.missingColumns.joined(separator: "，"))。"
                    : "Segment '\(segment.id)' not evaluated: the file lacks \(segment.missingColumns.joined(separator: ", ")).")
        }
        return lines
    }

    // MARK: Table and Markdown

    /// The ranked rows as a terminal table (or Markdown), followed by the summary lines unless
    /// `summary` is false (`--quiet`).
    public func table(maxWidth: Int = TerminalWidth.columns, markdown: Bool = false, summary showsSummary: Bool = true) -> String {
        let zh = language == .zh
        let calibrated = model.calibration != nil
        var columns: [PlainTable.Column] = [
            .init("#", alignRight: true),
            .init(zh ? "账户" : "account", maxWidth: 10),
            .init(zh ? "名称" : "name", maxWidth: markdown ? nil : 14),
            .init(zh ? "等级" : "grade"),
        ]
        if calibrated { columns.append(.init(zh ? "赢率" : "P(won)", alignRight: true)) }
        columns += [
            .init(zh ? "价值" : "value", alignRight: true),
            .init(zh ? "难度" : "diff", alignRight: true),
            .init(zh ? "信息" : "info", alignRight: true),
            .init(zh ? "主要原因 (+ 加分 / − 减分)" : "top reasons (+ up / − down)"),
        ]
        var table = PlainTable(columns: columns)
        for (rank, row) in rows {
            let explanation = assessment.explanation(of: row)
            let up = reasons(explanation.reasonsUp(limit: 2), sign: "+")
            let down = reasons(explanation.reasonsDown(limit: 1), sign: "−")
            var cells = [
                String(rank), assessment.accounts[row].id, assessment.accounts[row].name,
                gradeText(assessment.grades[row]),
            ]
            if let probability = probability(row) { cells.append(formatDecimal(100 * probability, digits: 1) + "%") }
            cells += [
                formatDecimal(assessment.value(row), digits: 1), formatDecimal(assessment.difficulty(row), digits: 1),
                formatDecimal(100 * assessment.completeness(row), digits: 0) + "%",
                [up, down].filter { !$0.isEmpty }.joined(separator: ", "),
            ]
            table.rows.append(cells)
        }
        var text = table.text(markdown: markdown, maxWidth: maxWidth)
        guard showsSummary else { return text }
        text += "\n" + ReportFormat.summary(summaryLines(), markdown: markdown, maxWidth: maxWidth)
        return text
    }

    // MARK: CSV

    /// Writes the header and `rows`, then the rows of each further page `morePages` returns
    /// (reports of the same ranking; `nil` after the last), so that a ranking larger than
    /// memory is written a page at a time.
    public func writeCSV(to sink: inout some OutputSink, morePages: () throws -> RankReport? = { nil }) rethrows {
        let scenarioNames = assessment.scorer.scenarioNames
        let calibrated = model.calibration != nil
        var header = ["rank", "account_id", "name", "industry", "region", "manager", "stage", "deal_value", "grade", "action"]
        if calibrated { header.append("probability") }
        header += ["value", "difficulty", "priority", "completeness", "segments", "reasons_up", "reasons_down", "line"]
        header += model.factors.map { "points_\($0.id)" }
        for name in scenarioNames.dropFirst() { header += ["value_\(name)", "difficulty_\(name)", "grade_\(name)"] }
        sink.write(CSVWriter.record(header))
        writeCSVRows(to: &sink)
        while let page = try morePages() { page.writeCSVRows(to: &sink) }
    }

    /// Writes the CSV records of `rows`.
    ///
    /// The bytes are those of building each row's ``Explanation`` and its reasons as text
    /// (the table does that), written without a per-row allocation: contributions and
    /// reasons are computed into buffers reused from row to row, with the same arithmetic
    /// (`100 × weight × utility`, `100 × weight × (utility − 0.5)`) and the same order
    /// (impact, then factor order); the text that is the same for every row (grade actions,
    /// labels, segment ids) is escaped once; each record is formatted straight into room
    /// reserved for it in a block of about 1 MiB (``OutputSpan`` formatting: no `String`
    /// per field, no check per byte), and the block goes to the sink whole.
    private func writeCSVRows(to sink: inout some OutputSink) {
        if let formattedRows {
            for block in formattedRows { sink.write(bytes: block) }
            return
        }
        let model = self.model
        let assessment = self.assessment
        let scenarioCount = assessment.scorer.scenarioCount
        let factorCount = model.factors.count
        let ranking = model.grading.ranking
        let calibrated = model.calibration != nil
        let weights = assessment.scorer.scenarioWeights[assessment.scenario]
        let valueSide = model.factors.map { $0.side == .value }
        let labels = model.factors.indices.map { Array(label($0).utf8) }
        let segmentIDs = model.segments.map { Array($0.id.utf8) }
        let separator = UInt8(ascii: ",")
        let actionFields = Grade.allCases.map { Array(CSVWriter.field($0.action(language)).utf8) }
        let letters = Grade.allCases.map { Array($0.letter.utf8) }
        let accounts = assessment.accounts
        let utilities = assessment.utilities.matrix.elements
        let completeness = assessment.utilities.completeness
        let allSegments = assessment.segments
        let grades = assessment.grades
        let gradesByScenario = assessment.gradesByScenario
        let digits = self.digits
        // Room for the fields of known size: numbers (and their separators), integers, grades.
        let numberRoom = OutputSpan<UInt8>.decimalCapacity(digits: digits) + 1
        let fixedRoom =
            numberRoom * (6 + factorCount + 2 * scenarioCount) + 4 * 21
            + (actionFields.map(\.count).max() ?? 0) + (letters.map(\.count).max() ?? 0) * (scenarioCount + 1) + 32
        var points = [Double](repeating: 0, count: factorCount)
        var impacts = [Double](repeating: 0, count: factorCount)
        var otherScores = [Double](repeating: 0, count: 2 * (scenarioCount - 1))
        var otherGrades = [Int](repeating: 0, count: scenarioCount - 1)
        var segmentText: [UInt8] = []
        var upText: [UInt8] = []
        var downText: [UInt8] = []
        segmentText.reserveCapacity(256)
        upText.reserveCapacity(256)
        downText.reserveCapacity(256)
        var block: [UInt8] = []
        block.reserveCapacity(1 << 20 + (1 << 16))

        // Room for three reasons: ", ", the longest label, " ±" and the impact.
        let reasonsRoom = 3 * (4 + (labels.map(\.count).max() ?? 0) + OutputSpan<UInt8>.decimalCapacity(digits: 1))

        /// Writes one side's "label ±impact" reasons (strongest first) to `text`, formatted
        /// into room reserved once.
        func write(_ choice: ReasonChoice, up: Bool, into text: inout [UInt8]) {
            text.removeAll(keepingCapacity: true)
            text.append(addingCapacity: reasonsRoom) { out in
                choice.append(up: up, to: &out) { out, factor, impact in
                    out.append(bytes: labels[factor])
                    out.append(UInt8(ascii: " "))
                    out.append(up ? UInt8(ascii: "+") : UInt8(ascii: "-"))
                    out.appendDecimal(abs(impact), digits: 1)
                }
            }
        }

        for (rank, row) in rows {
            let account = accounts[row]
            let grade = grades[row]
            let base = row * factorCount
            for index in 0..<factorCount {
                let utility = utilities[base + index]
                points[index] = 100 * weights[index] * utility
                let centred = 100 * weights[index] * (utility - 0.5)
                impacts[index] = valueSide[index] ? centred : -centred
            }
            segmentText.removeAll(keepingCapacity: true)
            for (position, segment) in allSegments[row].enumerated() {
                if position > 0 { segmentText.append(UInt8(ascii: ";")) }
                segmentText.append(contentsOf: segmentIDs[segment])
            }
            let choice = ReasonChoice(impacts: impacts)
            write(choice, up: true, into: &upText)
            write(choice, up: false, into: &downText)
            let value = assessment.value(row)
            let difficulty = assessment.difficulty(row)
            let key = ranking.key(value: value, difficulty: difficulty)
            let rowCompleteness = completeness[row]
            let probability = calibrated ? model.probability(value: value, difficulty: difficulty) : nil
            // The other scenarios' scores and grades, so that the record is written from
            // local values only (a closure that reads `assessment` copies it per record).
            for scenario in 1..<scenarioCount {
                otherScores[2 * (scenario - 1)] = assessment.value(row, scenario: scenario)
                otherScores[2 * (scenario - 1) + 1] = assessment.difficulty(row, scenario: scenario)
                otherGrades[scenario - 1] = gradesByScenario[scenario][row].order
            }
            let textBytes =
                account.id.utf8.count + account.name.utf8.count + account.industry.utf8.count
                + account.region.utf8.count + account.manager.utf8.count + segmentText.count + upText.count
                + downText.count
            // Text from the input is escaped against formulas; numbers the engine wrote
            // (which may start with '-') pass through as they are.
            block.append(addingCapacity: fixedRoom + 2 * textBytes + 8 * 3) { out in
                out.appendInteger(rank)
                out.appendNextCSVField(string: account.id, separator: separator)
                out.appendNextCSVField(string: account.name, separator: separator)
                out.appendNextCSVField(string: account.industry, separator: separator)
                out.appendNextCSVField(string: account.region, separator: separator)
                out.appendNextCSVField(string: account.manager, separator: separator)
                out.append(separator)
                if let stage = account.stage { out.appendInteger(stage) }
                out.append(separator)
                if let dealValue = account.dealValue { out.appendCSVNumber(dealValue, digits: 2) }
                out.append(separator)
                out.append(bytes: letters[grade.order])
                out.append(separator)
                out.append(bytes: actionFields[grade.order])
                if let probability { out.appendNextCSVNumber(probability, digits: digits, separator: separator) }
                out.appendNextCSVNumber(value, digits: digits, separator: separator)
                out.appendNextCSVNumber(difficulty, digits: digits, separator: separator)
                out.appendNextCSVNumber(key, digits: digits, separator: separator)
                out.appendNextCSVNumber(rowCompleteness, digits: digits, separator: separator)
                out.appendNextCSVField(segmentText, separator: separator)
                out.appendNextCSVField(upText, separator: separator)
                out.appendNextCSVField(downText, separator: separator)
                out.append(separator)
                out.appendInteger(account.line)
                for index in 0..<factorCount {
                    out.appendNextCSVNumber(points[index], digits: digits, separator: separator)
                }
                for other in 0..<(scenarioCount - 1) {
                    out.appendNextCSVNumber(otherScores[2 * other], digits: digits, separator: separator)
                    out.appendNextCSVNumber(otherScores[2 * other + 1], digits: digits, separator: separator)
                    out.append(separator)
                    out.append(bytes: letters[otherGrades[other]])
                }
                out.append(UInt8(ascii: "\n"))
            }
            if block.count >= 1 << 20 {
                sink.write(bytes: block)
                block.removeAll(keepingCapacity: true)
            }
        }
        sink.write(bytes: block)
    }

    // MARK: JSON

    /// Writes the report, with the accounts of `rows` and then of each further page
    /// `morePages` returns (see ``writeCSV(to:morePages:)``).
    public func writeJSON(to sink: inout some OutputSink, morePages: () throws -> RankReport? = { nil }) rethrows {
        let scenarioNames = assessment.scorer.scenarioNames
        let counts = gradeCounts
        var json = JSONWriter()
        let head = HeadJSON(
            model: model.name, file: loaded.file, scenario: scenarioNames[assessment.scenario], scenarios: scenarioNames,
            calibration: model.calibration.map {
                CalibrationJSON(method: $0.method.name, score: model.grading.ranking.key.rawValue)
            },
            summary: SummaryJSON(
                rowsRead: loaded.rowsRead, accepted: acceptedCount, rejected: loaded.rejects.count, shown: shownCount,
                grades: JSONMembers(keys: Grade.allCases.map(\.letter), values: Grade.allCases.map { counts[$0, default: 0] }),
                batchRelativeFactors: assessment.batchRelativeFactors, constantFactors: assessment.constantFactors,
                unevaluatedSegments: loaded.unevaluatedSegments.map {
                    SegmentJSON(id: $0.id, missingColumns: $0.missingColumns)
                }))
        sink.write("{\n" + ReportJSONEncoder().leadingMembers(of: head, indent: 2))
        sink.write("  \"accounts\": [")
        var written = writeJSONAccounts(to: &sink, after: 0, json: &json)
        while let page = try morePages() { written = page.writeJSONAccounts(to: &sink, after: written, json: &json) }
        sink.write(written == 0 ? "],\n" : "\n  ],\n")
        sink.write(RejectJSON.documentEnd(rejects: loaded.rejects))
    }

    /// The members of `kam rank --format json` (`kam.rank/1`) before the accounts;
    /// `calibration` only for a calibrated model.
    private struct HeadJSON: Encodable {
        let schema = "kam.rank/1"
        let model: String
        let file: String
        let scenario: String
        let scenarios: [String]
        @OmittedWhenNil var calibration: CalibrationJSON?
        let summary: SummaryJSON
    }

    private struct CalibrationJSON: Encodable {
        let method: String
        let score: String
    }

    private struct SummaryJSON: Encodable, JSONLayoutProviding {
        let rowsRead: Int
        let accepted: Int
        let rejected: Int
        let shown: Int
        let grades: JSONMembers<Int>
        let batchRelativeFactors: [String]
        let constantFactors: [String]
        let unevaluatedSegments: [SegmentJSON]
        var jsonLayout: JSONLayout { .lines }
    }

    private struct SegmentJSON: Encodable {
        let id: String
        let missingColumns: [String]
    }

    /// Writes the accounts of `rows` as elements of the accounts array, after `previous`
    /// elements; returns the elements written in all.
    private func writeJSONAccounts(to sink: inout some OutputSink, after previous: Int, json: inout JSONWriter) -> Int {
        if let formattedRows {
            precondition(previous > 0, "Rows formatted ahead follow an earlier element")
            for block in formattedRows { sink.write(bytes: block) }
            return previous + rows.count
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 20 + (1 << 16))
        var writer = AccountJSONWriter(report: self, json: json)
        for (position, (rank, row)) in rows.enumerated() {
            bytes.append(contentsOf: (previous + position == 0 ? "\n" : ",\n").utf8)
            writer.append(rank: rank, row: row, to: &bytes)
            if bytes.count >= 1 << 20 {
                sink.write(bytes: bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        sink.write(bytes: bytes)
        return previous + rows.count
    }

    /// A report from the values its command computed.
    public init(
        assessment: BatchAssessment, rows: [(rank: Int, row: Int)], loaded: ProspectListLoader.Result, language: Language,
        rejectsPath: String?, wholeList: (gradeCounts: [Grade: Int], accepted: Int)? = nil,
        pagedTotals: (shown: Int, expectedWins: Double)? = nil
    ) {
        self.assessment = assessment
        self.rows = rows
        self.loaded = loaded
        self.language = language
        self.rejectsPath = rejectsPath
        self.wholeList = wholeList
        self.pagedTotals = pagedTotals
    }
}

/// An account's reasons, as ``Explanation/reasonsUp(limit:)`` and
/// ``Explanation/reasonsDown(limit:)`` choose them with a limit of 3: impacts above 1e-9 (up)
/// or below -1e-9 (down), strongest first, equal impacts in factor order. The CSV and JSON
/// writers of a whole ranking list reasons through it.
///
/// Chosen in one pass over the factors (each impact is inserted into the three strongest of
/// its side so far, after those it equals), not by sorting the contributions.
struct ReasonChoice {
    /// The factors of each side, strongest first: `up[0..<upCount]`, `down[0..<downCount]`.
    private(set) var up = InlineArray<3, Int>(repeating: 0)
    private(set) var down = InlineArray<3, Int>(repeating: 0)
    private(set) var upCount = 0
    private(set) var downCount = 0
    /// The impacts of `up` and `down`, in the same places.
    private(set) var upImpacts = InlineArray<3, Double>(repeating: 0)
    private(set) var downImpacts = InlineArray<3, Double>(repeating: 0)

    init(impacts: [Double]) {
        for index in impacts.indices {
            let impact = impacts[index]
            if impact > 1e-9 {
                Self.insert(index, impact, into: &up, &upImpacts, count: &upCount) { $0 > $1 }
            } else if impact < -1e-9 {
                Self.insert(index, impact, into: &down, &downImpacts, count: &downCount) { $0 < $1 }
            }
        }
    }

    /// Inserts `factor` after the factors whose impacts are as strong (`stronger` is strict),
    /// dropping the fourth.
    @inline(__always)
    private static func insert(
        _ factor: Int, _ impact: Double, into factors: inout InlineArray<3, Int>, _ impacts: inout InlineArray<3, Double>,
        count: inout Int, stronger: (Double, Double) -> Bool
    ) {
        guard count < 3 || stronger(impact, impacts[2]) else { return }
        var position = min(count, 2)
        while position > 0 && stronger(impact, impacts[position - 1]) {
            factors[position] = factors[position - 1]
            impacts[position] = impacts[position - 1]
            position -= 1
        }
        factors[position] = factor
        impacts[position] = impact
        count = min(count + 1, 3)
    }

    /// The number of reasons on one side.
    func count(up isUp: Bool) -> Int { isUp ? upCount : downCount }

    /// The `position`th reason of one side: its factor and impact.
    func reason(up isUp: Bool, _ position: Int) -> (factor: Int, impact: Double) {
        isUp ? (up[position], upImpacts[position]) : (down[position], downImpacts[position])
    }

    /// Appends one side's reasons, strongest first, ", " between them, each written by
    /// `reason` (given its factor and impact).
    @inline(__always)
    func append(
        up isUp: Bool, to out: inout OutputSpan<UInt8>,
        _ reason: (inout OutputSpan<UInt8>, _ factor: Int, _ impact: Double) -> Void
    ) {
        for position in 0..<count(up: isUp) {
            if position > 0 {
                out.append(UInt8(ascii: ","))
                out.append(UInt8(ascii: " "))
            }
            let (factor, impact) = self.reason(up: isUp, position)
            reason(&out, factor, impact)
        }
    }
}

/// Writes one account's JSON object (UTF-8, numbers with 6 decimals) of a ``RankReport``.
///
/// The bytes are those of building the account's ``Explanation`` and writing its
/// contributions and reasons; the text that is the same for every account (factor ids,
/// labels, sides, scenario names, grade letters and actions, segment ids) is escaped once,
/// and contributions and reasons are computed into buffers reused from account to account,
/// with the same arithmetic and order as ``Explanation``.
///
/// The one JSON writer of the reports that does not go through ``ReportJSONEncoder``: it runs
/// for every row of a ranking (millions), appends bytes with escaped text made once per
/// factor, and formats pages ahead on worker threads, where the encoder would build a tree of
/// boxes for every account. The envelope around the rows (``RankReport/writeJSON(to:morePages:)``)
/// is encoded.
private struct AccountJSONWriter {
    let report: RankReport
    let json: JSONWriter
    let factorCount: Int
    let weights: [Double]
    let valueSide: [Bool]
    /// Per factor: `{"factor": id, "side": side, "utility": `.
    let contributionPrefix: [[UInt8]]
    /// Per factor: `{"factor": id, "label": label, "impact": `.
    let reasonPrefix: [[UInt8]]
    let scenarioNames: [[UInt8]]
    let letters: [[UInt8]]
    let actions: [[UInt8]]
    let segmentIDs: [[UInt8]]
    var utilities: [Double]
    var points: [Double]
    var impacts: [Double]
    /// The most bytes an account's contributions take (room reserved once for all of them).
    let contributionsRoom: Int
    /// The most bytes one side's reasons take.
    let reasonsRoom: Int
    /// The model's missing codes (lower-cased): such a text cell is written as `null`.
    let missingCodes: Set<String>
    /// The longest missing code in UTF-8 bytes (longer text is never one).
    let longestMissingCode: Int

    init(report: RankReport, json: JSONWriter) {
        self.report = report
        self.json = json
        let model = report.model
        missingCodes = Set(model.missingCodes.map { $0.lowercased() })
        longestMissingCode = missingCodes.map(\.utf8.count).max() ?? 0
        factorCount = model.factors.count
        weights = report.assessment.scorer.scenarioWeights[report.assessment.scenario]
        valueSide = model.factors.map { $0.side == .value }
        func quoted(_ text: String) -> [UInt8] {
            var bytes: [UInt8] = []
            json.append(string: text, to: &bytes)
            return bytes
        }
        contributionPrefix = model.factors.map { factor in
            Array("{\"factor\": ".utf8) + quoted(factor.id) + Array(", \"side\": ".utf8) + quoted(factor.side.rawValue)
                + Array(", \"utility\": ".utf8)
        }
        reasonPrefix = model.factors.map { factor in
            Array("{\"factor\": ".utf8) + quoted(factor.id) + Array(", \"label\": ".utf8)
                + quoted(factor.label.text(report.language)) + Array(", \"impact\": ".utf8)
        }
        scenarioNames = report.assessment.scorer.scenarioNames.map(quoted)
        letters = Grade.allCases.map { quoted($0.letter) }
        actions = Grade.allCases.map { quoted($0.action(report.language)) }
        segmentIDs = model.segments.map { quoted($0.id) }
        utilities = [Double](repeating: 0, count: factorCount)
        points = utilities
        impacts = utilities
        let numberRoom = OutputSpan<UInt8>.decimalCapacity(digits: 6)
        contributionsRoom =
            factorCount
            * ((contributionPrefix.map(\.count).max() ?? 0) + 3 * numberRoom + Self.pointsText.count
                + Self.absentText.count + 3)
        reasonsRoom = 2 + 3 * ((reasonPrefix.map(\.count).max() ?? 0) + numberRoom + 3)
    }

    static let pointsText = Array(", \"points\": ".utf8)
    static let presentText = Array(", \"present\": true, \"impact\": ".utf8)
    static let absentText = Array(", \"present\": false, \"impact\": ".utf8)

    /// Appends the reasons of one side (``ReasonChoice``), formatted into room reserved once.
    func appendReasons(_ choice: ReasonChoice, up: Bool, to out: inout [UInt8]) {
        // (The closures read locals: one that reads `self` copies the whole writer per call.)
        let reasonPrefix = self.reasonPrefix
        out.append(addingCapacity: reasonsRoom) { span in
            span.append(UInt8(ascii: "["))
            choice.append(up: up, to: &span) { span, factor, impact in
                span.append(bytes: reasonPrefix[factor])
                span.appendDecimal(impact, digits: 6)
                span.append(UInt8(ascii: "}"))
            }
            span.append(UInt8(ascii: "]"))
        }
    }

    /// Appends the contributions of the account whose utilities, points and impacts are in
    /// the buffers (`present[base + factor]`: whether each was present), formatted into room
    /// reserved once: the bytes of appending each piece (``appendDecimal(_:digits:to:)``
    /// formats the same digits), without a reservation per number.
    func appendContributions(present: [Bool], base: Int, to out: inout [UInt8]) {
        let (factorCount, contributionPrefix) = (self.factorCount, self.contributionPrefix)
        let (utilities, points, impacts) = (self.utilities, self.points, self.impacts)
        out.append(addingCapacity: contributionsRoom) { span in
            for index in 0..<factorCount {
                if index > 0 {
                    span.append(UInt8(ascii: ","))
                    span.append(UInt8(ascii: " "))
                }
                span.append(bytes: contributionPrefix[index])
                span.appendDecimal(utilities[index], digits: 6)
                span.append(bytes: Self.pointsText)
                span.appendDecimal(points[index], digits: 6)
                span.append(bytes: present[base + index] ? Self.presentText : Self.absentText)
                span.appendDecimal(impacts[index], digits: 6)
                span.append(UInt8(ascii: "}"))
            }
        }
    }

    mutating func append(rank: Int, row: Int, to out: inout [UInt8]) {
        // (Through `report`, not a copy of the assessment: binding it to a local copies
        // the whole struct, a retain and a release of each of its arrays, per account.)
        let account = report.assessment.accounts[row]
        let grade = report.assessment.grades[row]
        let base = row * factorCount
        let matrix = report.assessment.utilities.matrix.elements
        for index in 0..<factorCount {
            let utility = matrix[base + index]
            utilities[index] = utility
            points[index] = 100 * weights[index] * utility
            let centred = 100 * weights[index] * (utility - 0.5)
            impacts[index] = valueSide[index] ? centred : -centred
        }
        func raw(_ text: StaticString) {
            text.withUTF8Buffer { out.append(contentsOf: $0) }
        }
        func integer(_ value: Int) { out.append(addingCapacity: 21) { $0.appendInteger(value) } }
        func string(_ text: String) { json.append(string: text, to: &out) }
        /// A text cell: `null` when blank or a missing code.
        func cell(_ text: String) {
            if text.isEmpty
                || (text.utf8.count <= longestMissingCode + 2 && JSONWriter.isMissing(text, missingCodes: missingCodes))
            {
                raw("null")
            } else {
                string(text)
            }
        }
        func number(_ value: Double) { appendDecimal(value, digits: 6, to: &out) }
        raw("    {\"rank\": ")
        integer(rank)
        raw(", \"account_id\": ")
        string(account.id)
        raw(", \"name\": ")
        cell(account.name)
        raw(", \"industry\": ")
        cell(account.industry)
        raw(", \"region\": ")
        cell(account.region)
        raw(", \"manager\": ")
        cell(account.manager)
        raw(", \"stage\": ")
        if let stage = account.stage { integer(stage) } else { raw("null") }
        raw(", \"deal_value\": ")
        if let dealValue = account.dealValue { number(dealValue) } else { raw("null") }
        raw(", \"line\": ")
        integer(account.line)
        raw(",\n     \"grade\": ")
        out.append(contentsOf: letters[grade.order])
        raw(", \"action\": ")
        out.append(contentsOf: actions[grade.order])
        raw(", ")
        if let probability = report.probability(row) {
            raw("\"probability\": ")
            number(probability)
            raw(", ")
        }
        let value = report.assessment.value(row)
        let difficulty = report.assessment.difficulty(row)
        raw("\"value\": ")
        number(value)
        raw(", \"difficulty\": ")
        number(difficulty)
        raw(", \"priority\": ")
        number(report.model.grading.ranking.key(value: value, difficulty: difficulty))
        raw(", \"completeness\": ")
        number(report.assessment.completeness(row))
        raw(",\n     \"segments\": [")
        for (position, segment) in report.assessment.segments[row].enumerated() {
            if position > 0 { raw(", ") }
            out.append(contentsOf: segmentIDs[segment])
        }
        raw("],\n     \"scenarios\": {")
        for scenario in scenarioNames.indices {
            if scenario > 0 { raw(", ") }
            out.append(contentsOf: scenarioNames[scenario])
            raw(": {\"value\": ")
            number(report.assessment.value(row, scenario: scenario))
            raw(", \"difficulty\": ")
            number(report.assessment.difficulty(row, scenario: scenario))
            raw(", \"grade\": ")
            out.append(contentsOf: letters[report.assessment.gradesByScenario[scenario][row].order])
            raw("}")
        }
        raw("},\n     \"contributions\": [")
        appendContributions(present: report.assessment.utilities.present, base: base, to: &out)
        let choice = ReasonChoice(impacts: impacts)
        raw("],\n     \"reasons_up\": ")
        appendReasons(choice, up: true, to: &out)
        raw(", \"reasons_down\": ")
        appendReasons(choice, up: false, to: &out)
        raw("}")
    }
}
