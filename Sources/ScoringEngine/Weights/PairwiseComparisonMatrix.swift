import Foundation
import LinearAlgebra

/// A reciprocal matrix of pairwise judgements on Saaty's 1–9 scale, possibly incomplete.
///
/// Entry `a[i][j]` says how many times more important item `i` is than item `j`: 1 equal,
/// 3 moderately, 5 strongly, 7 very strongly, 9 extremely (2, 4, 6, 8 in between; any real
/// value in 1/9...9 is accepted). The matrix is reciprocal, `a[j][i] = 1 / a[i][j]`, with
/// ones on the diagonal; a pair nobody judged is `nil` (missing).
public struct PairwiseComparisonMatrix: Sendable, Equatable {
    /// One judgement: `row` is `value` times as important as `column`.
    public struct Judgement: Sendable, Equatable {
        public let row: Int
        public let column: Int
        public let value: Double
        public init(row: Int, column: Int, value: Double) {
            self.row = row
            self.column = column
            self.value = value
        }
    }

    /// The number of items compared.
    public let order: Int

    // Row-major n × n; the diagonal is 1 and entry (j, i) is the reciprocal of (i, j).
    private let storage: [Double?]

    /// The smallest and largest judgement Saaty's scale allows.
    public static let scaleRange: ClosedRange<Double> = (1.0 / 9 - 1e-12)...(9 + 1e-12)

    /// Builds the matrix from judgements; pairs not given are missing.
    ///
    /// - Parameters:
    ///   - order: The number of items (≥ 1).
    ///   - judgements: Each pair at most once (either orientation); values in 1/9...9.
    ///   - names: Item names for error messages.
    /// - Throws: ``PairwiseComparisonError`` for a value off the scale, a self-comparison
    ///   other than 1, or a pair judged twice with different values.
    public init(order: Int, judgements: [Judgement], names: [String] = []) throws(PairwiseComparisonError) {
        precondition(order >= 1, "A pairwise comparison matrix needs at least one item")
        var storage = [Double?](repeating: nil, count: order * order)
        for item in 0..<order { storage[item * order + item] = 1 }
        for judgement in judgements {
            precondition(
                (0..<order).contains(judgement.row) && (0..<order).contains(judgement.column),
                "Judgement index out of range")
            let value = judgement.value
            guard value.isFinite, value > 0, Self.scaleRange.contains(value) else {
                throw .outOfScale(row: judgement.row, column: judgement.column, value: value, names: names)
            }
            if judgement.row == judgement.column {
                guard abs(value - 1) < 1e-12 else {
                    throw .selfComparison(item: judgement.row, value: value, names: names)
                }
                continue
            }
            let position = judgement.row * order + judgement.column
            if let existing = storage[position], abs(existing - value) > 1e-12 * max(existing, value) {
                throw .conflictingJudgements(
                    row: judgement.row, column: judgement.column, first: existing, second: value, names: names)
            }
            storage[position] = value
            storage[judgement.column * order + judgement.row] = 1 / value
        }
        self.order = order
        self.storage = storage
    }

    /// Builds a complete matrix from its rows (which must be reciprocal).
    public init(rows: [[Double]], names: [String] = []) throws(PairwiseComparisonError) {
        var judgements: [Judgement] = []
        for i in rows.indices {
            precondition(rows[i].count == rows.count, "A pairwise comparison matrix must be square")
            for j in rows.indices where j > i {
                judgements.append(Judgement(row: i, column: j, value: rows[i][j]))
                let reciprocal = rows[j][i]
                if abs(reciprocal * rows[i][j] - 1) > 1e-9 {
                    throw .conflictingJudgements(row: j, column: i, first: 1 / rows[i][j], second: reciprocal, names: names)
                }
            }
        }
        try self.init(order: rows.count, judgements: judgements, names: names)
    }

    private init(order: Int, storage: [Double?]) {
        self.order = order
        self.storage = storage
    }

    /// The judgement of item `row` against item `column`, or `nil` when missing.
    public subscript(row: Int, column: Int) -> Double? {
        storage[row * order + column]
    }

