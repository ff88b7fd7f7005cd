import Testing

@testable import ScoringIO

@Suite("ProspectListGenerator: values, ranges and correlations")
struct ProspectListGeneratorValueTests {
    /// 20,000 rows without blanks or bad rows, shared by the tests below.
    private static let list: GeneratedList = {
        let options = try! GeneratorOptions(rows: 20_000, seed: 2012, blankRate: 0)
        return GeneratedList(ProspectListGenerator(options: options).bytes())
    }()

    private func integers(_ column: String) -> [Int] {
        let index = Self.list.column(column)
        return Self.list.rows.map { Int($0[index]) ?? Int.min }
    }

    private func numbers(_ column: String) -> [Double] {
        let index = Self.list.column(column)
        return Self.list.rows.map { GeneratedList.number($0[index]) ?? .nan }
    }

    private func texts(_ column: String) -> [String] {
        let index = Self.list.column(column)
        return Self.list.rows.map { $0[index] }
    }

    @Test(
        "Integer columns stay within their documented ranges",
        arguments: [
            ("stage", 1...5), ("strategic_importance", 1...5), ("service_fit", 1...5),
            ("deal_risk", 1...5), ("incumbent_strength", 1...5), ("tech_difficulty", 1...5),
            ("payment_delay_days", 0...180), ("decision_cycle_months", 1...24),
            ("support_balance", -2...2), ("deal_value", 1...20_000),
            ("cumulative_consumption", 0...30_000), ("largest_contract", 0...30_000),
            ("referrals_signed", 0...3),
        ])
    func integerRanges(column: String, range: ClosedRange<Int>) {
        let values = integers(column)
        #expect(values.allSatisfy { range.contains($0) }, "\(column) outside \(range)")
        // Every column uses more than one value.
        #expect(Set(values).count > 1)
    }

    @Test("Category columns use only their documented values, each of them")
    func categories() {
        let expected: [String: Set<String>] = [
            "industry": [
                "automotive", "finance", "ecommerce", "education", "healthcare", "real_estate",
                "travel", "gaming", "fmcg", "manufacturing", "telecom", "software",
            ],
            "region": ["华东", "华南", "华北", "华中", "西南", "西北", "东北"],
            "manager": ["王经理", "李经理", "张经理"],
            "credit_rating": ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"],
            "inside_contact": ["yes", "no"],
            "payment_record": ["good", "fair", "poor"],
            "industry_benchmark": ["yes", "no"],
        ]
        for (column, values) in expected {
            #expect(Set(texts(column)) == values, "\(column)")
        }
    }

