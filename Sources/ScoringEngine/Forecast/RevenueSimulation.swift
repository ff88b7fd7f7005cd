import Foundation

/// Monte Carlo intervals for revenue won per period, for the team and for groups of
/// accounts (by grade, manager, stage …).
///
/// ## What is simulated
///
/// Account `i` is won within the horizon with probability `qᵢ`, independently of the
/// others; if it is, the period it is won in is drawn from its stage's timing
/// `cₛ(t) = P(won in t | won within the horizon)`, and its deal value `vᵢ` is added to the
/// period's total of every group it belongs to. A run draws every account once; the
/// P10/P50/P90 of a total are the 10th, 50th and 90th percentiles of its value over the
/// runs (linear interpolation between order statistics, Hyndman–Fan type 7). The expected
/// totals `Σ vᵢ qᵢ cₛ(t)` are computed exactly, not from the runs.
///
/// The intervals reflect the chance in which accounts close and when, given the fitted
/// pipeline; they do not include the uncertainty of the fitted probabilities themselves.
///
/// ## How: one uniform per likely account, geometric skips over unlikely ones
///
/// A run needs, per account, whether it is won and in which period. One uniform `U` decides
/// both: the account is won iff `U < qᵢ`, and then in the first period `t` with
/// `U < qᵢ Cₛ(t)`, `Cₛ` the cumulative timing — so `P(won in t) = qᵢ cₛ(t)` exactly.
///
/// Drawing that uniform for every account costs `N × runs` draws (10⁹ for a million
/// accounts and a thousand runs), most of them wasted on accounts with small `q`. So
/// accounts are sorted into bins by `q`: bin `b` holds `q ∈ (q̄_b / 1.25, q̄_b]` with
/// `q̄_b = 1.25⁻ᵇ`. Bins with `q̄_b ≥ 0.13` draw one uniform per account. In the others,
/// candidates are drawn as a Bernoulli(q̄_b) process by geometric jumps
/// `gap = ⌊ln U / ln(1 − q̄_b)⌋`, and a candidate `j` is won iff a second uniform
/// `V < q_j / q̄_b`, the period again from where `V` fell below that threshold. Each
/// account is thus won with probability exactly `q_j`, independently, and a run costs
/// about `N_likely + 1.25 · Σ_unlikely qᵢ` draws.
///
/// A win adds the deal value to one cell of the cross-classification of all dimensions
/// (grade × manager × stage: about a hundred cells); after the run, cells are added into
/// the groups of every dimension. Totals of a run are thus one addition per win.
///
/// Runs are independent streams of ``SeededRandom`` (run `r` uses the base generator
/// jumped `r + 1` times) and run in parallel, so the result depends only on the inputs and
/// the seed, not on the number of threads.
public struct RevenueSimulation: Sendable {
    /// The number of runs, ≥ 1.
    public let runs: Int
    /// The seed of the base generator.
    public let seed: UInt64
    /// Threads to use (≥ 1); the result does not depend on it.
    public let threads: Int

    /// The bin ratio: candidate rates are powers of 1/1.25.
    static let binRatio = 1.25
    /// Bins stop at rates below 1e-12; smaller probabilities share the last bin.
    static let binCount = Int((12 * log(10.0) / log(binRatio)).rounded(.up)) + 1

    public init(runs: Int, seed: UInt64, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(runs >= 1, "At least one run")
        self.runs = runs
        self.seed = seed
        self.threads = max(1, min(threads, 64))
    }

    /// A way of grouping accounts, such as "grade" with groups A, B, C, D.
    public struct Dimension: Sendable, Equatable {
        public let name: String
        public let groups: [String]
        /// Per account, the index of its group in `groups`, or −1 for none.
        public let membership: [Int32]

        public init(name: String, groups: [String], membership: [Int32]) {
            precondition(membership.allSatisfy { $0 >= -1 && Int($0) < groups.count }, "Group index out of range")
            self.name = name
            self.groups = groups
            self.membership = membership
        }
    }

