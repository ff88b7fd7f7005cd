internal import COpenBLAS

// MARK: - Public solvers and decompositions

extension Matrix {
    /// Solves `A X = B` for `X` by LU factorization with partial pivoting (LAPACK `dgesv`).
    ///
    /// For a nonsingular `A` the result satisfies `‖A X − B‖ ≤ c · n · ε · ‖A‖ · ‖X‖` for a
    /// modest constant `c` (backward stable in practice); the forward error grows with the
    /// condition number of `A`.
    ///
    /// - Parameter rhs: `B`, with `rhs.rows == rows`; any number of columns.
    /// - Returns: `X`, with the shape of `rhs`. When `rhs` has no columns, returns it
    ///   unchanged without factorizing `A`.
    /// - Throws: ``LinearAlgebraError/singularMatrix(pivot:)`` if the LU factorization meets an
    ///   exactly zero pivot.
    /// - Precondition: `A` is square and all entries of `A` and `B` are finite.
    /// - Complexity: O(`n³ + n² · rhs.columns`) for `n = rows`.
    public func solve(_ rhs: Matrix) throws(LinearAlgebraError) -> Matrix {
        try LAPACK.gesv(self, rhs)
    }

    /// Solves `A x = b` for one right-hand side (LAPACK `dgesv`).
    ///
    /// - Parameter rhs: `b`, with `rhs.count == rows`.
    /// - Returns: `x`, with `rows` entries.
    /// - Throws: ``LinearAlgebraError/singularMatrix(pivot:)`` if `A` is exactly singular.
    /// - Precondition: `A` is square and all entries of `A` and `b` are finite.
    /// - Complexity: O(`n³`) for `n = rows`.
    public func solve(_ rhs: [Double]) throws(LinearAlgebraError) -> [Double] {
        try LAPACK.gesv(self, Matrix(rows: rhs.count, columns: 1, elements: rhs)).elements
    }

    /// The inverse `A⁻¹`, found by solving `A X = I` (LAPACK `dgesv`).
    ///
    /// Prefer ``solve(_:)-(Matrix)`` when the inverse is only used to multiply: solving is
    /// cheaper and more accurate.
    ///
    /// - Returns: `X` with `A X = I` up to rounding.
    /// - Throws: ``LinearAlgebraError/singularMatrix(pivot:)`` if `A` is exactly singular.
    /// - Precondition: `A` is square with finite entries.
    /// - Complexity: O(`n³`).
    public func inverse() throws(LinearAlgebraError) -> Matrix {
        try LAPACK.gesv(self, .identity(rows))
    }

    /// The Cholesky factorization `A = L Lᵀ` of a symmetric positive definite matrix (LAPACK
    /// `dpotrf` with `uplo = 'L'`).
    ///
    /// Only the lower triangle (with the diagonal) of `A` is read; the caller is responsible for
    /// `A` being symmetric. `L` is lower triangular with a positive diagonal.
    ///
    /// - Returns: The factorization, holding `L` with its strict upper triangle set to zero.
    /// - Throws: ``LinearAlgebraError/notPositiveDefinite(leadingMinor:)`` if some leading
    ///   block of `A` is not positive definite.
    /// - Precondition: `A` is square with finite entries.
    /// - Complexity: O(`n³ / 3`).
    public func cholesky() throws(LinearAlgebraError) -> CholeskyFactorization {
        CholeskyFactorization(lower: try LAPACK.potrf(self))
    }

    /// Eigenvalues and eigenvectors of a symmetric matrix (LAPACK `dsyevd`, divide and conquer).
    ///
    /// Finds `A = V Λ Vᵀ` with `V` orthogonal. Only the lower triangle (with the diagonal) of
    /// `A` is read; the caller is responsible for `A` being symmetric.
    ///
    /// - Returns: Eigenvalues in ascending order and the matching orthonormal eigenvectors as
    ///   the **columns** of ``SymmetricEigen/vectors``, so `A · vectors.column(i) ≈ values[i] ·
    ///   vectors.column(i)`. Each vector's sign is whatever LAPACK returns.
    /// - Throws: ``LinearAlgebraError/eigenNotConverged(count:)`` if the iteration fails.
    /// - Precondition: `A` is square with finite entries.
    /// - Complexity: O(`n³`).
    public func symmetricEigen() throws(LinearAlgebraError) -> SymmetricEigen {
        let (values, vectors) = try LAPACK.syevd(self)
        return SymmetricEigen(values: values, vectors: vectors)
    }

