/// A dense, row-major matrix of `Double` values.
///
/// `Matrix` is a value type: copies share storage until one of them is mutated. Element
/// `(i, j)` (zero-based) is stored at `elements[i * columns + j]`, which is the layout every
/// BLAS and LAPACK wrapper in this module passes to OpenBLAS (`CblasRowMajor` /
/// `LAPACK_ROW_MAJOR`, leading dimension `columns`).
///
/// Shape mistakes (an element array of the wrong length, an index out of range, operands
/// whose dimensions do not conform) are programmer errors and stop the program with a
/// `precondition` failure that names the broken contract. Problems that depend on the
/// numbers in the matrix (a singular system, a matrix that is not positive definite) are
/// reported by throwing ``LinearAlgebraError``.
public struct Matrix: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The number of rows; never negative.
    public let rows: Int

    /// The number of columns; never negative.
    public let columns: Int

    /// The entries in row-major order; `elements.count == rows * columns`.
    // Storage note: a flat `[Double]` rather than `[[Double]]`, so that the whole matrix is one
    // contiguous buffer that BLAS and LAPACK can read and write in place. The setter is private
    // so that the count invariant cannot be broken from outside this file; the BLAS and LAPACK
    // wrappers reach the buffer only through the internal `withUnsafe…` accessors below.
    public private(set) var elements: [Double]

    /// Creates a `rows × columns` matrix with every entry equal to `value`.
    ///
    /// - Parameters:
    ///   - rows: The number of rows; must be non-negative.
    ///   - columns: The number of columns; must be non-negative.
    ///   - value: The value of every entry. Defaults to zero.
    /// - Complexity: O(`rows * columns`).
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(
            rows >= 0 && columns >= 0,
            "Matrix dimensions must be non-negative (got \(rows)×\(columns))")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// Creates a `rows × columns` matrix from entries in row-major order.
    ///
    /// - Parameters:
    ///   - rows: The number of rows; must be non-negative.
    ///   - columns: The number of columns; must be non-negative.
    ///   - elements: The entries, row by row; `elements.count` must equal `rows * columns`.
    /// - Complexity: O(1); the array is adopted, not copied.
    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(
            rows >= 0 && columns >= 0,
            "Matrix dimensions must be non-negative (got \(rows)×\(columns))")
        precondition(
            elements.count == rows * columns,
            "Matrix element count must equal rows × columns "
                + "(got \(elements.count) elements for a \(rows)×\(columns) matrix)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// Creates a matrix from an array of rows.
    ///
    /// An empty array gives a 0×0 matrix.
    ///
    /// - Parameter rowArrays: The rows, top to bottom; every row must have the same count.
    /// - Complexity: O(`rows * columns`).
    public init(_ rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        for (index, row) in rowArrays.enumerated() {
            precondition(
                row.count == columns,
                "Matrix rows must all have the same length "
                    + "(row 0 has \(columns) entries, row \(index) has \(row.count))")
        }
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    /// The `n × n` identity matrix `I`, with `I[i, i] == 1` and zeros elsewhere.
    ///
    /// - Parameter n: The order of the matrix; must be non-negative.
    /// - Complexity: O(`n²`).
    public static func identity(_ n: Int) -> Matrix {
        diagonal(Array(repeating: 1, count: n))
    }

    /// The square matrix with `values` on the main diagonal and zeros elsewhere.
    ///
    /// - Parameter values: The diagonal entries, top left to bottom right.
    /// - Complexity: O(`values.count²`).
    public static func diagonal(_ values: [Double]) -> Matrix {
        var matrix = Matrix(rows: values.count, columns: values.count)
        for (index, value) in values.enumerated() {
            matrix.elements[index * values.count + index] = value
        }
        return matrix
    }

    /// The entry in row `row` and column `column`, both zero-based.
    ///
    /// - Precondition: `0 <= row < rows` and `0 <= column < columns`.
    /// - Complexity: O(1).
    public subscript(row: Int, column: Int) -> Double {
        get {
            checkIndex(row: row, column: column)
            return elements[row * columns + column]
        }
        set {
            checkIndex(row: row, column: column)
            elements[row * columns + column] = newValue
        }
    }

    /// The entries of row `index` (zero-based), left to right.
    ///
    /// The slice keeps the indices of ``elements``: its first index is `index * columns`.
    ///
    /// - Parameter index: A row index with `0 <= index < rows`.
    /// - Returns: A slice of ``elements`` of length `columns`.
    /// - Complexity: O(1).
    public func row(_ index: Int) -> ArraySlice<Double> {
        precondition(
            index >= 0 && index < rows,
            "Matrix row index \(index) out of range for a \(rows)×\(columns) matrix")
        return elements[index * columns..<(index + 1) * columns]
    }

    /// The entries of column `index` (zero-based), top to bottom.
    ///
    /// - Parameter index: A column index with `0 <= index < columns`.
    /// - Returns: An array of length `rows`.
    /// - Complexity: O(`rows`).
    public func column(_ index: Int) -> [Double] {
        precondition(
            index >= 0 && index < columns,
            "Matrix column index \(index) out of range for a \(rows)×\(columns) matrix")
        return (0..<rows).map { elements[$0 * columns + index] }
    }

    /// The transpose `Aᵀ`, a `columns × rows` matrix with `Aᵀ[j, i] == A[i, j]`.
    ///
    /// - Complexity: O(`rows * columns`).
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns {
                result.elements[j * rows + i] = elements[i * columns + j]
            }
        }
        return result
    }

    private func checkIndex(row: Int, column: Int) {
        precondition(
            row >= 0 && row < rows && column >= 0 && column < columns,
            "Matrix index (row: \(row), column: \(column)) out of range "
                + "for a \(rows)×\(columns) matrix")
    }
}