    /// Simulates the totals.
    ///
    /// - Parameters:
    ///   - probabilities: `qᵢ`, P(won within the horizon), 0...1 per account.
    ///   - values: `vᵢ`, deal values (finite, ≥ 0) per account.
    ///   - timingGroups: Per account, the index of its timing in `timings` (its stage − 1).
    ///   - timings: Per timing group, `c(t)` for t = 1...horizon, summing to 1 (or all 0).
    ///   - dimensions: Groupings to total by; a dimension with one group "team" for the team.
    /// - Returns: Per group, expected totals and percentiles per period and cumulative.
    /// - Complexity: O(N · dimensions) to prepare; per run O(N_likely + Σ_unlikely qᵢ + cells ·
    ///   dimensions · horizon); O(N) memory for the sorted accounts plus O(runs · groups ·
    ///   horizon) for the totals.
    public func simulate(
        probabilities: [Double], values: [Double], timingGroups: [Int], timings: [[Double]], dimensions: [Dimension]
    ) -> RevenueTotals {
        let count = probabilities.count
        precondition(values.count == count && timingGroups.count == count, "One value and timing per account")
        precondition(dimensions.allSatisfy { $0.membership.count == count }, "One membership per account")
        let horizon = timings.first?.count ?? 0
        precondition(horizon >= 1 && timings.allSatisfy { $0.count == horizon }, "Timings of equal length ≥ 1")
        let layout = GroupLayout(dimensions)
        let exact = Self.exactTotals(
            probabilities: probabilities, values: values, timingGroups: timingGroups, timings: timings, dimensions: dimensions,
            layout: layout, horizon: horizon)
        let cells = Self.cells(of: dimensions, layout: layout, accounts: count)
        let sorted = Self.sortedIntoBins(
            probabilities: probabilities, values: values, timingGroups: timingGroups, cellOf: cells.cellOf, horizon: horizon)
        let shared = SharedInputs(
            thresholds: sorted.thresholds, values: sorted.values, timing: sorted.timing, cells: sorted.cells,
            cellMembers: cells.members, groupCount: layout.groupCount, bins: sorted.bins,
            timingCDF: Self.cumulativeTimings(timings), horizon: horizon)
        let runTotals = runAll(shared)
        let groups = Self.groups(dimensions: dimensions, layout: layout, exact: exact, runTotals: runTotals, horizon: horizon)
        return RevenueTotals(runs: runs, seed: seed, horizon: horizon, groups: groups)
    }

    // MARK: Steps of simulate

    /// Where each dimension's groups start in the flat list of all groups.
    struct GroupLayout {
        /// Per dimension, the index of its first group.
        let offsets: [Int]
        /// Groups over all dimensions.
        let groupCount: Int

        init(_ dimensions: [Dimension]) {
            var offsets: [Int] = []
            var groupCount = 0
            for dimension in dimensions {
                offsets.append(groupCount)
                groupCount += dimension.groups.count
            }
            self.offsets = offsets
            self.groupCount = groupCount
        }
    }

    /// Exact expected totals (`group · horizon + t`), accounts, deal value and expected wins per group.
    struct ExactTotals {
        var expected: [Double]
        var accountCounts: [Int]
        var dealTotals: [Double]
        var expectedWins: [Double]
    }

    /// The exact expectations `Σ vᵢ qᵢ cₛ(t)` per group and period, with each group's accounts,
    /// deal value and expected wins.
    static func exactTotals(
        probabilities: [Double], values: [Double], timingGroups: [Int], timings: [[Double]], dimensions: [Dimension],
        layout: GroupLayout, horizon: Int
    ) -> ExactTotals {
        let groupCount = layout.groupCount
        var totals = ExactTotals(
            expected: [Double](repeating: 0, count: groupCount * horizon), accountCounts: [Int](repeating: 0, count: groupCount),
            dealTotals: [Double](repeating: 0, count: groupCount), expectedWins: [Double](repeating: 0, count: groupCount))
        for account in 0..<probabilities.count {
            let q = probabilities[account]
            precondition(q >= 0 && q <= 1, "Probabilities must lie in 0...1")
            let timing = timings[timingGroups[account]]
            for (d, dimension) in dimensions.enumerated() {
                let member = Int(dimension.membership[account])
                guard member >= 0 else { continue }
                let group = layout.offsets[d] + member
                totals.accountCounts[group] += 1
                totals.dealTotals[group] += values[account]
                totals.expectedWins[group] += q
                let weight = values[account] * q
                guard weight > 0 else { continue }
                for t in 0..<horizon { totals.expected[group * horizon + t] += weight * timing[t] }
            }
        }
        return totals
    }

