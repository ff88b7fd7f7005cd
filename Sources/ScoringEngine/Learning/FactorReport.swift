import Foundation

/// A number with 3 significant digits, for sentences.
private func rounded(_ value: Double) -> String {
    String(format: "%.3g", value)
}

/// What ``ModelLearner`` learned about one input column: its groups (bins or categories),
/// how informative it is, and whether and why it is in the learned model.
public struct FactorReport: Sendable {
    /// Numeric or categorical.
    public enum Kind: String, Sendable, Equatable {
        case numeric
        case categorical
    }

    /// The form of the learned utility.
    public enum Shape: Sendable, Equatable {
        /// Bins merged until the win rate moves one way only (pool adjacent violators).
        case monotone(winRateIncreases: Bool)
        /// Bins merged where their win rates do not differ (ChiMerge), any shape.
        case free
        /// A utility per category.
        case categorical
    }

    /// Whether the column is a factor of the learned model.
    public enum Status: String, Sendable, Equatable {
        case kept
        case leftOut = "left_out"
    }

    /// Why a column was kept or left out.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// Kept: a factor of the base model.
        case baseModelFactor
        /// Kept: a candidate whose information value reaches the threshold (`all` mode).
        case informative(iv: Double, threshold: Double)
        /// Left out: a candidate whose information value is below the threshold.
        case weakInformation(iv: Double, threshold: Double)
        /// Left out: its single-factor out-of-fold AUC is above the threshold, so it is
        /// probably written after the outcome.
        case leak(auc: Double, threshold: Double)
        /// Weight 0 (base factor) or left out (candidate): the win rate does not vary with it.
        case flat
        /// Not a candidate: too many distinct labels (names, ids).
        case tooManyLabels(count: Int, limit: Int)
        /// Weight 0 or left out: every value is missing.
        case noValues
        /// Weight 0: the fit could not separate it from the other factors (not produced
        /// while the prior strength is positive).
        case rankDeficient
        /// Weight 0: its coefficient in the joint fit has the wrong sign for its side.
        case contradicted(coefficient: Double)
        /// Not considered (`model` mode and the column is not read by a base factor).
        case notConsidered
        /// Left out: the column looks like an identifier (``ColumnScreening/idLikeReason(_:)``);
        /// `--include` keeps it.
        case idLike(String)
        /// Left out: its name or content says it may be written after the outcome
        /// (``ColumnScreening/leakHint(_:)``), with its single-factor AUC when learned;
        /// `--include` keeps it.
        case possibleLeak(hint: String, auc: Double?)
        /// Weight 0: the model declares that the win rate rises (or falls) with it, and the
        /// monotone fit pooled all its values into one group: the data does not support the
        /// declared direction (only missing values may differ).
        case shapeContradicted(winRateShouldRise: Bool)
        /// Kept: a pairwise interaction that lowers the out-of-fold log loss by
        /// `improvement` per account.
        case interaction(improvement: Double)

        public var description: String {
            switch self {
            case .interaction(let improvement):
                return "pairwise interaction: lowers the out-of-fold log loss by \(rounded(improvement)) per account"
            case .baseModelFactor:
                return "a factor of the base model"
            case .informative(let iv, let threshold):
                return "information value \(rounded(iv)) reaches \(rounded(threshold))"
            case .weakInformation(let iv, let threshold):
                return "information value \(rounded(iv)) is below \(rounded(threshold))"
            case .leak(let auc, let threshold):
                return "likely leak: on its own it predicts the outcome with AUC \(rounded(auc)) "
                    + "(above \(rounded(threshold))); it was probably written after the outcome"
            case .flat:
                return "the win rate does not vary with it"
            case .tooManyLabels(let count, let limit):
                return "\(count) distinct labels (more than \(limit)): a name or id, not a factor"
            case .noValues:
                return "every value is missing"
            case .rankDeficient:
                return "the fit cannot tell it apart from the other factors"
            case .contradicted(let coefficient):
                return "its coefficient (\(rounded(coefficient))) has the wrong sign for its side once the other factors are in"
            case .notConsidered:
                return "not a factor of the base model (use --candidates all to consider it)"
            case .idLike(let why):
                return "looks like an id (\(why)); left out unless --include names it"
            case .possibleLeak(let hint, let auc):
                return "possible leak: \(hint)\(auc.map { ", single-factor AUC \(rounded($0))" } ?? ""); left out unless --include names it"
            case .shapeContradicted(let rise):
                return
                    "the data does not support the declared direction: the win rate does not \(rise ? "rise" : "fall") with it (all its values pooled into one group)"
            }
        }
    }

    /// A bin, category, the pooled other categories, or the missing values.
    public struct Group: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// Values with `lower ≤ x < upper` (`nil`: unbounded).
            case bin(lower: Double?, upper: Double?)
            case category(String)
            /// Rare categories pooled at fit time (and every label never seen).
            case other(pooled: [String])
            case missing
        }
        public let kind: Kind
        /// Decided accounts in the group, and how many were won.
        public let count: Int
        public let won: Int
        /// `won / count`, `nil` when empty.
        public var winRate: Double? { count > 0 ? Double(won) / Double(count) : nil }
        /// The shrunk log-odds `ln(r̃ / (1 − r̃))`, `r̃ = (won + m p̄) / (count + m)`.
        public let logOdds: Double
        /// `ln(%won / %lost)` of the group (0.5 added to both cells when one is 0; 0 when empty).
        public let weightOfEvidence: Double
        /// The utility an account in the group gets, after the factor's direction.
        public let utility: Double
        /// The utility as stored in the scale (before the direction); for the missing group
        /// the stated utility, equal to ``utility``.
        public let scaleUtility: Double
    }

    /// The input column's name.
    public let column: String
    /// The factor id: the base factor's, or the column name made into an id.
    public let factorID: String
    public let label: LocalizedLabel
    public let side: Factor.Side
    public let direction: Factor.Direction
    public let inBaseModel: Bool
    public let kind: Kind
    /// The form used (`nil` when nothing was learned: too many labels, no values, not considered).
    public let shape: Shape?
    public let status: Status
    public let reason: Reason
    /// Bins in order (or categories, then other), then the missing group; learned on all rows.
    public let groups: [Group]
    /// Σ (%won − %lost) · WoE over the groups, on all rows.
    public let informationValue: Double?
    /// Out-of-fold AUC of the column alone (its groups' log-odds learned on the other folds).
    public let singleFactorAUC: Double?
    /// Out-of-fold AUC of the learned model minus that of the model refitted without the factor.
    public let contribution: Double?
    /// The factor's coefficient in the final fit (log-odds per unit of final utility, signed).
    public let coefficient: Double?
    /// The factor's weight within its side in the learned model (0 when left out or flat).
    public let weight: Double
}