    /// The unordered pairs (i < j) nobody judged.
    public var missingPairs: [(Int, Int)] {
        var pairs: [(Int, Int)] = []
        for i in 0..<order {
            for j in (i + 1)..<max(order, i + 1) where storage[i * order + j] == nil { pairs.append((i, j)) }
        }
        return pairs
    }

    /// Whether every pair is judged.
    public var isComplete: Bool { missingPairs.isEmpty }

    /// The element-wise geometric mean of several judges' matrices (Aczél and Saaty's
    /// aggregation of individual judgements, AIJ).
    ///
    /// Entry (i, j) is `(Πₖ aₖ[i][j])^(1/m)` over the `m` judges who judged that pair;
    /// missing for all of them stays missing. The geometric mean is the only average that
    /// keeps the result reciprocal (Aczél and Saaty, J. Math. Psychology 27 (1983)).
    ///
    /// - Precondition: at least one matrix, all of the same order.
    public static func geometricMean(_ matrices: [PairwiseComparisonMatrix]) -> PairwiseComparisonMatrix {
        precondition(!matrices.isEmpty, "Geometric mean of no matrices")
        let order = matrices[0].order
        precondition(matrices.allSatisfy { $0.order == order }, "Judges' matrices must have the same order")
        var storage = [Double?](repeating: nil, count: order * order)
        for position in 0..<(order * order) {
            var logSum = 0.0
            var count = 0
            for matrix in matrices {
                if let value = matrix.storage[position] {
                    logSum += log(value)
                    count += 1
                }
            }
            if count > 0 { storage[position] = exp(logSum / Double(count)) }
        }
        for item in 0..<order { storage[item * order + item] = 1 }
        return PairwiseComparisonMatrix(order: order, storage: storage)
    }

    /// A copy with one pair (and its reciprocal) made missing.
    public func removing(row: Int, column: Int) -> PairwiseComparisonMatrix {
        precondition(row != column, "The diagonal of a pairwise comparison matrix cannot be removed")
        var storage = self.storage
        storage[row * order + column] = nil
        storage[column * order + row] = nil
        return PairwiseComparisonMatrix(order: order, storage: storage)
    }

    /// A copy with one judgement replaced (and its reciprocal).
    public func replacing(row: Int, column: Int, with value: Double) -> PairwiseComparisonMatrix {
        var storage = self.storage
        storage[row * order + column] = value
        storage[column * order + row] = 1 / value
        return PairwiseComparisonMatrix(order: order, storage: storage)
    }

    /// The groups of items linked by judged pairs (connected components), each sorted.
    public var connectedGroups: [[Int]] {
        var group = [Int](repeating: -1, count: order)
        var groups: [[Int]] = []
        for start in 0..<order where group[start] < 0 {
            var members = [start]
            group[start] = groups.count
            var cursor = 0
            while cursor < members.count {
                let item = members[cursor]
                cursor += 1
                for other in 0..<order where group[other] < 0 && storage[item * order + other] != nil {
                    group[other] = groups.count
                    members.append(other)
                }
            }
            groups.append(members.sorted())
        }
        return groups
    }

