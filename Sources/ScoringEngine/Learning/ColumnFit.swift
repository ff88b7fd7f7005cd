/// One column's learned groups on a set of training rows, and the group of every row.
///
/// ## Numeric columns
///
/// The training rows' present values (walked in the column's presorted order) form runs of
/// equal values, then ``OutcomeBinning/preBins(runs:maximumBins:minimumCount:)``; the shape
/// is ``OutcomeBinning/monotone(_:increasing:overallRate:pseudoCounts:)`` or
/// ``OutcomeBinning/chiMerge(_:significance:)``. A bin's upper edge is the smallest training
/// value of the next bin, so a value `x` belongs to the first bin whose edge is above it —
/// the rule of ``Scale/binned(bins:)`` — and training rows land exactly where they were
/// counted. Rows outside the training set (another fold) are placed by the same rule.
///
/// ## Categorical columns
///
/// Labels with at least `minimumCategoryCount` training accounts get their own group, in
/// decreasing count; rarer labels are pooled into `other`, and so is every label not seen in
/// training. Without pooled labels `other` has no accounts and its log-odds is the overall one.
///
/// ## Every column
///
/// Missing values form their own group. Each group's log-odds is shrunk toward the
/// overall rate p̄ of the training rows: ℓ = logit((won + m p̄)/(count + m)).
struct ColumnFit: Sendable {
    struct Settings: Sendable {
        var maximumPreBins: Int
        var minimumBinCount: Int
        var pseudoCounts: Double
        var mergeSignificance: Double
        var minimumCategoryCount: Int
    }

    /// How a numeric column's bins are merged.
    enum Request: Sendable, Equatable {
        case monotone(increasing: Bool)
        case free
    }

    struct Group: Sendable {
        var kind: FactorReport.Group.Kind
        var evidence: Evidence
        var logOdds: Double
    }

    /// Bins (or categories, then other), then missing.
    var groups: [Group]
    /// Numeric: the upper edges of all bins but the last.
    var uppers: [Double]
    /// Every row's group index.
    var rowGroup: [UInt16]
    var shape: FactorReport.Shape
    var overallRate: Double
    /// Categorical: the code → group index map (other for unseen / rare codes).
    var codeGroup: [Int]
    /// Numeric curves: the groups that hold one special value each (declared or a sentinel),
    /// written to the learned factor's `special_values` rather than its bins.
    var specialGroups: [(group: Int, value: Double)] = []

    var missingGroup: Int { groups.count - 1 }

    /// The final utility of each group (what an account in it scores, after the factor's
    /// direction): value side (ℓ − ℓmin)/(ℓmax − ℓmin), difficulty side (ℓmax − ℓ)/(ℓmax − ℓmin),
    /// over every group including missing; 0.5 for every group when ℓmax − ℓmin ≤ 1e-12 (flat).
    func utilities(side: Factor.Side) -> (utilities: [Double], flat: Bool) {
        var low = Double.infinity
        var high = -Double.infinity
        for group in groups {
            low = min(low, group.logOdds)
            high = max(high, group.logOdds)
        }
        let range = high - low
        guard range > 1e-12 else { return (Array(repeating: 0.5, count: groups.count), true) }
        return (groups.map { side == .value ? ($0.logOdds - low) / range : (high - $0.logOdds) / range }, false)
    }

