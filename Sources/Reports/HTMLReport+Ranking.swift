import Foundation
import ScoringEngine
import ScoringIO

// The summary, the grade map and the ranked accounts: built from the ranking's
// `BatchAssessment`, the value `kam rank` writes.
extension HTMLReport {
    static let gradeColors: [Grade: String] = [.a: "#1b7f3b", .b: "#2f6fbf", .c: "#c98a00", .d: "#8a8f99", .insufficient: "#b33a3a"]

    /// The unit of deal values: the model's unit of the deal-value column, else 万元.
    var moneyUnit: String {
        let unit = model.columns.dealValue.flatMap { model.columnUnits[$0] } ?? "wan"
        switch unit.lowercased() {
        case "wan", "万元", "万": return t("10k CNY (万元)", "万元")
        case "yuan", "cny", "元": return t("CNY", "元")
        default: return HTMLText.escape(unit)
        }
    }

    func badge(_ grade: Grade) -> String {
        let letter = grade == .insufficient ? "I" : grade.rawValue
        return "<span class=\"g g\(letter)\">\(grade == .insufficient ? "–" : letter)</span>"
    }

    func card(_ key: String, _ label: String, _ shown: String, data: String) -> String {
        "<div class=\"card\" data-figure=\"\(key)\" data-v=\"\(data)\">\(label)<b>\(shown)</b></div>"
    }

    // MARK: Summary

    func summarySection(_ page: inout HTMLPage) {
        let assessment = ranking.assessment
        let overview = ranking.overview
        open("summary", t("Summary", "概要"), &page)
        let rejected = ranking.rejects.count
        var cards = card("rows_read", t("rows read", "读取行数"), HTMLText.count(ranking.rowsRead), data: String(ranking.rowsRead))
        cards += card("accepted", t("accepted", "已评分"), HTMLText.count(overview.accepted), data: String(overview.accepted))
        cards += card("rejected", t("rejected", "被拒绝"), HTMLText.count(rejected), data: String(rejected))
        page.body += "<div class=\"cards\">\(cards)</div>\n"
        page.body += "<h3>" + t("Accounts and deal value per grade", "各等级账户数与成交金额") + "</h3>\n"
        page.body += "<table id=\"grade-counts\"><thead><tr><th>\(t("grade", "等级"))</th><th class=\"n\">\(t("accounts", "账户数"))</th>"
        page.body +=
            "<th class=\"n\">\(t("share", "占比"))</th><th class=\"n\">\(t("deal value", "成交金额")) (\(moneyUnit))</th></tr></thead><tbody>\n"
        for grade in Grade.allCases {
            let count = overview.count(grade)
            let dealValue = overview.dealValue(grade)
            let share = overview.accepted > 0 ? Double(count) / Double(overview.accepted) : 0
            page.body += "<tr data-grade=\"\(grade.letter)\" data-count=\"\(count)\" data-deal-value=\"\(HTMLText.data(dealValue))\">"
            page.body += "<td>\(badge(grade)) \(gradeText(grade))</td><td class=\"n\">\(HTMLText.count(count))</td>"
            page.body += "<td class=\"n\">\(HTMLText.percent(share))</td><td class=\"n\">\(HTMLText.money(dealValue))</td></tr>\n"
        }
        page.body += "</tbody></table>\n"
        let scenario = assessment.scorer.scenarioNames[assessment.scenario]
        var facts: [(String, String)] = [
            (t("model", "模型"), HTMLText.escape(model.name)),
            (t("scenario", "权重情景"), HTMLText.escape(scenario)),
            (t("input file", "输入文件"), HTMLText.escape(fileName(source.file))),
        ]
        if let bytes = source.bytes { facts.append((t("file size", "文件大小"), HTMLText.count(bytes) + t(" bytes", " 字节"))) }
        if let hash = source.contentHash {
            facts.append((t("content hash (as kam runs shows it)", "内容校验值（与 kam runs 相同）"), "<code>\(HTMLText.escape(hash))</code>"))
        }
        let formatter = ISO8601DateFormatter()
        facts.append((t("report made at (UTC)", "生成时间（UTC）"), formatter.string(from: source.generatedAt)))
        facts.append((t("money unit", "金额单位"), moneyUnit))
        page.body += "<table id=\"run-facts\"><tbody>"
        page.body += facts.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined()
        page.body += "</tbody></table>\n"
        var notes: [String] = []
        if !assessment.batchRelativeFactors.isEmpty {
            notes.append(
                t("Batch-relative factors (scores move when the list changes): ", "相对本批数据的因子（名单变化时得分会变）：")
                    + HTMLText.escape(assessment.batchRelativeFactors.joined(separator: ", ")))
        }
        if !assessment.constantFactors.isEmpty {
            notes.append(
                t("Constant in this list (utility 0.5 for everyone, does not rank): ", "本名单中取值恒定（效用均为 0.5，不影响排名）：")
                    + HTMLText.escape(assessment.constantFactors.joined(separator: ", ")))
        }
        for segment in ranking.unevaluatedSegments {
            notes.append(
                t("Segment not evaluated, the file lacks: ", "未评估客户类别（文件缺少列）：") + HTMLText.escape(segment.id) + " — "
                    + HTMLText.escape(segment.missingColumns.joined(separator: ", ")))
        }
        for note in notes { page.body += "<p class=\"note\">\(note)</p>\n" }
        if rejected > 0 {
            let shown = 100
            page.body += "<h3>" + t("Rejected rows", "被拒绝的行") + " (\(HTMLText.count(rejected)))</h3>\n<ul id=\"rejects\">"
            for reject in ranking.rejects.prefix(shown) {
                // The file's name, not the path it had on the machine that made the report.
                var text = reject.description(language)
                if text.hasPrefix(reject.file) { text = fileName(reject.file) + text.dropFirst(reject.file.count) }
                page.body += "<li>\(HTMLText.escape(text))</li>"
            }
            if rejected > shown {
                page.body +=
                    "<li>" + t("… and \(rejected - shown) more (see the rejects file)", "……另有 \(rejected - shown) 行（见拒绝文件）") + "</li>"
            }
            page.body += "</ul>\n"
        }
        page.body += "</section>\n"
    }