    /// Derives weights, λmax and the consistency ratio.
    ///
    /// **Complete matrices**: the weights are the principal right eigenvector `w` of `A`
    /// (LAPACK `dgeev` through ``Matrix/eigen()``; by Perron–Frobenius the dominant
    /// eigenvalue λmax is real and ≥ n and its eigenvector is positive), normalized to
    /// sum 1.
    ///
    /// **Incomplete matrices** (Harker's method, P. T. Harker, "Incomplete pairwise
    /// comparisons in the analytic hierarchy process", Mathematical Modelling 9 (1987)
    /// 837–848): each missing entry is set to 0 and each diagonal entry to 1 + the number of
    /// missing entries in its row; the principal eigenvector of that matrix is the weight
    /// vector. It equals the eigenvector of the matrix completed with `a[i][j] = wᵢ / wⱼ` for
    /// the missing pairs, with the same λmax, so CI and CR below are those of the completed
    /// matrix. The judged pairs must link every item (else the weights between the groups are
    /// undetermined and this throws ``PairwiseComparisonError/disconnected(groups:names:)``).
    ///
    /// **Consistency**: CI = (λmax − n)/(n − 1); CR = CI / RI(n) with Saaty's random index
    /// (``RandomIndex``, Saaty's table up to n = 15 and Alonso–Lamata's formula beyond unless
    /// `randomIndex` names another table); CR ≤ 0.10 is acceptable. A consistent matrix (`a[i][k] =
    /// a[i][j] a[j][k]`) has λmax = n and CR = 0. With ε_ij = a_ij w_j / w_i, λmax − n =
    /// (1/n) Σ_{i<j} (ε_ij + 1/ε_ij − 2) exactly, so each judged pair's share of the
    /// inconsistency is its term of that sum; ``PairwiseAnalysis/inconsistencies`` lists
    /// them, worst first, with the value the other judgements imply for the pair (the weights
    /// with the pair left blank) and the CR if the pair were revised to it.
    ///
    /// - Parameter names: Item names for error messages.
    /// - Throws: ``PairwiseComparisonError/disconnected(groups:names:)`` or
    ///   ``PairwiseComparisonError/eigenFailure(_:)``.
    /// - Complexity: O(n³) for the eigenproblem, plus O(n²) per judged pair for the
    ///   "CR if revised" figures (each re-solves the eigenproblem: O(n⁵) overall, trivial
    ///   for the n of a model side).
    public func analyzed(names: [String] = [], randomIndex table: RandomIndex.Table = .auto) throws(PairwiseComparisonError)
        -> PairwiseAnalysis
    {
        try analyzed(names: names, withRevisions: true, table: table)
    }

    func analyzed(names: [String], withRevisions: Bool, table: RandomIndex.Table = .auto) throws(PairwiseComparisonError)
        -> PairwiseAnalysis
    {
        let n = order
        let groups = connectedGroups
        guard groups.count == 1 else { throw .disconnected(groups: groups, names: names) }
        let (weights, lambdaMax) = try principalEigen()
        let found = RandomIndex.value(forOrder: n, table: table)
        let randomIndex = found?.value
        let consistencyIndex = n > 1 ? max(0, (lambdaMax - Double(n)) / Double(n - 1)) : 0
        let ratio: Double? = n <= 2 ? 0 : randomIndex.map { consistencyIndex / $0 }

        var inconsistencies: [PairwiseAnalysis.Inconsistency] = []
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                guard let judged = self[i, j] else { continue }
                let epsilon = judged * weights[j] / weights[i]
                let share = (epsilon + 1 / epsilon - 2) / Double(n)
                // What the other judgements say about this pair: the weights with the pair
                // left blank (Harker), when the rest still links every item.
                var consistent = weights[i] / weights[j]
                var revisedRatio: Double?
                if withRevisions, n > 2 {
                    let without = removing(row: i, column: j)
                    if without.connectedGroups.count == 1,
                        let others = try? without.analyzed(names: names, withRevisions: false, table: table)
                    {
                        consistent = others.weights[i] / others.weights[j]
                    }
                    let clamped = min(max(consistent, 1.0 / 9), 9)
                    if let revised = try? replacing(row: i, column: j, with: clamped)
                        .analyzed(names: names, withRevisions: false, table: table)
                    {
                        revisedRatio = revised.consistencyRatio
                    }
                }
                inconsistencies.append(
                    PairwiseAnalysis.Inconsistency(
                        row: i, column: j, judged: judged, consistentValue: consistent,
                        nearestScaleValue: PairwiseAnalysis.nearestScaleValue(to: consistent),
                        lambdaShare: share, consistencyRatioIfRevised: revisedRatio))
            }
        }
        inconsistencies.sort { ($0.lambdaShare, $1.row, $1.column) > ($1.lambdaShare, $0.row, $0.column) }
        return PairwiseAnalysis(
            order: n, weights: weights, lambdaMax: lambdaMax, consistencyIndex: consistencyIndex,
            randomIndex: randomIndex, randomIndexSource: found?.source, consistencyRatio: ratio,
            missingPairCount: missingPairs.count, inconsistencies: inconsistencies)
    }

    /// The Perron eigenvector (normalized to sum 1) and eigenvalue of `A`, or of Harker's
    /// modified matrix when entries are missing.
    func principalEigen() throws(PairwiseComparisonError) -> (weights: [Double], lambda: Double) {
        let n = order
        if n == 1 { return ([1], 1) }
        var elements = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            var missing = 0
            for j in 0..<n {
                if let value = storage[i * n + j] { elements[i * n + j] = value } else { missing += 1 }
            }
            elements[i * n + i] = 1 + Double(missing)
        }
        let eigen: GeneralEigen
        do {
            eigen = try Matrix(rows: n, columns: n, elements: elements).eigen()
        } catch {
            throw .eigenFailure(error.description)
        }
        let index = eigen.dominantIndex
        guard let vector = eigen.realEigenvector(at: index) else {
            throw .eigenFailure("the dominant eigenvalue is not real")
        }
        let total = vector.reduce(0, +)
        guard total != 0, total.isFinite else { throw .eigenFailure("the principal eigenvector sums to zero") }
        // Perron: all entries share a sign; dividing by the sum makes them positive.
        let weights = vector.map { max($0 / total, 0) }
        return (weights, eigen.realParts[index])
    }
}