    /// The cells: the observed combinations of memberships across dimensions (each a list of
    /// flat group indices, −1 for none), and each account's cell.
    static func cells(of dimensions: [Dimension], layout: GroupLayout, accounts count: Int) -> (cellOf: [Int32], members: [[Int32]]) {
        var cellOf = [Int32](repeating: 0, count: count)
        var cellIndex: [[Int32]: Int32] = [:]
        var cellMembers: [[Int32]] = []
        var key = [Int32](repeating: -1, count: dimensions.count)
        for account in 0..<count {
            for (d, dimension) in dimensions.enumerated() {
                let member = dimension.membership[account]
                key[d] = member >= 0 ? Int32(layout.offsets[d]) + member : -1
            }
            let (cell, isNew) = cellIndex.code(for: key)
            if isNew { cellMembers.append(key) }
            cellOf[account] = cell
        }
        return (cellOf, cellMembers)
    }

    /// The accounts with `q > 0` and a positive value, sorted into bins by `q` (a counting
    /// sort), as flat arrays in bin order.
    struct SortedAccounts {
        /// Per sorted account: q (direct bins) or q / q̄ (thinned bins).
        let thresholds: [Double]
        let values: [Double]
        /// Per sorted account: the offset of its timing in the cumulative timings.
        let timing: [Int32]
        let cells: [Int32]
        let bins: [Bin]
    }

    static func sortedIntoBins(
        probabilities: [Double], values: [Double], timingGroups: [Int], cellOf: [Int32], horizon: Int
    ) -> SortedAccounts {
        let count = probabilities.count
        var binOf = [Int](repeating: -1, count: count)
        var binSizes = [Int](repeating: 0, count: Self.binCount)
        let logRatio = log(Self.binRatio)
        for account in 0..<count where probabilities[account] > 0 && values[account] > 0 {
            let raw = Int((-log(probabilities[account]) / logRatio).rounded(.down))
            var bin = min(max(raw, 0), Self.binCount - 1)
            // Guard the edges against rounding: q must not exceed the bin's rate.
            while bin > 0 && probabilities[account] > Self.rate(ofBin: bin) { bin -= 1 }
            binOf[account] = bin
            binSizes[bin] += 1
        }
        var binStarts = [Int](repeating: 0, count: Self.binCount + 1)
        for bin in 0..<Self.binCount { binStarts[bin + 1] = binStarts[bin] + binSizes[bin] }
        let sortedCount = binStarts[Self.binCount]
        var thresholds = [Double](repeating: 0, count: sortedCount)
        var sortedValues = [Double](repeating: 0, count: sortedCount)
        var sortedTiming = [Int32](repeating: 0, count: sortedCount)
        var sortedCells = [Int32](repeating: 0, count: sortedCount)
        var next = Array(binStarts.prefix(Self.binCount))
        for account in 0..<count where binOf[account] >= 0 {
            let bin = binOf[account]
            let position = next[bin]
            next[bin] += 1
            let rate = Self.rate(ofBin: bin)
            // Likely bins compare U with q itself; thinned bins compare V with q / q̄.
            thresholds[position] = rate >= Self.directRate ? probabilities[account] : probabilities[account] / rate
            sortedValues[position] = values[account]
            sortedTiming[position] = Int32(timingGroups[account] * horizon)
            sortedCells[position] = cellOf[account]
        }
        let bins = (0..<Self.binCount).compactMap { bin -> Bin? in
            guard binSizes[bin] > 0 else { return nil }
            return Bin(start: binStarts[bin], end: binStarts[bin + 1], rate: Self.rate(ofBin: bin))
        }
        return SortedAccounts(thresholds: thresholds, values: sortedValues, timing: sortedTiming, cells: sortedCells, bins: bins)
    }

    /// Cumulative timing per stage, flat, for drawing the period by inversion; each stage's
    /// last entry is +∞ (absorbing rounding).
    static func cumulativeTimings(_ timings: [[Double]]) -> [Double] {
        timings.flatMap { timing -> [Double] in
            var running = 0.0
            var cdf = timing.map { value -> Double in
                running += value
                return running
            }
            if let last = cdf.indices.last { cdf[last] = .infinity }  // absorb rounding
            return cdf
        }
    }

