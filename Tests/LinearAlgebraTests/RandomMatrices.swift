import LinearAlgebra
import ScoringTestSupport

/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast, seeded generator, so every
/// "random" matrix in these tests is the same on every run and every machine.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// A vector of `count` entries drawn uniformly from -1...1.
    mutating func vector(_ count: Int) -> [Double] {
        (0..<count).map { _ in Double.random(in: -1...1, using: &self) }
    }

    /// A `rows × columns` matrix with entries drawn uniformly from -1...1.
    mutating func matrix(_ rows: Int, _ columns: Int) -> Matrix {
        Matrix(rows: rows, columns: columns, elements: vector(rows * columns))
    }

    /// A random symmetric `n × n` matrix with entries in -1...1.
    mutating func symmetricMatrix(_ n: Int) -> Matrix {
        var result = matrix(n, n)
        for i in 0..<n {
            for j in 0..<i {
                result[j, i] = result[i, j]
            }
        }
        return result
    }
}

// MARK: - Brute-force references

/// `op(A) op(B)` by the textbook triple loop.
func naiveProduct(
    _ a: Matrix, _ b: Matrix, transposingA: Bool = false, transposingB: Bool = false
) -> Matrix {
    let left = transposingA ? naiveTranspose(a) : a
    let right = transposingB ? naiveTranspose(b) : b
    var result = Matrix(rows: left.rows, columns: right.columns)
    for i in 0..<left.rows {
        for j in 0..<right.columns {
            var sum = 0.0
            for k in 0..<left.columns {
                sum += left[i, k] * right[k, j]
            }
            result[i, j] = sum
        }
    }
    return result
}

/// `A x` by the textbook double loop.
func naiveProduct(_ a: Matrix, _ x: [Double]) -> [Double] {
    naiveProduct(a, Matrix(rows: x.count, columns: 1, elements: x)).elements
}

/// `Aᵀ` by index swapping.
func naiveTranspose(_ a: Matrix) -> Matrix {
    var result = Matrix(rows: a.columns, columns: a.rows)
    for i in 0..<a.rows {
        for j in 0..<a.columns {
            result[j, i] = a[i, j]
        }
    }
    return result
}

/// Whether `actual` equals `expected` or `-expected` entry by entry (eigenvector signs are
/// arbitrary).
func isApproximatelyEqualUpToSign(
    _ actual: [Double], _ expected: [Double], absoluteTolerance: Double
) -> Bool {
    actual.isApproximatelyEqual(
        to: expected, absoluteTolerance: absoluteTolerance, relativeTolerance: 0)
        || actual.isApproximatelyEqual(
            to: expected.map { -$0 }, absoluteTolerance: absoluteTolerance, relativeTolerance: 0)
}
