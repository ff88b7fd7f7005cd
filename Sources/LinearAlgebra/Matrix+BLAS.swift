internal import COpenBLAS

// MARK: - Public products

extension Matrix {
    /// The matrix–vector product `y = A x` (BLAS `dgemv`).
    ///
    /// `y[i] = Σⱼ A[i, j] · x[j]`, rounded as OpenBLAS accumulates it (each entry within a
    /// small multiple of `columns · ε · Σⱼ |A[i, j] · x[j]|` of the exact sum).
    ///
    /// - Parameter vector: `x`, with `vector.count == columns`.
    /// - Returns: `y`, with `rows` entries; all zeros when `columns == 0`.
    /// - Complexity: O(`rows * columns`).
    public func multiplied(by vector: [Double]) -> [Double] {
        BLAS.gemv(self, transposed: false, vector)
    }

    /// The transposed matrix–vector product `y = Aᵀ x` (BLAS `dgemv` with `CblasTrans`).
    ///
    /// `y[j] = Σᵢ A[i, j] · x[i]`, computed without forming `Aᵀ`.
    ///
    /// - Parameter vector: `x`, with `vector.count == rows`.
    /// - Returns: `y`, with `columns` entries; all zeros when `rows == 0`.
    /// - Complexity: O(`rows * columns`).
    public func transposeMultiplied(by vector: [Double]) -> [Double] {
        BLAS.gemv(self, transposed: true, vector)
    }

    /// The matrix product `C = op(A) · op(B)` (BLAS `dgemm`), where `op(X)` is `X` or `Xᵀ`.
    ///
    /// Transposition is passed to BLAS as a flag; no transposed copy is made.
    ///
    /// - Parameters:
    ///   - other: `B`. The inner dimensions must agree: `op(A)` is `m × k` and `op(B)` is `k × n`.
    ///   - transposingSelf: Use `Aᵀ` instead of `A`.
    ///   - transposingOther: Use `Bᵀ` instead of `B`.
    /// - Returns: `C`, an `m × n` matrix; all zeros when `k == 0`.
    /// - Complexity: O(`m * n * k`).
    public func multiplied(
        by other: Matrix, transposingSelf: Bool = false, transposingOther: Bool = false
    ) -> Matrix {
        BLAS.gemm(self, transposingA: transposingSelf, other, transposingB: transposingOther)
    }

