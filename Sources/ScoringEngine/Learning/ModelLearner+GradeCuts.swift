import Foundation

/// Scores of accounts for choosing grade cuts: value and difficulty (0...100), outcomes, and
/// whether each account is graded at all (complete enough; the others are `insufficient`).
struct GradeScores: Sendable {
    var value: [Double]
    var difficulty: [Double]
    var outcomes: [Double]
    var graded: [Bool]

    init(value: [Double], difficulty: [Double], outcomes: [Double], graded: [Bool]? = nil) {
        self.value = value
        self.difficulty = difficulty
        self.outcomes = outcomes
        self.graded = graded ?? [Bool](repeating: true, count: value.count)
    }

    var count: Int { value.count }
}

/// The grade cuts chosen for a learned model, and what the report must say about them.
struct GradeCutChoice: Sendable {
    var grading: GradingPolicy
    /// Whether the win rates of the grades fall strictly from A to D on the training accounts
    /// (and out of fold, when the search could require it).
    var ordered: Bool
    /// Sentences for the report: which rule chose the cuts, what was repaired or is degenerate.
    var notes: [String]
}

extension ModelLearner {
    /// The least z of the difference between the win rates of adjacent grades (two-proportion,
    /// unpooled) that the first search level demands.
    static let gradeSeparation = 2.0
    /// Among the cut combinations that qualify, those keeping at least this share of the best
    /// combination's information about winning compete on closeness to the base model's shares.
    static let gradeInformationShare = 0.5

    /// The grading of a learned model: the base model's band names, grid and completeness rule
    /// with new band cuts (``monotoneGrading(base:valueScores:difficultyScores:outcomes:baseGrades:penalty:outOfFold:graded:)``),
    /// else the base model's band shares repaired so that no cut is degenerate.
    ///
    /// - Parameters:
    ///   - training: The final model's scores of the training accounts: the cuts must order
    ///     the win rates on them, and the report's training table is computed from them.
    ///   - outOfFold: The scores every training account got from the model fitted without its
    ///     fold; the cuts must order the win rates on them too (a guard against cuts that only
    ///     fit the training noise).
    ///   - progress: Called with the share (0...1) of the search done, for a progress line.
    static func learnedGrading(
        base: GradingPolicy, training: GradeScores, outOfFold: GradeScores?, baseGrades: [Grade],
        baseValueBands: [Int], baseDifficultyBands: [Int], penalty: Double, progress: ((Double) -> Void)? = nil
    ) throws(LearningError) -> GradeCutChoice {
        if let searched = gradeSearch(
            base: base, training: training, outOfFold: outOfFold, baseGrades: baseGrades, penalty: penalty,
            progress: progress)
        {
            var notes: [String] = []
            switch searched.level {
            case 0: break
            case 1:
                notes.append(
                    "The grade cuts order the win rates A > B > C > D on the training accounts and out of fold, but some "
                        + "adjacent grades differ by less than \(formatted(gradeSeparation)) standard errors.")
            default:
                notes.append(
                    "The grade cuts order the win rates A > B > C > D on the training accounts only: no cuts also order "
                        + "them out of fold, so expect grades to mix on new accounts; rank by probability.")
            }
            notes += gradingProblems(searched.grading, training: training)
            return GradeCutChoice(grading: searched.grading, ordered: true, notes: notes)
        }
        let matched = try matchedGrading(
            base: base, valueScores: training.value, difficultyScores: training.difficulty, baseValueBands: baseValueBands,
            baseDifficultyBands: baseDifficultyBands, penalty: penalty)
        var notes = [
            "No band cuts make the win rates fall A > B > C > D on these accounts (each grade holding at least "
                + "max(30, 1%) of them); the cuts put the base model's share of accounts in each band, and the grades "
                + "do not order win rates: rank by probability, not by grade."
        ]
        var repairedValue = matched.valueBands.cuts
        var repairedDifficulty = matched.difficultyBands.cuts
        if let cuts = repairedCuts(matched.valueBands.cuts, scores: training.value) {
            repairedValue = cuts
        } else {
            notes.append("Every account has nearly the same value score, so the value bands cannot all hold accounts.")
            repairedValue = cutsAbove(training.value, count: matched.valueBands.cuts.count)
        }
        if let cuts = repairedCuts(matched.difficultyBands.cuts, scores: training.difficulty) {
            repairedDifficulty = cuts
        } else {
            notes.append(
                "Every account has nearly the same difficulty score (no difficulty factor carries information), so the "
                    + "difficulty bands cannot all hold accounts.")
            repairedDifficulty = cutsAbove(training.difficulty, count: matched.difficultyBands.cuts.count)
        }
        if repairedValue != matched.valueBands.cuts || repairedDifficulty != matched.difficultyBands.cuts {
            notes.append(
                "Share-matched cuts value \(matched.valueBands.cuts.map(formatted)), difficulty "
                    + "\(matched.difficultyBands.cuts.map(formatted)) were repaired to value \(repairedValue.map(formatted)), "
                    + "difficulty \(repairedDifficulty.map(formatted)) (hundredths, inside the range of the scores).")
        }
        let grading: GradingPolicy
        do {
            grading = try GradingPolicy(
                valueBands: Bands(names: base.valueBands.names, cuts: repairedValue),
                difficultyBands: Bands(names: base.difficultyBands.names, cuts: repairedDifficulty), grid: base.grid,
                minimumCompleteness: base.minimumCompleteness, ranking: matched.ranking)
        } catch {
            throw .model(error)
        }
        notes += gradingProblems(grading, training: training)
        return GradeCutChoice(grading: grading, ordered: false, notes: notes)
    }

