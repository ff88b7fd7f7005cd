import ScoringEngine

// The pipeline (`kam forecast`) and the team (`kam allocate`) sections.
extension HTMLReport {
    static let stageNames: [(en: String, zh: String)] = [
        ("identify", "确定开发对象"), ("demo and information", "演示/信息收集"), ("value assessment", "价值评估"),
        ("relationship", "关系建立"), ("close", "促成成交"),
    ]

    func stageName(_ stage: Int) -> String {
        guard (1...Self.stageNames.count).contains(stage) else { return String(stage) }
        return "\(stage) " + t(Self.stageNames[stage - 1].en, Self.stageNames[stage - 1].zh)
    }

    // MARK: Pipeline

    func pipelineSection(_ pipeline: Pipeline, _ page: inout HTMLPage) {
        let totals = pipeline.totals
        let horizon = totals.horizon
        open(
            "pipeline", t("Pipeline", "销售漏斗与预测"),
            note: t(
                "From kam forecast (pipeline \(HTMLText.escape(fileName(pipeline.pipelineFile))), \(totals.runs) Monte Carlo runs, seed \(totals.seed)): accounts, deal value and expected revenue won within \(horizon) periods, by stage; then the team's revenue won by the end of each period, P10–P90 band and P50 line.",
                "来自 kam forecast（管道模型 \(HTMLText.escape(fileName(pipeline.pipelineFile)))，\(totals.runs) 次蒙特卡洛模拟，种子 \(totals.seed)）：各阶段的账户数、成交金额和 \(horizon) 期内预期赢单收入；以及团队到每期末累计赢单收入的 P10–P90 区间和 P50 线。"
            ),
            &page)
        let stages = totals.groups(of: "stage")
        let widest = Double(stages.map(\.accounts).max() ?? 1)
        let rowHeight = 38.0
        var svg =
            "<svg id=\"funnel-svg\" viewBox=\"0 0 760 \(Int(rowHeight * Double(stages.count) + 10))\" width=\"760\" height=\"\(Int(rowHeight * Double(stages.count) + 10))\" role=\"img\">"
        for (index, group) in stages.enumerated() {
            let width = max(4, 360 * Double(group.accounts) / max(widest, 1))
            let y = 4 + Double(index) * rowHeight
            let expected = group.cumulative.last?.expected ?? 0
            svg +=
                "<rect x=\"\(HTMLText.fixed(200 - width / 2, 1))\" y=\"\(HTMLText.fixed(y, 1))\" width=\"\(HTMLText.fixed(width, 1))\" height=\"\(Int(rowHeight - 6))\" fill=\"#2f6fbf\" fill-opacity=\"\(HTMLText.fixed(0.45 + 0.1 * Double(index), 2))\" rx=\"3\" data-tip=\"\(HTMLText.escape(stageName(Int(group.name) ?? 0)))\"/>"
            svg +=
                "<text x=\"200\" y=\"\(HTMLText.fixed(y + rowHeight / 2, 1))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#fff\" font-weight=\"600\">\(HTMLText.count(group.accounts))</text>"
            svg +=
                "<text x=\"400\" y=\"\(HTMLText.fixed(y + rowHeight / 2 - 4, 1))\" font-size=\"12\">\(HTMLText.escape(stageName(Int(group.name) ?? 0)))</text>"
            svg +=
                "<text x=\"400\" y=\"\(HTMLText.fixed(y + rowHeight / 2 + 11, 1))\" font-size=\"11\" fill=\"#5b6475\">\(t("deal value", "成交金额")) \(HTMLText.money(group.dealValue)) · \(t("expected revenue", "预期收入")) \(HTMLText.money(expected))</text>"
        }
        svg += "</svg>"
        page.body += svg + "\n"
        page.body +=
            "<table id=\"funnel-table\"><thead><tr><th>\(t("stage", "阶段"))</th><th class=\"n\">\(t("accounts", "账户数"))</th><th class=\"n\">\(t("deal value", "成交金额")) (\(moneyUnit))</th>"
        page.body +=
            "<th class=\"n\">\(t("expected wins", "预期赢单数"))</th><th class=\"n\">\(t("expected revenue within \(horizon) periods", "\(horizon) 期内预期收入"))</th></tr></thead><tbody>"
        for group in stages {
            let expected = group.cumulative.last?.expected ?? 0
            page.body +=
                "<tr data-stage=\"\(HTMLText.escape(group.name))\" data-accounts=\"\(group.accounts)\" data-deal-value=\"\(HTMLText.data(group.dealValue))\" data-expected-wins=\"\(HTMLText.data(group.expectedWins))\" data-expected=\"\(HTMLText.data(expected))\">"
            page.body +=
                "<td>\(HTMLText.escape(stageName(Int(group.name) ?? 0)))</td><td class=\"n\">\(HTMLText.count(group.accounts))</td><td class=\"n\">\(HTMLText.money(group.dealValue))</td>"
            page.body +=
                "<td class=\"n\">\(HTMLText.fixed(group.expectedWins, 1))</td><td class=\"n\">\(HTMLText.money(expected))</td></tr>"
        }
        page.body += "</tbody></table>\n"
        let notForecast = pipeline.forecasts.filter { !$0.status.isForecast }.count
        if notForecast > 0 {
            page.body +=
                "<p class=\"note\">"
                + t(
                    "\(HTMLText.count(notForecast)) accounts are not forecast (insufficient information, no stage or no deal value).",
                    "\(HTMLText.count(notForecast)) 个账户未预测（信息不足、无阶段或无成交金额）。") + "</p>\n"
        }
        if let team = totals.groups(of: "team").first {
            page.body += "<h3>" + t("Revenue won by the end of each period (team)", "团队到每期末累计赢单收入") + " (\(moneyUnit))</h3>\n"
            page.body += fanChart(team, labels: pipeline.periodLabels)
        }
        page.body += "</section>\n"
    }

