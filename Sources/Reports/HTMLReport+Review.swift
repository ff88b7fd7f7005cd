import RunHistory
import ScoringEngine

// Robustness (`kam sensitivity`), KPI scorecards (`kam kpi`) and changes (`kam changes`).
extension HTMLReport {
    // MARK: Robustness

    func robustnessSection(_ robustness: Robustness, _ page: inout HTMLPage) {
        let result = robustness.result
        let assessment = robustness.assessment
        open(
            "robustness", t("Robustness", "稳健性"),
            note: t(
                "From kam sensitivity: \(HTMLText.count(result.samples)) weight draws (seed \(result.seed)). For each top account, the share of draws in which it stays in the top \(result.topCount), its chance of grade A, and its rank range over the draws (P5–median–P95).",
                "来自 kam sensitivity：\(HTMLText.count(result.samples)) 组权重抽样（种子 \(result.seed)）。对排名靠前的账户，显示其留在前 \(result.topCount) 名的抽样占比、评为 A 级的概率及排名范围（P5–中位–P95）。"
            ),
            &page)
        page.body += "<table id=\"robustness-table\" data-sortable data-top-k=\"\(result.topCount)\"><thead><tr>"
        page.body +=
            "<th data-sort=\"num\" data-key=\"rank\" class=\"n\">#</th><th data-sort=\"text\" data-key=\"account_id\">\(t("account", "账户"))</th><th data-sort=\"text\" data-key=\"name\">\(t("name", "名称"))</th>"
        page.body +=
            "<th data-sort=\"num\" data-key=\"grade\">\(t("grade", "等级"))</th><th data-sort=\"num\" data-key=\"top_share\" class=\"n\">\(t("share in top \(result.topCount)", "留在前 \(result.topCount) 名的占比"))</th><th></th>"
        page.body +=
            "<th data-sort=\"num\" data-key=\"probability_a\" class=\"n\">P(A)</th><th class=\"n\">\(t("rank P5–median–P95", "排名 P5–中位–P95"))</th></tr></thead><tbody>"
        for row in robustness.rows {
            let account = assessment.accounts[row]
            let share = result.topProbability[row]
            let pA = result.probability(of: .a, row: row)
            let rank = result.baseRanks[row]
            page.body +=
                "<tr data-rank=\"\(rank)\" data-id=\"\(HTMLText.escape(account.id))\" data-top-share=\"\(HTMLText.data(share))\" data-probability-a=\"\(HTMLText.data(pA))\">"
            page.body +=
                "<td class=\"n\" data-v=\"\(rank)\">\(rank)</td><td>\(HTMLText.escape(account.id))</td><td>\(HTMLText.escape(account.name))</td>"
            page.body +=
                "<td data-v=\"\(assessment.grades[row].order)\">\(badge(assessment.grades[row]))</td><td class=\"n\" data-v=\"\(HTMLText.data(share))\">\(HTMLText.percent(share))</td>"
            page.body +=
                "<td><svg width=\"160\" height=\"12\"><rect width=\"160\" height=\"12\" fill=\"#e6e9ef\"/><rect width=\"\(HTMLText.fixed(160 * share, 1))\" height=\"12\" fill=\"\(share >= result.stableProbability ? "#1b7f3b" : "#c98a00")\"/></svg></td>"
            page.body +=
                "<td class=\"n\" data-v=\"\(HTMLText.data(pA))\">\(HTMLText.percent(pA))</td><td class=\"n\">\(result.lowRank[row])–\(result.medianRank[row])–\(result.highRank[row])</td></tr>"
        }
        page.body += "</tbody></table>\n</section>\n"
    }

    // MARK: KPI