// MARK: - Codable

extension Matrix {
    private enum CodingKeys: String, CodingKey {
        case rows, columns, elements
    }

    /// Decodes a matrix from `rows`, `columns` and row-major `elements`.
    ///
    /// - Throws: `DecodingError.dataCorrupted` if a dimension is negative or the element
    ///   count is not `rows * columns`, so a damaged file cannot produce an invalid `Matrix`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try container.decode(Int.self, forKey: .rows)
        let columns = try container.decode(Int.self, forKey: .columns)
        let elements = try container.decode([Double].self, forKey: .elements)
        guard rows >= 0, columns >= 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .rows, in: container,
                debugDescription: "Matrix dimensions must be non-negative (got \(rows)×\(columns))")
        }
        let (expected, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, elements.count == expected else {
            throw DecodingError.dataCorruptedError(
                forKey: .elements, in: container,
                debugDescription: "A \(rows)×\(columns) matrix needs \(rows)×\(columns) elements, "
                    + "but \(elements.count) were given")
        }
        self.init(rows: rows, columns: columns, elements: elements)
    }
}

// MARK: - CustomStringConvertible

extension Matrix {
    /// The largest number of rows ``description`` prints before eliding the rest.
    static let descriptionRowLimit = 8

    /// A readable rendering: the shape, then one bracketed row per line.
    ///
    /// At most eight rows are printed; a larger matrix ends with a line saying how many
    /// rows were left out. For example, `Matrix([[1, 2], [3, 4]]).description` is
    ///
    ///     2×2 matrix
    ///     [1.0, 2.0]
    ///     [3.0, 4.0]
    public var description: String {
        var lines = ["\(rows)×\(columns) matrix"]
        for index in 0..<min(rows, Self.descriptionRowLimit) {
            lines.append("[" + row(index).map { "\($0)" }.joined(separator: ", ") + "]")
        }
        if rows > Self.descriptionRowLimit {
            let hidden = rows - Self.descriptionRowLimit
            lines.append("… (\(hidden) more row\(hidden == 1 ? "" : "s"))")
        }
        return lines.joined(separator: "\n")
    }
}

// MARK: - Internal helpers for the BLAS and LAPACK wrappers

extension Matrix {
    // The only doors to the storage buffer. They do no pointer work themselves; their sole
    // callers are `BLAS` (Matrix+BLAS.swift) and `LAPACK` (Matrix+LAPACK.swift), which keep
    // every pointer inside the closure.

    /// Calls `body` with read-only access to the row-major storage.
    func withUnsafeBufferPointer<Result>(
        _ body: (UnsafeBufferPointer<Double>) -> Result
    ) -> Result {
        elements.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with mutable access to the row-major storage.
    ///
    /// The buffer's count is fixed at `rows * columns`; `body` must not replace it.
    mutating func withUnsafeMutableBufferPointer<Result>(
        _ body: (UnsafeMutableBufferPointer<Double>) -> Result
    ) -> Result {
        elements.withUnsafeMutableBufferPointer { buffer in body(buffer) }
    }

    /// Copies the upper triangle onto the lower one, so that `A[j, i] == A[i, j]` for `i < j`.
    ///
    /// BLAS `dsyrk` and LAPACK `dpotri` write only one triangle of a symmetric result.
    mutating func mirrorUpperTriangle() {
        precondition(rows == columns, "Only a square matrix can be mirrored across its diagonal")
        for i in 0..<rows {
            for j in min(i + 1, columns)..<columns {
                elements[j * columns + i] = elements[i * columns + j]
            }
        }
    }

    /// Copies the lower triangle onto the upper one, so that `A[i, j] == A[j, i]` for `i < j`.
    mutating func mirrorLowerTriangle() {
        precondition(rows == columns, "Only a square matrix can be mirrored across its diagonal")
        for i in 0..<rows {
            for j in min(i + 1, columns)..<columns {
                elements[i * columns + j] = elements[j * columns + i]
            }
        }
    }

    /// Sets every entry above the main diagonal to zero.
    mutating func zeroStrictUpperTriangle() {
        for i in 0..<rows {
            for j in min(i + 1, columns)..<columns {
                elements[i * columns + j] = 0
            }
        }
    }

    /// Whether every entry is finite (neither NaN nor infinite).
    var isFinite: Bool {
        elements.allSatisfy(\.isFinite)
    }
}
