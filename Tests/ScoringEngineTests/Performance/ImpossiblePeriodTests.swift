import ScoringEngine
import Testing

/// Periods that look like a quarter or month but do not exist are named, so the files that
/// hold them refuse the row at read time (issue 14: `2024Q5` was read as free text and
/// later rejected with a misleading message).
@Suite("Review periods that cannot exist")
struct ImpossiblePeriodTests {
    @Test(
        "impossible quarters and months are named with the reason",
        arguments: [
            ("2024Q5", "quarter 5 does not exist; a quarter is Q1 to Q4"),
            ("2024-Q0", "quarter 0 does not exist; a quarter is Q1 to Q4"),
            ("Q5 2024", "quarter 5 does not exist; a quarter is Q1 to Q4"),
            ("2024年第5季度", "quarter 5 does not exist; a quarter is Q1 to Q4"),
            ("2024年第五季度", "quarter 五 does not exist; a quarter is Q1 to Q4"),
            ("2024-13", "month 13 does not exist; a month is 1 to 12"),
            ("2024年0月", "month 0 does not exist; a month is 1 to 12"),
        ])
    func impossible(text: String, reason: String) {
        #expect(ReviewPeriod.impossiblePeriod(text) == reason)
    }

    @Test(
        "valid periods and plain text are not flagged",
        arguments: ["2024Q2", "2024-Q4", "Q1 2024", "2024年第二季度", "2024-06", "2024年12月", "2024", "2024年", "H1 2024", "FY2024", "spring"])
    func valid(text: String) {
        #expect(ReviewPeriod.impossiblePeriod(text) == nil)
    }
}
