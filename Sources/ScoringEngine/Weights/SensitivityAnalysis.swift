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
/// ranks (13 bytes per account and draw) fit a quarter of ``memoryBudget``. When the
/// block's keys would take more than 16 MiB (many accounts), keys are kept for a window of
/// at most 32 draws and 16 MiB only, steps 1 and 2 run window by window (the ranker reads
/// the keys from the cache the scoring left them in, not from memory), and B grows to what
/// the grades and ranks (5 bytes per account and draw) and the window leave. For a block:
///
/// 1. Scores: the utility matrix is cut into panels of 256 accounts; for each chunk of at
///    most 32 draws each panel is multiplied by the chunk's 2C × F weights (×100) in one BLAS
///    `dgemm`, S = W · Uᵀ (``BatchProduct/multiply(_:rows:inner:byTransposed:columns:into:)``),
///    and while the panel's 2C × 256 scores are in cache they become ranking keys (and each
///    draw's smallest and largest key in the panel) and grades, written into the block's
///    draw-major buffers.
/// 2. Ranks: each draw's accounts are ranked by ``DrawRanker``, a radix sort in linear
///    time, reading the draw's keys and grades in one piece; the ranks go to a panel-major
///    buffer.
/// 3. Counts: per account, grade counts, top-K counts, rank sums, the central weight sums
///    and the rank histogram (or the stored ranks) are updated.
///
/// Panels (steps 1 and 3) and draws (step 2) are handed out one at a time to ``threads``
/// workers; every item writes only its own panel's or draw's entries, so the result does not
/// depend on the number of threads or on which worker took which item. While several
/// workers run, OpenBLAS is held to one thread per call (``BLASThreads``), so its threads do
/// not compete with the workers.
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
    /// Most bytes of ranking keys kept at once (``defaultKeyWindowBytes``; tests set it small
    /// to run the window path on small inputs).
    var keyWindowBytes = SensitivityAnalysis.defaultKeyWindowBytes

    /// Rows per `dgemm` panel.
    public static let panelRows = 256
    /// Most bytes of ranking keys kept at once: above it keys are kept for a window of draws
    /// only, so that the ranker reads them from the cache the scoring wrote them to.
    /// (16 MiB, half this machine's last-level cache: at 100,000 accounts, windows of 8, 16
    /// and 32 MiB measured alike; a window of one draw took about 35% more processor time.)
    static let defaultKeyWindowBytes = 16 << 20
    /// Most draws per panel product: 2 · 32 × 256 scores (128 KiB) stay in the core's cache
    /// while they become keys and grades.
    static let chunkDraws = 32

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
        let m = samples
        let draws = self.draws(for: model)
        let start = DispatchTime.now().uptimeNanoseconds
        // Accounts are processed in ascending id order (rankedRows' tie order), so that ties
        // in a draw are broken by position: `order[i]` is the batch row at position i.
        let order: [Int] = (0..<n).sorted { assessment.accounts[$0].id < assessment.accounts[$1].id }
        let plan = memoryPlan(accounts: n)
        let panels = Self.panels(of: assessment, order: order, keepRanks: plan.keepsAllRanks ? m : 0, plan: plan, samples: m)
        // The block's buffers, shared by the workers (each writes its own ranges): keys and
        // grades draw-major (entry b · n + i), each draw's smallest and largest key per panel
        // (entry b · panels + p), and ranks panel-major (entry (p · B + b) · 256 + i − 256p),
        // so that a draw's ranker reads its keys in one piece and a panel's counts read its
        // ranks in one piece, without gathering copies.
        let block = BlockBuffers(accounts: n, panels: panels.count, blockDraws: plan.blockDraws, windowDraws: plan.windowDraws)
        let crew = Crew(
            workers: (0..<max(1, min(threads, max(panels.count, 1)))).map { _ in
                WorkerState(count: n, gradeFirst: model.grading.ranking.gradeFirst)
            })
        let steps = BlockSteps(
            panels: panels, block: block, crew: crew, grader: GradeTable(model.grading), draws: draws,
            valueSide: model.factors.map { $0.side == .value }, topCount: topCount, binning: plan.binning)
        var timings = SensitivityResult.Timings()
        timings.blockDraws = plan.blockDraws
        timings.keyWindowDraws = plan.windowDraws
        timings.workers = crew.workers.count
        timings.passes = 1

        // The workers call BLAS concurrently: one OpenBLAS thread per call (see BLASThreads).
        BLASThreads.withThreadCount(crew.workers.count > 1 ? 1 : BLASThreads.count) {
            var blockStart = 0
            while blockStart < m {
                let size = min(plan.blockDraws, m - blockStart)
                steps.run(first: blockStart, size: size, windowDraws: plan.windowDraws, timings: &timings)
                blockStart += size
                progress?(Double(blockStart) / Double(m))
            }
        }
        crew.inParallel(panels.count) { _, p in
            if plan.keepsAllRanks {
                panels[p].quantilesFromStoredRanks(samples: m, accounts: n)
            } else if let binning = plan.binning {
                panels[p].quantilesFromHistograms(samples: m, binning: binning)
            }
        }
        timings.productSeconds = crew.workers.reduce(0) { $0 + $1.productSeconds } / Double(crew.workers.count)
        timings.totalSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return result(of: assessment, panels: panels, order: order, plan: plan, timings: timings)
    }

    /// How the memory budget is spent (see ``run(_:progress:)``).
    struct MemoryPlan {
        /// Draws per block, and per window of keys.
        let blockDraws: Int
        let windowDraws: Int
        /// Whether every rank of every draw is kept (exact quantiles), else histograms.
        let keepsAllRanks: Bool
        let binning: RankBinning?
    }

    /// A quarter of the budget for the block buffers (keys, grades, ranks: 13 bytes per account
    /// and draw), half for the ranks or rank histograms. When the block's keys would not stay
    /// in the last-level cache (more than `keyWindowBytes`), keys are kept for a window of
    /// draws only (scored, then ranked, window by window), and the block, holding grades and
    /// ranks only (5 bytes per account and draw), grows.
    func memoryPlan(accounts n: Int) -> MemoryPlan {
        let m = samples
        let perDraw = max(1, n * 13)
        var blockDraws = max(1, min(maximumBlockDraws, m, (memoryBudget / 4) / perDraw))
        var windowDraws = blockDraws
        if blockDraws * n * 8 > keyWindowBytes {
            windowDraws = max(1, min(Self.chunkDraws, keyWindowBytes / max(1, n * 8), (memoryBudget / 8) / max(1, n * 8)))
            blockDraws = max(windowDraws, min(maximumBlockDraws, m, (memoryBudget / 4 - windowDraws * n * 8) / max(1, n * 5)))
        }
        let storage = memoryBudget / 2
        let keepAllRanks = n * m * 4 <= storage
        let binning = keepAllRanks ? nil : RankBinning(accounts: n, bins: max(2, storage / max(1, n * (m <= Int(UInt16.max) ? 2 : 4))))
        return MemoryPlan(blockDraws: blockDraws, windowDraws: windowDraws, keepsAllRanks: keepAllRanks, binning: binning)
    }

    /// The accounts in `order`, cut into panels of ``panelRows``: each panel's utilities
    /// (row-major) and completeness, and its counters.
    static func panels(
        of assessment: BatchAssessment, order: [Int], keepRanks: Int, plan: MemoryPlan, samples m: Int
    ) -> [PanelState] {
        let n = assessment.count
        let factorCount = assessment.model.factors.count
        let batchUtilities = assessment.utilities.matrix.elements
        var utilities = [Double](repeating: 0, count: n * factorCount)
        for (position, row) in order.enumerated() {
            for f in 0..<factorCount { utilities[position * factorCount + f] = batchUtilities[row * factorCount + f] }
        }
        let completeness = order.map { assessment.utilities.completeness[$0] }
        let panelCount = (n + panelRows - 1) / panelRows
        return (0..<panelCount).map { p in
            let rows = min(panelRows, n - p * panelRows)
            let slice = Array(utilities[(p * panelRows * factorCount)..<((p * panelRows + rows) * factorCount)])
            return PanelState(
                index: p, start: p * panelRows, rows: rows, utilities: slice,
                completeness: Array(completeness[(p * panelRows)..<(p * panelRows + rows)]),
                factorCount: factorCount, keepRanks: keepRanks,
                histogramBins: plan.binning?.count ?? 0, wideCounts: m > Int(UInt16.max))
        }
    }

    /// The per-account results, in the batch's row order, from the panels' counts.
    func result(
        of assessment: BatchAssessment, panels: [PanelState], order: [Int], plan: MemoryPlan,
        timings: SensitivityResult.Timings
    ) -> SensitivityResult {
        let n = assessment.count
        let m = samples
        let factorCount = assessment.model.factors.count
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
                meanRank[i] = Double(panel.rankTotals[li]) / Double(m)
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
            exactRankLimit: plan.binning?.exactLimit ?? n, rankResolution: plan.binning?.widestBin ?? 1,
            relativeRankResolution: plan.binning?.relativeWidth ?? 0, timings: timings)
    }

    /// The workers. Each step hands out its items (panels, draws) one at a time to whichever
    /// worker is free, so a worker that the system holds back does not hold the others up.
    struct Crew {
        let workers: [WorkerState]

        func inParallel(_ items: Int, _ body: @Sendable (WorkerState, Int) -> Void) {
            let queue = WorkQueue(count: items)
            DispatchQueue.concurrentPerform(iterations: min(workers.count, items)) { w in
                while let item = queue.take() { body(workers[w], item) }
            }
        }
    }

    /// The three steps of a block of draws (see ``run(_:progress:)``).
    struct BlockSteps {
        let panels: [PanelState]
        let block: BlockBuffers
        let crew: Crew
        let grader: GradeTable
        /// Every draw's weights, `samples × factors` row-major.
        let draws: [Double]
        let valueSide: [Bool]
        let topCount: Int
        let binning: RankBinning?

        /// Draws `first ..< first + size`: window by window (the whole block when its keys
        /// fit the cache) scores, then ranks; then the counts.
        func run(first: Int, size: Int, windowDraws: Int, timings: inout SensitivityResult.Timings) {
            var windowStart = 0
            while windowStart < size {
                let windowSize = min(windowDraws, size - windowStart)
                let chunks = weightChunks(blockStart: first, windowStart: windowStart, windowSize: windowSize)
                // 1. Scores → grades and keys, per (panel, chunk): a few panels still make many items.
                let scoringStart = DispatchTime.now().uptimeNanoseconds
                crew.inParallel(panels.count * chunks.count) { worker, item in
                    panels[item / chunks.count].score(chunk: chunks[item % chunks.count], grader: grader, block: block, scratch: worker)
                }
                let rankingStart = DispatchTime.now().uptimeNanoseconds
                // 2. Ranks, per draw.
                let window = windowStart
                crew.inParallel(windowSize) { worker, d in
                    worker.rank(draw: window + d, keyRow: d, block: block)
                }
                timings.scoringSeconds += Double(rankingStart - scoringStart) / 1e9
                timings.rankingSeconds += Double(DispatchTime.now().uptimeNanoseconds - rankingStart) / 1e9
                windowStart += windowSize
            }
            let countingStart = DispatchTime.now().uptimeNanoseconds
            // 3. Counts, per panel.
            crew.inParallel(panels.count) { _, p in
                panels[p].count(blockStart: first, blockSize: size, block: block, draws: draws, topCount: topCount, binning: binning)
            }
            let end = DispatchTime.now().uptimeNanoseconds
            timings.countingSeconds += Double(end - countingStart) / 1e9
            timings.productFlops += 2 * Double(block.accounts) * Double(valueSide.count) * Double(2 * size)
        }

        /// Per chunk of at most `chunkDraws` draws of the window, 2C × F weights ×100: row c
        /// the value weights of the chunk's draw c, row C + c its difficulty weights (zero for
        /// the other side's factors). A chunk's panel product (2C × 256) stays in cache.
        func weightChunks(blockStart: Int, windowStart: Int, windowSize: Int) -> [WeightChunk] {
            let factorCount = valueSide.count
            return stride(from: windowStart, to: windowStart + windowSize, by: SensitivityAnalysis.chunkDraws).map { chunkFirst in
                let count = min(SensitivityAnalysis.chunkDraws, windowStart + windowSize - chunkFirst)
                var weights = [Double](repeating: 0, count: 2 * count * factorCount)
                for c in 0..<count {
                    for f in 0..<factorCount {
                        let w = 100 * draws[(blockStart + chunkFirst + c) * factorCount + f]
                        weights[((valueSide[f] ? 0 : count) + c) * factorCount + f] = w
                    }
                }
                return WeightChunk(first: chunkFirst, keyRow: chunkFirst - windowStart, count: count, weights: weights)
            }
        }
    }
}

