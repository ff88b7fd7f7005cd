import Foundation

extension ModelLearner {
    /// A pairwise interaction learned on the residuals of the additive curves.
    struct LearnedPair: Sendable {
        /// Positions of the parents among the entered columns (the curve inputs); the first
        /// reads numbers.
        var first: Int
        var second: Int
        /// The axes (their `factor` ids are filled in by the caller).
        var firstAxis: Interaction.Axis
        var secondAxis: Interaction.Axis
        /// Every row's cell: first group × (second groups + 1) + second group.
        var cell: [UInt16]
        /// Per slot (0 all rows, k + 1 fold k's training rows): the cells, with their effect
        /// on the log-odds as `logOdds` and their training evidence.
        var fits: [ColumnFit]
        /// Mean decrease of the out-of-fold log loss per account when the pair joins.
        var improvement: Double
        /// The FAST score that put the pair on the short list.
        var fastGain: Double
    }

    /// Groups of one column for an interaction axis: quantile bins of a numeric column (at
    /// most `maximumBins`, ties never split, every bin at least `minimumCount` accounts), the
    /// learned categories (then `other`) of a categorical one; missing last.
    static func interactionAxis(
        _ column: PreparedColumn, fit: ColumnFit, maximumBins: Int, minimumCount: Int
    ) -> (axis: Interaction.Axis, rowGroup: [UInt16]) {
        if column.isCategorical {
            var labels: [String] = []
            for group in fit.groups {
                switch group.kind {
                case .category(let label): labels.append(label)
                case .other: labels.append(Scale.otherLabel)
                default: break
                }
            }
            // The fit's groups are the categories, `other`, then missing: its row groups are
            // the axis groups.
            return (Interaction.Axis(factor: "", labels: labels), fit.rowGroup)
        }
        let sorted = column.sortedValues
        let present = sorted.count
        var edges: [Double] = []
        var lastStart = 0  // sorted index where the current bin starts
        if present > 0 && maximumBins > 1 {
            for k in 1..<maximumBins {
                let target = k * present / maximumBins
                guard target > 0, target < present else { continue }
                let edge = sorted[target]
                // The bin below holds sorted[lastStart..<start], start = first index of `edge`.
                var start = target
                while start > 0, sorted[start - 1] == edge { start -= 1 }
                guard start - lastStart >= minimumCount, present - start >= minimumCount else { continue }
                if let last = edges.last, edge <= last { continue }
                edges.append(edge)
                lastStart = start
            }
        }
        let axis = Interaction.Axis(factor: "", edges: edges)
        let rowGroup = column.values.map { UInt16(axis.group(of: $0)) }
        return (axis, rowGroup)
    }

    /// Log-odds offsets of every row (per slot: 0 all rows, k + 1 fold k's), with each row's
    /// e^−η taken once: a pair's cell effects and log loss then need no exponential per row
    /// (e^−(η + δ) = e^−η e^−δ), only one per cell and Newton step.
    struct Offsets: Sendable {
        var eta: [[Double]]
        /// e^−η of every row, per slot (+∞ or 0 where η is beyond the range of a double).
        var negatedExponentials: [[Double]]

        init(_ eta: [[Double]]) {
            self.eta = eta
            negatedExponentials = parallelMap(eta.count) { slot in eta[slot].map { Foundation.exp(-$0) } }
        }
    }