    @Test("account_id counts up from K-000001 and names are plausible and mostly unique")
    func identities() {
        let ids = texts("account_id")
        #expect(
            ids
                == (1...20_000).map {
                    "K-" + String(repeating: "0", count: 6 - String($0).count) + String($0)
                })
        let names = texts("name")
        let suffixes = ["集团", "股份有限公司", "有限公司"]
        #expect(names.allSatisfy { name in suffixes.contains { name.hasSuffix($0) } })
        #expect(names.allSatisfy { $0.count >= 6 && !$0.contains(",") && !$0.contains("\"") })
        #expect(Double(Set(names).count) / Double(names.count) > 0.95)
    }

    @Test("Budgets are 50 to 20,000 万元, written as \"1,800\", 1800万 or a plain number")
    func budgets() {
        let raw = texts("annual_ad_budget")
        let values = numbers("annual_ad_budget")
        #expect(values.allSatisfy { (50...20_000).contains($0) })
        #expect(raw.allSatisfy { $0.wholeMatch(of: /[0-9]{1,3}(,[0-9]{3})*|[0-9]+万/) != nil })
        let grouped = raw.filter { $0.contains(",") }.count
        let tenThousands = raw.filter { $0.hasSuffix("万") }.count
        // 20% are written with 万; of the rest, those of 1,000 and more carry a separator.
        #expect(abs(Double(tenThousands) / 20_000 - 0.2) < 0.02)
        #expect(grouped > 1000)
        #expect(zip(raw, values).allSatisfy { text, value in !text.contains(",") || value >= 1000 })
        // The seed document's line: 1,000万. Some accounts are above it, most below.
        let large = values.filter { $0 >= 1000 }.count
        #expect(large > 2000 && large < 6000)
    }

    @Test("Percent columns are written with % and stay in range")
    func percents() {
        let share = texts("expected_share")
        #expect(share.allSatisfy { $0.wholeMatch(of: /[0-9]+%/) != nil })
        #expect(
            numbers("expected_share").allSatisfy {
                (5...80).contains($0) && $0.truncatingRemainder(dividingBy: 5) == 0
            })
        let margin = texts("expected_margin")
        #expect(margin.allSatisfy { $0.wholeMatch(of: /[0-9]+(\.5)?%/) != nil })
        #expect(numbers("expected_margin").allSatisfy { (3...45).contains($0) })
    }

    @Test("Development cost has one decimal and stays within 1.0 to 200.0 万元")
    func developmentCost() {
        #expect(texts("development_cost").allSatisfy { $0.wholeMatch(of: /[0-9]+\.[0-9]/) != nil })
        #expect(numbers("development_cost").allSatisfy { (1...200).contains($0) })
    }

    @Test("Largest contract never exceeds cumulative consumption; many accounts have none")
    func consumption() {
        let cumulative = integers("cumulative_consumption")
        let largest = integers("largest_contract")
        #expect(zip(cumulative, largest).allSatisfy { $1 <= $0 && ($0 == 0) == ($1 == 0) })
        let none = cumulative.filter { $0 == 0 }.count
        #expect(none > 10_000 && none < 16_000)
    }

    @Test("Most accounts have no referrals, no parent group and are no benchmark")
    func rareFlags() {
        #expect(integers("referrals_signed").filter { $0 == 0 }.count > 17_000)
        let groups = texts("parent_group")
        let grouped = groups.filter { !$0.isEmpty }
        #expect(grouped.count > 1800 && grouped.count < 3000)
        #expect(
            grouped.allSatisfy { name in ["控股", "集团", "投资", "实业"].contains { name.hasSuffix($0) } })
        // Groups repeat: units of one parent.
        #expect(Set(grouped).count < grouped.count / 2)
        #expect(texts("industry_benchmark").filter { $0 == "yes" }.count < 2000)
    }

    @Test("Stages are skewed to the start of the pipeline")
    func stages() {
        let stages = integers("stage")
        let counts = (1...5).map { stage in stages.filter { $0 == stage }.count }
        #expect(counts == counts.sorted(by: >))
        #expect(counts[0] > 3 * counts[4])
    }

    @Test("Deal value follows budget: top budget quartile has far higher mean deal value")
    func dealValueFollowsBudget() {
        let pairs = zip(numbers("annual_ad_budget"), numbers("deal_value")).sorted { $0.0 < $1.0 }
        let quarter = pairs.count / 4
        func meanDealValue(_ slice: ArraySlice<(Double, Double)>) -> Double {
            slice.map(\.1).reduce(0, +) / Double(slice.count)
        }
        let bottom = meanDealValue(pairs[..<quarter])
        let top = meanDealValue(pairs[(pairs.count - quarter)...])
        #expect(top > 5 * bottom)
        #expect(pairs.allSatisfy { $0.1 <= $0.0 })
    }

    @Test("Large budgets are more often strategic")
    func strategicFollowsBudget() {
        let pairs = zip(numbers("annual_ad_budget"), integers("strategic_importance")).sorted {
            $0.0 < $1.0
        }
        let quarter = pairs.count / 4
        func strategicShare(_ slice: ArraySlice<(Double, Int)>) -> Double {
            Double(slice.filter { $0.1 >= 4 }.count) / Double(slice.count)
        }
        #expect(
            strategicShare(pairs[(pairs.count - quarter)...]) > 3
                * strategicShare(pairs[..<quarter]))
    }

    @Test("Better credit ratings pay sooner; later stages more often have an inside contact")
    func creditAndStage() {
        let ratings = texts("credit_rating")
        let delays = integers("payment_delay_days")
        func meanDelay(_ wanted: Set<String>) -> Double {
            let selected = zip(ratings, delays).filter { wanted.contains($0.0) }.map(\.1)
            return Double(selected.reduce(0, +)) / Double(selected.count)
        }
        #expect(meanDelay(["AAA", "AA"]) < meanDelay(["B", "CCC", "CC", "C"]) / 2)
        let stages = integers("stage")
        let inside = texts("inside_contact")
        func insideRate(_ stage: Int) -> Double {
            let selected = zip(stages, inside).filter { $0.0 == stage }
            return Double(selected.filter { $0.1 == "yes" }.count) / Double(selected.count)
        }
        #expect(insideRate(5) > insideRate(3) && insideRate(3) > insideRate(1))
    }
}
