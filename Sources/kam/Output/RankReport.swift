import ScoringEngine
import ScoringIO

/// A ranking ready to render: the assessed batch, the rows to show in rank order, and
/// what was read and rejected.
struct RankReport {
    let assessment: BatchAssessment
    /// Rows to show, in rank order, with their rank in the whole list (1-based).
    let rows: [(rank: Int, row: Int)]
    let loaded: ProspectListLoader.Result
    let language: Language
    /// Where rejects were written, if any were.
    let rejectsPath: String?
    /// Grade counts and accepted rows of the whole list, when `assessment` holds only the
    /// shown rows (the streaming path); `nil` when it holds every accepted row.
    var wholeList: (gradeCounts: [Grade: Int], accepted: Int)? = nil
    /// For a report written page by page (see ``writeCSV(to:morePages:)``): how many rows all
    /// the pages show and the sum of their calibrated probabilities; `nil` when `rows` holds
    /// every shown row.
    var pagedTotals: (shown: Int, expectedWins: Double)? = nil
    /// Decimals of the numbers the engine computed, in CSV (`kam rank --digits`).
    var digits = 4

    /// Rows shown in all (on every page).
    var shownCount: Int { pagedTotals?.shown ?? rows.count }

    var model: ScoringModel { assessment.model }

    /// Counts of each grade in the whole list.
    var gradeCounts: [Grade: Int] {
        if let wholeList { return wholeList.gradeCounts }
        var counts: [Grade: Int] = [:]
        for grade in assessment.grades { counts[grade, default: 0] += 1 }
        return counts
    }

    /// Rows that could be scored, in the whole list.
    var acceptedCount: Int { wholeList?.accepted ?? loaded.batch.count }

    func label(_ factorIndex: Int) -> String {
        language == .zh ? model.factors[factorIndex].label.zh : model.factors[factorIndex].id
    }

    func gradeText(_ grade: Grade) -> String {
        "\(grade == .insufficient ? "–" : grade.rawValue) \(grade.action(language))"
    }

    /// "budget +9.1, share +4.0" style reasons: the factor, then its effect on priority.
    func reasons(_ contributions: [Explanation.Contribution], sign: String) -> String {
        contributions.map { "\(label($0.factorIndex)) \(sign)\(formatDecimal(abs($0.impact), digits: 1))" }
            .joined(separator: ", ")
    }

    /// The calibrated probability of winning the account, for a calibrated model.
    func probability(_ row: Int) -> Double? {
        model.probability(value: assessment.value(row), difficulty: assessment.difficulty(row))
    }

    func segmentIDs(_ row: Int) -> [String] {
        assessment.segments[row].map { model.segments[$0].id }
    }

    // MARK: Summary

    /// Lines that say what was read, rejected, graded and assumed.
    func summaryLines() -> [String] {
        let loaded = self.loaded
        var lines: [String] = []
        let rejected = loaded.rejects.count
        var read = "\(loaded.rowsRead) rows read: \(acceptedCount) accepted, \(rejected) rejected"
        if rejected > 0 { read += rejectsPath.map { " (written to \($0))" } ?? "" }
        lines.append(read + ".")
        for reject in loaded.rejects.prefix(5) { lines.append("  rejected \(reject.description)") }
        if rejected > 5 { lines.append("  … and \(rejected - 5) more") }
        let counts = gradeCounts
        lines.append(
            "Grades: " + Grade.allCases.map { "\($0.letter) \(counts[$0, default: 0])" }.joined(separator: ", ")
                + ". Scenario: \(assessment.scorer.scenarioNames[assessment.scenario]).")
        let relative = assessment.batchRelativeFactors
        if !relative.isEmpty {
            lines.append(
                "Batch-relative (scores move when the list changes): \(relative.joined(separator: ", ")).")
        }
        if let calibration = model.calibration {
            let expected = pagedTotals?.expectedWins ?? rows.reduce(0.0) { $0 + (probability($1.row) ?? 0) }
            lines.append(
                "P(won) is the model's calibrated probability of winning (\(calibration.method.name) on \(model.grading.ranking.key.rawValue)); "
                    + "expected wins among the \(shownCount) shown: \(formatDecimal(expected, digits: 1)).")
        }
        for segment in loaded.unevaluatedSegments {
            lines.append(
                "Segment '\(segment.id)' not evaluated: the file lacks \(segment.missingColumns.joined(separator: ", ")).")
        }
        return lines
    }

    // MARK: Table and Markdown

    func table(maxWidth: Int = 100, markdown: Bool = false) -> String {
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
        var text = markdown ? table.markdown() : table.render(maxWidth: maxWidth)
        let summary = markdown ? summaryLines() : summaryLines().flatMap { DisplayWidth.wrap($0, width: maxWidth) }
        text += "\n" + summary.joined(separator: "\n") + "\n"
        return text
    }

    // MARK: CSV