    /// Eigenvalues and right eigenvectors of a general real square matrix (LAPACK `dgeev`).
    ///
    /// Finds `λⱼ` and `vⱼ` with `A vⱼ = λⱼ vⱼ`. Complex eigenvalues come in conjugate pairs;
    /// see ``GeneralEigen`` for how LAPACK packs their eigenvectors into real columns.
    ///
    /// - Returns: The eigenvalues as real and imaginary parts, in LAPACK's order (not sorted),
    ///   and the right eigenvectors, each of Euclidean norm 1.
    /// - Throws: ``LinearAlgebraError/eigenNotConverged(count:)`` if the QR iteration fails.
    /// - Precondition: `A` is square with finite entries.
    /// - Complexity: O(`n³`).
    public func eigen() throws(LinearAlgebraError) -> GeneralEigen {
        let (real, imaginary, vectors) = try LAPACK.geev(self)
        return GeneralEigen(realParts: real, imaginaryParts: imaginary, rightVectors: vectors)
    }

    /// The least-squares solution of `min ‖A x − b‖₂` (LAPACK `dgelsd`, SVD by divide and
    /// conquer).
    ///
    /// Singular values `σᵢ ≤ rcond · σ₁` are treated as zero, with
    /// `rcond = max(rows, columns) · ε` (ε = `Double.ulpOfOne`, the NumPy `lstsq` default).
    /// The number of the remaining singular values is the numerical rank. When it is below
    /// `columns` (collinear columns, or fewer rows than columns) the solution is the one of
    /// minimum norm `‖x‖₂` among all minimizers.
    ///
    /// - Parameters:
    ///   - rhs: `b`, with `rhs.count == rows`.
    ///   - requireFullRank: Throw instead of returning a minimum-norm solution when the
    ///     numerical rank is below `columns`.
    /// - Returns: `x` (`columns` entries), the numerical rank, and the singular values of `A`
    ///   in descending order (`min(rows, columns)` of them).
    /// - Throws: ``LinearAlgebraError/rankDeficient(rank:columns:)`` when `requireFullRank`
    ///   is set and the rank is below `columns`; ``LinearAlgebraError/eigenNotConverged(count:)``
    ///   if the SVD iteration fails.
    /// - Precondition: all entries of `A` and `b` are finite.
    /// - Complexity: O(`rows · columns²`) for `rows ≥ columns`.
    public func leastSquares(
        _ rhs: [Double], requireFullRank: Bool = false
    ) throws(LinearAlgebraError) -> LeastSquaresSolution {
        let tolerance = Double.ulpOfOne * Double(max(rows, columns))
        let (solution, rank, singularValues) = try LAPACK.gelsd(self, rhs, rcond: tolerance)
        if requireFullRank && rank < columns {
            throw .rankDeficient(rank: rank, columns: columns)
        }
        return LeastSquaresSolution(solution: solution, rank: rank, singularValues: singularValues)
    }
}

// MARK: - LAPACKE wrappers (the only LAPACK pointer code in the package)

/// Shape-checked wrappers over LAPACKE.
///
/// Every wrapper checks shapes and finiteness with `precondition` (LAPACKE rejects NaN input
/// with a negative `info`), returns early for empty dimensions, converts counts with
/// ``BLAS/int32(_:)``, works on copies (LAPACK overwrites its inputs) through nested
/// `withUnsafe…BufferPointer` closures, and always passes `LAPACK_ROW_MAJOR` with the leading
/// dimension equal to the number of columns. A negative `info` means this wrapper passed a bad
/// argument and stops the program; a positive `info` is thrown as a ``LinearAlgebraError``.
enum LAPACK {
    /// The `char` LAPACKE expects for a job or triangle option such as `"L"`.
    private static func option(_ letter: Unicode.Scalar) -> CChar {
        CChar(truncatingIfNeeded: UInt8(ascii: letter))
    }

    /// Stops the program on a negative `info`, which is a bug in these wrappers.
    private static func requireValidArguments(_ info: Int32, routine: String) {
        // LAPACK_WORK_MEMORY_ERROR and LAPACK_TRANSPOSE_MEMORY_ERROR in lapacke.h.
        precondition(
            info != -1010 && info != -1011,
            "LAPACKE_\(routine) could not allocate its workspace")
        precondition(
            info >= 0,
            "LAPACKE_\(routine) rejected argument \(-info); the LinearAlgebra wrapper passed "
                + "an invalid argument")
    }

    private static func requireSquare(_ a: Matrix, _ operation: String) {
        precondition(
            a.rows == a.columns,
            "\(operation) requires a square matrix (got \(a.rows)×\(a.columns))")
    }

    private static func requireFinite(_ a: Matrix, _ operation: String) {
        precondition(a.isFinite, "\(operation) requires finite entries (no NaN or infinity)")
    }