    /// The runs, in parallel; each writes only its own slot. Returns per run the totals per
    /// group and period.
    func runAll(_ shared: SharedInputs) -> [[Double]] {
        let slots = (0..<runs).map { _ in RunSlot() }
        SeededRandom.forEachRun(runs: runs, seed: seed, threads: threads) { run, random in
            slots[run].totals = shared.run(random: &random)
        }
        return slots.map(\.totals)
    }

    /// Per group: the exact expectations and the runs' percentiles, per period and cumulative.
    static func groups(
        dimensions: [Dimension], layout: GroupLayout, exact: ExactTotals, runTotals: [[Double]], horizon: Int
    ) -> [RevenueTotals.Group] {
        let runs = runTotals.count
        var groups: [RevenueTotals.Group] = []
        var column = [Double](repeating: 0, count: runs)
        var cumulativeRuns = [[Double]](repeating: [Double](repeating: 0, count: horizon), count: runs)
        for (d, dimension) in dimensions.enumerated() {
            for (member, name) in dimension.groups.enumerated() {
                let group = layout.offsets[d] + member
                var perPeriod: [RevenueTotals.Cell] = []
                var cumulative: [RevenueTotals.Cell] = []
                var runningExpected = 0.0
                for run in 0..<runs {
                    var running = 0.0
                    for t in 0..<horizon {
                        running += runTotals[run][group * horizon + t]
                        cumulativeRuns[run][t] = running
                    }
                }
                for t in 0..<horizon {
                    for run in 0..<runs { column[run] = runTotals[run][group * horizon + t] }
                    perPeriod.append(Self.cell(expected: exact.expected[group * horizon + t], sample: &column))
                    runningExpected += exact.expected[group * horizon + t]
                    for run in 0..<runs { column[run] = cumulativeRuns[run][t] }
                    cumulative.append(Self.cell(expected: runningExpected, sample: &column))
                }
                groups.append(
                    RevenueTotals.Group(
                        dimension: dimension.name, name: name, accounts: exact.accountCounts[group],
                        dealValue: exact.dealTotals[group], expectedWins: exact.expectedWins[group], perPeriod: perPeriod,
                        cumulative: cumulative))
            }
        }
        return groups
    }

    /// The candidate rate of bin `bin`: 1.25⁻ᵇ.
    static func rate(ofBin bin: Int) -> Double {
        pow(binRatio, -Double(bin))
    }

    /// Mean and percentiles of `sample` (sorted in place) with the exact expectation.
    static func cell(expected: Double, sample: inout [Double]) -> RevenueTotals.Cell {
        sample.sort()
        let mean = sample.reduce(0, +) / Double(sample.count)
        return RevenueTotals.Cell(
            expected: expected, simulatedMean: mean, p10: percentile(sample, 10), p50: percentile(sample, 50),
            p90: percentile(sample, 90))
    }

    /// The `percent`-th percentile of sorted values: type 7, `x[h]` interpolated at
    /// `h = (n − 1) · percent/100`.
    public static func percentile(_ sorted: [Double], _ percent: Double) -> Double {
        precondition(!sorted.isEmpty, "Percentile of an empty sample")
        let position = Double(sorted.count - 1) * percent / 100
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }

    /// Bins whose rate is at least this draw one uniform per account instead of skipping.
    static let directRate = 0.13

    /// One bin of accounts in the sorted arrays.
    struct Bin: Sendable {
        let start: Int
        let end: Int
        let rate: Double
        /// ln(1 − rate), for the geometric gaps of thinned bins.
        let logComplement: Double
        /// Whether the bin draws one uniform per account.
        let direct: Bool

        init(start: Int, end: Int, rate: Double) {
            self.start = start
            self.end = end
            self.rate = rate
            self.direct = rate >= RevenueSimulation.directRate
            self.logComplement = direct ? 0 : log1p(-rate)
        }
    }

    /// A run's totals, written by one worker and read after `concurrentPerform` returns.
    final class RunSlot: @unchecked Sendable {
        var totals: [Double] = []
    }

    /// The read-only inputs every run shares.
    struct SharedInputs: Sendable {
        /// Per sorted account: q (direct bins) or q / q̄ (thinned bins).
        let thresholds: [Double]
        let values: [Double]
        /// Per sorted account: the offset of its timing in `timingCDF`.
        let timing: [Int32]
        let cells: [Int32]
        /// Per cell, its group in each dimension (−1 for none).
        let cellMembers: [[Int32]]
        let groupCount: Int
        let bins: [Bin]
        let timingCDF: [Double]
        let horizon: Int

