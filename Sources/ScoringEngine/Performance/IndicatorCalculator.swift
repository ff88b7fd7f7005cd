/// Computes the §2.1 indicators of a person from their joined plan and actuals, and of a
/// team from its members.
///
/// ## Mathematical contract
///
/// Every indicator is 100 × n / d for the numerator n and denominator d named by
/// ``Indicator/terms``. For a person, n and d are the person's figures; for a team they are
/// the sums over the members for whom both are recorded (a ratio of sums, not a mean of
/// ratios, so a large account weighs by its size). Then:
///
/// - d > 0: the value is 100 × n / d, uncapped (above 100 for over-achievement; growth may
///   be negative);
/// - d = 0: not applicable, ``NotApplicable/Reason/zeroDenominator(denominator:numerator:numeratorValue:)``
///   — e.g. a plan of zero, no cash due, no budget — never a division by zero;
/// - n or d not recorded: not applicable, with the field that is missing.
///
/// Profile completeness has n = Σ account completeness, d = number of accounts; with no
/// accounts it is ``NotApplicable/Reason/noAccounts``, with no prospect list
/// ``NotApplicable/Reason/noProspectList``.
public struct IndicatorCalculator: Sendable {
    public init() {}

    /// The numerator and denominator of one indicator for one person, or why they are
    /// missing.
    ///
    /// - Parameters:
    ///   - indicator: Which indicator.
    ///   - record: The person's plan and actuals.
    ///   - profile: The person's accounts in the prospect list (an empty summary when the
    ///     list has none), or `nil` when no list was given.
    public func terms(
        of indicator: Indicator, for record: PerformanceRecord, profile: ProfileSummary?
    ) -> Result<(numerator: Double, denominator: Double), NotApplicable> {
        let plan = record.plan
        let actual = record.actual
        func both(_ numerator: Double?, _ denominator: Double?) -> Result<(numerator: Double, denominator: Double), NotApplicable> {
            guard let numerator else { return .failure(NotApplicable(.notRecorded(field: indicator.terms.numerator))) }
            guard let denominator else { return .failure(NotApplicable(.notRecorded(field: indicator.terms.denominator))) }
            return .success((numerator, denominator))
        }
        switch indicator {
        case .salesCompletion: return both(actual.sales, plan.plannedSales)
        case .developmentCompletion: return both(actual.accountsDeveloped, plan.plannedDevelopments)
        case .settlementRate: return both(actual.settled, plan.plannedSettlement)
        case .collectionRate: return both(actual.cashCollected, actual.cashDue)
        case .expenseControl: return both(actual.expenses, plan.expenseBudget)
        case .churnRate: return both(actual.accountsLost, actual.accountsAtStart)
        case .newAccountRate: return both(actual.newAccounts, actual.accountsAtStart)
        case .salesGrowth:
            switch record.previousSales {
            case .unknown(let previous):
                return .failure(NotApplicable(.noPreviousSales(previousPeriod: previous?.label)))
            case .stated(let previous), .previousRow(let previous, _, _):
                return .success((actual.sales - previous, previous))
            }
        case .profileCompleteness:
            guard let profile else { return .failure(NotApplicable(.noProspectList)) }
            return .success((profile.completenessSum, Double(profile.accounts)))
        }
    }

    /// One indicator's value for one person; see the type's contract.
    public func value(of indicator: Indicator, for record: PerformanceRecord, profile: ProfileSummary?) -> IndicatorValue {
        switch terms(of: indicator, for: record, profile: profile) {
        case .failure(let reason): return .notApplicable(reason)
        case .success(let terms): return Self.value(of: indicator, numerator: terms.numerator, denominator: terms.denominator)
        }
    }

    /// Every indicator for one person, in ``Indicator/allCases`` order.
    public func values(for record: PerformanceRecord, profile: ProfileSummary?) -> [IndicatorValue] {
        Indicator.allCases.map { value(of: $0, for: record, profile: profile) }
    }

    /// A team's value of one indicator: the ratio of the sums over the members whose
    /// figures are recorded.
    ///
    /// - Returns: The value and how many members contributed to it. With no member
    ///   contributing, the value carries the first member's reason.
    public func teamValue(
        of indicator: Indicator, members: [(record: PerformanceRecord, profile: ProfileSummary?)]
    ) -> (value: IndicatorValue, covered: Int) {
        var numerator = 0.0
        var denominator = 0.0
        var covered = 0
        var firstReason: NotApplicable?
        for member in members {
            switch terms(of: indicator, for: member.record, profile: member.profile) {
            case .success(let terms):
                numerator += terms.numerator
                denominator += terms.denominator
                covered += 1
            case .failure(let reason):
                if firstReason == nil { firstReason = reason }
            }
        }
        guard covered > 0 else {
            return (.notApplicable(firstReason ?? NotApplicable(.notRecorded(field: indicator.terms.denominator))), 0)
        }
        return (Self.value(of: indicator, numerator: numerator, denominator: denominator), covered)
    }

    static func value(of indicator: Indicator, numerator: Double, denominator: Double) -> IndicatorValue {
        if indicator == .profileCompleteness && denominator == 0 { return .notApplicable(NotApplicable(.noAccounts)) }
        return .ratio(
            numerator, denominator, numeratorName: indicator.terms.numerator, denominatorName: indicator.terms.denominator)
    }
}
