import ScoringEngine
import Testing

@Suite("Calendar dates and periods")
struct CalendarDateTests {
    @Test("known dates convert to and from days since 1970-01-01")
    func knownDates() throws {
        #expect(CalendarDate(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(CalendarDate(year: 2000, month: 3, day: 1)?.daysSinceEpoch == 11_017)
        #expect(CalendarDate(year: 1969, month: 12, day: 31)?.daysSinceEpoch == -1)
        let date = try #require(CalendarDate(text: "2024-02-29"))
        #expect(date.description == "2024-02-29")
        #expect(date.weekday == 3)  // a Thursday
        #expect(CalendarDate(text: "2023-02-29") == nil)
        #expect(CalendarDate(text: "2024/3/5")?.description == "2024-03-05")
        #expect(CalendarDate(text: "24-03-05") == nil)
        #expect(CalendarDate(text: "2024-13-01") == nil)
        #expect(CalendarDate(text: "soon") == nil)
    }

    @Test("every day of four centuries round-trips through its components")
    func roundTrip() {
        var day = CalendarDate(year: 1800, month: 1, day: 1)!.daysSinceEpoch
        let end = CalendarDate(year: 2200, month: 12, day: 31)!.daysSinceEpoch
        var previous = CalendarDate(daysSinceEpoch: day - 1).components
        while day <= end {
            let components = CalendarDate(daysSinceEpoch: day).components
            #expect(CalendarDate(year: components.year, month: components.month, day: components.day)?.daysSinceEpoch == day)
            // Consecutive days: the day advances by one or the month starts again at 1.
            #expect(components.day == previous.day + 1 || components.day == 1)
            previous = components
            day += 1
        }
    }

    @Test("months and weeks number periods consecutively, with first and last days")
    func periods() {
        let month = PeriodLength.month
        let date = CalendarDate(year: 2024, month: 2, day: 15)!
        let index = month.index(of: date)
        #expect(month.firstDay(of: index).description == "2024-02-01")
        #expect(month.lastDay(of: index).description == "2024-02-29")
        #expect(month.index(of: CalendarDate(year: 2024, month: 3, day: 1)!) == index + 1)
        #expect(month.label(of: index) == "2024-02")
        #expect(month.lastCompletePeriod(observedUntil: CalendarDate(year: 2024, month: 2, day: 29)!) == index)
        #expect(month.lastCompletePeriod(observedUntil: CalendarDate(year: 2024, month: 2, day: 28)!) == index - 1)
        let week = PeriodLength.week
        let monday = CalendarDate(year: 2024, month: 3, day: 4)!
        #expect(week.firstDay(of: week.index(of: monday)) == monday)
        #expect(week.index(of: monday.adding(days: 6)) == week.index(of: monday))
        #expect(week.index(of: monday.adding(days: 7)) == week.index(of: monday) + 1)
        #expect(week.index(of: monday.adding(days: -1)) == week.index(of: monday) - 1)
        #expect(week.label(of: week.index(of: monday.adding(days: 3))) == "2024-03-04")
        #expect(week.dayCount(of: 17) == 7)
    }
}
