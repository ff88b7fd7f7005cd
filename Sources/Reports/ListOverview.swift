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
/// (``ExactSum``).
public struct ListOverview: AccountObserver, Sendable {
    let grading: GradingPolicy
    /// Accepted accounts.
    public private(set) var accepted = 0
    /// Accounts per grade, by ``Grade/order``.
    public private(set) var counts = [Int](repeating: 0, count: Grade.allCases.count)
    private var dealSums = [ExactSum](repeating: ExactSum(), count: Grade.allCases.count)
    /// Graded accounts per cell of the grade grid: `cells[value band][difficulty band]`.
    public private(set) var cells: [[Int]]
    /// Accounts with insufficient information (not in any cell).
    public private(set) var insufficient = 0
    /// Bin counts by key (``GradeMapGeometry/hexbinKey(value:difficulty:)``), for the keys
    /// of ``GradeMapGeometry/hexbinKeyRange``; ``otherBins`` holds any other.
    private var bins = [Int](repeating: 0, count: GradeMapGeometry.hexbinKeyRange.count)
    private var otherBins: [Int: Int] = [:]

    public init(grading: GradingPolicy) {
        self.grading = grading
        cells = [[Int]](
            repeating: [Int](repeating: 0, count: grading.difficultyBands.names.count), count: grading.valueBands.names.count)
    }

    /// The overview of an assessed list (its accounts in row order).
    public init(assessment: BatchAssessment) {
        self.init(grading: assessment.model.grading)
        for row in 0..<assessment.count {
            observe(
                grade: assessment.grades[row], value: assessment.value(row), difficulty: assessment.difficulty(row),
                dealValue: assessment.accounts[row].dealValue)
        }
    }

    public mutating func observe(grade: Grade, value: Double, difficulty: Double, dealValue: Double?) {
        accepted += 1
        counts[grade.order] += 1
        dealSums[grade.order].add(dealValue ?? 0)
        guard grade != .insufficient else {
            insufficient += 1
            return
        }
        cells[grading.valueBands.index(of: value)][grading.difficultyBands.index(of: difficulty)] += 1
        let key = GradeMapGeometry.hexbinKey(value: value, difficulty: difficulty)
        let range = GradeMapGeometry.hexbinKeyRange
        if range.contains(key) {
            bins[key - range.lowerBound] += 1
        } else {
            otherBins[key, default: 0] += 1
        }
    }

    /// Accounts of a grade.
    public func count(_ grade: Grade) -> Int { counts[grade.order] }

    /// The sum of the deal values of a grade's accounts (missing ones count 0).
    public func dealValue(_ grade: Grade) -> Double { dealSums[grade.order].value }

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
        let px = x(difficulty) - left
        let py = y(value) - top
        // The nearest centre: the nearest in each of the two rows around the point.
        let j0 = Int((py / dy).rounded(.down))
        var best = (i: 0, j: 0, distance: Double.infinity)
        for j in [j0, j0 + 1] {
            let shift = Double(j & 1) / 2
            let i = Int((px / dx - shift).rounded())
            let cx = (Double(i) + shift) * dx
            let cy = Double(j) * dy
            let distance = (px - cx) * (px - cx) + (py - cy) * (py - cy)
            if distance < best.distance { best = (i, j, distance) }
        }
        return best.j * 4096 + best.i + 1
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

/// A sum of doubles that is exact until it is read, then rounded once (Shewchuk's
/// non-overlapping partials, as Python's `math.fsum`): the result does not depend on the
/// order of the terms.
struct ExactSum: Sendable {
    private var partials: [Double] = []

    mutating func add(_ term: Double) {
        var x = term
        var kept = 0
        for index in partials.indices {
            var y = partials[index]
            if abs(x) < abs(y) { swap(&x, &y) }
            let high = x + y
            let low = y - (high - x)
            if low != 0 {
                partials[kept] = low
                kept += 1
            }
            x = high
        }
        partials.removeSubrange(kept...)
        partials.append(x)
    }

    /// The sum, correctly rounded (finite terms).
    var value: Double {
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
