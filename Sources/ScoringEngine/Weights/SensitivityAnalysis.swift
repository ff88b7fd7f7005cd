import Dispatch
import Foundation
import LinearAlgebra

/// Stochastic multicriteria acceptability analysis (SMAA-2) of a scored batch: how grades
/// and ranks move when the factor weights are drawn at random.
///
/// For M weight draws (``WeightSampler``: uniform on each side's simplex, or Dirichlet
/// around the model's weights) every account is scored, graded and ranked exactly as
/// ``ScoringPipeline`` and ``BatchAssessment/rankedRows()`` do with those weights
/// (completeness keeps the model's weights, as scenarios do). Per account the result holds
/// the probability of each grade, the rank acceptability P(rank ≤ K), the mean, median and
/// P5–P95 ranks, and the central weight vector (the mean of the draws that put the account
/// in the top K). References: Lahdelma and Salminen, "SMAA-2: Stochastic multicriteria
/// acceptability analysis for group decision making", Operations Research 49 (2001) 444–454.
///
/// ## How it runs
///
/// Draws are processed in blocks of B draws, B chosen so that the block's keys, grades and
/// ranks (13 bytes per account and draw) fit a quarter of ``memoryBudget``. For a block:
///
/// 1. Scores: the utility matrix is cut into panels of 256 accounts; each panel is
///    multiplied by the 2B × F matrix of the block's weights (×100) in one BLAS `dgemm`,
///    S = W · Uᵀ (``BatchProduct/multiply(_:rows:inner:byTransposed:columns:into:)``), and while
///    the panel's 2B × 256 scores are in cache they become grades and ranking keys, read and
///    written along each draw's accounts.
/// 2. Ranks: each draw's accounts are ranked by ``DrawRanker``, a bucket (counting) sort in
///    expected linear time instead of a full comparison sort.
/// 3. Counts: per account, grade counts, top-K counts, rank sums, the central weight sums
///    and the rank histogram (or the stored ranks) are updated.
///
/// Panels (steps 1 and 3) and draws (step 2) are spread over ``threads`` workers; every
/// worker writes only its own panels or draws, so the result does not depend on the
/// number of threads. While several workers run, OpenBLAS is held to one thread per call
/// (``BLASThreads``), so its threads do not compete with the workers.
///
/// ## Rank quantiles
///
/// Median, P5 and P95 are nearest-rank quantiles: the q-quantile is the smallest rank r with
/// #{draws with rank ≤ r} ≥ ⌈q·M⌉. When every rank of every draw fits half the memory
/// budget (4 bytes each) they are kept and the quantiles are exact. Otherwise each account
/// counts its ranks, in the same single pass, into a histogram whose bins fill half the
/// budget (2-byte counts while M ≤ 65,535): one bin per rank for the best ranks, up to
/// ``SensitivityResult/exactRankLimit`` (exact there, and all ranks when N fits), then
/// bins growing geometrically, each about ``SensitivityResult/relativeRankResolution`` of
/// its rank wide; a quantile in such a bin is interpolated within it.
public struct SensitivityAnalysis: Sendable {
    /// M, the number of weight draws (≥ 1).
    public let samples: Int
    public let sampler: WeightSampler
    /// K of the rank acceptability P(rank ≤ K) (≥ 1).
    public let topCount: Int
    public let seed: UInt64
    /// Bytes the per-draw buffers and rank storage may use (≥ 1 MiB).
    public let memoryBudget: Int
    /// An A account is *stable* when P(grade A) ≥ this (0...1).
    public let stableProbability: Double
    /// Worker threads (≥ 1).
    public let threads: Int
    /// Largest number of draws in a block.
    public let maximumBlockDraws: Int

    /// Rows per `dgemm` panel.
    public static let panelRows = 256

