import ScoringEngine

/// The known truth behind `kam generate --outcomes`: how each column of a generated prospect
/// list moves the log-odds of winning, as functions of the RAW values written in the file.
///
/// An account's probability of being won is
///
///     P(won) = σ(η),  η = `intercept` + Σⱼ fⱼ(xⱼ),  σ(t) = 1 / (1 + e^(−t)),
///
/// with `xⱼ` the value of column `j` as a reader sees it in the file (numbers without their
/// unit or thousands separator, `nil` when the cell is one of the missing codes) and `fⱼ`
/// the shapes below. Nothing depends on the rest of the list (no batch statistics), so a
/// row's outcome probability can be recomputed from the row alone with
/// `logOdds(ofRow:)`.
///
/// | column | shape | fⱼ(x) | missing |
/// |---|---|---|---|
/// | `decision_cycle_months` | step | +0.6 for x < 3, 0 for 3 ≤ x < 9, −0.8 for x ≥ 9 | 0 |
/// | `annual_ad_budget` (万元) | monotone, concave | +0.9 · log₁₀(1 + x / 100) | 0 |
/// | `industry` | categorical | ecommerce +0.5, gaming +0.3, finance −0.3, real_estate −0.4, manufacturing −0.6, satellite (rare, about 0.3%) +1.0, others 0 | 0 |
/// | `credit_rating` | categorical + missing | AAA, AA, A +0.2; BBB, BB, B 0; CCC, CC, C −0.4 | **−0.7** |
/// | `inside_contact` | binary | yes +0.5, no 0 | 0 |
/// | `support_balance` | linear | +0.3 · x | 0 |
/// | `deal_risk` | linear | −0.25 · (x − 3) | 0 |
/// | `stage` | linear | +0.25 · (x − 3) | 0 |
/// | `payment_delay_days` | linear | −0.01 · x | 0 |
/// | `zeroEffectColumns` | none | 0 | 0 |
///
/// Columns not in the table (`expected_share`, `deal_value`, ...) have no effect either.
/// `region` and `manager` are drawn independently of every effect column; the other
/// `zeroEffectColumns` are correlated with effect columns through the generator's latent
/// variables (technical difficulty and expected margin with the account's size, which
/// also drives the budget), so their marginal win rate is not flat although a joint fit
/// should give them (near) zero weight.
///
/// `followup_status` is a planted leak: written after the outcome, it equals the outcome
/// (`contract_signed` for won, `closed_no_deal` for lost) in 98% of rows and is a fair coin
/// otherwise, so its single-factor AUC is about 0.99.
///
/// To check a learner against it: a learned factor's contribution to the log-odds
/// (weight × utility, per bin or category) should follow fⱼ up to an additive constant,
/// e.g. bins of `decision_cycle_months` that break at `decisionCycleSteps`, a budget curve
/// rising like `budgetEffect`, `satellite` shrunk toward the overall rate, and a missing
/// credit rating worth about −0.7 against BBB. Marginal (one-column) win rates also carry
/// the effects of correlated columns, so compare joint fits, or compare per-group win
/// rates with the mean of σ(η) over the group's rows, as the generator's tests do.
///
/// With the intercept below, generated lists (default blank rate) are won about 30% of the
/// time.
///
/// Every function uses IEEE basic operations only (its own logarithm and exponential), so
/// the same row gives the same bits, and the same outcome, on every platform.
public enum ShapedHistoryTruth {
    /// β₀, the log-odds of an account whose every fⱼ is 0.
    public static let intercept = -1.5

    /// The industry label that only the shaped history writes: about 6% of the telecom
    /// accounts (0.3% of all accounts) are labelled `satellite` instead.
    public static let rareIndustry = "satellite"

    /// The share of telecom accounts relabelled `rareIndustry`.
    public static let rareIndustryShareOfTelecom = 0.06

    /// The share of rows whose `followup_status` copies the outcome; the rest get a fair coin.
    public static let leakAgreement = 0.98

    /// The leak's labels for a won and a lost account.
    public static let leakLabels = (won: "contract_signed", lost: "closed_no_deal")

    /// Columns with no effect at all on the outcome.
    public static let zeroEffectColumns = [
        "region", "manager", "expected_margin", "tech_difficulty", "referrals_signed",
        "industry_benchmark",
    ]

    /// Per-industry effects; labels not listed (and a missing industry) have 0.
    public static let industryEffects: [String: Double] = [
        "ecommerce": 0.5, "gaming": 0.3, "finance": -0.3, "real_estate": -0.4,
        "manufacturing": -0.6, rareIndustry: 1.0,
    ]

    /// Per-rating effects; a missing rating has `missingCreditRatingEffect`.
    public static let creditRatingEffects: [String: Double] = [
        "AAA": 0.2, "AA": 0.2, "A": 0.2, "BBB": 0, "BB": 0, "B": 0, "CCC": -0.4, "CC": -0.4,
        "C": -0.4,
    ]

    /// The effect of a missing credit rating.
    public static let missingCreditRatingEffect = -0.7

    /// The kind of curve a column's effect has, for reports and tests.
    public enum Shape: String, Sendable, CaseIterable {
        /// Constant between known breaks (`decisionCycleSteps`).
        case step
        /// Monotone but not linear.
        case monotone
        /// One effect per label.
        case categorical
        /// Two labels, one with an effect.
        case binary
        /// Proportional to the value.
        case linear
    }

