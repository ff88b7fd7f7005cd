import Foundation

/// Σ ln(1 + e^−|tᵢ|) over many rows, the costly term of a logistic log-likelihood
/// (ln(1 + e^t) = max(t, 0) + ln(1 + e^−|t|)), with one `log` per ``groupRows`` rows instead
/// of one `log1p` per row.
///
/// Each row brings its e^−|t| (which the caller has computed anyway, for the row's
/// probability); the factors 1 + e^−|t|, each in (1, 2], are multiplied ``groupRows`` at a time
/// (a product below 2⁸: it cannot overflow) and the logarithm of each product is added. The
/// product's rounding, a few ulps of a number below 2⁸, is about 10⁻¹⁵ per group: over a
/// million rows far below the 10⁻¹² relative allowance the fits' line searches give the
/// objective. ``LogisticRegression``'s objective groups its rows the same way.
struct SoftplusSum {
    /// Rows whose factors are multiplied before one logarithm.
    static let groupRows = 8
    private var product = 1.0
    private var pending = 0
    private var total = 0.0

    init() {}

    /// Adds one row's ln(1 + `e`), `e` = e^−|t| (in [0, 1]).
    @inline(__always)
    mutating func add(_ e: Double) {
        product *= 1 + e
        pending &+= 1
        if pending == Self.groupRows {
            total += log(product)
            product = 1
            pending = 0
        }
    }

    /// The sum of ln(1 + e) over the rows added.
    var value: Double { pending == 0 ? total : total + log(product) }
}