    public init(
        samples: Int = 10_000, sampler: WeightSampler, topCount: Int = 20, seed: UInt64 = 1,
        memoryBudget: Int = 512 << 20, stableProbability: Double = 0.9,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, maximumBlockDraws: Int = 512
    ) throws(SensitivityError) {
        guard samples >= 1 else { throw .invalidSetting(name: "number of samples", value: "\(samples)", allowed: "at least 1") }
        guard topCount >= 1 else { throw .invalidSetting(name: "top count K", value: "\(topCount)", allowed: "at least 1") }
        guard memoryBudget >= 1 << 20 else {
            throw .invalidSetting(name: "memory budget", value: "\(memoryBudget) bytes", allowed: "at least 1 MiB")
        }
        guard (0...1).contains(stableProbability) else {
            throw .invalidSetting(name: "stable probability", value: "\(stableProbability)", allowed: "between 0 and 1")
        }
        guard threads >= 1 else { throw .invalidSetting(name: "thread count", value: "\(threads)", allowed: "at least 1") }
        guard maximumBlockDraws >= 1 else {
            throw .invalidSetting(name: "block size", value: "\(maximumBlockDraws)", allowed: "at least 1")
        }
        self.samples = samples
        self.sampler = sampler
        self.topCount = topCount
        self.seed = seed
        self.memoryBudget = memoryBudget
        self.stableProbability = stableProbability
        self.threads = threads
        self.maximumBlockDraws = maximumBlockDraws
    }

    /// The weight draws this analysis uses for `model`, `samples × factors` row-major.
    public func draws(for model: ScoringModel) -> [Double] {
        sampler.draws(count: samples, model: model, seed: seed)
    }

