import ScoringEngine
import ScoringIO

/// What the report's summary and grade map show of the whole list, gathered one account at
/// a time: accounts and deal value per grade, the count in each cell of the grade grid, and
/// the hexagonal bins of the density map.
///
/// The same code gathers it in both ways a report is made: from a ranking streamed in one
/// pass (an ``AccountObserver`` of ``ProspectStream``, which keeps no account) and from an
/// assessment in memory (``init(assessment:)``). Nothing in it depends on the order the
/// accounts come in (the stream grades the rows that wait for the file's mean utilities at
/// its end): counts are counts, and deal values are summed exactly, then rounded once
/// (``ExactSums``).
public struct ListOverview: AccountObserver, Sendable {
    let grading: GradingPolicy
    /// Accepted accounts.
    public private(set) var accepted = 0
    /// Accounts per grade, by ``Grade/order``.
    public private(set) var counts = [Int](repeating: 0, count: Grade.allCases.count)
    /// The deal values per grade, summed exactly (one array for all grades, so that adding
    /// a term checks one array's uniqueness, not two).
    private var dealSums = ExactSums(count: Grade.allCases.count)
    /// Graded accounts per cell of the grade grid, row-major by value band.
    private var cellCounts: [Int]
    private let difficultyBandCount: Int
    /// Accounts with insufficient information (not in any cell).
    public private(set) var insufficient = 0
    /// Bin counts by key (``GradeMapGeometry/hexbinKey(value:difficulty:)``), for the keys
    /// of ``GradeMapGeometry/hexbinKeyRange``; ``otherBins`` holds any other.
    private var bins = [Int](repeating: 0, count: GradeMapGeometry.hexbinKeyRange.count)
    private var otherBins: [Int: Int] = [:]

    public init(grading: GradingPolicy) {
        self.grading = grading
        difficultyBandCount = grading.difficultyBands.names.count
        cellCounts = [Int](repeating: 0, count: grading.valueBands.names.count * difficultyBandCount)
    }

    /// Graded accounts per cell of the grade grid: `cells[value band][difficulty band]`.
    public var cells: [[Int]] {
        stride(from: 0, to: cellCounts.count, by: difficultyBandCount).map {
            Array(cellCounts[$0..<($0 + difficultyBandCount)])
        }
    }

    /// The overview of an assessed list (its accounts in row order), gathered by the same
    /// code as a streamed ranking's.
    public init(assessment: BatchAssessment) {
        self.init(grading: assessment.model.grading)
        var accounts = ObservedAccounts()
        for row in 0..<assessment.count {
            accounts.append(
                grade: assessment.grades[row], value: assessment.value(row), difficulty: assessment.difficulty(row),
                dealValue: assessment.accounts[row].dealValue)
        }
        observe(accounts)
    }

    /// Adds one account.
    public mutating func observe(grade: Grade, value: Double, difficulty: Double, dealValue: Double?) {
        var accounts = ObservedAccounts()
        accounts.append(grade: grade, value: value, difficulty: difficulty, dealValue: dealValue)
        observe(accounts)
    }

    /// Adds accounts (a merged chunk's). The arrays are taken out of the overview and
    /// changed through spans, so that each is checked for sharing once per call rather than
    /// at every change (the checks cost more than the counting).
    public mutating func observe(_ accounts: ObservedAccounts) {
        dealSums.add(accounts.dealValues, to: accounts.grades)
        let insufficientOrder = UInt8(Grade.insufficient.order)
        let valueBands = grading.valueBands
        let difficultyBands = grading.difficultyBands
        let bandCount = difficultyBandCount
        let range = GradeMapGeometry.hexbinKeyRange
        let geometry = GradeMapGeometry.Bins()
        var counts = [Int]()
        var cellCounts = [Int]()
        var bins = [Int]()
        swap(&counts, &self.counts)
        swap(&cellCounts, &self.cellCounts)
        swap(&bins, &self.bins)
        defer {
            swap(&counts, &self.counts)
            swap(&cellCounts, &self.cellCounts)
            swap(&bins, &self.bins)
        }
        var gradeCounts = counts.mutableSpan
        var cells = cellCounts.mutableSpan
        var binCounts = bins.mutableSpan
        var insufficientCount = 0
        let grades = accounts.grades.span
        let values = accounts.values.span
        let difficulties = accounts.difficulties.span
        for index in grades.indices {
            let grade = grades[index]
            gradeCounts[Int(grade)] += 1
            guard grade != insufficientOrder else {
                insufficientCount += 1
                continue
            }
            let value = values[index]
            let difficulty = difficulties[index]
            cells[valueBands.index(of: value) * bandCount + difficultyBands.index(of: difficulty)] += 1
            let key = geometry.key(value: value, difficulty: difficulty)
            if range.contains(key) {
                binCounts[key - range.lowerBound] += 1
            } else {
                otherBins[key, default: 0] += 1
            }
        }
        accepted += accounts.count
        insufficient += insufficientCount
    }