    /// Learns the column's groups from the rows with `assignment[row] != fold` (`fold = −1`: every row).
    static func learn(
        _ column: PreparedColumn, outcomes: [Double], assignment: [Int], fold: Int, request: Request,
        settings: Settings
    ) -> ColumnFit {
        let n = column.count
        // Overall training rate (every training row, missing or not).
        var trainCount = 0
        var trainWon = 0
        for row in 0..<n where assignment[row] != fold {
            trainCount += 1
            if outcomes[row] >= 0.5 { trainWon += 1 }
        }
        let overall = trainCount > 0 ? Double(trainWon) / Double(trainCount) : 0.5
        let m = settings.pseudoCounts
        func group(_ kind: FactorReport.Group.Kind, _ count: Int, _ won: Int) -> Group {
            Group(
                kind: kind, evidence: Evidence(count: count, won: won),
                logOdds: OutcomeBinning.logit(
                    OutcomeBinning.shrunkRate(won: won, count: count, overallRate: overall, pseudoCounts: m)))
        }
        var rowGroup = [UInt16](repeating: 0, count: n)
        if column.isCategorical {
            let labelCount = column.labels.count
            var counts = [Int](repeating: 0, count: labelCount)
            var wins = [Int](repeating: 0, count: labelCount)
            var missingCount = 0
            var missingWon = 0
            for row in 0..<n where assignment[row] != fold {
                let code = Int(column.codes[row])
                let won = outcomes[row] >= 0.5 ? 1 : 0
                if code < 0 {
                    missingCount += 1
                    missingWon += won
                } else {
                    counts[code] += 1
                    wins[code] += won
                }
            }
            let kept = (0..<labelCount).filter { counts[$0] >= settings.minimumCategoryCount }
                .sorted { (counts[$0], -$0) > (counts[$1], -$1) }
            let pooled = (0..<labelCount).filter { counts[$0] > 0 && counts[$0] < settings.minimumCategoryCount }
            var groups = kept.map { group(.category(column.labels[$0]), counts[$0], wins[$0]) }
            let otherIndex = groups.count
            groups.append(
                group(
                    .other(pooled: pooled.map { column.labels[$0] }), pooled.reduce(0) { $0 + counts[$1] },
                    pooled.reduce(0) { $0 + wins[$1] }))
            groups.append(group(.missing, missingCount, missingWon))
            var codeGroup = [Int](repeating: otherIndex, count: labelCount)
            for (position, code) in kept.enumerated() { codeGroup[code] = position }
            let missingIndex = UInt16(groups.count - 1)
            for row in 0..<n {
                let code = Int(column.codes[row])
                rowGroup[row] = code < 0 ? missingIndex : UInt16(codeGroup[code])
            }
            return ColumnFit(
                groups: groups, uppers: [], rowGroup: rowGroup, shape: .categorical, overallRate: overall,
                codeGroup: codeGroup)
        }

        // Numeric: runs of equal training values, in one sequential pass over the sorted values.
        var runs: [OutcomeBinning.Run] = []
        let sortedValues = column.sortedValues
        let sortedTags = column.sortedTags
        for index in sortedValues.indices {
            let tag = sortedTags[index]
            guard Int(tag >> 1) != fold else { continue }
            let value = sortedValues[index]
            let won = Int(tag & 1)
            if let last = runs.last, last.first == value {
                runs[runs.count - 1].count += 1
                runs[runs.count - 1].won += won
            } else {
                runs.append(OutcomeBinning.Run(first: value, count: 1, won: won))
            }
        }
        var missingCount = 0
        var missingWon = 0
        for tag in column.missingTags where Int(tag >> 1) != fold {
            missingCount += 1
            missingWon += Int(tag & 1)
        }
        let preBins = OutcomeBinning.preBins(
            runs: runs, maximumBins: settings.maximumPreBins, minimumCount: settings.minimumBinCount)
        var bins: [OutcomeBinning.Run]
        let shape: FactorReport.Shape
        switch request {
        case .monotone(let increasing):
            bins = OutcomeBinning.monotone(preBins, increasing: increasing, overallRate: overall, pseudoCounts: m)
            shape = .monotone(winRateIncreases: increasing)
        case .free:
            bins = OutcomeBinning.chiMerge(preBins, significance: settings.mergeSignificance)
            shape = .free
        }
        // A binned scale needs two bins: split off an empty bin below the smallest value.
        if bins.count == 1 {
            bins.insert(OutcomeBinning.Run(first: -.infinity, count: 0, won: 0), at: 0)
            bins[1].first = runs.first?.first ?? 0
        } else if bins.isEmpty {
            bins = [OutcomeBinning.Run(first: -.infinity, count: 0, won: 0), OutcomeBinning.Run(first: 0, count: 0, won: 0)]
        }
        let uppers = bins.dropFirst().map(\.first)
        var groups: [Group] = []
        for (index, bin) in bins.enumerated() {
            let lower: Double? = index == 0 ? nil : bin.first
            let upper: Double? = index + 1 < bins.count ? uppers[index] : nil
            groups.append(group(.bin(lower: lower, upper: upper), bin.count, bin.won))
        }
        groups.append(group(.missing, missingCount, missingWon))
        let missingIndex = UInt16(groups.count - 1)
        for row in column.missingRows { rowGroup[Int(row)] = missingIndex }
        var bin = 0
        let lastBin = bins.count - 1
        for index in sortedValues.indices {
            let value = sortedValues[index]
            while bin < lastBin, value >= uppers[bin] { bin += 1 }
            rowGroup[Int(column.order[index])] = UInt16(bin)
        }
        return ColumnFit(groups: groups, uppers: uppers, rowGroup: rowGroup, shape: shape, overallRate: overall, codeGroup: [])
    }
}