    /// Runs the analysis on an assessed batch.
    ///
    /// - Parameters:
    ///   - assessment: The batch scored with the model's weights (its grades and ranks are
    ///     the base the result is compared with).
    ///   - progress: Called with the fraction done (0...1) after each block.
    /// - Complexity: O(M · N · F) for the products (BLAS), expected O(M · N) for ranking.
    public func run(_ assessment: BatchAssessment, progress: (@Sendable (Double) -> Void)? = nil) -> SensitivityResult {
        let model = assessment.model
        let n = assessment.count
        let factorCount = model.factors.count
        let m = samples
        let draws = self.draws(for: model)
        let start = DispatchTime.now().uptimeNanoseconds

        // Accounts are processed in ascending id order (rankedRows' tie order), so that ties
        // in a draw are broken by position: `order[i]` is the batch row at position i.
        let order: [Int] = (0..<n).sorted { assessment.accounts[$0].id < assessment.accounts[$1].id }
        let panelRows = Self.panelRows
        let panelCount = (n + panelRows - 1) / panelRows
        let batchUtilities = assessment.utilities.matrix.elements
        var utilities = [Double](repeating: 0, count: n * factorCount)
        for (position, row) in order.enumerated() {
            for f in 0..<factorCount { utilities[position * factorCount + f] = batchUtilities[row * factorCount + f] }
        }
        let completeness = order.map { assessment.utilities.completeness[$0] }

        // Memory plan: a quarter of the budget for the block buffers (keys, grades, ranks:
        // 13 bytes per account and draw), half for the ranks or rank histograms.
        let perDraw = max(1, n * 13)
        let blockDraws = max(1, min(maximumBlockDraws, m, (memoryBudget / 4) / perDraw))
        let storage = memoryBudget / 2
        let keepAllRanks = n * m * 4 <= storage
        let binning = keepAllRanks ? nil : RankBinning(accounts: n, bins: max(2, storage / max(1, n * (m <= Int(UInt16.max) ? 2 : 4))))

        let grader = FastGrader(model: model)
        let panels: [PanelState] = (0..<panelCount).map { p in
            let rows = min(panelRows, n - p * panelRows)
            let slice = Array(utilities[(p * panelRows * factorCount)..<((p * panelRows + rows) * factorCount)])
            return PanelState(
                start: p * panelRows, rows: rows, utilities: slice, completeness: Array(completeness[(p * panelRows)..<(p * panelRows + rows)]),
                factorCount: factorCount, blockDraws: blockDraws, keepRanks: keepAllRanks ? m : 0,
                histogramBins: binning?.count ?? 0, wideCounts: m > Int(UInt16.max))
        }
        let workerCount = max(1, min(threads, max(panelCount, 1)))
        let workers: [WorkerState] = (0..<workerCount).map { _ in
            WorkerState(count: n, gradeFirst: model.grading.ranking.gradeFirst)
        }
        let drawRanks: [RankSlot] = (0..<blockDraws).map { _ in RankSlot(count: n) }
        let valueSide = model.factors.map { $0.side == .value }
        var timings = SensitivityResult.Timings()
        timings.blockDraws = blockDraws
        timings.workers = workerCount
        timings.passes = 1

        // The workers call BLAS concurrently: one OpenBLAS thread per call (see BLASThreads).
        BLASThreads.withThreadCount(workerCount > 1 ? 1 : BLASThreads.count) {
        var blockStart = 0
        while blockStart < m {
            let size = min(blockDraws, m - blockStart)
            // 2B × F weights ×100: row b the value weights of draw b, row B + b its
            // difficulty weights (zero for the other side's factors).
            var weights = [Double](repeating: 0, count: 2 * size * factorCount)
            for b in 0..<size {
                for f in 0..<factorCount {
                    let w = 100 * draws[(blockStart + b) * factorCount + f]
                    weights[((valueSide[f] ? 0 : size) + b) * factorCount + f] = w
                }
            }
            let blockWeights = weights
            let first = blockStart
            // 1. Scores → grades and keys, per panel.
            let scoringStart = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: workerCount) { w in
                let worker = workers[w]
                for p in stride(from: w, to: panelCount, by: workerCount) {
                    panels[p].score(weights: blockWeights, blockSize: size, grader: grader, scratch: worker)
                }
            }
            let rankingStart = DispatchTime.now().uptimeNanoseconds
            // 2. Ranks, per draw.
            let rankWorkers = min(workerCount, size)
            DispatchQueue.concurrentPerform(iterations: rankWorkers) { w in
                let worker = workers[w]
                for b in stride(from: w, to: size, by: rankWorkers) {
                    worker.rank(draw: b, panels: panels, into: drawRanks[b])
                }
            }
            let countingStart = DispatchTime.now().uptimeNanoseconds
            // 3. Counts, per panel.
            DispatchQueue.concurrentPerform(iterations: workerCount) { w in
                for p in stride(from: w, to: panelCount, by: workerCount) {
                    panels[p].count(
                        blockStart: first, blockSize: size, ranks: drawRanks, draws: draws, topCount: topCount,
                        binning: binning)
                }
            }
            let end = DispatchTime.now().uptimeNanoseconds
            timings.scoringSeconds += Double(rankingStart - scoringStart) / 1e9
            timings.rankingSeconds += Double(countingStart - rankingStart) / 1e9
            timings.countingSeconds += Double(end - countingStart) / 1e9
            timings.productFlops += 2 * Double(n) * Double(factorCount) * Double(2 * size)
            blockStart += size
            progress?(Double(blockStart) / Double(m))
        }
        }

        DispatchQueue.concurrentPerform(iterations: workerCount) { w in
            for p in stride(from: w, to: panelCount, by: workerCount) {
                if keepAllRanks {
                    panels[p].quantilesFromStoredRanks(samples: m, accounts: n)
                } else if let binning {
                    panels[p].quantilesFromHistograms(samples: m, binning: binning)
                }
            }
        }
        timings.productSeconds = workers.reduce(0) { $0 + $1.productSeconds } / Double(workerCount)
        timings.totalSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        // Gather.
        var gradeProbabilities = [Double](repeating: 0, count: n * 5)
        var topProbability = [Double](repeating: 0, count: n)
        var meanRank = [Double](repeating: 0, count: n)
        var lowRank = [Int](repeating: 0, count: n)
        var medianRank = [Int](repeating: 0, count: n)
        var highRank = [Int](repeating: 0, count: n)
        var central: [[Double]?] = Array(repeating: nil, count: n)
        for panel in panels {
            for li in 0..<panel.rows {
                let i = order[panel.start + li]
                for g in 0..<5 { gradeProbabilities[i * 5 + g] = Double(panel.gradeCounts[li * 5 + g]) / Double(m) }
                topProbability[i] = Double(panel.topCounts[li]) / Double(m)
                meanRank[i] = panel.rankSums[li] / Double(m)
                lowRank[i] = Int(panel.quantiles[li * 3])
                medianRank[i] = Int(panel.quantiles[li * 3 + 1])
                highRank[i] = Int(panel.quantiles[li * 3 + 2])
                let hits = panel.topCounts[li]
                if hits > 0 {
                    central[i] = (0..<factorCount).map { panel.centralSums[li * factorCount + $0] / Double(hits) }
                }
            }
        }
        var baseRanks = [Int](repeating: 0, count: n)
        for (position, row) in assessment.rankedRows().enumerated() { baseRanks[row] = position + 1 }
        return SensitivityResult(
            samples: m, topCount: topCount, stableProbability: stableProbability, distribution: sampler.distribution,
            seed: seed, gradeProbabilities: gradeProbabilities, topProbability: topProbability, meanRank: meanRank,
            lowRank: lowRank, medianRank: medianRank, highRank: highRank, centralWeights: central,
            baseGrades: assessment.grades, baseRanks: baseRanks,
            exactRankLimit: binning?.exactLimit ?? n, rankResolution: binning?.widestBin ?? 1,
            relativeRankResolution: binning?.relativeWidth ?? 0, timings: timings)
    }
}