    /// A number for the notes: up to 4 significant digits.
    static func formatted(_ value: Double) -> String { String(format: "%.4g", value) }

    /// Cuts `count` hundredths apart, all above the largest score (so every account falls in
    /// the lowest band) or, when that leaves no room below 100, all at or below the smallest.
    static func cutsAbove(_ scores: [Double], count: Int) -> [Double] {
        guard count > 0 else { return [] }
        let high = scores.max() ?? 0
        let start = (high * 100).rounded(.down) / 100 + 0.01
        if start + 0.01 * Double(count - 1) <= 100 { return (0..<count).map { start + 0.01 * Double($0) } }
        let low = scores.min() ?? 0
        let end = max((low * 100).rounded(.down) / 100, 0.01 * Double(count))
        return (0..<count).map { end - 0.01 * Double(count - 1 - $0) }
    }

    /// `cuts` rounded to hundredths, strictly inside the range of `scores` (the smallest score
    /// below the first cut, the largest at or above the last), 0.01 apart, and not within
    /// 1e-6 of a score (so that a score recomputed from the model file, which may differ in
    /// the last bits, falls in the same band). `nil` when the scores span too little.
    static func repairedCuts(_ cuts: [Double], scores: [Double]) -> [Double]? {
        guard !cuts.isEmpty else { return [] }
        let sorted = scores.filter(\.isFinite).sorted()
        guard let low = sorted.first, let high = sorted.last else { return nil }
        let floor = (low * 100).rounded(.down) / 100 + 0.01
        let ceiling = min((high * 100).rounded(.down) / 100, 100)
        guard ceiling - floor >= 0.01 * Double(cuts.count - 1) - 1e-9 else { return nil }
        var result: [Double] = []
        for (index, cut) in cuts.enumerated() {
            var value = cut.isFinite ? (cut * 100).rounded() / 100 : floor
            value = max(value, floor + 0.01 * Double(index))
            if let last = result.last { value = max(value, ((last + 0.01) * 100).rounded() / 100) }
            value = min(value, ceiling - 0.01 * Double(cuts.count - 1 - index))
            result.append((value * 100).rounded() / 100)
        }
        guard zip(result, result.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
        return result.map { cut in clearOfScores(cut, sorted: sorted, within: low, high) ?? cut }
    }

    /// `cut`, or a value 0.005 above or below it, that no score lies within 1e-6 of and
    /// that stays in (low, high]; `nil` if none does.
    static func clearOfScores(_ cut: Double, sorted: [Double], within low: Double = -.infinity, _ high: Double = .infinity)
        -> Double?
    {
        func collides(_ x: Double) -> Bool {
            var low = 0
            var high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] < x - 1e-6 { low = middle + 1 } else { high = middle }
            }
            return low < sorted.count && sorted[low] <= x + 1e-6
        }
        for candidate in [cut, ((cut + 0.005) * 1000).rounded() / 1000, ((cut - 0.005) * 1000).rounded() / 1000]
        where candidate > low && candidate <= high && !collides(candidate) {
            return candidate
        }
        return nil
    }

    /// What is degenerate about a grading on the training accounts, as sentences: a cut that
    /// is not a normal number or lies outside the range of the scores (so a band is empty),
    /// and a grade of the grid that no graded account gets.
    static func gradingProblems(_ grading: GradingPolicy, training: GradeScores) -> [String] {
        var problems: [String] = []
        func check(_ bands: Bands, _ scores: [Double], _ side: String) {
            let present = zip(scores, training.graded).filter { $0.1 }.map(\.0)
            guard let low = present.min(), let high = present.max() else { return }
            for cut in bands.cuts {
                if cut != 0, !cut.isNormal {
                    problems.append("The \(side) cut \(cut) is not a normal number.")
                } else if cut <= low || cut > high {
                    problems.append(
                        "The \(side) cut \(formatted(cut)) lies outside the \(side) scores of the graded training accounts "
                            + "(\(formatted(low))–\(formatted(high))), so a \(side) band is empty.")
                }
            }
        }
        check(grading.valueBands, training.value, "value")
        check(grading.difficultyBands, training.difficulty, "difficulty")
        var seen = Set<Grade>()
        for row in 0..<training.count where training.graded[row] {
            seen.insert(grading.grade(value: training.value[row], difficulty: training.difficulty[row], completeness: 1))
        }
        let inGrid = Set(grading.grid.flatMap { $0 })
        let empty = [Grade.a, .b, .c, .d].filter { inGrid.contains($0) && !seen.contains($0) }
        if !empty.isEmpty {
            problems.append(
                "Grade\(empty.count == 1 ? "" : "s") \(empty.map(\.letter).joined(separator: ", ")) "
                    + "hold\(empty.count == 1 ? "s" : "") no training account.")
        }
        return problems
    }

    /// The base grading (band names, grid, completeness rule) with new band cuts under which
    /// the observed win rate falls strictly from grade A to B to C to D on the training
    /// accounts, ranking by priority at `penalty`; `nil` when no cuts do.
    ///
    /// See ``gradeSearch(base:training:outOfFold:baseGrades:penalty:)`` for the rule.
    static func monotoneGrading(
        base: GradingPolicy, valueScores: [Double], difficultyScores: [Double], outcomes: [Double],
        baseGrades: [Grade], penalty: Double, outOfFold: GradeScores? = nil, graded: [Bool]? = nil
    ) -> GradingPolicy? {
        gradeSearch(
            base: base,
            training: GradeScores(value: valueScores, difficulty: difficultyScores, outcomes: outcomes, graded: graded),
            outOfFold: outOfFold, baseGrades: baseGrades, penalty: penalty)?.grading
    }

    /// Searches band cuts on both scores.
    ///
    /// ## Candidates
    ///
    /// The 5%, 10%, …, 95% quantiles of each score of the training accounts (every 10% when
    /// a side has more than 3 bands), rounded to hundredths so the model file shows cuts
    /// people can read, strictly inside the range of the scores (so no band is empty by
    /// construction) and not within 1e-6 of a score (moved by 0.005 or skipped), so a score
    /// recomputed from the written file falls in the same band.
    ///
    /// ## Which combination
    ///
    /// A combination qualifies at level 0 when, on the graded training accounts, every grade
    /// of the grid holds at least max(30, 1%) of them, the win rates fall strictly in letter
    /// order with adjacent grades at least ``gradeSeparation`` standard errors apart, and, on
    /// the out-of-fold scores, every grade holds an account and the win rates fall strictly
    /// too. Level 1 drops the separation; level 2 the out-of-fold condition. At the first
    /// level with a qualifying combination, the information of a combination is the binomial
    /// log-likelihood of the training outcomes under the grades' win rates minus that under
    /// the overall rate; among the combinations with at least ``gradeInformationShare`` of
    /// the best one's information, the one whose grade shares are nearest the base model's
    /// (sum of absolute differences) wins; ties go to the first in lexicographic order.
    ///
    /// Why not shares alone: on the UCI bank data the combination nearest the base shares
    /// among those ordered on the training accounts put grade A at value ≥ 29.78 and
    /// difficulty < 12.62 (a band 1 point wide): A won 22.8% on the training accounts and 19.0%
    /// on the test accounts, B 18.1%, while the 615 accounts ranked highest won 59.8%.
    /// Requiring information keeps the grades aligned with what predicts winning.
    static func gradeSearch(
        base: GradingPolicy, training: GradeScores, outOfFold: GradeScores?, baseGrades: [Grade], penalty: Double,
        progress: ((Double) -> Void)? = nil
    ) -> (grading: GradingPolicy, level: Int)? {
        guard let search = GradeCutSearch(base: base, training: training, outOfFold: outOfFold, baseGrades: baseGrades),
            let best = bestQualifier(search.qualifiers(progress: progress))
        else { return nil }
        do {
            let grading = try GradingPolicy(
                valueBands: Bands(names: base.valueBands.names, cuts: search.valueCuts(best.value)),
                difficultyBands: Bands(names: base.difficultyBands.names, cuts: search.difficultyCuts(best.difficulty)),
                grid: base.grid, minimumCompleteness: base.minimumCompleteness,
                ranking: RankingPolicy(key: .priority, gradeFirst: base.ranking.gradeFirst, difficultyPenalty: penalty))
            return (grading, best.level)
        } catch {
            return nil
        }
    }

    /// The winner among the qualifying cut combinations: at the lowest level, among those with
    /// at least ``gradeInformationShare`` of the best information, the nearest the base
    /// model's shares (the first of equals).
    static func bestQualifier(_ qualifiers: [GradeCutSearch.Qualifier]) -> GradeCutSearch.Qualifier? {
        guard let level = qualifiers.map(\.level).min() else { return nil }
        let eligible = qualifiers.filter { $0.level == level }
        let bestInformation = eligible.map(\.information).max() ?? 0
        var best: GradeCutSearch.Qualifier?
        for candidate in eligible where candidate.information >= gradeInformationShare * bestInformation - 1e-9 {
            if best.map({ candidate.distance < $0.distance - 1e-12 }) ?? true { best = candidate }
        }
        return best
    }
}