    /// The matrix product `lhs · rhs` (BLAS `dgemm`); `lhs.columns` must equal `rhs.rows`.
    ///
    /// - Complexity: O(`lhs.rows * lhs.columns * rhs.columns`).
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        lhs.multiplied(by: rhs)
    }

    /// The Gram matrix `AᵀA` (BLAS `dsyrk`), a symmetric `columns × columns` matrix.
    ///
    /// `dsyrk` computes the upper triangle; it is then copied onto the lower one, so the result
    /// is exactly symmetric (`G[i, j] == G[j, i]` bit for bit) and positive semidefinite up to
    /// rounding.
    ///
    /// - Returns: `G` with `G[i, j] = Σₖ A[k, i] · A[k, j]`; all zeros when `rows == 0`.
    /// - Complexity: O(`rows * columns²`), about half the work of `multiplied(by:)` on `Aᵀ, A`.
    public func gram() -> Matrix {
        BLAS.gram(self)
    }

    /// The weighted Gram matrix `AᵀWA`, where `W = diag(weights)` (BLAS `dsyrk`).
    ///
    /// Computed as `BᵀB` with `B = diag(√w) A`, in row panels: each panel of
    /// ``gramPanelRows`` rows of `A` is scaled by `√wᵢ` into a small buffer and added to the
    /// result by one `dsyrk` (β = 1), so no scaled copy of `A` is made and each panel stays in
    /// cache. The result is exactly symmetric and positive semidefinite up to rounding; the
    /// square roots add one rounding per entry, and the panel sums are added in panel order
    /// (a different order of the same sums than one `dsyrk` over all rows: results agree to
    /// rounding). This is the normal-equations matrix of a weighted least-squares step, such as
    /// one iteration of IRLS for logistic regression with `wᵢ = pᵢ(1 − pᵢ)`.
    ///
    /// - Parameter weights: The diagonal of `W`, one non-negative, finite weight per row.
    /// - Returns: `G` with `G[i, j] = Σₖ wₖ · A[k, i] · A[k, j]`, a `columns × columns` matrix.
    /// - Complexity: O(`rows * columns²`) time and O(``gramPanelRows`` `* columns`) extra memory.
    public func weightedGram(_ weights: [Double]) -> Matrix {
        precondition(
            weights.count == rows,
            "Matrix.weightedGram requires one weight per row "
                + "(got \(weights.count) weights for \(rows) rows)")
        precondition(
            weights.allSatisfy { $0 >= 0 && $0.isFinite },
            "Matrix.weightedGram requires non-negative, finite weights")
        var result = Matrix(rows: columns, columns: columns)
        guard rows > 0, columns > 0 else { return result }
        let panelRows = Self.gramPanelRows
        var panel = [Double](repeating: 0, count: min(panelRows, rows) * columns)
        var start = 0
        while start < rows {
            let count = min(panelRows, rows - start)
            for row in 0..<count {
                let factor = weights[start + row].squareRoot()
                let source = (start + row) * columns
                let target = row * columns
                for column in 0..<columns { panel[target + column] = elements[source + column] * factor }
            }
            BLAS.addGram(panel, rows: count, columns: columns, to: &result)
            start += count
        }
        result.mirrorUpperTriangle()
        return result
    }

    /// Rows per panel of ``weightedGram(_:)``.
    public static let gramPanelRows = 512

    /// The product `A · B` of a tall, narrow `A` and a small `B`, computed in row panels.
    ///
    /// The rows of `A` are split into consecutive panels of `panelRows` rows (the last one may
    /// be shorter) and each panel is multiplied by `B` with its own `dgemm` call, writing
    /// straight into the matching rows of the result. Every entry is the same dot product as in
    /// ``multiplied(by:transposingSelf:transposingOther:)``, so results agree to rounding.
    ///
    /// Why panels: on the 2-core development machine (OpenBLAS 0.3.21, release build), one
    /// `dgemm` over all 200 000 rows of a 200 000 × 12 matrix times a 12 × 3 or 12 × 12 `B`
    /// ran at 4–9 GFLOP/s, while panels of 256 rows ran at 17–31 GFLOP/s through
    /// ``BatchProduct/multiply(_:rows:inner:by:columns:into:panelRows:)`` (11–16 GFLOP/s here,
    /// which also allocates and zeroes the result). Each panel's rows stay in cache while `B`
    /// is applied to them.
    ///
    /// - Parameters:
    ///   - other: `B`, with `other.rows == columns`.
    ///   - panelRows: Rows per `dgemm` call; must be positive. Defaults to 256.
    /// - Returns: `A · B`, a `rows × other.columns` matrix.
    /// - Complexity: O(`rows * columns * other.columns`).
    public func panelMultiplied(by other: Matrix, panelRows: Int = 256) -> Matrix {
        precondition(
            columns == other.rows,
            "Matrix dimensions not compatible with multiplication: "
                + "\(rows)×\(columns) · \(other.rows)×\(other.columns)")
        var result = [Double](repeating: 0, count: rows * other.columns)
        BLAS.panelMultiply(
            elements, rows: rows, inner: columns, by: other.elements, columns: other.columns,
            into: &result, panelRows: panelRows)
        return Matrix(rows: rows, columns: other.columns, elements: result)
    }
}

// MARK: - CBLAS wrappers (the only BLAS pointer code in the package)

/// Shape-checked wrappers over CBLAS.
///
/// Every wrapper checks shapes with `precondition`, returns early for empty dimensions (BLAS
/// rejects a leading dimension of zero), converts counts with ``int32(_:)``, and passes
/// `baseAddress` of nested `withUnsafe…BufferPointer` closures, always in row-major order with
/// the leading dimension equal to the number of columns.
internal enum BLAS {
    /// Converts a dimension to the 32-bit integer type OpenBLAS and LAPACKE take.
    ///
    /// The one checked conversion used by both `BLAS` and `LAPACK`.
    static func int32(_ value: Int) -> Int32 {
        guard let converted = Int32(exactly: value) else {
            preconditionFailure(
                "Matrix dimension \(value) does not fit the 32-bit integers that OpenBLAS "
                    + "and LAPACKE take")
        }
        return converted
    }

