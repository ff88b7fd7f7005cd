import ScoringEngine

// The ranked accounts: the top N of `kam rank`, sortable and filterable in the page.
extension HTMLReport {
    func rankedSection(_ page: inout HTMLPage) {
        let assessment = ranking.assessment
        let rows = Array(ranking.rankedRows.prefix(topCount))
        let calibrated = model.calibration != nil
        open(
            "ranked", t("Ranked accounts", "账户排名"),
            note: t(
                "The top \(HTMLText.count(rows.count)) of \(HTMLText.count(ranking.overview.accepted)) accounts in rank order (as kam rank). Click a heading to sort; filter by grade, manager, segment or text. Bars: each factor's effect on priority against a middling account (utility 0.5), green up and red down; together they sum to value − difficulty.",
                "按排名显示 \(HTMLText.count(ranking.overview.accepted)) 个账户中的前 \(HTMLText.count(rows.count)) 个（与 kam rank 相同）。点击表头排序；可按等级、经理、客户类别或文字筛选。条形：各因子相对中等账户（效用 0.5）对优先级的影响，绿色加分、红色减分，合计等于价值 − 难度。"
            ),
            &page)
        var managers = Set<String>()
        var segmentsShown = Set<Int>()
        for row in rows {
            managers.insert(assessment.accounts[row].manager)
            segmentsShown.formUnion(assessment.segments[row])
        }
        func options(_ values: [(String, String)]) -> String {
            "<option value=\"\">\(t("all", "全部"))</option>"
                + values.map { "<option value=\"\(HTMLText.escape($0.0))\">\(HTMLText.escape($0.1))</option>" }.joined()
        }
        page.body += "<div class=\"filters\" data-filter-for=\"ranked-table\">"
        page.body +=
            "<label>\(t("grade", "等级")) <select data-field=\"grade\">"
            + options(Grade.allCases.map { ($0.letter, $0 == .insufficient ? t("insufficient", "信息不足") : $0.rawValue) })
            + "</select></label>"
        page.body +=
            "<label>\(t("manager", "经理")) <select data-field=\"manager\">" + options(managers.sorted().map { ($0, $0.isEmpty ? "–" : $0) })
            + "</select></label>"
        page.body +=
            "<label>\(t("segment", "客户类别")) <select data-field=\"segments\">"
            + options(segmentsShown.sorted().map { (model.segments[$0].id, zh ? model.segments[$0].label.zh : model.segments[$0].id) })
            + "</select></label>"
        page.body += "<label>\(t("search", "搜索")) <input type=\"search\" data-field=\"text\"></label>"
        page.body += "<span>\(t("shown", "显示")): <b class=\"shown\">\(rows.count)</b> / \(rows.count)</span></div>\n"
        var head: [(key: String, label: String, numeric: Bool)] = [
            ("rank", "#", true), ("account_id", t("account", "账户"), false), ("name", t("name", "名称"), false),
            ("grade", t("grade", "等级"), false),
        ]
        if calibrated { head.append(("probability", t("P(won)", "赢率"), true)) }
        head += [
            ("value", t("value", "价值"), true), ("difficulty", t("difficulty", "难度"), true),
            ("priority", t("priority", "优先级"), true), ("completeness", t("info", "信息完整度"), true),
            ("deal_value", t("deal value", "成交金额"), true), ("stage", t("stage", "阶段"), true),
            ("manager", t("manager", "经理"), false), ("segments", t("segments", "客户类别"), false),
        ]
        page.body += "<div class=\"scroll\"><table id=\"ranked-table\" data-sortable data-rows=\"\(rows.count)\"><thead><tr>"
        page.body += head.map {
            "<th data-sort=\"\($0.numeric ? "num" : "text")\" data-key=\"\($0.key)\"\($0.numeric ? " class=\"n\"" : "")>\($0.label)</th>"
        }.joined()
        page.body += "<th>\(t("reasons (+ up / − down)", "主要原因（+ 加分 / − 减分）"))</th></tr></thead><tbody>\n"
        // The bars of every row share one scale: the largest side total of the shown rows.
        var explanations: [Explanation] = []
        explanations.reserveCapacity(rows.count)
        var scale = 1e-9
        for row in rows {
            let explanation = assessment.explanation(of: row)
            let up = explanation.contributions.reduce(0.0) { $0 + max($1.impact, 0) }
            let down = explanation.contributions.reduce(0.0) { $0 + max(-$1.impact, 0) }
            scale = max(scale, up, down)
            explanations.append(explanation)
        }
        for (position, row) in rows.enumerated() {
            let account = assessment.accounts[row]
            let grade = assessment.grades[row]
            let rank = ranking.rankedRows.startIndex + position + 1
            let segments = assessment.segments[row].map { model.segments[$0].id }
            let segmentLabels = assessment.segments[row].map { zh ? model.segments[$0].label.zh : model.segments[$0].id }
            func number(_ value: Double?, _ digits: Int) -> String {
                guard let value else { return "<td class=\"n\"></td>" }
                return "<td class=\"n\" data-v=\"\(HTMLText.data(value))\">\(HTMLText.fixed(value, digits))</td>"
            }
            var line =
                "<tr data-rank=\"\(rank)\" data-id=\"\(HTMLText.escape(account.id))\" data-grade=\"\(grade.letter)\" data-manager=\"\(HTMLText.escape(account.manager))\" data-segments=\"\(HTMLText.escape(segments.joined(separator: "|")))\">"
            line +=
                "<td class=\"n\" data-v=\"\(rank)\">\(rank)</td><td class=\"nw\">\(HTMLText.escape(account.id))</td><td>\(HTMLText.escape(account.name))</td>"
            line +=
                "<td class=\"nw\" data-v=\"\(grade.order)\">\(badge(grade)) \(grade == .insufficient ? t("insufficient", "信息不足") : grade.action(language))</td>"
            if calibrated {
                let probability = model.probability(value: assessment.value(row), difficulty: assessment.difficulty(row))
                line += number(probability.map { $0 }, 3)
            }
            line += number(assessment.value(row), 1) + number(assessment.difficulty(row), 1) + number(assessment.priority(row), 1)
            line +=
                "<td class=\"n\" data-v=\"\(HTMLText.data(assessment.completeness(row)))\">\(HTMLText.percent(assessment.completeness(row), 0))</td>"
            line += number(account.dealValue, 1)
            line += account.stage.map { "<td class=\"n\" data-v=\"\($0)\">\($0)</td>" } ?? "<td class=\"n\"></td>"
            line +=
                "<td>\(HTMLText.escape(account.manager))</td><td>\(HTMLText.escape(segmentLabels.joined(separator: zh ? "、" : ", ")))</td>"
            line += "<td>" + reasonBars(explanations[position], scale: scale) + "</td></tr>\n"
            page.body += line
        }
        page.body += "</tbody></table></div>\n</section>\n"
    }

    /// Signed bars of every factor's impact (positive to the right of the middle, negative to
    /// the left, stacked strongest first), with the top reasons as text beside them.
    func reasonBars(_ explanation: Explanation, scale: Double) -> String {
        let half = 70.0
        let contributions = explanation.contributions.filter { abs($0.impact) > 1e-9 }
        let ups = contributions.filter { $0.impact > 0 }.sorted { $0.impact > $1.impact }
        let downs = contributions.filter { $0.impact < 0 }.sorted { $0.impact < $1.impact }
        var svg =
            "<svg width=\"\(Int(2 * half))\" height=\"12\" viewBox=\"0 0 \(Int(2 * half)) 12\" class=\"bars\" data-tip=\"\(HTMLText.escape((ups + downs).map(reasonText).joined(separator: "\n")))\">"
        var position = half
        for (index, contribution) in ups.enumerated() {
            let length = half * contribution.impact / scale
            svg +=
                "<rect x=\"\(HTMLText.fixed(position, 2))\" y=\"1\" width=\"\(HTMLText.fixed(length, 2))\" height=\"10\" fill=\"#1b7f3b\" fill-opacity=\"\(index % 2 == 0 ? "0.9" : "0.6")\" data-impact=\"\(HTMLText.data(contribution.impact))\"/>"
            position += length
        }
        position = half
        for (index, contribution) in downs.enumerated() {
            let length = half * -contribution.impact / scale
            position -= length
            svg +=
                "<rect x=\"\(HTMLText.fixed(position, 2))\" y=\"1\" width=\"\(HTMLText.fixed(length, 2))\" height=\"10\" fill=\"#b33a3a\" fill-opacity=\"\(index % 2 == 0 ? "0.9" : "0.6")\" data-impact=\"\(HTMLText.data(contribution.impact))\"/>"
        }
        svg += "<path d=\"M\(Int(half)) 0V12\" stroke=\"#1d2433\"/></svg>"
        let text = (ups.prefix(2) + downs.prefix(1)).map { HTMLText.escape(reasonText($0)) }.joined(separator: ", ")
        return svg + " <small>\(text)</small>"
    }
}
