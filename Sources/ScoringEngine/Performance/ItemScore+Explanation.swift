extension ItemScore {
    /// How the points were found, in words, e.g.
    /// `sales 460 of plan 500 = 92%: 1 whole step of 5% below 100% → 25 − 1 = 24` or
    /// `销售额 460 / 计划 500 = 92%:低于 100% 1 个完整的 5% 档 → 25 − 1 = 24`.
    ///
    /// Money is in the files' unit (万元), written 万.
    public func explanation(_ language: Language) -> String {
        switch status {
        case .notApplicable(let reason):
            return (language == .zh ? "不适用:" : "n/a: ") + reason.message(language)
        case .scored(_, let detail):
            switch detail {
            case .rating(let value):
                return language == .zh
                    ? "评分 \(number(value))(满分 \(number(item.maximum)))"
                    : "rated \(number(value)) of \(number(item.maximum))"
            case .deductions(let outcome):
                return deductionText(outcome, language)
            case .stepped(let outcome, let actual, let reference):
                guard case .stepped(let rule) = item.rule else { return "" }
                return steppedText(rule, outcome, actual: actual, reference: reference, language)
            }
        }
    }

    private func number(_ value: Double) -> String { PerformanceNumberFormat.compact(value) }

    private func steppedText(
        _ rule: SteppedRule, _ outcome: SteppedRule.Outcome, actual: Double, reference: Double, _ language: Language
    ) -> String {
        let zh = language == .zh
        /// The standard relative to `base` (the previous period, the plan): the base itself,
        /// or the base with the standard's signed offset in `unit`.
        func relativeStandard(_ base: (zh: String, en: String), unit: String) -> String {
            let name = zh ? base.zh : base.en
            guard rule.standard != 0 else { return name }
            return name + (zh ? "" : " ") + PerformanceNumberFormat.signed(rule.standard) + unit
        }
        let unit: String
        let standardText: String
        let subject: String
        switch rule.measure {
        case .salesCompletion:
            unit = "%"
            standardText = number(rule.standard) + "%"
            subject =
                zh
                ? "销售额 \(number(actual)) / 计划 \(number(reference)) = \(number(outcome.measured))%"
                : "sales \(number(actual)) of plan \(number(reference)) = \(number(outcome.measured))%"
        case .salesGrowth:
            unit = "万"
            standardText = relativeStandard((zh: "上期", en: "the previous period"), unit: "万")
            subject =
                zh
                ? "销售额 \(number(actual)),上期 \(number(reference)):\(PerformanceNumberFormat.signed(outcome.measured))万"
                : "sales \(number(actual)) against \(number(reference)) before: \(PerformanceNumberFormat.signed(outcome.measured))万"
        case .newAccountsVersusPlan:
            unit = ""
            standardText = relativeStandard((zh: "计划", en: "the plan"), unit: "")
            subject =
                zh
                ? "新客户 \(number(actual)) 户,计划 \(number(reference)) 户:\(PerformanceNumberFormat.signed(outcome.measured))"
                : "\(number(actual)) new account\(actual == 1 ? "" : "s") against a plan of \(number(reference)): \(PerformanceNumberFormat.signed(outcome.measured))"
        }
        var text = subject + (zh ? ":" : ": ")
        let difference = outcome.measured - rule.standard
        if let step = outcome.step {
            let above = outcome.steps > 0 || (outcome.steps == 0 && difference > 0)
            let count = abs(outcome.steps)
            let rate = above ? rule.above : rule.below
            let change = count * (rate?.points ?? 0)
            let kind: String
            switch rule.partialSteps {
            case .whole: kind = zh ? "完整的" : "whole "
            case .started: kind = zh ? "已开始的" : "started "
            case .proportional: kind = ""
            }
            let plural = count == 1 ? "" : "s"
            let side = zh ? (above ? "高于" : "低于") : (above ? "above" : "below")
            if count == 0 {
                text +=
                    zh
                    ? "\(side)\(standardText)不足一个\(kind)\(number(step))\(unit)档 → \(number(rule.pointsAtStandard))"
                    : "less than one \(kind)step of \(number(step))\(unit) \(side) \(standardText) → \(number(rule.pointsAtStandard))"
            } else {
                text +=
                    zh
                    ? "\(side)\(standardText) \(number(count)) 个\(kind)\(number(step))\(unit)档"
                    : "\(number(count)) \(kind)step\(plural) of \(number(step))\(unit) \(side) \(standardText)"
                text += " → \(number(rule.pointsAtStandard)) \(above ? "+" : "−") \(number(change)) = \(number(outcome.uncapped))"
            }
        } else if difference == 0 {
            text += zh ? "达到标准 → \(number(rule.pointsAtStandard))" : "at the standard → \(number(rule.pointsAtStandard))"
        } else if difference < 0 {
            text +=
                zh ? "低于标准,不扣分 → \(number(rule.pointsAtStandard))" : "below the standard, no deduction → \(number(rule.pointsAtStandard))"
        } else {
            text += zh ? "高于标准,不加分 → \(number(rule.pointsAtStandard))" : "above the standard, no bonus → \(number(rule.pointsAtStandard))"
        }
        if outcome.capped { text += zh ? ",封顶 \(number(item.maximum))" : ", capped at the maximum \(number(item.maximum))" }
        if outcome.floored, let floor = rule.floor {
            text += zh ? ",保底 \(number(floor))" : ", raised to the floor \(number(floor))"
        }
        return text
    }

    private func deductionText(_ outcome: DeductionRule.Outcome, _ language: Language) -> String {
        let zh = language == .zh
        var parts: [String] = []
        var total = 0.0
        // Only what cost points.
        let charged = outcome.lines.filter { $0.points > 0 }
        if charged.isEmpty {
            let counts = outcome.lines.map { "\($0.column) \($0.counts.map(number).joined(separator: "/"))" }
                .joined(separator: zh ? "," : ", ")
            return zh ? "无扣分(\(counts))→ \(number(outcome.points))" : "nothing deducted (\(counts)) → \(number(outcome.points))"
        }
        for line in charged {
            let counts = line.counts.map(number).joined(separator: "/")
            parts.append("\(line.column) \(counts) → −\(number(line.points))")
            total += line.points
        }
        var text = parts.joined(separator: zh ? ";" : "; ")
        text += (zh ? ";" : "; ") + "\(number(item.maximum)) − \(number(total)) = \(number(outcome.uncapped))"
        if outcome.floored, case .deductions(let rule) = item.rule, let floor = rule.floor {
            text += zh ? ",保底 \(number(floor))" : ", raised to the floor \(number(floor))"
        }
        return text
    }
}