    /// `y = op(A) x` with `op(A)` = `A` or `Aᵀ` (`cblas_dgemv`).
    static func gemv(_ a: Matrix, transposed: Bool, _ x: [Double]) -> [Double] {
        let inputCount = transposed ? a.rows : a.columns
        let outputCount = transposed ? a.columns : a.rows
        precondition(
            x.count == inputCount,
            "Matrix-vector product requires the vector to have \(transposed ? "rows" : "columns")"
                + " entries (got \(x.count) for a \(a.rows)×\(a.columns) matrix"
                + "\(transposed ? ", transposed" : ""))")
        var y = [Double](repeating: 0, count: outputCount)
        guard a.rows > 0, a.columns > 0 else { return y }
        let m = int32(a.rows)
        let n = int32(a.columns)
        let transpose = transposed ? CblasTrans : CblasNoTrans
        a.withUnsafeBufferPointer { aBuffer in
            x.withUnsafeBufferPointer { xBuffer in
                y.withUnsafeMutableBufferPointer { yBuffer in
                    cblas_dgemv(
                        CblasRowMajor, transpose, m, n,
                        1, aBuffer.baseAddress, n,
                        xBuffer.baseAddress, 1,
                        0, yBuffer.baseAddress, 1)
                }
            }
        }
        return y
    }

