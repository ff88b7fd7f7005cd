import Foundation

/// The fine bins of a numeric column on which ``AdditiveLogistic`` learns the column's curve.
///
/// The bins are made from the column's values alone (never from the outcomes), once, on
/// every row, and shared by every fold: with no outcome in them they leak nothing from a
/// fold's held-out rows.
///
/// ## Bins
///
/// 1. **Special values.** Values the base model declares as ``Factor/specialValues`` get a
///    bin each, outside the smoothness chain and outside the value order: the utility is
///    learned from their own accounts, shrunk like a category (a declared value no account
///    has keeps the overall rate). Then, among the other values, the smallest and the largest
///    distinct value are *mass points* when each holds at least `max(30, 5%)` of the present
///    values (and some other value exists). A mass point is a *sentinel* when it sits apart
///    from the rest: its gap to the nearest other value exceeds the range of the other values,
///    or it is negative while every other value is at least 0 (never when there is only one
///    other value, as in a 0/1 column). A sentinel is treated like a declared special value
///    (`pdays = 999`, "never contacted", is not smoothed into its neighbours, kept out of
///    monotone shapes, and written to the learned model under `special_values`); a mass point
///    that is not apart gets a bin of its own at its end of the value order, outside the chain
///    but inside monotone shapes.
/// 2. **The chain.** The other values are cut at their quantiles into at most `maximumBins`
///    bins (``OutcomeBinning/preBins(runs:maximumBins:minimumCount:)``: ties never split, every
///    bin at least `minimumCount` values, a run that alone fills a quantile gets its own bin).
///    Neighbouring chain bins are tied together by the second-difference penalty.
/// 3. **Missing** values get the last bin, outside the chain.
///
/// Bins come in this order: the *ordered* bins (value order: a bottom mass point, the chain, a
/// top mass point), then the special bins (declared, then sentinels), then missing. The
/// ordered bins' edges follow ``Scale/binned(bins:)``: a bin holds `lower ≤ x < upper`, the
/// first from −∞ and the last to +∞; a chain bin's upper edge is the smallest value of the
/// next bin, and so is a bottom mass point's (the file says `below: 1` for a mass point at 0
/// followed by 1, 2, …, not `below: 5e-324`); a top mass point opens at its value. A special
/// bin holds its value only (`lower = v`, `upper = v.nextUp`).
struct CurveBins: Sendable {
    enum Role: Sendable, Equatable {
        case smooth
        /// An edge value on many rows that stands apart from the rest (own utility, outside
        /// the value order, written as a special value).
        case sentinel(Double)
        /// A special value the base model declares.
        case special(Double)
        /// An edge value on many rows that is not apart from the rest (own utility, kept in
        /// monotone shapes).
        case massPoint(Double)
        case missing

        /// The value of a special or sentinel bin.
        var specialValue: Double? {
            switch self {
            case .sentinel(let value), .special(let value): return value
            default: return nil
            }
        }
    }

    struct Bin: Sendable, Equatable {
        var lower: Double?
        var upper: Double?
        var role: Role
        /// Present values in the bin (all rows).
        var count: Int
    }

    /// Ordered bins, special bins, then the missing bin (always last, possibly empty).
    var bins: [Bin]
    /// The bin of every row.
    var rowBin: [UInt16]
    /// The indices of the chain bins, in value order.
    var chain: [Int]
    /// The number of ordered bins (they come first).
    var orderedCount: Int

    var missingBin: Int { bins.count - 1 }

    /// The sentinel values found (not the declared ones).
    var sentinels: [Double] {
        bins.compactMap { if case .sentinel(let value) = $0.role { return value } else { return nil } }
    }

    /// The least share of the present values that makes an edge value a mass point.
    static let massShare = 0.05
    static let massCount = 30