    /// P10–P90 band, P50 line and expected (dashed) of a group's cumulative revenue.
    func fanChart(_ group: RevenueTotals.Group, labels: [String]?) -> String {
        let cells = group.cumulative
        let (left, top, width, height) = (76.0, 12.0, 640.0, 260.0)
        let maximum = max(cells.map(\.p90).max() ?? 0, cells.map(\.expected).max() ?? 0, 1e-9)
        func x(_ index: Int) -> Double { left + width * (cells.count > 1 ? Double(index) / Double(cells.count - 1) : 0.5) }
        func y(_ value: Double) -> Double { top + height * (1 - value / maximum) }
        func line(_ values: [Double]) -> String {
            values.enumerated().map {
                "\($0.offset == 0 ? "M" : "L")\(HTMLText.fixed(x($0.offset), 1)) \(HTMLText.fixed(y($0.element), 1))"
            }.joined()
        }
        var svg =
            "<svg id=\"fan-svg\" viewBox=\"0 0 \(Int(left + width + 30)) \(Int(top + height + 56))\" width=\"\(Int(left + width + 30))\" height=\"\(Int(top + height + 56))\" role=\"img\">"
        let band =
            line(cells.map(\.p90))
            + cells.indices.reversed().map { "L\(HTMLText.fixed(x($0), 1)) \(HTMLText.fixed(y(cells[$0].p10), 1))" }.joined() + "Z"
        svg += "<path d=\"\(band)\" fill=\"#2f6fbf\" fill-opacity=\"0.2\"/>"
        svg += "<path d=\"\(line(cells.map(\.p50)))\" fill=\"none\" stroke=\"#2f6fbf\" stroke-width=\"2\"/>"
        svg += "<path d=\"\(line(cells.map(\.expected)))\" fill=\"none\" stroke=\"#1d2433\" stroke-dasharray=\"4 3\"/>"
        svg +=
            "<g stroke=\"#5b6475\" fill=\"none\"><path d=\"M\(left) \(top)V\(top + height)H\(left + width)\"/></g><g font-size=\"11\" fill=\"#5b6475\">"
        for step in 0...4 {
            let value = maximum * Double(step) / 4
            svg += "<text x=\"\(left - 6)\" y=\"\(HTMLText.fixed(y(value) + 4, 1))\" text-anchor=\"end\">\(HTMLText.money(value))</text>"
        }
        for (index, cell) in cells.enumerated() {
            let label = labels.flatMap { index < $0.count ? $0[index] : nil } ?? String(index + 1)
            svg +=
                "<text x=\"\(HTMLText.fixed(x(index), 1))\" y=\"\(HTMLText.fixed(top + height + 15, 1))\" text-anchor=\"middle\">\(HTMLText.escape(label))</text>"
            let tip =
                "\(label): P10 \(HTMLText.money(cell.p10)) · P50 \(HTMLText.money(cell.p50)) · P90 \(HTMLText.money(cell.p90)) · \(t("expected", "期望")) \(HTMLText.money(cell.expected))"
            svg +=
                "<circle class=\"fan-point\" cx=\"\(HTMLText.fixed(x(index), 1))\" cy=\"\(HTMLText.fixed(y(cell.p50), 1))\" r=\"4\" fill=\"#2f6fbf\" data-period=\"\(index + 1)\" data-p10=\"\(HTMLText.data(cell.p10))\" data-p50=\"\(HTMLText.data(cell.p50))\" data-p90=\"\(HTMLText.data(cell.p90))\" data-expected=\"\(HTMLText.data(cell.expected))\" data-tip=\"\(HTMLText.escape(tip))\"/>"
        }
        svg +=
            "</g><g font-size=\"11\"><rect x=\"\(left + 10)\" y=\"\(top + height + 30)\" width=\"14\" height=\"10\" fill=\"#2f6fbf\" fill-opacity=\"0.2\"/><text x=\"\(left + 28)\" y=\"\(top + height + 39)\">P10–P90</text>"
        svg +=
            "<path d=\"M\(left + 100) \(top + height + 35)h16\" stroke=\"#2f6fbf\" stroke-width=\"2\"/><text x=\"\(left + 120)\" y=\"\(top + height + 39)\">P50</text>"
        svg +=
            "<path d=\"M\(left + 170) \(top + height + 35)h16\" stroke=\"#1d2433\" stroke-dasharray=\"4 3\"/><text x=\"\(left + 190)\" y=\"\(top + height + 39)\">\(t("expected", "期望值"))</text></g></svg>\n"
        return svg
    }