/// The tables of a grade-cut search (``ModelLearner/gradeSearch(base:training:outOfFold:baseGrades:penalty:progress:)``):
/// the candidate edges of each score, the graded accounts and their wins per cell, and the
/// base model's grade shares.
///
/// Cell (s, t): s = number of value edges ≤ value, t likewise for difficulty. A cut
/// combination is a choice of edges per score (1-based edge positions); its band tables map
/// each slice of a score to the band it falls in.
struct GradeCutSearch {
    /// A cut combination that qualifies, with what ranks it.
    struct Qualifier {
        var level: Int
        var information: Double
        var distance: Double
        /// The index of the value combination, and of the difficulty combination.
        var value: Int
        var difficulty: Int
    }

    typealias CellTable = (accounts: [Double], won: [Double])

    let valueEdges: [Double]
    let difficultyEdges: [Double]
    let valueCombinations: [[Int]]
    let difficultyCombinations: [[Int]]
    let valueBandsBySlice: [[Int]]
    let difficultyBandsBySlice: [[Int]]
    let inSample: CellTable
    let outside: CellTable?
    /// Whether each grade A…D is in the grid, and the grid's grades as indices 0...3.
    let present: [Bool]
    let gridLetters: [[Int]]
    /// The base model's share of the graded training accounts in each grade, and their count.
    let target: [Double]
    let graded: Double
    let minimumCount: Double
    /// The log-likelihood of the training outcomes under the overall win rate.
    let baseline: Double