    /// Cell effects δ on top of the offsets η (log-odds `eta`, whose e^−η are
    /// `negatedExponentials`), fitted on `rows` by Newton steps per cell (cells are
    /// independent given the offsets) with ridge `ridge` on every δ.
    ///
    /// - Returns: δ and e^−δ of every cell.
    static func cellEffects(
        cell: [UInt16], cellCount: Int, negatedExponentials: [Double], rows: [Int], outcomes: [Double], ridge: Double,
        iterations: Int = 5
    ) -> (delta: [Double], negatedExponentials: [Double]) {
        var delta = [Double](repeating: 0, count: cellCount)
        var shift = [Double](repeating: 1, count: cellCount)
        var gradient = [Double](repeating: 0, count: cellCount)
        var information = [Double](repeating: 0, count: cellCount)
        for _ in 0..<iterations {
            for c in 0..<cellCount {
                gradient[c] = 0
                information[c] = 0
            }
            for row in rows {
                let c = Int(cell[row])
                // p = 1 / (1 + e^−(η + δ)); 0 or 1 where e^−η is +∞ or 0.
                let p = 1 / (1 + negatedExponentials[row] * shift[c])
                gradient[c] += outcomes[row] - p
                information[c] += p * (1 - p)
            }
            for c in 0..<cellCount {
                delta[c] += (gradient[c] - ridge * delta[c]) / (information[c] + ridge)
                shift[c] = Foundation.exp(-delta[c])
            }
        }
        return (delta, shift)
    }

    /// −Σ log-likelihood of `rows` at log-odds `eta` (whose e^−η are `negatedExponentials`),
    /// plus `effects.delta` of the row's cell when given (with their e^−δ).
    static func logLoss(
        rows: [Int], eta: [Double], negatedExponentials: [Double], outcomes: [Double],
        cell: [UInt16]? = nil, effects: (delta: [Double], negatedExponentials: [Double])? = nil
    ) -> Double {
        var total = 0.0
        var softplus = SoftplusSum()
        for row in rows {
            var t = eta[row]
            var e = negatedExponentials[row]  // e^−t
            if let cell, let effects {
                let c = Int(cell[row])
                t += effects.delta[c]
                e *= effects.negatedExponentials[c]
            }
            // ln(1 + e^t) − y t = max(t, 0) + ln(1 + e^−|t|) − y t, stably.
            total += max(t, 0) - outcomes[row] * t
            softplus.add(t >= 0 ? e : 1 / e)
        }
        return total + softplus.value
    }

    /// The FAST score of a pair (Lou et al. 2013, as InterpretML ranks pairs): on the
    /// residuals of the additive fit, the best split of the 2-D histogram into four quadrants
    /// by one cut on each axis (groups in axis order, missing last), scored by the Newton
    /// gain Σ G²/H of the quadrants.
    static func fastGain(first: [UInt16], firstGroups: Int, second: [UInt16], secondGroups: Int, gradient: [Double], hessian: [Double])
        -> Double
    {
        let columns = secondGroups
        var g = [Double](repeating: 0, count: firstGroups * columns)
        var h = g
        for row in gradient.indices {
            let c = Int(first[row]) * columns + Int(second[row])
            g[c] += gradient[row]
            h[c] += hessian[row]
        }
        // Prefix sums: P[i][j] = Σ over groups < i, < j.
        let stride = columns + 1
        var pg = [Double](repeating: 0, count: (firstGroups + 1) * stride)
        var ph = pg
        for i in 0..<firstGroups {
            for j in 0..<columns {
                let at = (i + 1) * stride + j + 1
                pg[at] = g[i * columns + j] + pg[i * stride + j + 1] + pg[(i + 1) * stride + j] - pg[i * stride + j]
                ph[at] = h[i * columns + j] + ph[i * stride + j + 1] + ph[(i + 1) * stride + j] - ph[i * stride + j]
            }
        }
        func block(_ p: [Double], _ i0: Int, _ i1: Int, _ j0: Int, _ j1: Int) -> Double {
            p[i1 * stride + j1] - p[i0 * stride + j1] - p[i1 * stride + j0] + p[i0 * stride + j0]
        }
        var best = 0.0
        guard firstGroups > 1, columns > 1 else { return 0 }
        for i in 1..<firstGroups {
            for j in 1..<columns {
                var gain = 0.0
                for (i0, i1) in [(0, i), (i, firstGroups)] {
                    for (j0, j1) in [(0, j), (j, columns)] {
                        let hq = block(ph, i0, i1, j0, j1)
                        guard hq > 1e-9 else { continue }
                        let gq = block(pg, i0, i1, j0, j1)
                        gain += gq * gq / hq
                    }
                }
                best = max(best, gain)
            }
        }
        return best
    }

