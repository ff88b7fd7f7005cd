/// A scorecard rule that scores how far a measure lies from a standard, in steps
/// (seed §2.2 销售完成率: "考核标准为100%,每低于5%,扣除该项1分。每高于5%,加分1分").
///
/// ## Mathematical contract
///
/// With the measured value m, the standard s and d = m − s:
///
/// - d > 0 and an `above` rate (step a, points p): k = steps(d / a), points = P₀ + k·p;
/// - d < 0 and a `below` rate (step b, points q): k = steps(−d / b), points = P₀ − k·q;
/// - otherwise (at the standard, or no rate on that side: "出现负增长不扣分"): points = P₀,
///
/// where P₀ is `pointsAtStandard` and steps(x) counts partial steps per ``PartialSteps``:
/// `whole` ⌊x⌋, `started` ⌈x⌉, `proportional` x. To absorb rounding in m (a completion of
/// 95% computed as 94.999999999), x within 1e-9 of a whole number counts as that number.
/// Then, unless `bonusMayExceedMaximum`, points = min(points, maximum); and with a `floor`,
/// points = max(points, floor).
public struct SteppedRule: Sendable, Equatable {
    /// What is measured.
    public enum Measure: String, Sendable, CaseIterable {
        /// 100 × sales / planned sales (percent; not applicable with a plan of zero).
        case salesCompletion = "sales_completion"
        /// sales − previous period's sales (money); the plan's `growth_step`, when set,
        /// replaces the `above` step.
        case salesGrowth = "sales_growth"
        /// new accounts − planned new accounts (a count).
        case newAccountsVersusPlan = "new_accounts_vs_plan"
    }

    /// Points per step on one side of the standard.
    public struct Rate: Sendable, Equatable {
        /// The size of a step in the measure's unit; > 0.
        public let step: Double
        /// Points added (above) or taken (below) per step; ≥ 0.
        public let points: Double

        public init(step: Double, points: Double) {
            self.step = step
            self.points = points
        }
    }

    /// How a step that is only partly covered counts.
    public enum PartialSteps: String, Sendable, CaseIterable {
        /// Only complete steps count: 96% is no step below 100%, 94% one (the seed's
        /// "每低于5%": for each full 5%).
        case whole
        /// Every started step counts: 99% is one step below.
        case started
        /// Steps count in proportion: 97% is 0.6 of a step below.
        case proportional
    }

    public let measure: Measure
    public let standard: Double
    public let pointsAtStandard: Double
    public let above: Rate?
    public let below: Rate?
    public let partialSteps: PartialSteps
    /// Whether points above the standard may take the item past its maximum (the seed's
    /// 加分: 110% of plan earns 27 of a 25-point item).
    public let bonusMayExceedMaximum: Bool
    /// The least the item can score (the seed's "扣除该项": deductions come out of this
    /// item only, so 0); `nil`: no floor.
    public let floor: Double?

    public init(
        measure: Measure, standard: Double, pointsAtStandard: Double, above: Rate?, below: Rate?,
        partialSteps: PartialSteps = .whole, bonusMayExceedMaximum: Bool = true, floor: Double? = 0
    ) {
        self.measure = measure
        self.standard = standard
        self.pointsAtStandard = pointsAtStandard
        self.above = above
        self.below = below
        self.partialSteps = partialSteps
        self.bonusMayExceedMaximum = bonusMayExceedMaximum
        self.floor = floor
    }

    /// How a measured value was scored.
    public struct Outcome: Sendable, Equatable {
        public let measured: Double
        /// Steps counted: positive above the standard, negative below, zero at it or on a
        /// side without a rate.
        public let steps: Double
        /// The step size used on the side the measure fell, or `nil` at the standard.
        public let step: Double?
        /// Points before the maximum and the floor were applied.
        public let uncapped: Double
        public let points: Double
        /// Whether the maximum lowered the points.
        public let capped: Bool
        /// Whether the floor raised the points.
        public let floored: Bool
    }

    /// Scores a measured value; see the type's contract.
    ///
    /// - Parameters:
    ///   - measured: The measure's value (finite).
    ///   - maximum: The item's maximum.
    ///   - aboveStep: A step size that replaces `above.step` (the plan's growth step).
    public func outcome(measured: Double, maximum: Double, aboveStep: Double? = nil) -> Outcome {
        precondition(measured.isFinite, "A stepped rule measures finite values")
        let difference = measured - standard
        var steps = 0.0
        var step: Double? = nil
        var points = pointsAtStandard
        if difference > 0, let above {
            let size = aboveStep ?? above.step
            steps = count(difference / size)
            step = size
            points += steps * above.points
        } else if difference < 0, let below {
            steps = count(-difference / below.step)
            step = below.step
            points -= steps * below.points
            steps = -steps
        }
        let uncapped = points
        var capped = false
        var floored = false
        if !bonusMayExceedMaximum && points > maximum {
            points = maximum
            capped = true
        }
        if let floor, points < floor {
            points = floor
            floored = true
        }
        // -0.0 would print as "-0".
        if points == 0 { points = 0 }
        return Outcome(
            measured: measured, steps: steps == 0 ? 0 : steps, step: step, uncapped: uncapped, points: points,
            capped: capped, floored: floored)
    }

    /// Counts `x` ≥ 0 steps under the partial-step rule.
    func count(_ x: Double) -> Double {
        let tolerance = 1e-9
        let nearest = x.rounded()
        if abs(x - nearest) <= tolerance { return nearest }
        switch partialSteps {
        case .whole: return x.rounded(.down)
        case .started: return x.rounded(.up)
        case .proportional: return x
        }
    }
}