    // MARK: Team

    func roleName(_ role: Team.Role) -> String {
        switch role {
        case .director: return t("director", "大客户总监")
        case .manager: return t("manager", "大客户经理")
        case .specialist: return t("specialist", "大客户专员")
        }
    }

    func teamSection(_ team: TeamAllocation, _ page: inout HTMLPage) {
        let problem = team.problem
        let allocation = team.allocation
        let people = allocation.people(of: problem)
        let budget = problem.team.budget
        let ratio = budget > 0 ? allocation.expense / budget : nil
        let policy: String
        switch allocation.policy {
        case .grade: policy = t("grade policy (A all in, B limited, C maintain, D paused)", "分级策略（A 全力以赴，B 控制投入，C 关注变化，D 暂缓观察）")
        case .proportional: policy = t("proportional to expected revenue", "按预期收入比例")
        case .optimal:
            policy =
                problem.objective == .profit
                ? t("optimal (maximum expected profit)", "最优（预期利润最大）") : t("optimal (maximum expected won revenue)", "最优（预期赢单收入最大）")
        }
        open(
            "team", t("Team", "团队资源分配"),
            note: t(
                "From kam allocate (team file \(HTMLText.escape(fileName(team.teamFile)))), policy: ",
                "来自 kam allocate（团队文件 \(HTMLText.escape(fileName(team.teamFile)))），策略：") + policy,
            &page)
        var cards = card(
            "expected_revenue", t("expected revenue", "预期收入"), HTMLText.money(allocation.expectedRevenue),
            data: HTMLText.data(allocation.expectedRevenue))
        cards += card("gain", t("gain from effort", "投入带来的增量"), HTMLText.money(allocation.gain), data: HTMLText.data(allocation.gain))
        cards += card("expense", t("expense", "商务费用"), HTMLText.money(allocation.expense), data: HTMLText.data(allocation.expense))
        cards += card("budget", t("budget", "预算"), HTMLText.money(budget), data: HTMLText.data(budget))
        cards += card(
            "expense_control", t("expense control (expense / budget)", "商务费用控制（实际/预算）"), ratio.map { HTMLText.percent($0) } ?? "–",
            data: ratio.map(HTMLText.data) ?? "")
        page.body += "<div class=\"cards\">\(cards)</div>\n"
        // People: allocated hours against capacity.
        let maximum = max(people.map { max($0.person.hours, $0.allocated) }.max() ?? 1, 1e-9)
        let rowHeight = 24.0
        var svg =
            "<svg id=\"people-svg\" viewBox=\"0 0 760 \(Int(rowHeight * Double(people.count + 1) + 20))\" width=\"760\" height=\"\(Int(rowHeight * Double(people.count + 1) + 20))\" role=\"img\"><g font-size=\"12\">"
        for (index, line) in people.enumerated() {
            let y = 6 + Double(index) * rowHeight
            let allocatedWidth = 420 * line.allocated / maximum
            let capacity = 180 + 420 * line.person.hours / maximum
            svg +=
                "<text x=\"174\" y=\"\(HTMLText.fixed(y + 13, 1))\" text-anchor=\"end\">\(HTMLText.escape(line.person.name)) (\(roleName(line.person.role)))</text>"
            svg +=
                "<rect x=\"180\" y=\"\(HTMLText.fixed(y + 2, 1))\" width=\"\(HTMLText.fixed(allocatedWidth, 1))\" height=\"14\" fill=\"#2f6fbf\" data-tip=\"\(HTMLText.escape(line.person.name)): \(HTMLText.fixed(line.allocated, 1)) / \(HTMLText.fixed(line.person.hours, 1)) \(t("hours", "小时"))\"/>"
            svg += "<path d=\"M\(HTMLText.fixed(capacity, 1)) \(HTMLText.fixed(y, 1))v18\" stroke=\"#b33a3a\" stroke-width=\"2\"/>"
            svg +=
                "<text x=\"\(HTMLText.fixed(max(capacity, 180 + allocatedWidth) + 6, 1))\" y=\"\(HTMLText.fixed(y + 13, 1))\" fill=\"#5b6475\">\(HTMLText.fixed(line.allocated, 1)) / \(HTMLText.fixed(line.person.hours, 1)) h</text>"
        }
        let legendY = 6 + Double(people.count) * rowHeight + 12
        svg +=
            "<rect x=\"180\" y=\"\(legendY - 9)\" width=\"14\" height=\"10\" fill=\"#2f6fbf\"/><text x=\"198\" y=\"\(legendY)\">\(t("hours allocated", "已分配工时"))</text>"
        svg +=
            "<path d=\"M320 \(legendY - 10)v12\" stroke=\"#b33a3a\" stroke-width=\"2\"/><text x=\"326\" y=\"\(legendY)\">\(t("capacity (hours available)", "可用工时（产能）"))</text></g></svg>\n"
        page.body += svg
        let revenueUnit = problem.objective == .profit ? t("profit", "利润") : t("revenue", "收入")
        page.body +=
            "<table id=\"people-table\"><thead><tr><th>\(t("person", "人员"))</th><th>\(t("role", "角色"))</th><th class=\"n\">\(t("hours available", "可用工时"))</th><th class=\"n\">\(t("hours allocated", "已分配工时"))</th>"
        page.body +=
            "<th class=\"n\">\(t("shadow price", "影子价格")) (\(moneyUnit) \(t("of expected \(revenueUnit) per hour", "预期\(revenueUnit)/小时")))</th></tr></thead><tbody>"
        for line in people {
            page.body +=
                "<tr data-person=\"\(HTMLText.escape(line.person.name))\" data-hours=\"\(HTMLText.data(line.person.hours))\" data-allocated=\"\(HTMLText.data(line.allocated))\" data-shadow-price=\"\(line.shadowPrice.map(HTMLText.data) ?? "")\">"
            page.body +=
                "<td>\(HTMLText.escape(line.person.name))</td><td>\(roleName(line.person.role))</td><td class=\"n\">\(HTMLText.fixed(line.person.hours, 1))</td><td class=\"n\">\(HTMLText.fixed(line.allocated, 1))</td>"
            page.body += "<td class=\"n\">\(line.shadowPrice.map { HTMLText.fixed($0, 3) } ?? "–")</td></tr>"
        }
        let budgetPrice = allocation.shadowPrices?[problem.budgetIndex]
        page.body +=
            "<tr data-person=\"\" data-budget=\"\(HTMLText.data(budget))\" data-expense=\"\(HTMLText.data(allocation.expense))\" data-shadow-price=\"\(budgetPrice.map(HTMLText.data) ?? "")\"><td>\(t("business-expense budget", "商务费用预算"))</td><td></td><td class=\"n\">\(HTMLText.money(budget))</td><td class=\"n\">\(HTMLText.money(allocation.expense))</td>"
        page.body +=
            "<td class=\"n\">\(budgetPrice.map { HTMLText.fixed($0, 3) } ?? "–") \(t("(\(revenueUnit) per unit of expense)", "（每单位费用带来的\(revenueUnit)）"))</td></tr>"
        page.body += "</tbody></table>\n"
        if allocation.shadowPrices == nil {
            page.body += "<p class=\"note\">" + t("Shadow prices are reported by the optimal policy only.", "只有最优策略给出影子价格。") + "</p>\n"
        }
        // By grade: hours and expense.
        var hours: [Grade: Double] = [:]
        var expense: [Grade: Double] = [:]
        var worked: [Grade: Int] = [:]
        for row in problem.accounts.indices {
            let grade = problem.accounts[row].grade
            hours[grade, default: 0] += allocation.hours(row, in: problem)
            expense[grade, default: 0] += allocation.expense(row, in: problem)
            if allocation.efforts[row] > 0 { worked[grade, default: 0] += 1 }
        }
        let totalHours = max(hours.values.reduce(0, +), 1e-9)
        page.body += "<h3>" + t("Allocation by grade", "按等级分配") + "</h3>\n"
        page.body +=
            "<table id=\"allocation-by-grade\"><thead><tr><th>\(t("grade", "等级"))</th><th class=\"n\">\(t("accounts worked", "投入账户数"))</th><th class=\"n\">\(t("hours", "工时"))</th><th></th><th class=\"n\">\(t("expense", "费用")) (\(moneyUnit))</th></tr></thead><tbody>"
        for grade in Grade.allCases {
            let share = hours[grade, default: 0] / totalHours
            page.body +=
                "<tr data-grade=\"\(grade.letter)\" data-hours=\"\(HTMLText.data(hours[grade, default: 0]))\" data-expense=\"\(HTMLText.data(expense[grade, default: 0]))\">"
            page.body +=
                "<td>\(badge(grade)) \(gradeText(grade))</td><td class=\"n\">\(HTMLText.count(worked[grade, default: 0]))</td><td class=\"n\">\(HTMLText.fixed(hours[grade, default: 0], 1))</td>"
            page.body +=
                "<td><svg width=\"200\" height=\"12\"><rect width=\"\(HTMLText.fixed(200 * share, 1))\" height=\"12\" fill=\"\(Self.gradeColors[grade]!)\"/></svg></td><td class=\"n\">\(HTMLText.money(expense[grade, default: 0]))</td></tr>"
        }
        page.body += "</tbody></table>\n</section>\n"
    }
}