    /// Learns up to ``Options/maximumInteractions`` pairwise interactions on the residuals of
    /// the additive curves: the selection below once per numeric-axis bin count of
    /// ``Options/interactionBins``, keeping the pairs whose out-of-fold log loss fell the most in
    /// all (ties to the fewer bins).
    ///
    /// 1. Every pair of entered columns with at least one numeric column is scored by FAST
    ///    on all rows; the best `4 × maximum` (at least 20) go on a short list.
    /// 2. Greedy forward selection by cross-validation: a pair's cell effects are fitted on
    ///    each fold's training rows with that fold's curves (and the pairs already chosen) as
    ///    offsets, and scored by the decrease of the log loss on the fold's held-out rows. The
    ///    best pair joins when it lowers the out-of-fold log loss in total and in a majority
    ///    of the folds; its effects then join the offsets of every slot (lazy greedy: a
    ///    pair's last score bounds its next).
    ///
    /// - Returns: The chosen pairs, best first.
    /// - Parameters:
    ///   - inputs: The entered columns, with their curves in `curves`.
    ///   - others: Columns outside the additive fit (no effect of their own) that may still
    ///     be one side of a pair, with their screening fit (positions after `inputs`).
    func learnInteractions(
        _ inputs: [CurveInput], others: [(column: PreparedColumn, fit: ColumnFit)] = [], curves: Curves,
        outcomes: [Double], foldCount: Int, trainRows: [[Int]], testRows: [[Int]]
    ) -> [LearnedPair] {
        let n = outcomes.count
        // A table of up to 81 cells needs a history of some size: below 500 accounts, none.
        guard options.maximumInteractions > 0, inputs.count + others.count >= 2, n >= 500 else { return [] }
        // The additive log-odds of every row under each slot's curves (0 all rows, k + 1 fold
        // k's), and FAST's gradient and Hessian on all rows: the same for every bin count.
        let eta = parallelMap(foldCount + 1) { slot in
            let intercept = curves.intercepts[slot]
            let fits = inputs.indices.map { curves.fits[$0][slot] }
            return (0..<n).map { row in
                var t = intercept
                for fit in fits { t += fit.groups[Int(fit.rowGroup[row])].logOdds - intercept }
                return t
            }
        }
        let gradient = (0..<n).map { outcomes[$0] - LogisticRegression.logistic(eta[0][$0]) }
        let hessian = (0..<n).map { row -> Double in
            let p = LogisticRegression.logistic(eta[0][row])
            return p * (1 - p)
        }
        var best: (pairs: [LearnedPair], decrease: Double) = ([], 0)
        // Finer tables only where their cells hold enough accounts (the first count always), and
        // not above ``largeHistory`` accounts, where every search is shortened for time.
        let tried = options.interactionBins.enumerated().filter {
            $0.offset == 0 || (n >= Self.accountsPerTable($0.element) && n <= Self.largeHistory)
        }
        for bins in tried.map(\.element) {
            let pairs = learnInteractions(
                inputs, others: others, curves: curves, outcomes: outcomes, foldCount: foldCount, trainRows: trainRows,
                testRows: testRows, bins: bins, eta: eta, gradient: gradient, hessian: hessian)
            // Each pair's improvement is the fall it brought when it joined: their sum is the fall in all.
            let decrease = pairs.reduce(0) { $0 + $1.improvement }
            if decrease > best.decrease { best = (pairs, decrease) }
        }
        return best.pairs
    }