    /// `C = op(A) op(B)` (`cblas_dgemm`).
    static func gemm(_ a: Matrix, transposingA: Bool, _ b: Matrix, transposingB: Bool) -> Matrix {
        let m = transposingA ? a.columns : a.rows
        let k = transposingA ? a.rows : a.columns
        let kOfB = transposingB ? b.columns : b.rows
        let n = transposingB ? b.rows : b.columns
        precondition(
            k == kOfB,
            "Matrix dimensions not compatible with multiplication: op(A) is \(m)×\(k), "
                + "op(B) is \(kOfB)×\(n)")
        var c = Matrix(rows: m, columns: n)
        guard m > 0, n > 0, k > 0 else { return c }
        let transposeA = transposingA ? CblasTrans : CblasNoTrans
        let transposeB = transposingB ? CblasTrans : CblasNoTrans
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableBufferPointer { cBuffer in
                    cblas_dgemm(
                        CblasRowMajor, transposeA, transposeB, int32(m), int32(n), int32(k),
                        1, aBuffer.baseAddress, int32(a.columns),
                        bBuffer.baseAddress, int32(b.columns),
                        0, cBuffer.baseAddress, int32(n))
                }
            }
        }
        return c
    }

    /// `AᵀA`, full symmetric (`cblas_dsyrk` on the upper triangle, then mirrored).
    static func gram(_ a: Matrix) -> Matrix {
        let n = a.columns
        let k = a.rows
        var c = Matrix(rows: n, columns: n)
        guard n > 0, k > 0 else { return c }
        a.withUnsafeBufferPointer { aBuffer in
            c.withUnsafeMutableBufferPointer { cBuffer in
                cblas_dsyrk(
                    CblasRowMajor, CblasUpper, CblasTrans, int32(n), int32(k),
                    1, aBuffer.baseAddress, int32(n),
                    0, cBuffer.baseAddress, int32(n))
            }
        }
        c.mirrorUpperTriangle()
        return c
    }

    /// `C += AᵀA` on the upper triangle of `C` (`dsyrk` with β = 1) for a row-major `A` of
    /// `rows × columns` held in the first `rows × columns` entries of `a`.
    static func addGram(_ a: [Double], rows: Int, columns: Int, to c: inout Matrix) {
        precondition(c.rows == columns && c.columns == columns, "addGram needs a columns × columns result")
        c.withUnsafeMutableBufferPointer { accumulateGram(a, rows: rows, columns: columns, into: $0) }
    }

    /// The name of the kernels OpenBLAS chose for this processor (`openblas_get_corename`).
    static func coreName() -> String {
        guard let name = openblas_get_corename() else { return "" }
        return String(cString: name)
    }

    /// The number of threads OpenBLAS uses inside one call (`openblas_get_num_threads`).
    static func threadCount() -> Int {
        Int(openblas_get_num_threads())
    }

    /// Sets the number of threads OpenBLAS uses inside one call (`openblas_set_num_threads`);
    /// process-wide. Nothing is called when the count is already `count`: OpenBLAS 0.3.21
    /// starts its server threads again on every call, if they were ended
    /// (``BLASThreads/runCallsOnCallingThread(environment:)``).
    static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "OpenBLAS needs at least one thread (got \(count))")
        guard threadCount() != count else { return }
        openblas_set_num_threads(int32(count))
    }

    /// `out = A · Bᵀ` for row-major `A` (`rows × inner`) and `B` (`columns × inner`), written
    /// into a caller-owned buffer: one `cblas_dgemm` with `CblasTrans` on `B`, no allocation.
    static func multiplyTransposed(
        _ a: [Double], rows: Int, inner: Int, byTransposed b: [Double], columns: Int,
        into out: inout [Double]
    ) {
        precondition(
            rows >= 0 && inner >= 0 && columns >= 0,
            "Transposed product dimensions must be non-negative (got \(rows), \(inner), \(columns))")
        precondition(
            a.count == rows * inner,
            "Transposed product requires a.count == rows × inner (got \(a.count) for \(rows)×\(inner))")
        precondition(
            b.count == columns * inner,
            "Transposed product requires b.count == columns × inner (got \(b.count) for \(columns)×\(inner))")
        precondition(
            out.count == rows * columns,
            "Transposed product requires out.count == rows × columns (got \(out.count) for \(rows)×\(columns))")
        guard rows > 0, columns > 0 else { return }
        guard inner > 0 else {
            // An empty inner dimension makes every dot product the empty sum.
            for index in out.indices { out[index] = 0 }
            return
        }
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                out.withUnsafeMutableBufferPointer { outBuffer in
                    cblas_dgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, int32(rows), int32(columns), int32(inner),
                        1, aBuffer.baseAddress, int32(inner),
                        bBuffer.baseAddress, int32(inner),
                        0, outBuffer.baseAddress, int32(columns))
                }
            }
        }
    }

    /// `out = a · b` for row-major `a` (`rows × inner`) and `b` (`inner × columns`), one
    /// `cblas_dgemm` per panel of `panelRows` rows.
    /// `firstRow` is the first row of `a` used: rows `firstRow..<(firstRow + rows)` of `a`
    /// make rows `0..<rows` of `out`.
    static func panelMultiply(
        _ a: [Double], firstRow: Int = 0, rows: Int, inner: Int, by b: [Double], columns: Int,
        into out: inout [Double], panelRows: Int
    ) {
        precondition(
            rows >= 0 && inner >= 0 && columns >= 0 && firstRow >= 0,
            "Panel product dimensions must be non-negative (got \(firstRow), \(rows), \(inner), \(columns))")
        precondition(panelRows > 0, "Panel product requires panelRows > 0 (got \(panelRows))")
        precondition(
            a.count >= (firstRow + rows) * inner,
            "Panel product requires rows \(firstRow)..<\(firstRow + rows) of a \(inner)-column a "
                + "(a has \(a.count) entries)")
        precondition(
            b.count == inner * columns,
            "Panel product requires b.count == inner × columns "
                + "(got \(b.count) for \(inner)×\(columns))")
        precondition(
            out.count == rows * columns,
            "Panel product requires out.count == rows × columns "
                + "(got \(out.count) for \(rows)×\(columns))")
        guard rows > 0, columns > 0 else { return }
        guard inner > 0 else {
            // An empty inner dimension makes every dot product the empty sum.
            for index in out.indices { out[index] = 0 }
            return
        }
        let k = int32(inner)
        let n = int32(columns)
        // A row's bits must not depend on where its panel starts or ends: OpenBLAS computes
        // the last `m % 4` rows of a call with tail kernels (or gemv for one row) that sum in
        // another order on some cores (Haswell, Zen, Prescott, Nehalem: last-ulp differences).
        // So every call gets a multiple of `rowAlignment` rows; a panel's remaining rows go
        // through a zero-padded scratch panel of exactly `rowAlignment` rows.
        var paddedA = [Double](repeating: 0, count: rowAlignment * inner)
        var paddedOut = [Double](repeating: 0, count: rowAlignment * columns)
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                out.withUnsafeMutableBufferPointer { outBuffer in
                    for start in stride(from: 0, to: rows, by: panelRows) {
                        let count = min(panelRows, rows - start)
                        let aligned = count - count % rowAlignment
                        if aligned > 0 {
                            let aPanel = UnsafeBufferPointer(
                                rebasing: aBuffer[((firstRow + start) * inner)..<((firstRow + start + aligned) * inner)])
                            let outPanel = UnsafeMutableBufferPointer(
                                rebasing: outBuffer[(start * columns)..<((start + aligned) * columns)])
                            cblas_dgemm(
                                CblasRowMajor, CblasNoTrans, CblasNoTrans, int32(aligned), n, k,
                                1, aPanel.baseAddress, k,
                                bBuffer.baseAddress, n,
                                0, outPanel.baseAddress, n)
                        }
                        let remainder = count - aligned
                        guard remainder > 0 else { continue }
                        let tailStart = (firstRow + start + aligned) * inner
                        paddedA.withUnsafeMutableBufferPointer { padded in
                            for index in 0..<(rowAlignment * inner) {
                                padded[index] = index < remainder * inner ? aBuffer[tailStart + index] : 0
                            }
                        }
                        paddedA.withUnsafeBufferPointer { padded in
                            paddedOut.withUnsafeMutableBufferPointer { scratch in
                                cblas_dgemm(
                                    CblasRowMajor, CblasNoTrans, CblasNoTrans, int32(rowAlignment), n, k,
                                    1, padded.baseAddress, k,
                                    bBuffer.baseAddress, n,
                                    0, scratch.baseAddress, n)
                                let outStart = (start + aligned) * columns
                                for index in 0..<(remainder * columns) {
                                    outBuffer[outStart + index] = scratch[index]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Rows per `dgemm` call are a multiple of this (see ``panelMultiply``): OpenBLAS's main
    /// kernels handle 4 rows at a time on every core type measured here, and give a row the
    /// same bits wherever it lies in such a call.
    static let rowAlignment = 4
}

// MARK: - Row-block kernels for iteratively reweighted least squares

extension BLAS {
    /// `y[yOffset ..< yOffset + rows] = A[firstRow ..< firstRow + rows] · x[xOffset ..< xOffset + columns]`
    /// plus `beta ·` the old `y` (`cblas_dgemv` on a block of consecutive rows of a row-major
    /// `rows × columns` storage).
    static func gemvRows(
        _ a: [Double], columns: Int, firstRow: Int, rows: Int, _ x: [Double], xOffset: Int,
        beta: Double, into y: inout [Double], yOffset: Int
    ) {
        gemvRowBlock(
            a, transposed: false, columns: columns, firstRow: firstRow, rows: rows, x, xOffset: xOffset, beta: beta,
            into: &y, yOffset: yOffset)
    }

    /// `y[yOffset ..< yOffset + columns] += A[firstRow ..< firstRow + rows]ᵀ · x[xOffset ..< xOffset + rows]`
    /// (`cblas_dgemv` with `CblasTrans` on a block of consecutive rows).
    static func gemvTransposedRowsAccumulate(
        _ a: [Double], columns: Int, firstRow: Int, rows: Int, _ x: [Double], xOffset: Int,
        into y: inout [Double], yOffset: Int
    ) {
        gemvRowBlock(
            a, transposed: true, columns: columns, firstRow: firstRow, rows: rows, x, xOffset: xOffset, beta: 1,
            into: &y, yOffset: yOffset)
    }

    /// `cblas_dgemv` on the block of rows `firstRow ..< firstRow + rows` of a row-major
    /// `columns`-wide storage: `A` (or, when `transposed`, `Aᵀ`) times the `x` block, plus
    /// `beta ·` the old `y` block. The body of ``gemvRows`` and
    /// ``gemvTransposedRowsAccumulate``.
    private static func gemvRowBlock(
        _ a: [Double], transposed: Bool, columns: Int, firstRow: Int, rows: Int, _ x: [Double], xOffset: Int,
        beta: Double, into y: inout [Double], yOffset: Int
    ) {
        let xCount = transposed ? rows : columns
        let yCount = transposed ? columns : rows
        precondition(columns >= 0 && rows >= 0 && firstRow >= 0, "Row-block product dimensions must be non-negative")
        precondition(a.count >= (firstRow + rows) * columns, "Row-block product reads rows past the end of the matrix")
        precondition(x.count >= xOffset + xCount && xOffset >= 0, "Row-block product needs \(xCount) vector entries")
        precondition(y.count >= yOffset + yCount && yOffset >= 0, "Row-block product writes past the end of the output")
        guard rows > 0, columns > 0 else { return }
        a.withUnsafeBufferPointer { aBuffer in
            x.withUnsafeBufferPointer { xBuffer in
                y.withUnsafeMutableBufferPointer { yBuffer in
                    cblas_dgemv(
                        CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, int32(rows), int32(columns),
                        1, aBuffer.baseAddress.map { $0 + firstRow * columns }, int32(columns),
                        xBuffer.baseAddress.map { $0 + xOffset }, 1,
                        beta, yBuffer.baseAddress.map { $0 + yOffset }, 1)
                }
            }
        }
    }

    /// `C += AᵀA` on the upper triangle of the row-major `columns × columns` `C`, for the
    /// first `rows` rows of the row-major `a` (`cblas_dsyrk` with β = 1).
    static func syrkAccumulate(_ a: [Double], rows: Int, columns: Int, into c: inout [Double]) {
        precondition(c.count == columns * columns, "Gram accumulation needs a columns × columns output")
        c.withUnsafeMutableBufferPointer { accumulateGram(a, rows: rows, columns: columns, into: $0) }
    }

    /// `C += AᵀA` on the upper triangle of the row-major `columns × columns` `C` (`cblas_dsyrk`
    /// with β = 1): the one call behind ``addGram(_:rows:columns:to:)`` and
    /// ``syrkAccumulate(_:rows:columns:into:)``.
    private static func accumulateGram(_ a: [Double], rows: Int, columns: Int, into c: UnsafeMutableBufferPointer<Double>) {
        precondition(a.count >= rows * columns, "Gram accumulation reads past the end of the panel")
        guard rows > 0, columns > 0 else { return }
        a.withUnsafeBufferPointer { aBuffer in
            cblas_dsyrk(
                CblasRowMajor, CblasUpper, CblasTrans, int32(columns), int32(rows),
                1, aBuffer.baseAddress, int32(columns),
                1, c.baseAddress, int32(columns))
        }
    }

    /// Writes `√wᵢ · [1, xᵢ]` (or `√wᵢ · xᵢ` without `leadingOnes`) for rows
    /// `firstRow ..< firstRow + rows` of the row-major `a` into the first rows of `out`, and
    /// returns `Σ residuals[0..<rows]`: the scaled panel of a weighted Gram matrix.
    static func scaleRows(
        _ a: [Double], columns: Int, firstRow: Int, rows: Int, weights: [Double], residuals: [Double], leadingOnes: Bool,
        into out: inout [Double]
    ) -> Double {
        let width = columns + (leadingOnes ? 1 : 0)
        precondition(rows >= 0 && firstRow >= 0 && a.count >= (firstRow + rows) * columns, "Row scaling reads past the matrix")
        precondition(weights.count >= rows && residuals.count >= rows, "Row scaling needs a weight and a residual per row")
        precondition(out.count >= rows * width, "Row scaling writes past the panel")
        var sum = 0.0
        a.withUnsafeBufferPointer { source in
            weights.withUnsafeBufferPointer { weights in
                residuals.withUnsafeBufferPointer { residuals in
                    out.withUnsafeMutableBufferPointer { target in
                        for i in 0..<rows {
                            let w = weights[i]
                            precondition(w >= 0 && w.isFinite, "Weighted Gram matrix: weights must be finite and ≥ 0 (got \(w))")
                            let root = w.squareRoot()
                            var t = i &* width
                            if leadingOnes {
                                target[t] = root
                                t &+= 1
                            }
                            let s = (firstRow &+ i) &* columns
                            for j in 0..<columns { target[t &+ j] = root * source[s &+ j] }
                            sum += residuals[i]
                        }
                    }
                }
            }
        }
        return sum
    }

    /// `y += alpha · x` (`cblas_daxpy`).
    static func axpy(_ alpha: Double, _ x: [Double], into y: inout [Double]) {
        precondition(x.count == y.count, "axpy needs vectors of one length (got \(x.count) and \(y.count))")
        guard !x.isEmpty else { return }
        x.withUnsafeBufferPointer { xBuffer in
            y.withUnsafeMutableBufferPointer { yBuffer in
                cblas_daxpy(int32(x.count), alpha, xBuffer.baseAddress, 1, yBuffer.baseAddress, 1)
            }
        }
    }
}