// MARK: - Workers and panels

// The hot loops below read and write arrays through `withUncheckedView` and
// `withUncheckedMutableView` (Support/UnsafeBuffers.swift) inside the closure only: stored
// arrays of classes would otherwise pay an exclusivity check and a uniqueness check on every
// element.

extension SensitivityAnalysis {
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

    /// One chunk of a block's draws: its first draw (in the block) and its row in the keys
    /// window, its size C, and its
    /// 2C × F weights ×100.
    struct WeightChunk: Sendable {
        let first: Int
        /// The chunk's first draw's row in the keys window.
        let keyRow: Int
        let count: Int
        let weights: [Double]
    }

    /// Hands out the items 0..<count, each once, to whichever worker asks first.
    final class WorkQueue: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private let count: Int
        init(count: Int) { self.count = count }
        func take() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < count else { return nil }
            next += 1
            return next - 1
        }
    }

    /// The current block's keys, grades, key ranges and ranks (see ``run(_:progress:)``).
    final class BlockBuffers: Sendable {
        let accounts: Int
        let panels: Int
        let blockDraws: Int
        /// The keys window's keys, draw-major: entry r · n + i for the window's draw r.
        let keys: SharedScratch<Double>
        /// Draw-major, entry b · n + i.
        let grades: SharedScratch<UInt8>
        /// Each panel's smallest and largest key of each draw, entry b · panels + p.
        let lowestKeys: SharedScratch<Double>
        let highestKeys: SharedScratch<Double>
        /// Panel-major, entry (p · B + b) · 256 + account − 256p.
        let ranks: SharedScratch<Int32>

        init(accounts: Int, panels: Int, blockDraws: Int, windowDraws: Int) {
            self.accounts = accounts
            self.panels = panels
            self.blockDraws = blockDraws
            keys = SharedScratch(repeating: 0, count: windowDraws * accounts)
            grades = SharedScratch(repeating: 0, count: blockDraws * accounts)
            lowestKeys = SharedScratch(repeating: 0, count: blockDraws * panels)
            highestKeys = SharedScratch(repeating: 0, count: blockDraws * panels)
            ranks = SharedScratch(repeating: 0, count: panels * blockDraws * SensitivityAnalysis.panelRows)
        }
    }

    /// One panel of 256 accounts: its utilities and its counts. Written only by the worker
    /// that holds the panel in each step.
    final class PanelState: @unchecked Sendable {
        let index: Int
        let start: Int
        let rows: Int
        /// rows × F utilities of the panel's accounts, row-major.
        let utilities: [Double]
        let completeness: [Double]
        let factorCount: Int
        // Counts.
        var gradeCounts: [Int32]
        var topCounts: [Int32]
        /// Sums of ranks (exact integers).
        var rankTotals: [Int64]
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
            index: Int, start: Int, rows: Int, utilities: [Double], completeness: [Double], factorCount: Int,
            keepRanks: Int, histogramBins: Int, wideCounts: Bool
        ) {
            self.index = index
            self.start = start
            self.rows = rows
            self.utilities = utilities
            self.completeness = completeness
            self.factorCount = factorCount
            gradeCounts = [Int32](repeating: 0, count: rows * 5)
            topCounts = [Int32](repeating: 0, count: rows)
            rankTotals = [Int64](repeating: 0, count: rows)
            centralSums = [Double](repeating: 0, count: rows * factorCount)
            storedRanks = [Int32](repeating: 0, count: keepRanks * rows)
            bins = histogramBins
            histogram16 = [UInt16](repeating: 0, count: wideCounts ? 0 : rows * histogramBins)
            histogram32 = [UInt32](repeating: 0, count: wideCounts ? rows * histogramBins : 0)
            quantiles = [Int32](repeating: 0, count: rows * 3)
        }

        /// Step 1: this panel's scores for the block, chunk by chunk: S = W · Uᵀ (one dgemm,
        /// 2C × rows: row c the value scores of the chunk's draw c, row C + c its difficulty
        /// scores), then keys, their range, and grades, written into the block's buffers.
        func score(chunk: WeightChunk, grader: GradeTable, block: BlockBuffers, scratch: WorkerState) {
            let rows = self.rows
            let n = block.accounts
            let size = 2 * chunk.count * rows
            // Two buffers, so that a worker alternating between full and shorter chunks (or
            // the last, shorter panel) does not allocate each time.
            if scratch.product.count != size {
                swap(&scratch.product, &scratch.otherProduct)
                if scratch.product.count != size { scratch.product = [Double](repeating: 0, count: size) }
            }
            let before = DispatchTime.now().uptimeNanoseconds
            BatchProduct.multiply(
                chunk.weights, rows: 2 * chunk.count, inner: factorCount, byTransposed: utilities, columns: rows,
                into: &scratch.product)
            scratch.productSeconds += Double(DispatchTime.now().uptimeNanoseconds - before) / 1e9
            // Per draw: keys along the accounts, their range and grades, in one pass
            // (GradeTable.keysRangeAndGrades).
            scratch.product.withUncheckedView { scores in
                completeness.withUncheckedView { completeness in
                    for c in 0..<chunk.count {
                        let b = chunk.first + c
                        let values = scores.slice((c * rows)..<((c + 1) * rows))
                        let difficulties = scores.slice(((chunk.count + c) * rows)..<((chunk.count + c + 1) * rows))
                        let keyRow = chunk.keyRow + c
                        let (lowest, highest) = block.keys.withUncheckedMutableView((keyRow * n + start)..<(keyRow * n + start + rows)) {
                            keys in
                            block.grades.withUncheckedMutableView((b * n + start)..<(b * n + start + rows)) { grades in
                                grader.keysRangeAndGrades(
                                    values: values, difficulties: difficulties, completeness: completeness, keys: keys, grades: grades)
                            }
                        }
                        let at = b * block.panels + index
                        block.lowestKeys.withUncheckedMutableView(at..<(at + 1)) { $0[0] = lowest }
                        block.highestKeys.withUncheckedMutableView(at..<(at + 1)) { $0[0] = highest }
                    }
                }
            }
        }

        /// Step 3: counts for every account of the panel over the block. Grades, rank sums
        /// and top-K hits draw by draw along the accounts (each account's central sum gets
        /// its draws in draw order); histograms account by account, four accounts at a time
        /// (each account's histogram row stays in cache, and the four rows' increments do not
        /// wait for each other).
        func count(blockStart: Int, blockSize: Int, block: BlockBuffers, draws: [Double], topCount: Int, binning: RankBinning?) {
            let rows = self.rows
            let n = block.accounts
            let f = factorCount
            let top = Int32(topCount)
            let panelRows = SensitivityAnalysis.panelRows
            let rankBase = index * block.blockDraws * panelRows
            let panelRanks = rankBase..<(rankBase + blockSize * panelRows)
            block.ranks.withUncheckedView(panelRanks) { ranks in
                gradeCounts.withUncheckedMutableView { gradeCounts in
                    topCounts.withUncheckedMutableView { topCounts in
                        rankTotals.withUncheckedMutableView { rankTotals in
                            centralSums.withUncheckedMutableView { centralSums in
                                draws.withUncheckedView { draws in
                                    for b in 0..<blockSize {
                                        let at = b * panelRows
                                        block.grades.withUncheckedView((b * n + start)..<(b * n + start + rows)) { grades in
                                            for li in 0..<rows {
                                                gradeCounts[li &* 5 &+ Int(grades[li])] &+= 1
                                                let rank = ranks[at &+ li]
                                                rankTotals[li] &+= Int64(rank)
                                                if rank <= top {
                                                    topCounts[li] &+= 1
                                                    let base = (blockStart + b) * f
                                                    for k in 0..<f { centralSums[li * f + k] += draws[base + k] }
                                                }
                                            }
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
                            for li in 0..<rows { stored[base + li] = ranks[b * panelRows + li] }
                        }
                    }
                }
                guard let binning else { return }
                binning.binOfRank.withUncheckedView { binOf in
                    if !histogram16.isEmpty {
                        histogram16.withUncheckedMutableView { histogram in
                            Self.countHistograms(histogram, ranks: ranks, binOf: binOf, rows: rows, bins: bins, blockSize: blockSize)
                        }
                    } else {
                        histogram32.withUncheckedMutableView { histogram in
                            Self.countHistograms(histogram, ranks: ranks, binOf: binOf, rows: rows, bins: bins, blockSize: blockSize)
                        }
                    }
                }
            }
        }

        /// Adds the block's ranks (panel layout: entry b · 256 + li) into the accounts'
        /// histogram rows, four accounts at a time.
        @inline(__always)
        static func countHistograms<Count: FixedWidthInteger>(
            _ histogram: UncheckedMutableView<Count>, ranks: UncheckedView<Int32>, binOf: UncheckedView<Int32>,
            rows: Int, bins: Int, blockSize: Int
        ) {
            let panelRows = SensitivityAnalysis.panelRows
            var li = 0
            while li + 4 <= rows {
                let row0 = li * bins
                let row1 = row0 + bins
                let row2 = row1 + bins
                let row3 = row2 + bins
                for b in 0..<blockSize {
                    let at = b &* panelRows &+ li
                    let bin0 = Int(binOf[Int(ranks[at]) &- 1])
                    let bin1 = Int(binOf[Int(ranks[at &+ 1]) &- 1])
                    let bin2 = Int(binOf[Int(ranks[at &+ 2]) &- 1])
                    let bin3 = Int(binOf[Int(ranks[at &+ 3]) &- 1])
                    histogram[row0 &+ bin0] &+= 1
                    histogram[row1 &+ bin1] &+= 1
                    histogram[row2 &+ bin2] &+= 1
                    histogram[row3 &+ bin3] &+= 1
                }
                li += 4
            }
            while li < rows {
                let row = li * bins
                for b in 0..<blockSize { histogram[row &+ Int(binOf[Int(ranks[b &* panelRows &+ li]) &- 1])] &+= 1 }
                li += 1
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
            let rows = self.rows
            let bins = self.bins
            binning.binStart.withUncheckedView { binStart in
                quantiles.withUncheckedMutableView { quantiles in
                    if histogram16.isEmpty {
                        histogram32.withUncheckedView { histogram in
                            Self.readQuantiles(histogram, binStart: binStart, targets: targets, rows: rows, bins: bins, into: quantiles)
                        }
                    } else {
                        histogram16.withUncheckedView { histogram in
                            Self.readQuantiles(histogram, binStart: binStart, targets: targets, rows: rows, bins: bins, into: quantiles)
                        }
                    }
                }
            }
        }

        /// Each account's P5, median and P95 from its histogram row (account-major, `bins`
        /// counts a row): the first bin whose cumulative count reaches the target, and the
        /// rank within it by linear interpolation.
        @inline(__always)
        static func readQuantiles<Count: FixedWidthInteger>(
            _ histogram: UncheckedView<Count>, binStart: UncheckedView<Int32>, targets: [Int], rows: Int, bins: Int,
            into quantiles: UncheckedMutableView<Int32>
        ) {
            for li in 0..<rows {
                let row = li &* bins
                var cumulative = 0
                var t = 0
                var target = targets[0]
                for bin in 0..<bins {
                    let count = Int(histogram[row &+ bin])
                    guard count > 0 else { continue }
                    let before = cumulative
                    cumulative &+= count
                    while cumulative >= target {
                        let low = Int(binStart[bin])
                        let width = Int(binStart[bin &+ 1]) &- low
                        let inside = width == 1 ? 0 : (width &* (target &- before &- 1)) / count
                        quantiles[li &* 3 &+ t] = Int32(low &+ inside)
                        t &+= 1
                        if t == 3 { break }
                        target = targets[t]
                    }
                    if t == 3 { break }
                }
            }
        }
    }

    /// A worker's scratch: a chunk's panel product, the ranker.
    final class WorkerState: @unchecked Sendable {
        /// The panel's 2C × rows scores.
        var product: [Double] = []
        /// The product buffer of the other size last used.
        var otherProduct: [Double] = []
        var ranker: DrawRanker
        var productSeconds = 0.0

        init(count: Int, gradeFirst: Bool) {
            ranker = DrawRanker(count: count, gradeFirst: gradeFirst)
        }

        /// Step 2: ranks draw `b` of the block from its keys and grades in the block's
        /// buffers, into the block's panel-major ranks.
        func rank(draw b: Int, keyRow: Int, block: BlockBuffers) {
            let n = block.accounts
            let panels = block.panels
            var low = Double.infinity
            var high = -Double.infinity
            block.lowestKeys.withUncheckedView((b * panels)..<((b + 1) * panels)) { lowest in
                for p in 0..<panels { low = Swift.min(low, lowest[p]) }
            }
            block.highestKeys.withUncheckedView((b * panels)..<((b + 1) * panels)) { highest in
                for p in 0..<panels { high = Swift.max(high, highest[p]) }
            }
            // Ranks straight into the block's panel-major ranks: account i of draw b at
            // (i / 256 · B + b) · 256 + i % 256.
            let panelRows = SensitivityAnalysis.panelRows
            block.keys.withUncheckedView((keyRow * n)..<((keyRow + 1) * n)) { keys in
                block.grades.withUncheckedView((b * n)..<((b + 1) * n)) { grades in
                    block.ranks.withUncheckedMutableView((b * panelRows)..<block.ranks.count) { ranks in
                        ranker.rank(keys: keys, grades: grades, range: (low, high), into: ranks, panelStride: block.blockDraws * panelRows)
                    }
                }
            }
        }
    }
}