    /// The fewest accounts for which tables of `bins` × `bins` cells are tried (beyond the first
    /// count of ``Options/interactionBins``) and a pair may join when it helps in only a
    /// majority of the folds: 100 per cell. Below it a pair must help in all folds but one:
    /// on 1,500 accounts of a purely additive truth (`ModelComparisonTests`), the looser rule
    /// with the finer tables kept tables that fitted noise.
    static func accountsPerTable(_ bins: Int) -> Int { 100 * bins * bins }

    /// The ridge on every cell of an interaction table, m·p̄(1 − p̄) (m = ``Options/pseudoCounts``,
    /// p̄ the win rate): the shrinkage of a cell with few accounts toward no effect, the same
    /// when the tables are chosen and when they are fitted again with the curves.
    func cellRidge(_ outcomes: [Double]) -> Double {
        let rate = outcomes.reduce(0, +) / Double(max(outcomes.count, 1))
        return max(options.pseudoCounts * rate * (1 - rate), 1e-6)
    }

    /// The selection of ``learnInteractions(_:others:curves:outcomes:foldCount:trainRows:testRows:)``
    /// with numeric axes of up to `bins` groups, from the curves' log-odds `eta` per slot and
    /// FAST's `gradient` and `hessian`.
    func learnInteractions(
        _ inputs: [CurveInput], others: [(column: PreparedColumn, fit: ColumnFit)], curves: Curves,
        outcomes: [Double], foldCount: Int, trainRows: [[Int]], testRows: [[Int]], bins: Int,
        eta curvesEta: [[Double]], gradient: [Double], hessian: [Double]
    ) -> [LearnedPair] {
        let maximum = options.maximumInteractions
        let n = outcomes.count
        let columns = inputs.map { ($0.column, $0.column.isCategorical) } + others.map { ($0.column, $0.column.isCategorical) }
        let slots = foldCount + 1
        // The offsets of every slot: the curves', then the chosen pairs' as they join.
        var eta = curvesEta
        let minimumCount = max(10, n / (10 * bins))
        let axes = parallelMap(columns.count) { k in
            Self.interactionAxis(
                columns[k].0, fit: k < inputs.count ? curves.fits[k][0] : others[k - inputs.count].fit,
                maximumBins: bins, minimumCount: minimumCount)
        }
        // 1. FAST on all rows.
        var pairList: [(Int, Int)] = []
        for a in columns.indices {
            // A pair needs at least one column of the additive fit.
            for b in columns.indices where b > a && a < inputs.count {
                let aNumeric = !columns[a].1
                let bNumeric = !columns[b].1
                if aNumeric { pairList.append((a, b)) } else if bNumeric { pairList.append((b, a)) }
            }
        }
        let pairs = pairList
        guard !pairs.isEmpty else { return [] }
        let gains = parallelMap(pairs.count) { index in
            let (a, b) = pairs[index]
            return Self.fastGain(
                first: axes[a].rowGroup, firstGroups: axes[a].axis.presentGroups + 1, second: axes[b].rowGroup,
                secondGroups: axes[b].axis.presentGroups + 1, gradient: gradient, hessian: hessian)
        }
        let shortList = pairs.indices.sorted { gains[$0] > gains[$1] }.prefix(max(20, 4 * maximum))

        // 2. Greedy forward selection by out-of-fold log loss. Above ``largeHistory`` accounts
        // the pairs are scored on an evenly spread sample of every fold's rows (about
        // ``largeHistory`` in all, every `stride`-th row of each fold) and the stale scores at
        // the head of the list are re-scored a few at a time, on every core; the chosen tables
        // are still fitted on every row.
        let stride = (n + Self.largeHistory - 1) / Self.largeHistory
        func sample(_ rows: [[Int]]) -> [[Int]] {
            stride == 1 ? rows : rows.map { fold in fold.indices.filter { $0 % stride == 0 }.map { fold[$0] } }
        }
        let scoredTrain = sample(trainRows)
        let scoredTest = sample(testRows)
        let scoredAccounts = Double(scoredTest.reduce(0) { $0 + $1.count })
        let rescoredTogether = stride == 1 ? 1 : max(ProcessInfo.processInfo.activeProcessorCount, 1)
        let ridge = cellRidge(outcomes)
        struct Scored: Sendable {
            var index: Int
            var improvement: Double
            var foldImprovements: [Double]
        }
        @Sendable func cells(_ index: Int) -> (cell: [UInt16], count: Int, columns: Int) {
            let (a, b) = pairs[index]
            let columns = axes[b].axis.presentGroups + 1
            let cell = (0..<n).map { UInt16(Int(axes[a].rowGroup[$0]) * columns + Int(axes[b].rowGroup[$0])) }
            return (cell, (axes[a].axis.presentGroups + 1) * columns, columns)
        }
        /// The offsets and every fold's held-out log loss without a new pair.
        struct Baseline: Sendable {
            var offsets: Offsets
            var losses: [Double]
        }
        func baseline(_ eta: [[Double]]) -> Baseline {
            let offsets = Offsets(eta)
            return Baseline(
                offsets: offsets,
                losses: (0..<foldCount).map { fold in
                    Self.logLoss(
                        rows: scoredTest[fold], eta: offsets.eta[fold + 1],
                        negatedExponentials: offsets.negatedExponentials[fold + 1], outcomes: outcomes)
                })
        }
        @Sendable func score(_ index: Int, baseline: Baseline) -> Scored {
            let (cell, count, _) = cells(index)
            var folds: [Double] = []
            for fold in 0..<foldCount {
                let (eta, exponentials) = (baseline.offsets.eta[fold + 1], baseline.offsets.negatedExponentials[fold + 1])
                let effects = Self.cellEffects(
                    cell: cell, cellCount: count, negatedExponentials: exponentials, rows: scoredTrain[fold],
                    outcomes: outcomes, ridge: ridge)
                let after = Self.logLoss(
                    rows: scoredTest[fold], eta: eta, negatedExponentials: exponentials, outcomes: outcomes, cell: cell,
                    effects: effects)
                folds.append(baseline.losses[fold] - after)
            }
            return Scored(index: index, improvement: folds.reduce(0, +) / scoredAccounts, foldImprovements: folds)
        }
        // The offsets as the last pair left them (`nil` once a pair joins, until scores are needed).
        let first = baseline(eta)
        var current: Baseline? = first
        var scored = parallelMap(shortList.count) { score(shortList[shortList.startIndex + $0], baseline: first) }
        var fresh = Set(scored.map(\.index))
        var chosen: [LearnedPair] = []
        var usedPairs = Set<Int>()
        while chosen.count < maximum {
            scored.sort { $0.improvement > $1.improvement }
            guard let top = scored.first, top.improvement > 0 else { break }
            if !fresh.contains(top.index) {
                let offsets = current ?? baseline(eta)
                current = offsets
                let stale = Array(scored.indices.filter { !fresh.contains(scored[$0].index) }.prefix(rescoredTogether))
                let staleIndices = stale.map { scored[$0].index }
                let rescored = parallelMap(stale.count) { score(staleIndices[$0], baseline: offsets) }
                for (position, item) in zip(stale, rescored) {
                    scored[position] = item
                    fresh.insert(item.index)
                }
                continue
            }
            scored.removeFirst()
            let helped = top.foldImprovements.filter { $0 > 0 }.count
            let helps = n >= Self.accountsPerTable(options.interactionBins.first ?? bins) ? helped > foldCount / 2 : helped >= foldCount - 1
            guard helps, !usedPairs.contains(top.index) else { continue }
            usedPairs.insert(top.index)
            // The pair joins: its effects per slot, added to that slot's offsets.
            let (cell, count, _) = cells(top.index)
            let (a, b) = pairs[top.index]
            var fits: [ColumnFit] = []
            let joined = current?.offsets ?? Offsets(eta)
            let deltas = parallelMap(slots) { slot in
                Self.cellEffects(
                    cell: cell, cellCount: count, negatedExponentials: joined.negatedExponentials[slot],
                    rows: slot == 0 ? Array(0..<n) : trainRows[slot - 1], outcomes: outcomes, ridge: ridge
                ).delta
            }
            current = nil
            for slot in 0..<slots {
                let rows = slot == 0 ? Array(0..<n) : trainRows[slot - 1]
                let delta = deltas[slot]
                var counts = [Int](repeating: 0, count: count)
                var wins = counts
                for row in rows {
                    counts[Int(cell[row])] += 1
                    if outcomes[row] >= 0.5 { wins[Int(cell[row])] += 1 }
                }
                for row in 0..<n { eta[slot][row] += delta[Int(cell[row])] }
                let columns = axes[b].axis.presentGroups + 1
                let groups = (0..<count).map { c in
                    ColumnFit.Group(
                        kind: .category(axes[a].axis.groupLabel(c / columns) + " × " + axes[b].axis.groupLabel(c % columns)),
                        evidence: Evidence(count: counts[c], won: wins[c]), logOdds: delta[c])
                }
                let trainWon = wins.reduce(0, +)
                fits.append(
                    ColumnFit(
                        groups: groups, uppers: [], rowGroup: cell, shape: .categorical,
                        overallRate: Double(trainWon) / Double(max(rows.count, 1)), codeGroup: []))
            }
            chosen.append(
                LearnedPair(
                    first: a, second: b, firstAxis: axes[a].axis, secondAxis: axes[b].axis, cell: cell, fits: fits,
                    improvement: top.improvement, fastGain: gains[top.index]))
            // Every other score is now stale (an upper bound).
            fresh.removeAll()
        }
        return chosen
    }
}