    /// The search over `base`'s bands; `nil` when the scores do not fit the outcomes or base
    /// grades, a score has too few candidate edges, or no training account is graded.
    init?(base: GradingPolicy, training: GradeScores, outOfFold: GradeScores?, baseGrades: [Grade]) {
        let n = training.count
        guard n > 0, training.difficulty.count == n, training.outcomes.count == n, baseGrades.count == n else { return nil }
        let valueBandCount = base.valueBands.names.count
        let difficultyBandCount = base.difficultyBands.names.count
        let valueEdges = Self.candidates(training.value, bands: valueBandCount)
        let difficultyEdges = Self.candidates(training.difficulty, bands: difficultyBandCount)
        guard valueEdges.count >= valueBandCount - 1, difficultyEdges.count >= difficultyBandCount - 1 else { return nil }
        self.valueEdges = valueEdges
        self.difficultyEdges = difficultyEdges
        let inSample = Self.cells(training, valueEdges: valueEdges, difficultyEdges: difficultyEdges)
        self.inSample = inSample
        outside = outOfFold.map { Self.cells($0, valueEdges: valueEdges, difficultyEdges: difficultyEdges) }
        let letters: [Grade] = [.a, .b, .c, .d]
        var target = [Double](repeating: 0, count: 4)
        for row in 0..<n where training.graded[row] {
            if let letter = letters.firstIndex(of: baseGrades[row]) { target[letter] += 1 }
        }
        let graded = target.reduce(0, +)
        guard graded > 0 else { return nil }
        self.target = target.map { $0 / graded }
        self.graded = graded
        present = letters.map { letter in base.grid.contains { $0.contains(letter) } }
        gridLetters = base.grid.map { row in row.map { letters.firstIndex(of: $0) ?? 3 } }
        minimumCount = max(30, 0.01 * graded)
        let totalWon = inSample.won.reduce(0, +)
        baseline = Self.logLikelihood(totalWon, graded)
        let valueCombinations = Self.combinations(valueEdges.count, valueBandCount - 1)
        let difficultyCombinations = Self.combinations(difficultyEdges.count, difficultyBandCount - 1)
        self.valueCombinations = valueCombinations
        self.difficultyCombinations = difficultyCombinations
        let valueSlices = valueEdges.count + 1
        let difficultySlices = difficultyEdges.count + 1
        valueBandsBySlice = valueCombinations.map { Self.bandTable($0, slices: valueSlices) }
        difficultyBandsBySlice = difficultyCombinations.map { Self.bandTable($0, slices: difficultySlices) }
    }

