/// Saaty's random consistency index RI(n): the mean consistency index of random reciprocal
/// matrices of order n with entries drawn from the 1/9...9 scale.
///
/// Source: Thomas L. Saaty, *The Analytic Hierarchy Process*, McGraw-Hill, New York, 1980
/// (the table reproduced in Saaty, "How to make a decision: The Analytic Hierarchy Process",
/// European Journal of Operational Research 48 (1990) 9–26, whose house-buying example
/// divides CI = 0.238 by RI(8) = 1.41 to print CR = 0.169). Other authors simulated
/// slightly different values (e.g. Alonso and Lamata 2006); we keep Saaty's so that
/// results match his published examples.
public enum RandomIndex {
    /// RI for n = 1...15 (index n − 1).
    public static let saaty1980: [Double] = [
        0.00, 0.00, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
    ]

    /// RI(n), or `nil` when the table has no entry (n < 1 or n > 15).
    public static func value(forOrder n: Int) -> Double? {
        guard n >= 1, n <= saaty1980.count else { return nil }
        return saaty1980[n - 1]
    }

    /// The largest consistency ratio Saaty accepts: 0.10.
    public static let acceptableRatio = 0.10
}
