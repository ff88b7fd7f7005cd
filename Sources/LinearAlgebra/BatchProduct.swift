/// Panelled matrix products on raw row-major arrays, for streaming callers that reuse buffers.
///
/// ``Matrix/panelMultiplied(by:panelRows:)`` allocates its result; this variant writes into a
/// caller-owned array, so a loop over batches of accounts can keep one output buffer alive.
public enum BatchProduct {
    /// Computes `out = a · b` in row panels, one BLAS `dgemm` call per panel.
    ///
    /// `a` is an `rows × inner` matrix and `b` an `inner × columns` matrix, both row-major.
    /// Every entry of `out` is overwritten: `out[i * columns + j] = Σₖ a[i * inner + k] ·
    /// b[k * columns + j]` (zero when `inner == 0`). See
    /// ``Matrix/panelMultiplied(by:panelRows:)`` for why panels are faster on tall inputs.
    ///
    /// - Parameters:
    ///   - a: The left factor, row-major, with `a.count == rows * inner`.
    ///   - rows: Rows of `a` and of `out`; non-negative.
    ///   - inner: Columns of `a` and rows of `b`; non-negative.
    ///   - b: The right factor, row-major, with `b.count == inner * columns`.
    ///   - columns: Columns of `b` and of `out`; non-negative.
    ///   - out: The product, row-major; `out.count` must already be `rows * columns`.
    ///   - panelRows: Rows per `dgemm` call; must be positive. Defaults to 256.
    /// - Complexity: O(`rows * inner * columns`); no allocation.
    public static func multiply(
        _ a: [Double], rows: Int, inner: Int, by b: [Double], columns: Int,
        into out: inout [Double], panelRows: Int = 256
    ) {
        precondition(
            a.count == rows * inner,
            "Panel product requires a.count == rows × inner (got \(a.count) for \(rows)×\(inner))")
        BLAS.panelMultiply(
            a, rows: rows, inner: inner, by: b, columns: columns, into: &out,
            panelRows: panelRows)
    }

    /// Computes `out = a · bᵀ`, one BLAS `dgemm` call with `b` transposed by flag.
    ///
    /// `a` is a `rows × inner` matrix and `b` a `columns × inner` matrix, both row-major;
    /// every entry of `out` is overwritten: `out[i * columns + j] = Σₖ a[i * inner + k] ·
    /// b[j * inner + k]` (zero when `inner == 0`). Use it when the result must come out with
    /// `b`'s rows as columns, for example scores laid out draw by draw for a panel of
    /// accounts, without allocating or transposing a copy.
    ///
    /// - Parameters:
    ///   - a: The left factor, row-major, with `a.count == rows * inner`.
    ///   - rows: Rows of `a` and of `out`; non-negative.
    ///   - inner: Columns of `a` and of `b`; non-negative.
    ///   - b: The right factor before transposition, row-major, with `b.count == columns * inner`.
    ///   - columns: Rows of `b`, columns of `out`; non-negative.
    ///   - out: The product, row-major; `out.count` must already be `rows * columns`.
    /// - Complexity: O(`rows * inner * columns`); no allocation.
    public static func multiply(
        _ a: [Double], rows: Int, inner: Int, byTransposed b: [Double], columns: Int,
        into out: inout [Double]
    ) {
        BLAS.multiplyTransposed(a, rows: rows, inner: inner, byTransposed: b, columns: columns, into: &out)
    }

    /// Computes `out = a[rows, :] · b` for a window of consecutive rows of `a`, in row panels,
    /// one BLAS `dgemm` call per panel, reading `a` where it lies.
    ///
    /// Row `i` of `out` is row `rows.lowerBound + i` of `a` times `b`, the same bits as in
    /// ``multiply(_:rows:inner:by:columns:into:panelRows:)`` over all of `a`. Use it to
    /// score a large matrix window by window into one small, cache-resident buffer.
    ///
    /// - Parameters:
    ///   - a: The left factor, row-major, `inner` columns, at least `rows.upperBound` rows.
    ///   - rows: The rows of `a` to multiply; non-negative bounds.
    ///   - inner: Columns of `a` and rows of `b`; non-negative.
    ///   - b: The right factor, row-major, with `b.count == inner * columns`.
    ///   - columns: Columns of `b` and of `out`; non-negative.
    ///   - out: The product, row-major; `out.count` must already be `rows.count * columns`.
    ///   - panelRows: Rows per `dgemm` call; must be positive. Defaults to 256.
    /// - Complexity: O(`rows.count * inner * columns`); no allocation.
    public static func multiply(
        _ a: [Double], rows: Range<Int>, inner: Int, by b: [Double], columns: Int,
        into out: inout [Double], panelRows: Int = 256
    ) {
        BLAS.panelMultiply(
            a, firstRow: rows.lowerBound, rows: rows.count, inner: inner, by: b, columns: columns, into: &out,
            panelRows: panelRows)
    }
}