    // MARK: Grade map

    func gradeMapSection(_ page: inout HTMLPage) {
        let assessment = ranking.assessment
        let overview = ranking.overview
        let grading = model.grading
        let density = overview.accepted > densityThreshold
        precondition(density || ranking.rankedRows.count == overview.accepted, "The grade map's dots are every account")
        open(
            "grade-map", t("Grade map", "等级分布图"),
            note: density
                ? t(
                    "Value (up) against difficulty (right). \(HTMLText.count(overview.accepted)) accounts, drawn as a density: each hexagon's shade is its count of accounts (hover for the count). The regions are the model's grade grid, with the count of accounts in each cell.",
                    "纵轴为价值，横轴为难度。共 \(HTMLText.count(overview.accepted)) 个账户，以密度显示：六边形颜色深浅表示账户数（悬停查看数量）。底色区域为模型的等级网格，并标出每格的账户数。")
                : t(
                    "Value (up) against difficulty (right), one dot per account (hover: id, name, scores, top reasons). The regions are the model's grade grid, with the count of accounts in each cell; hollow red dots lack information (信息不足).",
                    "纵轴为价值，横轴为难度，每个点代表一个账户（悬停查看编号、名称、得分和主要原因）。底色区域为模型的等级网格，并标出每格的账户数；空心红点为信息不足的账户。"),
            &page)
        let (left, top, width, height) = (GradeMapGeometry.left, GradeMapGeometry.top, GradeMapGeometry.width, GradeMapGeometry.height)
        let x = GradeMapGeometry.x
        let y = GradeMapGeometry.y
        let cells = overview.cells
        let insufficient = overview.insufficient
        var svg =
            "<svg id=\"grade-map-svg\" viewBox=\"0 0 \(Int(left + width + 24)) \(Int(top + height + 48))\" width=\"\(Int(left + width + 24))\" height=\"\(Int(top + height + 48))\" role=\"img\" data-mode=\"\(density ? "density" : "dots")\">"
        let valueEdges = [0.0] + grading.valueBands.cuts + [100.0]
        let difficultyEdges = [0.0] + grading.difficultyBands.cuts + [100.0]
        var labels = ""
        for v in grading.valueBands.names.indices {
            for d in grading.difficultyBands.names.indices {
                let grade = grading.grid[v][d]
                let (x0, x1, y0, y1) = (x(difficultyEdges[d]), x(difficultyEdges[d + 1]), y(valueEdges[v + 1]), y(valueEdges[v]))
                svg +=
                    "<rect class=\"cell\" data-grade=\"\(grade.letter)\" data-count=\"\(cells[v][d])\" x=\"\(HTMLText.fixed(x0, 1))\" y=\"\(HTMLText.fixed(y0, 1))\" width=\"\(HTMLText.fixed(x1 - x0, 1))\" height=\"\(HTMLText.fixed(y1 - y0, 1))\" fill=\"\(Self.gradeColors[grade]!)\" fill-opacity=\"0.10\" stroke=\"#fff\" stroke-width=\"2\"/>"
                // Drawn last, over the dots or bins, with a white halo.
                labels +=
                    "<text x=\"\(HTMLText.fixed(x0 + 6, 1))\" y=\"\(HTMLText.fixed(y0 + 17, 1))\" font-size=\"14\" font-weight=\"700\" fill=\"\(Self.gradeColors[grade]!)\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">\(grade.rawValue) · \(HTMLText.count(cells[v][d]))</text>"
            }
        }
        if density {
            svg += hexbins(overview.hexbins)
        } else {
            for row in ranking.rankedRows.reversed() {
                let grade = assessment.grades[row]
                let account = assessment.accounts[row]
                let explanation = assessment.explanation(of: row)
                let reasons = (explanation.reasonsUp(limit: 2) + explanation.reasonsDown(limit: 1)).map { reasonText($0) }
                let tip =
                    "\(account.id) \(account.name)\n\(t("value", "价值")) \(HTMLText.fixed(assessment.value(row), 1)) · \(t("difficulty", "难度")) \(HTMLText.fixed(assessment.difficulty(row), 1)) · \(gradeText(grade))\n"
                    + reasons.joined(separator: ", ")
                let color = Self.gradeColors[grade]!
                let fill = grade == .insufficient ? "fill=\"none\" stroke=\"\(color)\"" : "fill=\"\(color)\" fill-opacity=\"0.75\""
                svg +=
                    "<circle class=\"dot\" cx=\"\(HTMLText.fixed(x(assessment.difficulty(row)), 1))\" cy=\"\(HTMLText.fixed(y(assessment.value(row)), 1))\" r=\"3\" \(fill) data-tip=\"\(HTMLText.escape(tip))\"/>"
            }
        }
        svg += labels
        svg += axes(
            left: left, top: top, width: width, height: height, xLabel: t("difficulty score →", "难度得分 →"),
            yLabel: t("value score →", "价值得分 →"))
        svg += "</svg>"
        page.body += svg + "\n"
        if insufficient > 0 {
            page.body +=
                "<p class=\"note\" id=\"grade-map-insufficient\" data-count=\"\(insufficient)\">"
                + t(
                    "\(HTMLText.count(insufficient)) accounts with insufficient information are not graded (not counted in the cells).",
                    "\(HTMLText.count(insufficient)) 个账户信息不足，未评级（不计入网格）。") + "</p>\n"
        }
        page.body += "</section>\n"
    }