// MARK: - Workers and panels

// The hot loops below read and write arrays through `withUncheckedView` and
// `withUncheckedMutableView` (Support/UnsafeBuffers.swift) inside the closure only: stored
// arrays of classes would otherwise pay an exclusivity check and a uniqueness check on every
// element.

extension SensitivityAnalysis {
    /// Grades and keys with the model's bands and grid; identical arithmetic to
    /// ``GradingPolicy/grade(value:difficulty:completeness:)`` and
    /// ``RankingPolicy/key(value:difficulty:)``.
    struct FastGrader: Sendable {
        let valueCuts: [Double]
        let difficultyCuts: [Double]
        let grid: [UInt8]
        let difficultyBandCount: Int
        let minimumCompleteness: Double
        let ranking: RankingPolicy

        init(model: ScoringModel) {
            let grading = model.grading
            valueCuts = grading.valueBands.cuts
            difficultyCuts = grading.difficultyBands.cuts
            difficultyBandCount = grading.difficultyBands.names.count
            grid = grading.grid.flatMap { $0.map { UInt8($0.order) } }
            minimumCompleteness = grading.minimumCompleteness
            ranking = grading.ranking
        }
    }

    /// Rank histogram bins: one bin per rank up to ``exactLimit``, then bins growing
    /// geometrically (each about ``relativeWidth`` of its rank wide) up to the last rank.
    struct RankBinning: Sendable {
        /// Bin of each rank (index rank − 1).
        let binOfRank: [Int32]
        /// First rank of each bin, plus one past the last rank at the end.
        let binStart: [Int32]
        let exactLimit: Int
        let relativeWidth: Double
        let widestBin: Int
        var count: Int { binStart.count - 1 }

        init(accounts n: Int, bins: Int) {
            if bins >= n {
                binOfRank = (0..<n).map { Int32($0) }
                binStart = (0...n).map { Int32($0 + 1) }
                exactLimit = n
                relativeWidth = 0
                widestBin = 1
                return
            }
            // Half the bins exact, half geometric over the rest of the ranks.
            let exact = max(1, bins / 2)
            let geometric = max(1, bins - exact)
            let ratio = pow(Double(n) / Double(exact), 1 / Double(geometric))
            var starts: [Int32] = (1...exact).map { Int32($0) }
            var edge = Double(exact)
            var next = exact + 1
            while next <= n {
                starts.append(Int32(next))
                edge *= ratio
                next = max(next + 1, Int(edge.rounded(.up)) + 1)
            }
            starts.append(Int32(n + 1))
            var binOf = [Int32](repeating: 0, count: n)
            var widest = 1
            for bin in 0..<(starts.count - 1) {
                let low = Int(starts[bin])
                let high = Int(starts[bin + 1])
                widest = max(widest, high - low)
                for rank in low..<high { binOf[rank - 1] = Int32(bin) }
            }
            binOfRank = binOf
            binStart = starts
            exactLimit = exact
            relativeWidth = ratio - 1
            widestBin = widest
        }
    }

