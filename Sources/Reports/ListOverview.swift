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
    /// Bin counts of every bin the plot area can reach, by ``GradeMapGeometry/slot(of:)`` of
    /// their key (``GradeMapGeometry/hexbinKey(value:difficulty:)``); ``otherBins`` holds any
    /// other key.
    private var bins = [Int](repeating: 0, count: GradeMapGeometry.slotCount)
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
                dealValue: assessment.accounts[row].dealValue, line: assessment.accounts[row].line)
        }
        observe(accounts)
    }

    /// Adds one account.
    public mutating func observe(grade: Grade, value: Double, difficulty: Double, dealValue: Double?) {
        var accounts = ObservedAccounts()
        accounts.append(grade: grade, value: value, difficulty: difficulty, dealValue: dealValue, line: 0)
        observe(accounts)
    }

    /// Adds accounts (a merged chunk's). The arrays are taken out of the overview and
    /// changed through spans, so that each is checked for sharing once per call rather than
    /// at every change (the checks cost more than the counting).
    public mutating func observe(_ accounts: ObservedAccounts) {
        let list = accounts.accounts
        dealSums.add(count: list.count, term: { list[$0].dealValue }, to: { Int(list[$0].grade) })
        let insufficientOrder = UInt8(Grade.insufficient.order)
        let valueBands = grading.valueBands
        let difficultyBands = grading.difficultyBands
        let bandCount = difficultyBandCount
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
        let observed = list.span
        for index in observed.indices {
            let account = observed[index]
            let grade = account.grade
            gradeCounts[Int(grade)] += 1
            guard grade != insufficientOrder else {
                insufficientCount += 1
                continue
            }
            let value = account.value
            let difficulty = account.difficulty
            cells[valueBands.index(of: value) * bandCount + difficultyBands.index(of: difficulty)] += 1
            let key = geometry.key(value: value, difficulty: difficulty)
            let slot = GradeMapGeometry.slot(of: key)
            if slot >= 0 {
                binCounts[slot] += 1
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
        for (slot, count) in bins.enumerated() where count > 0 { result.append((GradeMapGeometry.key(ofSlot: slot), count)) }
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
        /// Plot units per score point, across and down.
        let xScale = GradeMapGeometry.width / 100
        let yScale = GradeMapGeometry.height / 100
        let height = GradeMapGeometry.height
        let dx = GradeMapGeometry.dx
        let dy = GradeMapGeometry.dy
        let columnsPerUnit = 1 / GradeMapGeometry.dx
        let rowsPerUnit = 1 / GradeMapGeometry.dy

        /// ``GradeMapGeometry/hexbinKey(value:difficulty:)``: the point's offset in the plot
        /// area, as `x(difficulty) - left` and `y(value) - top`, by multiplications only (a
        /// division costs as much as the rest of the key; the nearest centre is found among two
        /// rows either way, so a last-bit difference in the row estimate changes nothing).
        @inline(__always)
        func key(value: Double, difficulty: Double) -> Int {
            let px = xScale * min(max(difficulty, 0), 100)
            let py = height - yScale * min(max(value, 0), 100)
            // The nearest centre: the nearest in each of the two rows around the point.
            // (`py` is at least 0, or a rounding error below it: truncating is rounding down.)
            let j0 = Int(py * rowsPerUnit)
            let columns = px * columnsPerUnit
            /// The nearest centre in row `j`, and its squared distance.
            @inline(__always)
            func nearest(inRow j: Int) -> (i: Int, distance: Double) {
                let shift = Double(j & 1) * 0.5
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

    /// Count slots per row of bins: columns -1 to 54.
    static var slotsPerRow: Int { 56 }
    /// Count slots for every bin the plot area can reach: 42 rows of ``slotsPerRow``.
    static var slotCount: Int { 42 * slotsPerRow }

    /// The slot of a bin's key in a table of ``slotCount`` counts, or -1 for a key the plot
    /// area cannot reach. (A table indexed by the key itself spaces its rows 32 KiB apart,
    /// so that the counts of every row compete for the same few cache sets; this one is
    /// 18 KiB in one piece.)
    @inline(__always)
    static func slot(of key: Int) -> Int {
        let row = key >> 12
        let column = key & 4095
        return UInt(bitPattern: row) < 42 && column < slotsPerRow ? row &* slotsPerRow &+ column : -1
    }

    /// The key of a slot (``slot(of:)``).
    static func key(ofSlot slot: Int) -> Int { (slot / slotsPerRow) * 4096 + slot % slotsPerRow }

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
        add(count: 1, term: { _ in term }, to: { _ in sum })
    }

    /// Adds `term(i)` to sum `sum(i)` for each `i` below `count`, a NaN term as 0 (a missing
    /// deal value).
    @inline(__always)
    mutating func add(count termCount: Int, term termAt: (Int) -> Double, to sumAt: (Int) -> Int) {
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
        for position in 0..<termCount {
            let sum = sumAt(position)
            let base = sum * Self.capacity
            let count = used[sum]
            let term = termAt(position)
            var x = term.isNaN ? 0 : term
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
