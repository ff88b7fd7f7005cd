import Foundation

/// The fine bins of a numeric column on which ``AdditiveLogistic`` learns the column's curve.
///
/// The bins are made from the column's values alone (never from the outcomes), once, on
/// every row, and shared by every fold: with no outcome in them they leak nothing from a
/// fold's held-out rows.
///
/// ## Bins
///
/// 1. **Sentinels.** The smallest and the largest distinct value are *mass points* when each
///    holds at least `max(30, 5%)` of the present values (and some other value exists). A mass
///    point gets a bin of its own outside the smoothness chain: its utility is learned from
///    its own accounts, shrunk like a category, so a code such as `pdays = 999` ("never
///    contacted") or `−1` is not smoothed into its neighbours. A mass point is reported as a
///    *sentinel* (and kept out of monotone shapes) when it sits apart from the rest: its gap
///    to the nearest other value exceeds the range of the other values, or it is negative while
///    every other value is at least 0 (never when there is only one other value, as in a
///    0/1 column).
/// 2. **The chain.** The other values are cut at their quantiles into at most `maximumBins`
///    bins (``OutcomeBinning/preBins(runs:maximumBins:minimumCount:)``: ties never split, every
///    bin at least `minimumCount` values, a run that alone fills a quantile gets its own bin).
///    Neighbouring chain bins are tied together by the second-difference penalty.
/// 3. **Missing** values get the last bin, outside the chain.
///
/// Edges follow ``Scale/binned(bins:)``: a bin holds `lower ≤ x < upper`. A chain bin's upper
/// edge is the smallest value of the next bin; a bottom sentinel `v` closes at `v.nextUp`; a
/// top sentinel `v` opens at `v` and has no upper edge.
struct CurveBins: Sendable {
    enum Role: Sendable, Equatable {
        case smooth
        case sentinel(Double)
        /// An edge value on many rows that is not apart from the rest (own utility, kept in
        /// monotone shapes).
        case massPoint(Double)
        case missing
    }

    struct Bin: Sendable, Equatable {
        var lower: Double?
        var upper: Double?
        var role: Role
        /// Present values in the bin (all rows).
        var count: Int
    }

    /// Bins in value order, then the missing bin (always last, possibly empty).
    var bins: [Bin]
    /// The bin of every row.
    var rowBin: [UInt16]
    /// The indices of the chain bins, in value order.
    var chain: [Int]

    var missingBin: Int { bins.count - 1 }

    /// The sentinel values found.
    var sentinels: [Double] {
        bins.compactMap { if case .sentinel(let value) = $0.role { return value } else { return nil } }
    }

    /// The least share of the present values that makes an edge value a mass point.
    static let massShare = 0.05
    static let massCount = 30

    static func make(_ column: PreparedColumn, maximumBins: Int, minimumCount: Int) -> CurveBins {
        precondition(!column.isCategorical, "CurveBins needs a numeric column")
        let values = column.sortedValues
        var runs: [OutcomeBinning.Run] = []
        for value in values {
            if let last = runs.last, last.first == value {
                runs[runs.count - 1].count += 1
            } else {
                runs.append(OutcomeBinning.Run(first: value, count: 1, won: 0))
            }
        }
        let present = values.count
        let massMinimum = max(massCount, Int((massShare * Double(present)).rounded(.up)))
        func role(of run: OutcomeBinning.Run, rest: ArraySlice<OutcomeBinning.Run>) -> Role {
            // With one other value (a 0/1 column) nothing stands apart.
            guard let low = rest.first?.first, let high = rest.last?.first, high > low else { return .massPoint(run.first) }
            let gap = run.first < low ? low - run.first : run.first - high
            let apart = gap > high - low || (run.first < 0 && low >= 0)
            return apart ? .sentinel(run.first) : .massPoint(run.first)
        }
        var bottom: Role?
        var top: Role?
        var chainRuns = runs[...]
        if runs.count >= 2, runs[runs.count - 1].count >= massMinimum {
            top = role(of: runs[runs.count - 1], rest: runs[..<(runs.count - 1)])
            chainRuns = chainRuns.dropLast()
        }
        if chainRuns.count >= 2, let first = chainRuns.first, first.count >= massMinimum {
            bottom = role(of: first, rest: chainRuns.dropFirst())
            chainRuns = chainRuns.dropFirst()
        }
        let chainBins = OutcomeBinning.preBins(
            runs: Array(chainRuns), maximumBins: maximumBins, minimumCount: min(minimumCount, max(chainRuns.reduce(0) { $0 + $1.count } / 2, 1)))

        var bins: [Bin] = []
        var chain: [Int] = []
        // The first value of every bin in order, to place the sorted rows.
        var starts: [Double] = []
        if let bottom, let first = runs.first {
            bins.append(Bin(lower: nil, upper: first.first.nextUp, role: bottom, count: first.count))
            starts.append(first.first)
        }
        for (index, run) in chainBins.enumerated() {
            chain.append(bins.count)
            let lower: Double? = bins.isEmpty ? nil : (index == 0 && bottom != nil ? runs[0].first.nextUp : run.first)
            bins.append(Bin(lower: lower, upper: nil, role: .smooth, count: run.count))
            starts.append(run.first)
        }
        if let top, let last = runs.last {
            bins.append(Bin(lower: last.first, upper: nil, role: top, count: last.count))
            starts.append(last.first)
        }
        // Upper edges: the next bin's lower edge (a bottom sentinel keeps its v.nextUp).
        for index in bins.indices.dropLast() where bins[index].upper == nil {
            bins[index].upper = bins[index + 1].lower ?? starts[index + 1]
        }
        if bins.count == 1 {
            // One value only: an empty bin below it, so the binned scale has two bins.
            bins.insert(Bin(lower: nil, upper: starts[0], role: .smooth, count: 0), at: 0)
            bins[1].lower = starts[0]
            chain = [0, 1]
            starts.insert(-.infinity, at: 0)
        } else if bins.isEmpty {
            bins = [Bin(lower: nil, upper: 0, role: .smooth, count: 0), Bin(lower: 0, upper: nil, role: .smooth, count: 0)]
            chain = [0, 1]
        }
        bins.append(Bin(lower: nil, upper: nil, role: .missing, count: column.missingRows.count))

        var rowBin = [UInt16](repeating: 0, count: column.count)
        let missing = UInt16(bins.count - 1)
        for row in column.missingRows { rowBin[Int(row)] = missing }
        var bin = 0
        let lastValueBin = bins.count - 2
        for index in values.indices {
            let value = values[index]
            while bin < lastValueBin, let upper = bins[bin].upper, value >= upper { bin += 1 }
            rowBin[Int(column.order[index])] = UInt16(bin)
        }
        return CurveBins(bins: bins, rowBin: rowBin, chain: chain)
    }
}