    /// `X = A⁻¹ B` via `LAPACKE_dgesv`.
    static func gesv(_ a: Matrix, _ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        requireSquare(a, "Matrix.solve")
        precondition(
            b.rows == a.rows,
            "Matrix.solve requires the right-hand side to have as many rows as A "
                + "(got \(b.rows) for a \(a.rows)×\(a.columns) matrix)")
        requireFinite(a, "Matrix.solve")
        requireFinite(b, "Matrix.solve")
        let n = a.rows
        let rightHandSides = b.columns
        guard n > 0, rightHandSides > 0 else { return b }
        var factors = a
        var solution = b
        var pivots = [Int32](repeating: 0, count: n)
        let info = factors.withUnsafeMutableBufferPointer { aBuffer in
            pivots.withUnsafeMutableBufferPointer { pivotBuffer in
                solution.withUnsafeMutableBufferPointer { bBuffer in
                    LAPACKE_dgesv(
                        LAPACK_ROW_MAJOR, BLAS.int32(n), BLAS.int32(rightHandSides),
                        aBuffer.baseAddress, BLAS.int32(n),
                        pivotBuffer.baseAddress,
                        bBuffer.baseAddress, BLAS.int32(rightHandSides))
                }
            }
        }
        requireValidArguments(info, routine: "dgesv")
        if info > 0 { throw .singularMatrix(pivot: Int(info)) }
        return solution
    }

    /// `L` with `A = L Lᵀ` via `LAPACKE_dpotrf`, strict upper triangle zeroed.
    static func potrf(_ a: Matrix) throws(LinearAlgebraError) -> Matrix {
        requireSquare(a, "Matrix.cholesky")
        requireFinite(a, "Matrix.cholesky")
        var lower = a
        let info = inPlaceOnLowerTriangle(&lower, routine: "dpotrf", LAPACKE_dpotrf)
        if info > 0 { throw .notPositiveDefinite(leadingMinor: Int(info)) }
        // dpotrf leaves the strict upper triangle holding the input.
        lower.zeroStrictUpperTriangle()
        return lower
    }

    /// `X = (L Lᵀ)⁻¹ B` via `LAPACKE_dpotrs`.
    static func potrs(lower: Matrix, _ b: Matrix) -> Matrix {
        requireSquare(lower, "CholeskyFactorization.solve")
        precondition(
            b.rows == lower.rows,
            "CholeskyFactorization.solve requires the right-hand side to have \(lower.rows) rows "
                + "(got \(b.rows))")
        requireFinite(b, "CholeskyFactorization.solve")
        let n = lower.rows
        let rightHandSides = b.columns
        guard n > 0, rightHandSides > 0 else { return b }
        var solution = b
        let info = lower.withUnsafeBufferPointer { lBuffer in
            solution.withUnsafeMutableBufferPointer { bBuffer in
                // LAPACKE declares the factor `const double *`.
                LAPACKE_dpotrs(
                    LAPACK_ROW_MAJOR, option("L"), BLAS.int32(n), BLAS.int32(rightHandSides),
                    lBuffer.baseAddress, BLAS.int32(n),
                    bBuffer.baseAddress, BLAS.int32(rightHandSides))
            }
        }
        requireValidArguments(info, routine: "dpotrs")
        return solution
    }

    /// `(L Lᵀ)⁻¹`, full symmetric, via `LAPACKE_dpotri` on the lower triangle then mirrored.
    static func potri(lower: Matrix) -> Matrix {
        requireSquare(lower, "CholeskyFactorization.inverse")
        var inverse = lower
        let info = inPlaceOnLowerTriangle(&inverse, routine: "dpotri", LAPACKE_dpotri)
        // A positive info means a zero diagonal in L, which dpotrf never returns.
        precondition(info == 0, "CholeskyFactorization.inverse requires a nonsingular factor")
        inverse.mirrorLowerTriangle()
        return inverse
    }

    /// Calls `routine`, a LAPACKE routine that overwrites the lower triangle of a square
    /// row-major matrix (`LAPACKE_dpotrf`, `LAPACKE_dpotri`), on `a`, and stops the program on
    /// a negative `info` (see ``requireValidArguments(_:routine:)``).
    ///
    /// - Returns: The routine's `info`; 0 without calling it when `a` is empty.
    private static func inPlaceOnLowerTriangle(
        _ a: inout Matrix, routine name: String,
        _ routine: (Int32, CChar, Int32, UnsafeMutablePointer<Double>?, Int32) -> Int32
    ) -> Int32 {
        let n = a.rows
        guard n > 0 else { return 0 }
        let info = a.withUnsafeMutableBufferPointer { aBuffer in
            routine(LAPACK_ROW_MAJOR, option("L"), BLAS.int32(n), aBuffer.baseAddress, BLAS.int32(n))
        }
        requireValidArguments(info, routine: name)
        return info
    }