    /// One panel of 256 accounts: its utilities, the block's grades and keys, its counts.
    /// Written only by the worker that owns the panel in each step.
    final class PanelState: @unchecked Sendable {
        let start: Int
        let rows: Int
        /// rows × F utilities of the panel's accounts, row-major.
        let utilities: [Double]
        let completeness: [Double]
        let factorCount: Int
        /// Block buffers, draw-major: entry b · rows + li.
        var keys: [Double]
        var grades: [UInt8]
        // Counts.
        var gradeCounts: [Int32]
        var topCounts: [Int32]
        var rankSums: [Double]
        var centralSums: [Double]
        /// All ranks, draw-major (m · rows), when they fit the budget.
        var storedRanks: [Int32]
        /// Rank histograms, account-major (rows · bins), when the ranks do not fit.
        var histogram16: [UInt16]
        var histogram32: [UInt32]
        let bins: Int
        /// P5, median, P95 per account.
        var quantiles: [Int32]

        init(
            start: Int, rows: Int, utilities: [Double], completeness: [Double], factorCount: Int, blockDraws: Int,
            keepRanks: Int, histogramBins: Int, wideCounts: Bool
        ) {
            self.start = start
            self.rows = rows
            self.utilities = utilities
            self.completeness = completeness
            self.factorCount = factorCount
            keys = [Double](repeating: 0, count: blockDraws * rows)
            grades = [UInt8](repeating: 0, count: blockDraws * rows)
            gradeCounts = [Int32](repeating: 0, count: rows * 5)
            topCounts = [Int32](repeating: 0, count: rows)
            rankSums = [Double](repeating: 0, count: rows)
            centralSums = [Double](repeating: 0, count: rows * factorCount)
            storedRanks = [Int32](repeating: 0, count: keepRanks * rows)
            bins = histogramBins
            histogram16 = [UInt16](repeating: 0, count: wideCounts ? 0 : rows * histogramBins)
            histogram32 = [UInt32](repeating: 0, count: wideCounts ? rows * histogramBins : 0)
            quantiles = [Int32](repeating: 0, count: rows * 3)
        }

