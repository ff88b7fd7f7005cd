/// The length of one step of the pipeline's Markov chain: a calendar month or a week.
///
/// Periods are numbered by a single integer index so that "the next period" is `index + 1`:
/// months count from January of year 0 (`year · 12 + month − 1`), weeks are Monday to Sunday
/// counted from the week of 1970-01-01 (whose Monday is 1969-12-29, index 0).
public enum PeriodLength: String, Sendable, Codable, CaseIterable {
    case month
    case week

    /// The index of the period holding `date`.
    public func index(of date: CalendarDate) -> Int {
        switch self {
        case .month:
            let (year, month, _) = date.components
            return year * 12 + month - 1
        case .week:
            return Self.floorDivide(date.daysSinceEpoch + 3, 7)
        }
    }

    /// The first day of period `index`.
    public func firstDay(of index: Int) -> CalendarDate {
        switch self {
        case .month:
            let year = Self.floorDivide(index, 12)
            // A valid month and day 1 always exist.
            return CalendarDate(year: year, month: index - year * 12 + 1, day: 1)!
        case .week:
            return CalendarDate(daysSinceEpoch: 7 * index - 3)
        }
    }

    /// The last day of period `index`.
    public func lastDay(of index: Int) -> CalendarDate {
        firstDay(of: index + 1).adding(days: -1)
    }

    /// The number of days in period `index` (28...31 for months, 7 for weeks).
    public func dayCount(of index: Int) -> Int {
        lastDay(of: index).daysSinceEpoch - firstDay(of: index).daysSinceEpoch + 1
    }

    /// The last period that is complete on `date`: the period of `date` when `date` is its
    /// last day, else the one before.
    public func lastCompletePeriod(observedUntil date: CalendarDate) -> Int {
        let index = index(of: date)
        return lastDay(of: index) == date ? index : index - 1
    }

    /// How a period is named in reports: `2024-03` for a month, the Monday `2024-03-04` for
    /// a week.
    public func label(of index: Int) -> String {
        switch self {
        case .month:
            let first = firstDay(of: index).description
            return String(first.prefix(first.count - 3))
        case .week:
            return firstDay(of: index).description
        }
    }

    /// "month"/"months" or "week"/"weeks", or 月/个月 and 周.
    public func unit(_ language: Language, plural: Bool = false) -> String {
        switch (self, language) {
        case (.month, .en): return plural ? "months" : "month"
        case (.week, .en): return plural ? "weeks" : "week"
        // A count of months is "12 个月"; "12 月" would read as December.
        case (.month, .zh): return plural ? "个月" : "月"
        case (.week, .zh): return "周"
        }
    }

    static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
