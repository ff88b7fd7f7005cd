/// A scorecard item that starts at its maximum and loses points for counted events (seed
/// §2.2 工作态度 and 服务意识: 员工出勤率, 日常行为规范, "出现一次客户投诉,扣5分").
///
/// ## Mathematical contract
///
/// points = max(maximum − Σ deductions, floor) (no floor: no lower limit), where each
/// deduction reads one column of counts c₁…cₘ (one per month, or a single count):
///
/// - `each(p)`: p × Σ cᵢ (迟到 aside, "违反公司管理制度者,一次扣除2分");
/// - `monthlyTiers`: Σ tier(cᵢ).points, the tier being the one whose `from...to` holds the
///   month's count (none below the first tier: no deduction). Tiers apply per month, as
///   the seed writes them ("本月迟到1-3次者扣除1分,4-6次扣除2分").
public struct DeductionRule: Sendable, Equatable {
    /// Counts from `from` through `to` (no `to`: and above) cost `points`.
    public struct Tier: Sendable, Equatable {
        public let from: Double
        public let to: Double?
        public let points: Double

        public init(from: Double, to: Double? = nil, points: Double) {
            self.from = from
            self.to = to
            self.points = points
        }

        func contains(_ count: Double) -> Bool {
            count >= from - 1e-9 && (to.map { count <= $0 + 1e-9 } ?? true)
        }
    }

    /// How a column's counts cost points.
    public enum Charge: Sendable, Equatable {
        case each(Double)
        case monthlyTiers([Tier])
    }

    /// One counted column and its charge.
    public struct Deduction: Sendable, Equatable {
        public let column: String
        public let charge: Charge

        public init(column: String, charge: Charge) {
            self.column = column
            self.charge = charge
        }

        /// Points deducted for the counts (≥ 0).
        public func points(for counts: [Double]) -> Double {
            switch charge {
            case .each(let points):
                return points * counts.reduce(0, +)
            case .monthlyTiers(let tiers):
                return counts.reduce(0) { total, count in
                    total + (tiers.first { $0.contains(count) }?.points ?? 0)
                }
            }
        }
    }

    public let deductions: [Deduction]
    /// The least the item can score (0: a deduction cannot take more than the item holds);
    /// `nil`: no floor, so deductions reach into the total (the seed's complaints rule,
    /// −5 each).
    public let floor: Double?

    public init(deductions: [Deduction], floor: Double? = 0) {
        self.deductions = deductions
        self.floor = floor
    }

    /// How counts were scored.
    public struct Outcome: Sendable, Equatable {
        /// Per deduction, in rule order: the counts read and the points deducted.
        public let lines: [(column: String, counts: [Double], points: Double)]
        /// maximum − Σ deductions, before the floor.
        public let uncapped: Double
        public let points: Double
        public let floored: Bool

        public static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            lhs.uncapped == rhs.uncapped && lhs.points == rhs.points && lhs.floored == rhs.floored
                && lhs.lines.count == rhs.lines.count
                && zip(lhs.lines, rhs.lines).allSatisfy { $0.column == $1.column && $0.counts == $1.counts && $0.points == $1.points }
        }
    }

    /// Scores the counts of each column; not applicable when a column is not recorded.
    public func outcome(counts: [String: [Double]], maximum: Double) -> Result<Outcome, NotApplicable> {
        var lines: [(column: String, counts: [Double], points: Double)] = []
        var total = 0.0
        for deduction in deductions {
            guard let values = counts[deduction.column] else {
                return .failure(NotApplicable(.notRecorded(field: deduction.column)))
            }
            let points = deduction.points(for: values)
            lines.append((deduction.column, values, points))
            total += points
        }
        let uncapped = maximum - total
        var points = uncapped
        var floored = false
        if let floor, points < floor {
            points = floor
            floored = true
        }
        if points == 0 { points = 0 }
        return .success(Outcome(lines: lines, uncapped: uncapped, points: points, floored: floored))
    }
}