    /// Ascending eigenvalues and column eigenvectors via `LAPACKE_dsyevd`.
    static func syevd(
        _ a: Matrix
    ) throws(LinearAlgebraError) -> (values: [Double], vectors: Matrix) {
        requireSquare(a, "Matrix.symmetricEigen")
        requireFinite(a, "Matrix.symmetricEigen")
        let n = a.rows
        guard n > 0 else { return ([], a) }
        var vectors = a
        var values = [Double](repeating: 0, count: n)
        let info = vectors.withUnsafeMutableBufferPointer { aBuffer in
            values.withUnsafeMutableBufferPointer { wBuffer in
                LAPACKE_dsyevd(
                    LAPACK_ROW_MAJOR, option("V"), option("L"), BLAS.int32(n),
                    aBuffer.baseAddress, BLAS.int32(n), wBuffer.baseAddress)
            }
        }
        requireValidArguments(info, routine: "dsyevd")
        if info > 0 { throw .eigenNotConverged(count: Int(info)) }
        return (values, vectors)
    }

    /// Eigenvalues and right eigenvectors via `LAPACKE_dgeev` (left vectors not computed).
    static func geev(
        _ a: Matrix
    ) throws(LinearAlgebraError) -> (real: [Double], imaginary: [Double], vectors: Matrix) {
        requireSquare(a, "Matrix.eigen")
        requireFinite(a, "Matrix.eigen")
        let n = a.rows
        guard n > 0 else { return ([], [], a) }
        var work = a
        var real = [Double](repeating: 0, count: n)
        var imaginary = [Double](repeating: 0, count: n)
        var vectors = Matrix(rows: n, columns: n)
        let info = work.withUnsafeMutableBufferPointer { aBuffer in
            real.withUnsafeMutableBufferPointer { realBuffer in
                imaginary.withUnsafeMutableBufferPointer { imaginaryBuffer in
                    vectors.withUnsafeMutableBufferPointer { vrBuffer in
                        // jobvl = 'N': no left vectors, so vl is unused (nil, ldvl 1).
                        LAPACKE_dgeev(
                            LAPACK_ROW_MAJOR, option("N"), option("V"), BLAS.int32(n),
                            aBuffer.baseAddress, BLAS.int32(n),
                            realBuffer.baseAddress, imaginaryBuffer.baseAddress,
                            nil, 1,
                            vrBuffer.baseAddress, BLAS.int32(n))
                    }
                }
            }
        }
        requireValidArguments(info, routine: "dgeev")
        if info > 0 { throw .eigenNotConverged(count: Int(info)) }
        return (real, imaginary, vectors)
    }

    /// Minimum-norm least squares via `LAPACKE_dgelsd` for one right-hand side.
    static func gelsd(
        _ a: Matrix, _ b: [Double], rcond: Double
    ) throws(LinearAlgebraError) -> (solution: [Double], rank: Int, singularValues: [Double]) {
        precondition(
            b.count == a.rows,
            "Matrix.leastSquares requires one right-hand-side entry per row "
                + "(got \(b.count) for a \(a.rows)×\(a.columns) matrix)")
        requireFinite(a, "Matrix.leastSquares")
        requireFinite(Matrix(rows: b.count, columns: 1, elements: b), "Matrix.leastSquares")
        let m = a.rows
        let n = a.columns
        guard m > 0, n > 0 else { return (Array(repeating: 0, count: n), 0, []) }
        var work = a
        // dgelsd reads b from the first m entries and writes x to the first n.
        var rhs = b + Array(repeating: 0, count: max(m, n) - m)
        var singularValues = [Double](repeating: 0, count: min(m, n))
        var rank: Int32 = 0
        let info = work.withUnsafeMutableBufferPointer { aBuffer in
            rhs.withUnsafeMutableBufferPointer { bBuffer in
                singularValues.withUnsafeMutableBufferPointer { sBuffer in
                    LAPACKE_dgelsd(
                        LAPACK_ROW_MAJOR, BLAS.int32(m), BLAS.int32(n), 1,
                        aBuffer.baseAddress, BLAS.int32(n),
                        bBuffer.baseAddress, 1,
                        sBuffer.baseAddress, rcond, &rank)
                }
            }
        }
        requireValidArguments(info, routine: "dgelsd")
        if info > 0 { throw .eigenNotConverged(count: Int(info)) }
        return (Array(rhs.prefix(n)), Int(rank), singularValues)
    }
}