    func scorecardSection(_ scorecards: Scorecards, _ page: inout HTMLPage) {
        let review = scorecards.review
        let scorecard = scorecards.scorecard
        open(
            "kpi", t("KPI scorecards", "KPI 考核"),
            note: t(
                "From kam kpi: \(HTMLText.escape(fileName(scorecards.planFile))) against \(HTMLText.escape(fileName(scorecards.actualFile))), scorecard \(HTMLText.escape(scorecard.name)) (\(HTMLText.fixed(scorecard.maximum, 0)) points).",
                "来自 kam kpi：\(HTMLText.escape(fileName(scorecards.planFile))) 对照 \(HTMLText.escape(fileName(scorecards.actualFile)))，考核表 \(HTMLText.escape(scorecard.name))（满分 \(HTMLText.fixed(scorecard.maximum, 0)) 分）。"
            ),
            &page)
        page.body +=
            "<div class=\"scroll\"><table id=\"kpi-table\" data-sortable><thead><tr><th data-sort=\"text\" data-key=\"period\">\(t("period", "期间"))</th><th data-sort=\"text\" data-key=\"person\">\(t("person", "人员"))</th><th data-sort=\"text\" data-key=\"role\">\(t("role", "角色"))</th>"
        page.body += "<th data-sort=\"num\" data-key=\"total\" class=\"n\">\(t("total", "总分"))</th><th></th>"
        page.body += scorecard.items.map {
            "<th class=\"n\" title=\"\(HTMLText.escape($0.label.text(language)))\">\(HTMLText.escape($0.shortLabel.text(language))) /\(HTMLText.fixed($0.maximum, 0))</th>"
        }.joined()
        page.body += "</tr></thead><tbody>"
        for (index, person) in review.people.enumerated() {
            let record = person.record
            let result = person.scorecard.result
            let total = result?.total
            page.body +=
                "<tr data-rank=\"\(index + 1)\" data-person=\"\(HTMLText.escape(record.person))\" data-period=\"\(HTMLText.escape(record.period.label))\" data-total=\"\(total.map(HTMLText.data) ?? "")\">"
            page.body +=
                "<td>\(HTMLText.escape(record.period.label))</td><td>\(HTMLText.escape(record.person))</td><td>\(HTMLText.escape(record.role.label(language)))</td>"
            page.body += "<td class=\"n\" data-v=\"\(total.map(HTMLText.data) ?? "")\">\(total.map { HTMLText.fixed($0, 1) } ?? "–")</td>"
            let share = min(max((total ?? 0) / max(scorecard.maximum, 1e-9), 0), 1)
            page.body +=
                "<td><svg width=\"120\" height=\"12\"><rect width=\"120\" height=\"12\" fill=\"#e6e9ef\"/><rect width=\"\(HTMLText.fixed(120 * share, 1))\" height=\"12\" fill=\"#2f6fbf\"/></svg></td>"
            for item in scorecard.items {
                let points = result?.items.first { $0.item.id == item.id }?.points
                page.body +=
                    "<td class=\"n\" data-item=\"\(HTMLText.escape(item.id))\" data-v=\"\(points.map(HTMLText.data) ?? "")\">\(points.map { HTMLText.fixed($0, 1) } ?? "–")</td>"
            }
            page.body += "</tr>"
        }
        page.body += "</tbody></table></div>\n</section>\n"
    }

    // MARK: Changes