    /// Accounts of a grade.
    public func count(_ grade: Grade) -> Int { counts[grade.order] }

    /// The sum of the deal values of a grade's accounts (missing ones count 0).
    public func dealValue(_ grade: Grade) -> Double { dealSums.value(grade.order) }

    /// The non-empty hexagonal bins in key order, with their counts.
    public var hexbins: [(key: Int, count: Int)] {
        var result = otherBins.map { (key: $0.key, count: $0.value) }
        let lower = GradeMapGeometry.hexbinKeyRange.lowerBound
        for (offset, count) in bins.enumerated() where count > 0 { result.append((lower + offset, count)) }
        return result.sorted { $0.key < $1.key }
    }
}

/// Where the grade map draws: the plot area of its SVG, and the hexagonal bins (pointy-top,
/// radius 7 px) of its density.
enum GradeMapGeometry {
    static let left = 56.0
    static let top = 16.0
    static let width = 640.0
    static let height = 420.0
    static let radius = 7.0
    static let dx = radius * 3.0.squareRoot()
    static let dy = radius * 1.5

    /// The x of a difficulty score (clamped to 0–100).
    static func x(_ difficulty: Double) -> Double { left + width * min(max(difficulty, 0), 100) / 100 }
    /// The y of a value score (clamped to 0–100).
    static func y(_ value: Double) -> Double { top + height * (1 - min(max(value, 0), 100) / 100) }

    /// The key of the bin whose centre is nearest the point: `row × 4096 + column + 1` (the
    /// column may be -1 at the left edge). Row `j`'s centres sit `j × dy` below the top and,
    /// in odd rows, half a column to the right.
    static func hexbinKey(value: Double, difficulty: Double) -> Int {
        Bins().key(value: value, difficulty: difficulty)
    }

    /// ``hexbinKey(value:difficulty:)`` with the geometry's constants read once (a static
    /// constant is checked for its first use at every read), for a loop over many accounts.
    struct Bins {
        let left = GradeMapGeometry.left
        let top = GradeMapGeometry.top
        let width = GradeMapGeometry.width
        let height = GradeMapGeometry.height
        let dx = GradeMapGeometry.dx
        let dy = GradeMapGeometry.dy

        /// ``GradeMapGeometry/hexbinKey(value:difficulty:)``, the same arithmetic.
        @inline(__always)
        func key(value: Double, difficulty: Double) -> Int {
            // As `x(difficulty) - left` and `y(value) - top`.
            let px = (left + width * min(max(difficulty, 0), 100) / 100) - left
            let py = (top + height * (1 - min(max(value, 0), 100) / 100)) - top
            // The nearest centre: the nearest in each of the two rows around the point.
            // (`py` is at least 0: truncating is rounding down.)
            let j0 = Int(py / dy)
            let columns = px / dx
            /// The nearest centre in row `j`, and its squared distance.
            @inline(__always)
            func nearest(inRow j: Int) -> (i: Int, distance: Double) {
                let shift = Double(j & 1) / 2
                let i = GradeMapGeometry.roundedHalfAway(columns - shift)
                let cx = (Double(i) + shift) * dx
                let cy = Double(j) * dy
                return (i, (px - cx) * (px - cx) + (py - cy) * (py - cy))
            }
            let upper = nearest(inRow: j0)
            let lower = nearest(inRow: j0 + 1)
            // The first row wins a tie. (Choosing the row and column as values rather than
            // branching to two keys: which row wins is a coin toss a branch mispredicts.)
            let lowerWins = lower.distance < upper.distance
            let row = j0 &+ (lowerWins ? 1 : 0)
            let column = lowerWins ? lower.i : upper.i
            return row &* 4096 &+ column &+ 1
        }
    }