extension ModelLearner {
    /// The curves and the chosen pairs' tables fitted again together, slot by slot: one
    /// ``AdditiveLogistic`` whose terms are the curves' (the same bins, smoothing strengths and
    /// ridges) followed by one term per pair (its cells, each with the ridge the pair was
    /// learned with), started from the curves and the tables as they were learned one after
    /// the other. The tables were fitted on the residuals of fixed curves; fitted together, a
    /// curve gives back what a table now explains better (as a GAM with interaction terms is
    /// fitted), and a table keeps only what the curves cannot.
    ///
    /// With `bags` > 1 (InterpretML's outer bags) each slot's fit is the mean of `bags` fits,
    /// each on a stratified random ``Options/baggedShare`` of the slot's rows
    /// (``baggedRows(_:outcomes:share:stream:seed:)``) and started where the single fit
    /// starts: the mean coefficients β̄ = (1/B) Σ_b β_b are again one additive model, so
    /// every curve and table is the mean of the bags' curves and tables (and a group's
    /// log-odds β̄₀ + θ̄ the mean of theirs). The bags of fold k see only fold k's training
    /// rows, so the cross-validated figures price the averaging honestly. With no pairs the
    /// curves alone are refitted this way.
    ///
    /// - Returns: The joint model and its fits, per entered column the curve's groups and per
    ///   pair the table's cells with their new log-odds (each per slot: 0 all rows, k + 1 fold
    ///   k's training rows).
    /// - Complexity: `bags` × (folds + 1) Newton fits of the joint model, two at a time.
    func refitJointly(
        _ inputs: [CurveInput], curves: Curves, pairs: [LearnedPair], outcomes: [Double], assignment: [Int],
        trainRows: [[Int]], bags: Int = 1
    ) throws(LearningError) -> JointRefit {
        let n = outcomes.count
        let ridge = cellRidge(outcomes)
        let pairTerms = pairs.map { pair in
            let size = pair.fits[0].groups.count
            return AdditiveLogistic.Term(
                groups: pair.cell, size: size, chain: [], ridge: [Double](repeating: ridge, count: size), smoothingScale: 0)
        }
        let model = AdditiveLogistic(terms: curves.additive.terms + pairTerms)
        let learned = [curves.finalFit] + curves.foldFits
        let lambda = curves.lambda
        let seed = options.seed
        let share = options.baggedShare
        // Job j fits bag j % bags of slot j / bags (one job per slot without bagging).
        let results = parallelMap(learned.count * bags) { job -> Result<AdditiveLogistic.Fit, LearningError> in
            let slot = job / bags
            var start = learned[slot].coefficients
            for pair in pairs { start += pair.fits[slot].groups.map(\.logOdds) }
            var rows = slot == 0 ? Array(0..<n) : trainRows[slot - 1]
            if bags > 1 { rows = Self.baggedRows(rows, outcomes: outcomes, share: share, stream: job % bags, seed: seed) }
            do throws(LearningError) {
                return .success(try model.fit(rows: rows, outcomes: outcomes, lambda: lambda, start: start, keepsFactor: false))
            } catch {
                return .failure(error)
            }
        }
        var bagFits: [AdditiveLogistic.Fit] = []
        for result in results {
            switch result {
            case .success(let fit): bagFits.append(fit)
            case .failure(let error): throw error
            }
        }
        let fits = bags == 1 ? bagFits : learned.indices.map { Self.meanFit(bagFits[($0 * bags)..<($0 * bags + bags)]) }
        let curveFits = Self.columnFits(
            inputs, model: model, binned: curves.binned, slots: fits, outcomes: outcomes, assignment: assignment)
        let tableFits = pairs.enumerated().map { index, pair in
            let offset = model.offsets[inputs.count + index]
            return fits.indices.map { slot in
                var table = pair.fits[slot]
                for c in table.groups.indices { table.groups[c].logOdds = fits[slot].coefficients[offset + c] }
                return table
            }
        }
        return JointRefit(model: model, fits: fits, curves: curveFits, pairs: tableFits)
    }