    /// A factor's effect on priority as "label +1.2".
    func reasonText(_ contribution: Explanation.Contribution) -> String {
        let label = model.factors[contribution.factorIndex].name(in: language)
        return "\(label) \(contribution.impact >= 0 ? "+" : "−")\(HTMLText.fixed(abs(contribution.impact), 1))"
    }

    /// Axes with ticks every 20 points from 0 to 100.
    func axes(left: Double, top: Double, width: Double, height: Double, xLabel: String, yLabel: String) -> String {
        var svg =
            "<g stroke=\"#5b6475\" fill=\"none\"><path d=\"M\(left) \(top)V\(top + height)H\(left + width)\"/></g><g font-size=\"11\" fill=\"#5b6475\">"
        for tick in stride(from: 0, through: 100, by: 20) {
            let px = left + width * Double(tick) / 100
            let py = top + height * (1 - Double(tick) / 100)
            svg +=
                "<text x=\"\(HTMLText.fixed(px, 1))\" y=\"\(HTMLText.fixed(top + height + 15, 1))\" text-anchor=\"middle\">\(tick)</text>"
            svg += "<text x=\"\(HTMLText.fixed(left - 6, 1))\" y=\"\(HTMLText.fixed(py + 4, 1))\" text-anchor=\"end\">\(tick)</text>"
        }
        svg +=
            "<text x=\"\(HTMLText.fixed(left + width / 2, 1))\" y=\"\(HTMLText.fixed(top + height + 34, 1))\" text-anchor=\"middle\" font-size=\"12\">\(xLabel)</text>"
        svg +=
            "<text transform=\"translate(14 \(HTMLText.fixed(top + height / 2, 1))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(yLabel)</text></g>"
        return svg
    }

    /// Hexagonal bins (pointy-top, radius 7 px, ``GradeMapGeometry``) of the graded
    /// accounts, shaded by the log of their count.
    func hexbins(_ bins: [(key: Int, count: Int)]) -> String {
        let radius = GradeMapGeometry.radius
        let maximum = bins.map(\.count).max() ?? 1
        var corners = ""
        for corner in 0..<6 {
            let angle = Double(corner) * Double.pi / 3 + Double.pi / 6
            corners +=
                "\(corner == 0 ? "m" : "l")\(HTMLText.fixed(radius * cos(angle) - (corner == 0 ? 0 : radius * cos(angle - Double.pi / 3)), 2)) \(HTMLText.fixed(radius * sin(angle) - (corner == 0 ? 0 : radius * sin(angle - Double.pi / 3)), 2))"
        }
        var svg = "<g class=\"hexbins\" data-bins=\"\(bins.count)\">"
        for (key, count) in bins {
            let (cx, cy) = GradeMapGeometry.hexbinCentre(key: key)
            let shade = 0.15 + 0.85 * log(Double(count) + 1) / log(Double(maximum) + 1)
            svg +=
                "<path d=\"M\(HTMLText.fixed(cx, 1)) \(HTMLText.fixed(cy, 1))\(corners)z\" fill=\"#1d3f8f\" fill-opacity=\"\(HTMLText.fixed(shade, 2))\" data-tip=\"\(HTMLText.count(count)) \(t("accounts", "个账户"))\" data-count=\"\(count)\"/>"
        }
        return svg + "</g>"
    }
}