    func changesSection(_ changes: RunChanges, _ page: inout HTMLPage) {
        open(
            "changes", t("Changes", "变化"),
            note: t(
                "From kam changes (\(HTMLText.escape(historyFile.map(fileName) ?? ""))): run \(changes.from.id) (\(HTMLText.escape(changes.from.recordedAt))) to run \(changes.to.id) (\(HTMLText.escape(changes.to.recordedAt))).",
                "来自 kam changes（\(HTMLText.escape(historyFile.map(fileName) ?? ""))）：第 \(changes.from.id) 次运行（\(HTMLText.escape(changes.from.recordedAt))）到第 \(changes.to.id) 次运行（\(HTMLText.escape(changes.to.recordedAt))）。"
            ),
            &page)
        if changes.model.isChanged {
            page.body +=
                "<p class=\"note\"><b>" + t("The model or scenario changed between the runs: ", "两次运行之间模型或权重情景有变化：") + "</b>"
                + HTMLText.escape(
                    "\(changes.model.fromName) (\(changes.model.fromScenario)) → \(changes.model.toName) (\(changes.model.toScenario))")
                + "</p>\n"
        }
        if changes.sameInput { page.body += "<p class=\"note\">" + t("Both runs read the same input bytes.", "两次运行读取的输入内容相同。") + "</p>\n" }
        var cards = card(
            "grade_moves", t("grade moves", "等级变动"), HTMLText.count(changes.gradeMoveCount), data: String(changes.gradeMoveCount))
        cards += card("new", t("new accounts", "新增账户"), HTMLText.count(changes.newCount), data: String(changes.newCount))
        cards += card("dropped", t("dropped accounts", "移除账户"), HTMLText.count(changes.droppedCount), data: String(changes.droppedCount))
        cards += card(
            "entered_insufficient", t("now insufficient", "变为信息不足"), HTMLText.count(changes.enteredInsufficientCount),
            data: String(changes.enteredInsufficientCount))
        cards += card(
            "left_insufficient", t("no longer insufficient", "信息已补全"), HTMLText.count(changes.leftInsufficientCount),
            data: String(changes.leftInsufficientCount))
        cards += card(
            "rising_c", t("rising C accounts", "上升中的 C 级账户"), HTMLText.count(changes.risingCCount), data: String(changes.risingCCount))
        cards += card("same_grade", t("same grade", "等级不变"), HTMLText.count(changes.sameGrade), data: String(changes.sameGrade))
        page.body += "<div class=\"cards\">\(cards)</div>\n"
        // Moves between grades.
        page.body +=
            "<h3>" + t("Moves between grades (rows: before, columns: now)", "等级变动矩阵（行：之前，列：现在）")
            + "</h3>\n<table id=\"transitions\"><thead><tr><th></th>"
        page.body += Grade.allCases.map { "<th class=\"n\">\(badge($0))</th>" }.joined() + "</tr></thead><tbody>"
        for from in Grade.allCases {
            page.body += "<tr><th>\(badge(from))</th>"
            for to in Grade.allCases {
                let count = changes.transitions[from.order][to.order]
                page.body +=
                    "<td class=\"n\" data-from=\"\(from.letter)\" data-to=\"\(to.letter)\" data-v=\"\(count)\"\(from == to ? " style=\"color:#98a1b3\"" : "")>\(HTMLText.count(count))</td>"
            }
            page.body += "</tr>"
        }
        page.body += "</tbody></table>\n"
        func list(_ id: String, _ title: String, _ accounts: [AccountChange], total: Int) {
            guard !accounts.isEmpty else { return }
            page.body +=
                "<h3>\(title) (\(HTMLText.count(total)))</h3>\n<table id=\"\(id)\"><thead><tr><th>\(t("account", "账户"))</th><th>\(t("name", "名称"))</th><th>\(t("before", "之前"))</th><th>\(t("now", "现在"))</th><th class=\"n\">\(t("priority change", "优先级变化"))</th><th>\(t("factors that moved", "变动的因子"))</th></tr></thead><tbody>"
            for change in accounts.prefix(50) {
                func snapshot(_ snapshot: ScoreSnapshot?) -> String {
                    guard let snapshot else { return "–" }
                    return "\(badge(snapshot.grade)) #\(snapshot.rank)"
                }
                let moves =
                    change.factorMoves.map { "\($0.factor) \($0.change >= 0 ? "+" : "−")\(HTMLText.fixed(abs($0.change), 2))" }
                    + change.collected.map { "+\($0)" } + change.lost.map { "−\($0)" }
                page.body +=
                    "<tr data-id=\"\(HTMLText.escape(change.account))\"><td>\(HTMLText.escape(change.account))</td><td>\(HTMLText.escape(change.name))</td><td>\(snapshot(change.from))</td><td>\(snapshot(change.to))</td>"
                page.body +=
                    "<td class=\"n\" data-v=\"\(change.priorityChange.map(HTMLText.data) ?? "")\">\(change.priorityChange.map { ($0 >= 0 ? "+" : "−") + HTMLText.fixed(abs($0), 1) } ?? "")</td><td>\(HTMLText.escape(moves.joined(separator: ", ")))</td></tr>"
            }
            page.body += "</tbody></table>\n"
        }
        list("grade-moves", t("Grade moves", "等级变动"), changes.gradeMoves, total: changes.gradeMoveCount)
        list("new-accounts", t("New accounts", "新增账户"), changes.newAccounts, total: changes.newCount)
        list("dropped-accounts", t("Dropped accounts", "移除账户"), changes.droppedAccounts, total: changes.droppedCount)
        list(
            "entered-insufficient", t("Now insufficient information", "变为信息不足"), changes.enteredInsufficient,
            total: changes.enteredInsufficientCount)
        list("left-insufficient", t("No longer insufficient", "信息已补全"), changes.leftInsufficient, total: changes.leftInsufficientCount)
        list("rising-c", t("Rising C accounts (watch for changes)", "上升中的 C 级账户（关注变化）"), changes.risingC, total: changes.risingCCount)
        page.body += "</section>\n"
    }
}
