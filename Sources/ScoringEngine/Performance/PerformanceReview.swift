/// The indicators and scorecards of everyone under review, and of each team.
public struct PerformanceReview: Sendable {
    /// One person's review for one period.
    public struct PersonResult: Sendable {
        public let record: PerformanceRecord
        /// One value per indicator, in ``Indicator/allCases`` order.
        public let indicators: [IndicatorValue]
        /// The person's accounts in the prospect list; `nil` without a list.
        public let profile: ProfileSummary?
        public let scorecard: Scorecard.Outcome

        public func value(of indicator: Indicator) -> IndicatorValue {
            indicators[Indicator.allCases.firstIndex(of: indicator) ?? 0]
        }
    }

    /// One team's review for one period.
    public struct TeamResult: Sendable {
        public let period: ReviewPeriod
        public let team: String
        /// Members in plan order.
        public let members: [String]
        /// Per indicator (``Indicator/allCases`` order): the team's value and how many
        /// members' figures it covers.
        public let indicators: [(value: IndicatorValue, covered: Int)]
        public let profile: ProfileSummary?
        /// The totals of the members who were scored, in plan order.
        public let scorecardTotals: [Double]
        /// Members the scorecard does not review, or whose total is undefined.
        public let notScored: Int

        public func value(of indicator: Indicator) -> (value: IndicatorValue, covered: Int) {
            indicators[Indicator.allCases.firstIndex(of: indicator) ?? 0]
        }

        /// Mean of the scorecard totals, or `nil` when nobody was scored.
        public var meanTotal: Double? {
            scorecardTotals.isEmpty ? nil : scorecardTotals.reduce(0, +) / Double(scorecardTotals.count)
        }
    }

    public let people: [PersonResult]
    /// By period, then in order of each team's first member in the plan.
    public let teams: [TeamResult]
    /// Managers named in the prospect list who are nobody under review, with their
    /// account counts, by name ("" for accounts without a manager); empty without a list.
    public let unassignedAccounts: [(manager: String, accounts: Int)]

    /// Reviews every record.
    ///
    /// - Parameters:
    ///   - records: Joined plan and actual rows.
    ///   - scorecard: The scorecard rules.
    ///   - profiles: Profile summaries by manager name, or `nil` without a prospect list.
    /// - Complexity: O(records × (indicators + scorecard items)).
    public init(records: [PerformanceRecord], scorecard: Scorecard, profiles: [String: ProfileSummary]?) {
        let calculator = IndicatorCalculator()
        var people: [PersonResult] = []
        for record in records {
            let profile = profiles.map { $0[record.person] ?? ProfileSummary() }
            people.append(
                PersonResult(
                    record: record, indicators: calculator.values(for: record, profile: profile), profile: profile,
                    scorecard: scorecard.evaluate(record)))
        }
        self.people = people

        struct TeamKey: Hashable {
            let period: ReviewPeriod
            let team: String
        }
        var order: [TeamKey] = []
        var membersByTeam: [TeamKey: [PersonResult]] = [:]
        for person in people {
            let key = TeamKey(period: person.record.period, team: person.record.team)
            if membersByTeam[key] == nil { order.append(key) }
            membersByTeam[key, default: []].append(person)
        }
        // Teams keep plan order within a period (index as tie-breaker: `sort` is not
        // documented as stable).
        order = order.enumerated().sorted {
            $0.element.period != $1.element.period ? $0.element.period < $1.element.period : $0.offset < $1.offset
        }.map(\.element)
        teams = order.map { key in
            let members = membersByTeam[key] ?? []
            let inputs = members.map { (record: $0.record, profile: $0.profile) }
            var profile: ProfileSummary? = nil
            if profiles != nil {
                var sum = ProfileSummary()
                for member in members { if let summary = member.profile { sum.add(summary) } }
                profile = sum
            }
            var totals: [Double] = []
            var notScored = 0
            for member in members {
                if let total = member.scorecard.result?.total { totals.append(total) } else { notScored += 1 }
            }
            return TeamResult(
                period: key.period, team: key.team, members: members.map(\.record.person),
                indicators: Indicator.allCases.map { calculator.teamValue(of: $0, members: inputs) }, profile: profile,
                scorecardTotals: totals, notScored: notScored)
        }

        if let profiles {
            let reviewed = Set(records.map(\.person))
            unassignedAccounts = profiles.filter { !reviewed.contains($0.key) }
                .map { (manager: $0.key, accounts: $0.value.accounts) }
                .sorted { $0.accounts != $1.accounts ? $0.accounts > $1.accounts : $0.manager < $1.manager }
        } else {
            unassignedAccounts = []
        }
    }
}