    /// Writes the header and `rows`, then the rows of each further page `morePages` returns
    /// (reports of the same ranking; `nil` after the last), so that a ranking larger than
    /// memory is written a page at a time.
    func writeCSV(to sink: inout some OutputSink, morePages: () throws -> RankReport? = { nil }) rethrows {
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
    private func writeCSVRows(to sink: inout some OutputSink) {
        let scenarioCount = assessment.scorer.scenarioCount
        var record = CSVRecordBuffer()
        for (rank, row) in rows {
            let account = assessment.accounts[row]
            let explanation = assessment.explanation(of: row)
            let grade = assessment.grades[row]
            // Text from the input is escaped against formulas; numbers the engine wrote
            // (which may start with '-') pass through as they are.
            record.integer(rank)
            for text in [account.id, account.name, account.industry, account.region, account.manager] {
                record.text(text)
            }
            if let stage = account.stage { record.integer(stage) } else { record.plain("") }
            if let dealValue = account.dealValue { record.number(dealValue) } else { record.plain("") }
            record.plain(grade.letter)
            record.text(grade.action(language))
            if let probability = probability(row) { record.number(probability, digits: digits) }
            for number in [
                assessment.value(row), assessment.difficulty(row), assessment.priority(row), assessment.completeness(row),
            ] {
                record.number(number, digits: digits)
            }
            record.text(segmentIDs(row).joined(separator: ";"))
            record.text(reasons(explanation.reasonsUp(), sign: "+"))
            record.text(reasons(explanation.reasonsDown(), sign: "-"))
            record.integer(account.line)
            for contribution in explanation.contributions { record.number(contribution.points, digits: digits) }
            for scenario in 1..<scenarioCount {
                record.number(assessment.value(row, scenario: scenario), digits: digits)
                record.number(assessment.difficulty(row, scenario: scenario), digits: digits)
                record.plain(assessment.gradesByScenario[scenario][row].letter)
            }
            record.endRecord()
            if record.bytes.count >= 1 << 16 {
                sink.write(bytes: record.bytes)
                record.removeAll()
            }
        }
        sink.write(bytes: record.bytes)
    }

    // MARK: JSON

    /// Writes the report, with the accounts of `rows` and then of each further page
    /// `morePages` returns (see ``writeCSV(to:morePages:)``).
    func writeJSON(to sink: inout some OutputSink, morePages: () throws -> RankReport? = { nil }) rethrows {
        let scenarioNames = assessment.scorer.scenarioNames
        let counts = gradeCounts
        var json = JSONWriter()
        sink.write("{\n")
        sink.write("  \"schema\": \"kam.rank/1\",\n")
        sink.write("  \"model\": \(json.string(model.name)),\n")
        sink.write("  \"file\": \(json.string(loaded.file)),\n")
        sink.write("  \"scenario\": \(json.string(scenarioNames[assessment.scenario])),\n")
        sink.write("  \"scenarios\": [\(scenarioNames.map { json.string($0) }.joined(separator: ", "))],\n")
        if let calibration = model.calibration {
            sink.write("  \"calibration\": {\"method\": \(json.string(calibration.method.name)), \"score\": \(json.string(model.grading.ranking.key.rawValue))},\n")
        }
        sink.write("  \"summary\": {\n")
        sink.write("    \"rows_read\": \(loaded.rowsRead),\n")
        sink.write("    \"accepted\": \(acceptedCount),\n")
        sink.write("    \"rejected\": \(loaded.rejects.count),\n")
        sink.write("    \"shown\": \(shownCount),\n")
        sink.write(
            "    \"grades\": {"
                + Grade.allCases.map { "\(json.string($0.letter)): \(counts[$0, default: 0])" }.joined(separator: ", ")
                + "},\n")
        sink.write(
            "    \"batch_relative_factors\": [\(assessment.batchRelativeFactors.map { json.string($0) }.joined(separator: ", "))],\n"
        )
        sink.write(
            "    \"unevaluated_segments\": ["
                + loaded.unevaluatedSegments.map {
                    "{\"id\": \(json.string($0.id)), \"missing_columns\": [\($0.missingColumns.map { json.string($0) }.joined(separator: ", "))]}"
                }.joined(separator: ", ") + "]\n")
        sink.write("  },\n")
        sink.write("  \"accounts\": [")
        var written = writeJSONAccounts(to: &sink, after: 0, json: &json)
        while let page = try morePages() { written = page.writeJSONAccounts(to: &sink, after: written, json: &json) }
        sink.write(written == 0 ? "],\n" : "\n  ],\n")
        sink.write(json.rejects(loaded.rejects))
        sink.write("}\n")
    }

    /// Writes the accounts of `rows` as elements of the accounts array, after `previous`
    /// elements; returns the elements written in all.
    private func writeJSONAccounts(to sink: inout some OutputSink, after previous: Int, json: inout JSONWriter) -> Int {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 16)
        for (position, (rank, row)) in rows.enumerated() {
            bytes.append(contentsOf: (previous + position == 0 ? "\n" : ",\n").utf8)
            appendAccountJSON(rank: rank, row: row, json: json, to: &bytes)
            if bytes.count >= 1 << 16 {
                sink.write(bytes: bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        sink.write(bytes: bytes)
        return previous + rows.count
    }

    /// Appends one account's JSON object (UTF-8), numbers with 6 decimals.
    private func appendAccountJSON(rank: Int, row: Int, json: JSONWriter, to out: inout [UInt8]) {
        let account = assessment.accounts[row]
        let grade = assessment.grades[row]
        let explanation = assessment.explanation(of: row)
        func raw(_ text: String) { out.append(contentsOf: text.utf8) }
        func string(_ text: String) { json.append(string: text, to: &out) }
        func number(_ value: Double) { appendDecimal(value, digits: 6, to: &out) }
        func list<Element>(_ elements: [Element], _ element: (Element) -> Void) {
            for (index, item) in elements.enumerated() {
                if index > 0 { raw(", ") }
                element(item)
            }
        }
        func reasonList(_ reasons: [Explanation.Contribution]) {
            raw("[")
            list(reasons) { reason in
                raw("{\"factor\": ")
                string(reason.factorID)
                raw(", \"label\": ")
                string(model.factors[reason.factorIndex].label.text(language))
                raw(", \"impact\": ")
                number(reason.impact)
                raw("}")
            }
            raw("]")
        }
        raw("    {\"rank\": \(rank), \"account_id\": ")
        string(account.id)
        raw(", \"name\": ")
        string(account.name)
        raw(", \"industry\": ")
        string(account.industry)
        raw(", \"region\": ")
        string(account.region)
        raw(", \"manager\": ")
        string(account.manager)
        raw(", \"stage\": \(account.stage.map(String.init) ?? "null"), \"deal_value\": ")
        if let dealValue = account.dealValue { number(dealValue) } else { raw("null") }
        raw(", \"line\": \(account.line),\n     \"grade\": ")
        string(grade.letter)
        raw(", \"action\": ")
        string(grade.action(language))
        raw(", ")
        if let probability = probability(row) {
            raw("\"probability\": ")
            number(probability)
            raw(", ")
        }
        raw("\"value\": ")
        number(assessment.value(row))
        raw(", \"difficulty\": ")
        number(assessment.difficulty(row))
        raw(", \"priority\": ")
        number(assessment.priority(row))
        raw(", \"completeness\": ")
        number(assessment.completeness(row))
        raw(",\n     \"segments\": [")
        list(segmentIDs(row), string)
        raw("],\n     \"scenarios\": {")
        list(Array(assessment.scorer.scenarioNames.indices)) { scenario in
            string(assessment.scorer.scenarioNames[scenario])
            raw(": {\"value\": ")
            number(assessment.value(row, scenario: scenario))
            raw(", \"difficulty\": ")
            number(assessment.difficulty(row, scenario: scenario))
            raw(", \"grade\": ")
            string(assessment.gradesByScenario[scenario][row].letter)
            raw("}")
        }
        raw("},\n     \"contributions\": [")
        list(explanation.contributions) { contribution in
            raw("{\"factor\": ")
            string(contribution.factorID)
            raw(", \"side\": ")
            string(contribution.side.rawValue)
            raw(", \"utility\": ")
            number(contribution.utility)
            raw(", \"points\": ")
            number(contribution.points)
            raw(", \"present\": \(contribution.present), \"impact\": ")
            number(contribution.impact)
            raw("}")
        }
        raw("],\n     \"reasons_up\": ")
        reasonList(explanation.reasonsUp())
        raw(", \"reasons_down\": ")
        reasonList(explanation.reasonsDown())
        raw("}")
    }
}

/// Escapes strings for JSON (RFC 8259).
struct JSONWriter {
    func string(_ text: String) -> String {
        // Most text (ids, names, CJK included) needs no escape: quote it as it is.
        if !needsEscape(text) { return "\"" + text + "\"" }
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Appends `string(text)` as UTF-8.
    func append(string text: String, to bytes: inout [UInt8]) {
        guard needsEscape(text) else {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        bytes.append(contentsOf: string(text).utf8)
    }

    /// Whether `text` holds a quote, a backslash or a control character.
    private func needsEscape(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }

    /// The last member of a report: `  "rejects": [...]` with each rejected row's line,
    /// column, reason and message, and a line break.
    func rejects(_ rejects: [Reject]) -> String {
        var text = "  \"rejects\": ["
        for (position, reject) in rejects.enumerated() {
            text += position == 0 ? "\n" : ",\n"
            text += "    {\"line\": \(reject.line), \"column\": \(reject.column.map { string($0) } ?? "null"), "
                + "\"column_number\": \(reject.columnNumber.map(String.init) ?? "null"), "
                + "\"reason\": \(string(reject.reason.code)), \"message\": \(string(reject.message))}"
        }
        return text + (rejects.isEmpty ? "]\n" : "\n  ]\n")
    }
}
