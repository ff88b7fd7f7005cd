/// The random consistency index RI(n): the mean consistency index of random reciprocal
/// matrices of order n with entries drawn from the 1/9...9 scale. CR = CI / RI(n).
///
/// Two published sources, chosen by ``Table``:
///
/// - **Saaty 1980**: Thomas L. Saaty, *The Analytic Hierarchy Process*, McGraw-Hill, New
///   York, 1980, n ≤ 15 (the table reproduced in Saaty, "How to make a decision: The Analytic
///   Hierarchy Process", European Journal of Operational Research 48 (1990) 9–26, whose
///   house-buying example divides CI = 0.238 by RI(8) = 1.41 to print CR = 0.169). Its
///   values come from few matrices per order (note RI(12) = 1.48 < RI(11) = 1.51).
/// - **Alonso–Lamata 2006**: J. A. Alonso and M. T. Lamata, "Consistency in the analytic
///   hierarchy process: a new approach", International Journal of Uncertainty, Fuzziness and
///   Knowledge-Based Systems 14 (2006) 445–459: RI(n) simulated from 500,000 matrices per
///   order for n ≤ 15, and the straight line they fit to the mean λmax of random matrices,
///   λ̄max(n) = 2.7699 n − 4.3513, which gives RI(n) = (1.7699 n − 4.3513)/(n − 1) for any n
///   (used here beyond 15; it tends to 1.77, the mean entry of the scale minus 1). A cubic
///   fit of the table found in some software, 0.00149n³ − 0.05121n² + 0.59150n − 0.79124,
///   matches up to 15 but grows without bound beyond (2.47 at n = 20, where simulation
///   gives 1.63), so it is not used.
///
/// `Tests/ScoringEngineTests/Weights/RandomIndexTests.swift` checks both against a
/// simulation of random matrices.
public enum RandomIndex {
    /// Which random index to divide CI by.
    public enum Table: String, Sendable, CaseIterable {
        /// Saaty (1980) for n ≤ 15, Alonso–Lamata's formula beyond (the default).
        case auto
        /// Saaty (1980) only: no RI (and so no CR) for n > 15.
        case saaty1980
        /// Alonso–Lamata (2006): their table for n ≤ 15, their formula beyond.
        case alonsoLamata = "alonso-lamata"
    }

    /// Where an RI value came from.
    public enum Source: String, Sendable, Equatable, CaseIterable {
        case saaty1980 = "saaty1980"
        case alonsoLamataTable = "alonso-lamata-table"
        case alonsoLamataFormula = "alonso-lamata-formula"

        /// A citation for reports.
        public var citation: String {
            switch self {
            case .saaty1980: return "Saaty (1980) table"
            case .alonsoLamataTable: return "Alonso–Lamata (2006) table"
            case .alonsoLamataFormula: return "Alonso–Lamata (2006) formula (1.7699n − 4.3513)/(n − 1)"
            }
        }
    }

    /// Saaty's RI for n = 1...15 (index n − 1).
    public static let saaty1980: [Double] = [
        0.00, 0.00, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
    ]

    /// Alonso and Lamata's simulated RI for n = 1...15 (index n − 1).
    public static let alonsoLamata2006: [Double] = [
        0, 0, 0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056, 1.4499, 1.4854, 1.5141, 1.5365, 1.5551, 1.5713, 1.5838,
    ]

    /// Alonso and Lamata's RI from their linear fit of λ̄max: (1.7699 n − 4.3513)/(n − 1), n ≥ 3.
    public static func alonsoLamataFormula(order n: Int) -> Double {
        precondition(n >= 3, "The Alonso–Lamata formula is for n ≥ 3")
        return (1.7699 * Double(n) - 4.3513) / Double(n - 1)
    }

    /// Saaty's RI(n), or `nil` when his table has no entry (n < 1 or n > 15).
    public static func value(forOrder n: Int) -> Double? {
        guard n >= 1, n <= saaty1980.count else { return nil }
        return saaty1980[n - 1]
    }

    /// RI(n) from `table` and where it came from, or `nil` when the table has no entry
    /// (n < 1, or n > 15 with ``Table/saaty1980``).
    public static func value(forOrder n: Int, table: Table) -> (value: Double, source: Source)? {
        guard n >= 1 else { return nil }
        switch table {
        case .saaty1980:
            return value(forOrder: n).map { ($0, .saaty1980) }
        case .auto:
            if let saaty = value(forOrder: n) { return (saaty, .saaty1980) }
            return (alonsoLamataFormula(order: n), .alonsoLamataFormula)
        case .alonsoLamata:
            if n <= alonsoLamata2006.count { return (alonsoLamata2006[n - 1], .alonsoLamataTable) }
            return (alonsoLamataFormula(order: n), .alonsoLamataFormula)
        }
    }

    /// The largest consistency ratio Saaty accepts: 0.10.
    public static let acceptableRatio = 0.10
}