    /// An outer bag of `rows`: the first ⌈`share` × count⌉ of each outcome's rows after a
    /// shuffle by stream `stream` of the generator seeded with `seed`, in row order.
    static func baggedRows(_ rows: [Int], outcomes: [Double], share: Double, stream: Int, seed: UInt64) -> [Int] {
        var random = SeededRandom(seed: seed).split(stream: stream)
        var bag: [Int] = []
        for wanted in [true, false] {
            var members = rows.filter { (outcomes[$0] >= 0.5) == wanted }
            random.shuffle(&members)
            let kept = min(members.count, Int((share * Double(members.count)).rounded(.up)))
            bag += members.prefix(kept)
        }
        return bag.sorted()
    }

    /// The mean of the bags' fits: mean coefficients and mean information (the weights of the
    /// monotone projection); no Cholesky factor.
    static func meanFit(_ bags: ArraySlice<AdditiveLogistic.Fit>) -> AdditiveLogistic.Fit {
        guard var mean = bags.first else { preconditionFailure("meanFit needs at least one bag") }
        let count = Double(bags.count)
        mean.coefficients = mean.coefficients.indices.map { k in bags.reduce(0) { $0 + $1.coefficients[k] } / count }
        mean.information = mean.information.indices.map { k in bags.reduce(0) { $0 + $1.information[k] } / count }
        mean.iterations = bags.reduce(0) { max($0, $1.iterations) }
        mean.converged = bags.allSatisfy(\.converged)
        mean.factor = nil
        return mean
    }

    /// What ``refitJointly(_:curves:pairs:outcomes:assignment:trainRows:bags:)`` returns.
    struct JointRefit {
        /// The curves' terms, then one term per pair.
        var model: AdditiveLogistic
        /// Per slot: the fit of `model`.
        var fits: [AdditiveLogistic.Fit]
        /// Per entered column, per slot: the curve's groups.
        var curves: [[ColumnFit]]
        /// Per pair, per slot: the table's cells.
        var pairs: [[ColumnFit]]
    }
}