        /// Step 1: this panel's scores for the block, S = W · Uᵀ (one dgemm, 2B × rows: row b
        /// the value scores of draw b, row B + b its difficulty scores), then grades and keys,
        /// both read and written along the accounts of one draw.
        func score(weights: [Double], blockSize: Int, grader: FastGrader, scratch: WorkerState) {
            let size = 2 * blockSize * rows
            if scratch.product.count != size { scratch.product = [Double](repeating: 0, count: size) }
            let before = DispatchTime.now().uptimeNanoseconds
            BatchProduct.multiply(
                weights, rows: 2 * blockSize, inner: factorCount, byTransposed: utilities, columns: rows,
                into: &scratch.product)
            scratch.productSeconds += Double(DispatchTime.now().uptimeNanoseconds - before) / 1e9
            let rows = self.rows
            let ranking = grader.ranking
            let bandCount = grader.difficultyBandCount
            let minimum = grader.minimumCompleteness
            let insufficient = UInt8(Grade.insufficient.order)
            // Per draw: keys along the accounts, then the band indices one cut at a time over
            // all the panel's accounts (compare-and-add loops the compiler vectorizes; one
            // data-dependent branch per cut and account was the cost before), then grades.
            scratch.product.withUncheckedView { scores in
                completeness.withUncheckedView { completeness in
                    grader.valueCuts.withUncheckedView { valueCuts in
                        grader.difficultyCuts.withUncheckedView { difficultyCuts in
                            grader.grid.withUncheckedView { grid in
                                scratch.valueBands.withUncheckedMutableView { valueBands in
                                    scratch.difficultyBands.withUncheckedMutableView { difficultyBands in
                                        keys.withUncheckedMutableView { keys in
                                            grades.withUncheckedMutableView { grades in
                                                for b in 0..<blockSize {
                                                    let values = b * rows
                                                    let difficulties = (blockSize + b) * rows
                                                    let out = b * rows
                                                    for li in 0..<rows {
                                                        keys[out + li] = ranking.key(value: scores[values + li], difficulty: scores[difficulties + li])
                                                    }
                                                    // Band index = number of cuts ≤ the score (Bands.index(of:)).
                                                    for li in 0..<rows {
                                                        valueBands[li] = 0
                                                        difficultyBands[li] = 0
                                                    }
                                                    for c in 0..<valueCuts.count {
                                                        let cut = valueCuts[c]
                                                        for li in 0..<rows { valueBands[li] &+= scores[values + li] >= cut ? 1 : 0 }
                                                    }
                                                    for c in 0..<difficultyCuts.count {
                                                        let cut = difficultyCuts[c]
                                                        for li in 0..<rows { difficultyBands[li] &+= scores[difficulties + li] >= cut ? 1 : 0 }
                                                    }
                                                    for li in 0..<rows {
                                                        let grade = grid[Int(valueBands[li]) * bandCount + Int(difficultyBands[li])]
                                                        grades[out + li] = completeness[li] >= minimum ? grade : insufficient
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// Step 3: counts for every account of the panel over the block. Accounts outer,
        /// draws inner, so each account's histogram row stays in cache.
        func count(blockStart: Int, blockSize: Int, ranks: [RankSlot], draws: [Double], topCount: Int, binning: RankBinning?) {
            let rows = self.rows
            let f = factorCount
            let top = Int32(topCount)
            let start = self.start
            let bins = self.bins
            // This panel's slice of each draw's ranks, gathered once (rows × blockSize, draw-major).
            var local = [Int32](repeating: 0, count: rows * blockSize)
            local.withUncheckedMutableView { local in
                for b in 0..<blockSize {
                    ranks[b].ranks.withUncheckedView { slot in
                        for li in 0..<rows { local[b * rows + li] = slot[start + li] }
                    }
                }
            }
            local.withUncheckedView { local in
                grades.withUncheckedView { grades in
                    gradeCounts.withUncheckedMutableView { gradeCounts in
                        topCounts.withUncheckedMutableView { topCounts in
                            rankSums.withUncheckedMutableView { rankSums in
                                centralSums.withUncheckedMutableView { centralSums in
                                    draws.withUncheckedView { draws in
                                        for li in 0..<rows {
                                            var sum = 0.0
                                            var hits: Int32 = 0
                                            for b in 0..<blockSize {
                                                let rank = local[b * rows + li]
                                                gradeCounts[li * 5 + Int(grades[b * rows + li])] += 1
                                                sum += Double(rank)
                                                if rank <= top {
                                                    hits += 1
                                                    let base = (blockStart + b) * f
                                                    for k in 0..<f { centralSums[li * f + k] += draws[base + k] }
                                                }
                                            }
                                            rankSums[li] += sum
                                            topCounts[li] += hits
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                if !storedRanks.isEmpty {
                    storedRanks.withUncheckedMutableView { stored in
                        for b in 0..<blockSize {
                            let base = (blockStart + b) * rows
                            for li in 0..<rows { stored[base + li] = local[b * rows + li] }
                        }
                    }
                }
                guard let binning else { return }
                binning.binOfRank.withUncheckedView { binOf in
                    if !histogram16.isEmpty {
                        histogram16.withUncheckedMutableView { histogram in
                            for li in 0..<rows {
                                let row = li * bins
                                for b in 0..<blockSize { histogram[row + Int(binOf[Int(local[b * rows + li]) - 1])] &+= 1 }
                            }
                        }
                    } else {
                        histogram32.withUncheckedMutableView { histogram in
                            for li in 0..<rows {
                                let row = li * bins
                                for b in 0..<blockSize { histogram[row + Int(binOf[Int(local[b * rows + li]) - 1])] &+= 1 }
                            }
                        }
                    }
                }
            }
        }

        /// The nearest-rank positions of P5, median and P95 among `samples` values.
        static func targets(samples: Int) -> [Int] {
            [0.05, 0.5, 0.95].map { q in max(1, Int((q * Double(samples)).rounded(.up))) }
        }

        /// Exact quantiles from the stored ranks: each account's ranks counted per rank (when
        /// there are no more ranks than draws) or gathered and sorted.
        func quantilesFromStoredRanks(samples: Int, accounts: Int) {
            let targets = Self.targets(samples: samples)
            if accounts <= samples {
                var counts = [Int32](repeating: 0, count: accounts)
                storedRanks.withUncheckedView { stored in
                    counts.withUncheckedMutableView { counts in
                        for li in 0..<rows {
                            for r in 0..<accounts { counts[r] = 0 }
                            for d in 0..<samples { counts[Int(stored[d * rows + li]) - 1] &+= 1 }
                            var cumulative = 0
                            var t = 0
                            for r in 0..<accounts where t < 3 {
                                cumulative += Int(counts[r])
                                while t < 3 && cumulative >= targets[t] {
                                    quantiles[li * 3 + t] = Int32(r + 1)
                                    t += 1
                                }
                            }
                        }
                    }
                }
                return
            }
            var own = [Int32](repeating: 0, count: samples)
            storedRanks.withUncheckedView { stored in
                for li in 0..<rows {
                    for d in 0..<samples { own[d] = stored[d * rows + li] }
                    own.sort()
                    for t in 0..<3 { quantiles[li * 3 + t] = own[targets[t] - 1] }
                }
            }
        }

        /// Quantiles from the histograms: exact in one-rank bins, else interpolated
        /// linearly within the bin.
        func quantilesFromHistograms(samples: Int, binning: RankBinning) {
            let targets = Self.targets(samples: samples)
            for li in 0..<rows {
                var cumulative = 0
                var t = 0
                for bin in 0..<bins {
                    let count = histogram16.isEmpty ? Int(histogram32[li * bins + bin]) : Int(histogram16[li * bins + bin])
                    guard count > 0 else { continue }
                    let before = cumulative
                    cumulative += count
                    while t < 3 && cumulative >= targets[t] {
                        let low = Int(binning.binStart[bin])
                        let width = Int(binning.binStart[bin + 1]) - low
                        let inside = width == 1 ? 0 : (width * (targets[t] - before - 1)) / count
                        quantiles[li * 3 + t] = Int32(low + inside)
                        t += 1
                    }
                    if t == 3 { break }
                }
            }
        }
    }

    /// The ranks of one draw of the current block.
    final class RankSlot: @unchecked Sendable {
        var ranks: [Int32]
        init(count: Int) { ranks = [Int32](repeating: 0, count: count) }
    }

    /// A worker's scratch: the panel product, one draw's keys and grades, the ranker.
    final class WorkerState: @unchecked Sendable {
        /// The panel's 2B × rows scores.
        var product: [Double] = []
        var keys: [Double]
        var grades: [UInt8]
        var ranker: DrawRanker
        var productSeconds = 0.0
        /// A panel's value and difficulty band indices for one draw.
        var valueBands = [UInt8](repeating: 0, count: SensitivityAnalysis.panelRows)
        var difficultyBands = [UInt8](repeating: 0, count: SensitivityAnalysis.panelRows)

        init(count: Int, gradeFirst: Bool) {
            keys = [Double](repeating: 0, count: count)
            grades = [UInt8](repeating: 0, count: count)
            ranker = DrawRanker(count: count, gradeFirst: gradeFirst)
        }

        /// Step 2: gathers draw `b`'s keys and grades from the panels and ranks them.
        func rank(draw b: Int, panels: [PanelState], into slot: RankSlot) {
            keys.withUncheckedMutableView { keys in
                grades.withUncheckedMutableView { grades in
                    for panel in panels {
                        let rows = panel.rows
                        let base = b * rows
                        let start = panel.start
                        panel.keys.withUncheckedView { source in
                            for li in 0..<rows { keys[start + li] = source[base + li] }
                        }
                        panel.grades.withUncheckedView { source in
                            for li in 0..<rows { grades[start + li] = source[base + li] }
                        }
                    }
                }
            }
            ranker.rank(keys: keys, grades: grades, into: &slot.ranks)
        }
    }
}