/// Weights and consistency figures of one pairwise comparison matrix; see
/// ``PairwiseComparisonMatrix/analyzed(names:)``.
public struct PairwiseAnalysis: Sendable, Equatable {
    /// The number of items.
    public let order: Int
    /// Priorities, positive, summing to 1.
    public let weights: [Double]
    /// The principal eigenvalue λmax (≥ n up to rounding).
    public let lambdaMax: Double
    /// CI = (λmax − n)/(n − 1), clamped at 0; 0 for n = 1.
    public let consistencyIndex: Double
    /// RI(n) from the chosen table (``RandomIndex/Table``); `nil` when it has no entry for n.
    public let randomIndex: Double?
    /// Which table or formula gave ``randomIndex``.
    public let randomIndexSource: RandomIndex.Source?
    /// CR = CI/RI; 0 for n ≤ 2 (always consistent); `nil` when RI is unknown.
    public let consistencyRatio: Double?
    /// Pairs nobody judged (filled by Harker's method).
    public let missingPairCount: Int
    /// Every judged pair, the largest share of the inconsistency first.
    public let inconsistencies: [Inconsistency]

    /// Whether CR ≤ 0.10 (Saaty's threshold); `true` when CR is unknown but CI ≤ 0.10.
    public var isAcceptable: Bool {
        (consistencyRatio ?? consistencyIndex) <= RandomIndex.acceptableRatio + 1e-12
    }

    /// A judged pair and how far it is from the weights.
    public struct Inconsistency: Sendable, Equatable {
        public let row: Int
        public let column: Int
        /// The judgement a[row][column].
        public let judged: Double
        /// The judgement the *other* judgements imply: w′_row / w′_column with w′ the weights
        /// derived with this pair left blank (Harker's method), or w_row / w_column when
        /// the other pairs do not link every item. May lie outside 1/9...9.
        public let consistentValue: Double
        /// The Saaty scale value (1...9 or a reciprocal 1/2...1/9) nearest the consistent
        /// value in ratio terms.
        public let nearestScaleValue: Double
        /// This pair's term (ε + 1/ε − 2)/n of λmax − n.
        public let lambdaShare: Double
        /// The CR if this judgement alone were changed to ``consistentValue`` (clamped to
        /// the scale).
        public let consistencyRatioIfRevised: Double?
    }

    /// The values of Saaty's scale: 1/9, 1/8, …, 1/2, 1, 2, …, 9.
    public static let scaleValues: [Double] = (2...9).reversed().map { 1 / Double($0) } + (1...9).map(Double.init)

    /// The scale value nearest `value` in |log| distance.
    public static func nearestScaleValue(to value: Double) -> Double {
        scaleValues.min { abs(log($0 / value)) < abs(log($1 / value)) } ?? 1
    }

    /// Text for a scale value: "3" or "1/3".
    public static func scaleText(_ value: Double) -> String {
        if value >= 1 {
            let rounded = value.rounded()
            return abs(rounded - value) < 1e-9 ? String(Int(rounded)) : String(format: "%.2f", value)
        }
        let reciprocal = (1 / value).rounded()
        return abs(reciprocal - 1 / value) < 1e-9 ? "1/\(Int(reciprocal))" : String(format: "%.3f", value)
    }
}