    /// The value cuts of value combination `index`.
    func valueCuts(_ index: Int) -> [Double] { valueCombinations[index].map { valueEdges[$0 - 1] } }

    /// The difficulty cuts of difficulty combination `index`.
    func difficultyCuts(_ index: Int) -> [Double] { difficultyCombinations[index].map { difficultyEdges[$0 - 1] } }

    /// Every combination that qualifies, value combinations outermost, in order.
    ///
    /// - Parameter progress: Called with the share (0...1) of the value combinations done.
    func qualifiers(progress: ((Double) -> Void)?) -> [Qualifier] {
        var qualifiers: [Qualifier] = []
        var accounts = [Double](repeating: 0, count: 4)
        var won = [Double](repeating: 0, count: 4)
        for (v, valueBands) in valueBandsBySlice.enumerated() {
            progress?(Double(v) / Double(valueBandsBySlice.count))
            for (d, difficultyBands) in difficultyBandsBySlice.enumerated() {
                guard var qualifier = trainingQualifier(valueBands, difficultyBands, accounts: &accounts, won: &won) else { continue }
                if let outside, !ordersWinRates(outside, valueBands, difficultyBands, accounts: &accounts, won: &won) {
                    qualifier.level = 2
                }
                qualifier.value = v
                qualifier.difficulty = d
                qualifiers.append(qualifier)
            }
        }
        return qualifiers
    }