    static func make(_ column: PreparedColumn, maximumBins: Int, minimumCount: Int, declared: [Double] = []) -> CurveBins {
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
        let declaredSet = Set(declared)
        var runCount: [Double: Int] = [:]
        for run in runs where declaredSet.contains(run.first) { runCount[run.first] = run.count }
        runs.removeAll { declaredSet.contains($0.first) }
        var specials = declared.map { Bin(lower: $0, upper: $0.nextUp, role: .special($0), count: runCount[$0] ?? 0) }

        let present = values.count
        let massMinimum = max(massCount, Int((massShare * Double(present)).rounded(.up)))
        func role(of run: OutcomeBinning.Run, rest: ArraySlice<OutcomeBinning.Run>) -> Role {
            // With one other value (a 0/1 column) nothing stands apart.
            guard let low = rest.first?.first, let high = rest.last?.first, high > low else { return .massPoint(run.first) }
            let gap = run.first < low ? low - run.first : run.first - high
            let apart = gap > high - low || (run.first < 0 && low >= 0)
            return apart ? .sentinel(run.first) : .massPoint(run.first)
        }
        var bottom: OutcomeBinning.Run?
        var top: OutcomeBinning.Run?
        var detected: [Bin] = []  // sentinels, bottom then top
        var chainRuns = runs[...]
        if runs.count >= 2, let last = runs.last, last.count >= massMinimum {
            chainRuns = chainRuns.dropLast()
            if case .sentinel(let value) = role(of: last, rest: chainRuns) {
                detected.append(Bin(lower: value, upper: value.nextUp, role: .sentinel(value), count: last.count))
            } else {
                top = last
            }
        }
        if chainRuns.count >= 2, let first = chainRuns.first, first.count >= massMinimum {
            chainRuns = chainRuns.dropFirst()
            if case .sentinel(let value) = role(of: first, rest: chainRuns) {
                detected.insert(Bin(lower: value, upper: value.nextUp, role: .sentinel(value), count: first.count), at: 0)
            } else {
                bottom = first
            }
        }
        specials += detected
        let chainBins = OutcomeBinning.preBins(
            runs: Array(chainRuns), maximumBins: maximumBins,
            minimumCount: min(minimumCount, max(chainRuns.reduce(0) { $0 + $1.count } / 2, 1)))

        var bins: [Bin] = []
        var chain: [Int] = []
        // The first value of every ordered bin, to place the sorted rows.
        var starts: [Double] = []
        if let bottom {
            bins.append(Bin(lower: nil, upper: nil, role: .massPoint(bottom.first), count: bottom.count))
            starts.append(bottom.first)
        }
        for (index, run) in chainBins.enumerated() {
            chain.append(bins.count)
            let lower: Double? = bins.isEmpty ? nil : run.first
            bins.append(Bin(lower: lower, upper: nil, role: .smooth, count: run.count))
            starts.append(run.first)
        }
        if let top {
            bins.append(Bin(lower: top.first, upper: nil, role: .massPoint(top.first), count: top.count))
            starts.append(top.first)
        }
        // Upper edges: the next bin's lower edge, its smallest value.
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
        let orderedCount = bins.count
        var specialBin: [(value: Double, bin: Int)] = []
        for special in specials {
            if let value = special.role.specialValue { specialBin.append((value, bins.count)) }
            bins.append(special)
        }
        bins.append(Bin(lower: nil, upper: nil, role: .missing, count: column.missingRows.count))

        var rowBin = [UInt16](repeating: 0, count: column.count)
        let missing = UInt16(bins.count - 1)
        for row in column.missingRows { rowBin[Int(row)] = missing }
        var bin = 0
        let lastOrderedBin = orderedCount - 1
        for index in values.indices {
            let value = values[index]
            if !specialBin.isEmpty, let special = specialBin.first(where: { $0.value == value }) {
                rowBin[Int(column.order[index])] = UInt16(special.bin)
                continue
            }
            while bin < lastOrderedBin, let upper = bins[bin].upper, value >= upper { bin += 1 }
            rowBin[Int(column.order[index])] = UInt16(bin)
        }
        return CurveBins(bins: bins, rowBin: rowBin, chain: chain, orderedCount: orderedCount)
    }
}
