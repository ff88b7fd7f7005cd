import ScoringEngine
import Testing

@Suite("Review periods")
struct ReviewPeriodTests {
    @Test(
        "quarter, month and year spellings read as one canonical period",
        arguments: [
            ("2024Q2", "2024Q2"), ("2024-Q2", "2024Q2"), ("2024 q2", "2024Q2"), ("Q2 2024", "2024Q2"),
            ("2024年Q2", "2024Q2"), ("2024年第2季度", "2024Q2"), ("2024年第二季度", "2024Q2"), (" 2024Q4 ", "2024Q4"),
            ("2024-06", "2024-06"), ("2024-6", "2024-06"), ("2024/06", "2024-06"), ("2024.12", "2024-12"),
            ("2024年6月", "2024-06"), ("2024", "2024"), ("2024年", "2024"),
        ])
    func spellings(text: String, label: String) {
        #expect(ReviewPeriod(text).label == label)
        #expect(ReviewPeriod(text) == ReviewPeriod(label))
    }

    @Test("text that is no quarter, month or year is kept as written and has no previous period")
    func other() {
        for text in ["2024Q5", "2024-13", "H1 2024", "上半年", "24Q2"] {
            let period = ReviewPeriod(text)
            #expect(period.label == text)
            #expect(period.previous == nil)
            #expect(period.monthCount == nil)
        }
    }

    @Test("the previous period crosses year ends")
    func previous() {
        #expect(ReviewPeriod("2024Q1").previous?.label == "2023Q4")
        #expect(ReviewPeriod("2024Q3").previous?.label == "2024Q2")
        #expect(ReviewPeriod("2024-01").previous?.label == "2023-12")
        #expect(ReviewPeriod("2024-07").previous?.label == "2024-06")
        #expect(ReviewPeriod("2024").previous?.label == "2023")
    }

    @Test("months per period: quarter 3, month 1, year 12")
    func months() {
        #expect(ReviewPeriod("2024Q2").monthCount == 3)
        #expect(ReviewPeriod("2024-02").monthCount == 1)
        #expect(ReviewPeriod("2024").monthCount == 12)
    }

    @Test("periods sort chronologically within a kind")
    func order() {
        let sorted = ["2024Q1", "2023Q4", "2024Q3"].map { ReviewPeriod($0) }.sorted().map(\.label)
        #expect(sorted == ["2023Q4", "2024Q1", "2024Q3"])
    }

    @Test("roles read in English and Chinese")
    func roles() {
        #expect(TeamRole(text: "Manager") == .manager)
        #expect(TeamRole(text: "大客户经理") == .manager)
        #expect(TeamRole(text: "总监") == .director)
        #expect(TeamRole(text: "专员") == .specialist)
        #expect(TeamRole(text: "boss") == nil)
    }
}
