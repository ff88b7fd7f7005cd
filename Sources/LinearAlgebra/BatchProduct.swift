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
        BLAS.panelMultiply(
            a, rows: rows, inner: inner, by: b, columns: columns, into: &out,
            panelRows: panelRows)
    }
}