        /// One run: the totals per group and period (`group · horizon + t − 1`).
        func run(random: inout SeededRandom) -> [Double] {
            var cellTotals = [Double](repeating: 0, count: cellMembers.count * horizon)
            thresholds.withUncheckedView { thresholds in
                values.withUncheckedView { values in
                    cells.withUncheckedView { cells in
                        timing.withUncheckedView { timing in
                            timingCDF.withUncheckedView { cdf in
                                cellTotals.withUncheckedMutableView { totals in
                                    let draw = RunDraw(
                                        thresholds: thresholds, values: values, cells: cells, timing: timing, cdf: cdf, totals: totals,
                                        horizon: horizon)
                                    for bin in bins {
                                        if bin.direct {
                                            draw.everyAccount(of: bin, random: &random)
                                        } else {
                                            draw.candidates(of: bin, random: &random)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return groupTotals(of: cellTotals)
        }

        /// The cells' totals added into the groups of every dimension.
        func groupTotals(of cellTotals: [Double]) -> [Double] {
            var totals = [Double](repeating: 0, count: groupCount * horizon)
            for (cell, members) in cellMembers.enumerated() {
                for group in members where group >= 0 {
                    let target = Int(group) * horizon
                    let source = cell * horizon
                    for t in 0..<horizon { totals[target + t] += cellTotals[source + t] }
                }
            }
            return totals
        }
    }

    /// The draws of one run over the sorted accounts, adding wins to the cells' totals.
    struct RunDraw {
        let thresholds: UncheckedView<Double>
        let values: UncheckedView<Double>
        let cells: UncheckedView<Int32>
        let timing: UncheckedView<Int32>
        let cdf: UncheckedView<Double>
        let totals: UncheckedMutableView<Double>
        let horizon: Int

        /// A won account: the period from where the uniform fell below its threshold — the
        /// first t with u < threshold · C(t).
        @inline(__always)
        func record(_ position: Int, _ u: Double) {
            let threshold = thresholds[position]
            let offset = Int(timing[position])
            var t = 0
            while u >= threshold * cdf[offset + t] { t += 1 }
            totals[Int(cells[position]) * horizon + t] += values[position]
        }

        /// A likely bin: one uniform per account.
        @inline(__always)
        func everyAccount(of bin: Bin, random: inout SeededRandom) {
            for position in bin.start..<bin.end {
                let u = random.nextDouble()
                if u < thresholds[position] { record(position, u) }
            }
        }

        /// An unlikely bin: candidates by geometric jumps, each won with a second uniform.
        @inline(__always)
        func candidates(of bin: Bin, random: inout SeededRandom) {
            var position = bin.start - 1
            while true {
                // U in (0, 1]; gap = ⌊ln U / ln(1 − q̄)⌋ ≥ 0.
                let u = 1 - random.nextDouble()
                let gap = SeededRandom.naturalLogarithm(u) / bin.logComplement
                if gap >= Double(bin.end - position) { break }
                position += 1 + Int(gap)
                if position >= bin.end { break }
                let v = random.nextDouble()
                if v < thresholds[position] { record(position, v) }
            }
        }
    }
}

/// Revenue totals per group and period: exact expectations and simulated percentiles.
public struct RevenueTotals: Sendable {
    /// One total: its exact expectation, the mean of the runs and their percentiles.
    public struct Cell: Sendable, Equatable {
        public let expected: Double
        public let simulatedMean: Double
        public let p10: Double
        public let p50: Double
        public let p90: Double
    }

    /// One group's totals.
    public struct Group: Sendable {
        public let dimension: String
        public let name: String
        /// Accounts in the group that were forecast, and their deal value.
        public let accounts: Int
        public let dealValue: Double
        /// Expected number of wins within the horizon.
        public let expectedWins: Double
        /// Revenue won in period t (index t − 1), t = 1...horizon.
        public let perPeriod: [Cell]
        /// Revenue won by the end of period t (index t − 1).
        public let cumulative: [Cell]
    }

    public let runs: Int
    public let seed: UInt64
    public let horizon: Int
    public let groups: [Group]

    /// The groups of one dimension, in the dimension's order.
    public func groups(of dimension: String) -> [Group] {
        groups.filter { $0.dimension == dimension }
    }
}