    /// `x.rounded()` (to the nearest integer, halves away from zero) for `|x| < 2⁵²`,
    /// without the call to the C library's `round` that it compiles to: `x` less its
    /// truncation is exact there, so comparing it with one half decides as `round` does.
    @inline(__always)
    static func roundedHalfAway(_ x: Double) -> Int {
        let truncated = Int(x)
        let fraction = x - Double(truncated)
        // (Added as values, not chosen by branches: the fraction is a coin toss.)
        return truncated &+ (fraction >= 0.5 ? 1 : 0) &- (fraction <= -0.5 ? 1 : 0)
    }

    /// The keys of every bin the plot area can reach (rows 0 to 41, columns -1 to 53), as
    /// one range.
    static let hexbinKeyRange = 0..<(42 * 4096)

    /// The centre of a bin, in the SVG's coordinates.
    static func hexbinCentre(key: Int) -> (x: Double, y: Double) {
        let j = key / 4096
        let i = key - j * 4096 - 1
        return (left + (Double(i) + Double(j & 1) / 2) * dx, top + Double(j) * dy)
    }
}

/// Sums of doubles that are exact until they are read, then rounded once (Shewchuk's
/// non-overlapping partials, as Python's `math.fsum`): a result does not depend on the order
/// of the terms. `count` sums side by side, each with room for ``capacity`` partials (finite
/// doubles never need more than about 40).
struct ExactSums: Sendable {
    static let capacity = 64
    /// Sum `s`'s partials are `partials[s × capacity ..< s × capacity + used[s]]`, smallest first.
    private var partials: [Double]
    private var used: [Int]

    init(count: Int) {
        partials = [Double](repeating: 0, count: count * Self.capacity)
        used = [Int](repeating: 0, count: count)
    }

    mutating func add(_ term: Double, to sum: Int) {
        add([term], to: [UInt8(sum)])
    }

    /// Adds `terms[i]` to sum `sums[i]` for each `i`, a NaN term as 0 (a missing deal value).
    mutating func add(_ terms: [Double], to sums: [UInt8]) {
        precondition(terms.count == sums.count, "A sum for each term")
        let terms = terms.span
        let sums = sums.span
        var partialValues = [Double]()
        var usedCounts = [Int]()
        swap(&partialValues, &self.partials)
        swap(&usedCounts, &self.used)
        defer {
            swap(&partialValues, &self.partials)
            swap(&usedCounts, &self.used)
        }
        var partials = partialValues.mutableSpan
        var used = usedCounts.mutableSpan
        for position in terms.indices {
            let sum = Int(sums[position])
            let base = sum * Self.capacity
            let count = used[sum]
            var x = terms[position].isNaN ? 0 : terms[position]
            var kept = 0
            for index in base..<(base + count) {
                var y = partials[index]
                if abs(x) < abs(y) { swap(&x, &y) }
                let high = x + y
                let low = y - (high - x)
                if low != 0 {
                    partials[base + kept] = low
                    kept += 1
                }
                x = high
            }
            precondition(kept < Self.capacity, "An exact sum of finite doubles needs fewer partials")
            partials[base + kept] = x
            used[sum] = kept + 1
        }
    }

    /// Sum `sum`, correctly rounded (finite terms).
    func value(_ sum: Int) -> Double {
        let partials = Array(self.partials[(sum * Self.capacity)..<(sum * Self.capacity + used[sum])])
        var n = partials.count
        guard n > 0 else { return 0 }
        n -= 1
        var high = partials[n]
        var low = 0.0
        while n > 0 {
            let x = high
            let y = partials[n - 1]
            n -= 1
            high = x + y
            low = y - (high - x)
            if low != 0 { break }
        }
        // Half-way cases: round as the exact sum lies, not as the two partials tie.
        if n > 0, (low < 0 && partials[n - 1] < 0) || (low > 0 && partials[n - 1] > 0) {
            let y = low * 2
            let x = high + y
            if y == x - high { high = x }
        }
        return high
    }
}