    /// One column's effect: a function of its numeric value or of its text.
    public enum Effect: Sendable {
        /// fⱼ of a number (`nil` when missing).
        case numeric(Shape, @Sendable (Double?) -> Double)
        /// fⱼ of a label (`nil` when missing).
        case categorical(Shape, @Sendable (String?) -> Double)

        public var shape: Shape {
            switch self {
            case .numeric(let shape, _), .categorical(let shape, _): return shape
            }
        }
    }

    /// Every column with an effect, by column name.
    public static let effects: [String: Effect] = [
        "decision_cycle_months": .numeric(.step, decisionCycleEffect),
        "annual_ad_budget": .numeric(.monotone, budgetEffect),
        "industry": .categorical(.categorical, industryEffect),
        "credit_rating": .categorical(.categorical, creditRatingEffect),
        "inside_contact": .categorical(.binary, insideContactEffect),
        "support_balance": .numeric(.linear, supportBalanceEffect),
        "deal_risk": .numeric(.linear, dealRiskEffect),
        "stage": .numeric(.linear, stageEffect),
        "payment_delay_days": .numeric(.linear, paymentDelayEffect),
    ]

    /// The columns of `effects` in the order `logOdds(ofRow:)` and the generator add them
    /// (a fixed order, so the sum has the same bits every time).
    public static let effectColumns = [
        "decision_cycle_months", "annual_ad_budget", "industry", "credit_rating",
        "inside_contact", "support_balance", "deal_risk", "stage", "payment_delay_days",
    ]

    /// The step boundaries of `decision_cycle_months`: bins (−∞, 3), [3, 9), [9, ∞).
    public static let decisionCycleSteps: [Double] = [3, 9]

    /// +0.6 below 3 months, 0 from 3 to below 9, −0.8 from 9 months; 0 when missing.
    @Sendable public static func decisionCycleEffect(_ months: Double?) -> Double {
        guard let months else { return 0 }
        return months < 3 ? 0.6 : months < 9 ? 0 : -0.8
    }

    /// 0.9 · log₁₀(1 + budget / 100) for a budget in 万元; 0 when missing.
    ///
    /// Rises steeply up to a few hundred 万 and slowly after: 0.16 at 50, 0.54 at 300,
    /// 0.94 at 1,000, 2.07 at 20,000.
    @Sendable public static func budgetEffect(_ budget: Double?) -> Double {
        guard let budget, budget > -100 else { return 0 }
        return 0.9 * naturalLogarithm(1 + budget / 100) / 2.302_585_092_994_045_7
    }

    /// `industryEffects[label]`, 0 for other labels and when missing.
    @Sendable public static func industryEffect(_ label: String?) -> Double {
        guard let label else { return 0 }
        return industryEffects[label] ?? 0
    }

    /// `creditRatingEffects[rating]`; −0.7 when missing, 0 for an unknown rating.
    @Sendable public static func creditRatingEffect(_ rating: String?) -> Double {
        guard let rating else { return missingCreditRatingEffect }
        return creditRatingEffects[rating] ?? 0
    }

    /// +0.5 for `yes`, 0 for `no` and when missing.
    @Sendable public static func insideContactEffect(_ answer: String?) -> Double {
        answer == "yes" ? 0.5 : 0
    }

    /// +0.3 per supporter more than opponents; 0 when missing.
    @Sendable public static func supportBalanceEffect(_ balance: Double?) -> Double {
        guard let balance else { return 0 }
        return 0.3 * balance
    }

    /// −0.25 per risk point above 3; 0 when missing.
    @Sendable public static func dealRiskEffect(_ risk: Double?) -> Double {
        guard let risk else { return 0 }
        return -0.25 * (risk - 3)
    }

    /// +0.25 per stage above 3; 0 when missing.
    @Sendable public static func stageEffect(_ stage: Double?) -> Double {
        guard let stage else { return 0 }
        return 0.25 * (stage - 3)
    }

    /// −0.01 per day of payment delay; 0 when missing.
    @Sendable public static func paymentDelayEffect(_ days: Double?) -> Double {
        guard let days else { return 0 }
        return -0.01 * days
    }

    /// η for a row given as column name → cell text, exactly as written in the file.
    ///
    /// A cell that is one of `ProspectListGenerator.missingCodes` (or absent) is missing;
    /// numbers are read without quotes, thousands separators, `%` and `万`.
    public static func logOdds(ofRow cells: [String: String]) -> Double {
        var eta = intercept
        for column in effectColumns {
            guard let effect = effects[column] else { continue }
            let cell = cells[column].flatMap { ProspectListGenerator.missingCodes.contains($0) ? nil : $0 }
            switch effect {
            case .numeric(_, let f): eta += f(cell.flatMap(number))
            case .categorical(_, let f): eta += f(cell)
            }
        }
        return eta
    }

    /// σ(η) = 1 / (1 + e^(−η)), from IEEE basic operations only.
    public static func winProbability(logOdds eta: Double) -> Double {
        let clamped = min(max(eta, -600), 600)
        return 1 / (1 + SeededRandom.exponential(-clamped))
    }

    /// A number cell as the generator writes it: `"1,800"`, `1800万`, `35%`, `18.5`.
    static func number(_ cell: String) -> Double? {
        var text = cell.filter { $0 != "," && $0 != "\"" }
        if text.hasSuffix("万") || text.hasSuffix("%") { text.removeLast() }
        return Double(text)
    }

    /// The natural logarithm from IEEE basic operations only (``SeededRandom``'s), so that
    /// the truth gives the same bits on every platform.
    static func naturalLogarithm(_ x: Double) -> Double {
        SeededRandom.naturalLogarithm(x)
    }
}