    /// The combination's level (0 when adjacent grades are ``ModelLearner/gradeSeparation``
    /// standard errors apart, else 1), information and distance from the base shares on the
    /// training accounts; `nil` when a grade holds fewer than `minimumCount` accounts or the
    /// win rates do not fall strictly. Its `value` and `difficulty` are left 0.
    func trainingQualifier(
        _ valueBands: [Int], _ difficultyBands: [Int], accounts: inout [Double], won: inout [Double]
    ) -> Qualifier? {
        tally(inSample, valueBands, difficultyBands, accounts: &accounts, won: &won)
        var separated = true
        var previous: (rate: Double, count: Double)?
        var distance = 0.0
        var information = -baseline
        for k in 0..<4 where present[k] {
            guard accounts[k] >= minimumCount else { return nil }
            let rate = won[k] / accounts[k]
            if let previous {
                guard rate < previous.rate else { return nil }
                let variance = previous.rate * (1 - previous.rate) / previous.count + rate * (1 - rate) / accounts[k]
                if variance > 0, (previous.rate - rate) / variance.squareRoot() < ModelLearner.gradeSeparation { separated = false }
            }
            previous = (rate, accounts[k])
            distance += abs(accounts[k] / graded - target[k])
            information += Self.logLikelihood(won[k], accounts[k])
        }
        return Qualifier(level: separated ? 0 : 1, information: information, distance: distance, value: 0, difficulty: 0)
    }

    /// Whether, on the accounts of `table`, every grade of the grid holds an account and the
    /// win rates fall strictly in letter order.
    func ordersWinRates(
        _ table: CellTable, _ valueBands: [Int], _ difficultyBands: [Int], accounts: inout [Double], won: inout [Double]
    ) -> Bool {
        tally(table, valueBands, difficultyBands, accounts: &accounts, won: &won)
        var rate = Double.infinity
        for k in 0..<4 where present[k] {
            guard accounts[k] > 0, won[k] / accounts[k] < rate else { return false }
            rate = won[k] / accounts[k]
        }
        return true
    }

    /// The accounts and wins of each grade A…D (into `accounts` and `won`) under the band
    /// tables, summed over the cells of `table` in order.
    func tally(_ table: CellTable, _ valueBands: [Int], _ difficultyBands: [Int], accounts: inout [Double], won: inout [Double]) {
        let columns = difficultyEdges.count + 1
        for k in 0..<4 {
            accounts[k] = 0
            won[k] = 0
        }
        for s in 0...valueEdges.count {
            let gridRow = gridLetters[valueBands[s]]
            let offset = s * columns
            for t in 0..<columns {
                let letter = gridRow[difficultyBands[t]]
                accounts[letter] += table.accounts[offset + t]
                won[letter] += table.won[offset + t]
            }
        }
    }

    /// Candidate edges of a score for `bands` bands (none for one band): its 5%, 10%, …, 95%
    /// quantiles (every 10% above 3 bands), rounded to hundredths, clear of the scores, and
    /// strictly inside their range, rising.
    static func candidates(_ scores: [Double], bands: Int) -> [Double] {
        guard bands > 1 else { return [] }
        let n = scores.count
        let step = bands > 3 ? 0.10 : 0.05
        let sorted = scores.sorted()
        guard let low = sorted.first, let high = sorted.last else { return [] }
        var edges: [Double] = []
        var q = step
        while q < 1 - 1e-9 {
            let quantile = sorted[min(n - 1, Int((q * Double(n)).rounded(.down)))]
            q += step
            guard let edge = ModelLearner.clearOfScores((quantile * 100).rounded() / 100, sorted: sorted) else { continue }
            if edge > low, edge <= high, edge > 0, edge <= 100, edges.last.map({ edge > $0 }) ?? true { edges.append(edge) }
        }
        return edges
    }

    /// The number of `edges` (rising) at or below `x`.
    static func slice(_ x: Double, _ edges: [Double]) -> Int {
        var low = 0
        var high = edges.count
        while low < high {
            let middle = (low + high) / 2
            if edges[middle] <= x { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The graded accounts of `scores` and their wins, per cell.
    static func cells(_ scores: GradeScores, valueEdges: [Double], difficultyEdges: [Double]) -> CellTable {
        let columns = difficultyEdges.count + 1
        let cellCount = (valueEdges.count + 1) * columns
        var accounts = [Double](repeating: 0, count: cellCount)
        var won = [Double](repeating: 0, count: cellCount)
        for row in 0..<scores.count where scores.graded[row] {
            let cell = slice(scores.value[row], valueEdges) * columns + slice(scores.difficulty[row], difficultyEdges)
            accounts[cell] += 1
            won[cell] += scores.outcomes[row]
        }
        return (accounts, won)
    }

    /// The binomial log-likelihood of `won` wins among `count` accounts at their own rate (0
    /// when all or none won).
    static func logLikelihood(_ won: Double, _ count: Double) -> Double {
        guard count > 0, won > 0, won < count else { return 0 }
        let rate = won / count
        return won * log(rate) + (count - won) * log(1 - rate)
    }

    /// Increasing index combinations (1-based edge positions) of `size` from `count`.
    static func combinations(_ count: Int, _ size: Int) -> [[Int]] {
        guard size > 0 else { return [[]] }
        var result: [[Int]] = []
        var current: [Int] = []
        func extend(from start: Int) {
            if current.count == size {
                result.append(current)
                return
            }
            guard start <= count else { return }
            for index in start...count where count - index >= size - current.count - 1 {
                current.append(index)
                extend(from: index + 1)
                current.removeLast()
            }
        }
        extend(from: 1)
        return result
    }

    /// The band of each slice of a score under a combination: how many of its edges are at or
    /// below the slice.
    static func bandTable(_ combination: [Int], slices: Int) -> [Int] {
        (0..<slices).map { s in combination.filter { $0 <= s }.count }
    }
}

extension ModelLearner {
    /// Accounts graded at a time by ``pipelineGrades(model:data:columnOf:partSize:)``.
    static let pipelinePartSize = 131_072

    /// The grades `model` gives the accounts of `data` through ``ScoringPipeline`` (the path of
    /// `kam rank`), factor `f` reading data column `columnOf[f]`: `partSize` accounts at a
    /// time, each part's batch and assessment let go before the next (rows score on their
    /// own), or all at once for a model whose scale or missing fill depends on the whole
    /// list's statistics.
    static func pipelineGrades(
        model: ScoringModel, data: LearningData, columnOf: [Int], partSize: Int = pipelinePartSize
    ) throws(LearningError) -> [Grade] {
        precondition(partSize >= 1, "A part holds at least one account")
        let pipeline = ScoringPipeline(model: model)
        let wholeList = model.factors.contains { $0.scale.isBatchRelative || $0.missing == .mean }
        guard !wholeList, data.count > partSize else {
            return pipeline.assess(try batch(for: model, data: data, columnOf: columnOf).batch).grades
        }
        var grades: [Grade] = []
        grades.reserveCapacity(data.count)
        for start in stride(from: 0, to: data.count, by: partSize) {
            let part = data.rows(Array(start..<min(start + partSize, data.count)))
            grades += pipeline.assess(try batch(for: model, data: part, columnOf: columnOf).batch).grades
        }
        return grades
    }
}
