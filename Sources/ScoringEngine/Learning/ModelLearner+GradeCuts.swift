import Foundation

extension ModelLearner {
    /// The grading of a learned model: ``monotoneGrading(base:valueScores:difficultyScores:outcomes:baseGrades:penalty:)``
    /// when some cuts order the win rates, else the base model's band shares
    /// (``matchedGrading(base:valueScores:difficultyScores:baseValueBands:baseDifficultyBands:penalty:)``).
    static func learnedGrading(
        base: GradingPolicy, valueScores: [Double], difficultyScores: [Double], outcomes: [Double], baseGrades: [Grade],
        baseValueBands: [Int], baseDifficultyBands: [Int], penalty: Double
    ) throws(LearningError) -> GradingPolicy {
        if let searched = monotoneGrading(
            base: base, valueScores: valueScores, difficultyScores: difficultyScores, outcomes: outcomes,
            baseGrades: baseGrades, penalty: penalty)
        {
            return searched
        }
        return try matchedGrading(
            base: base, valueScores: valueScores, difficultyScores: difficultyScores, baseValueBands: baseValueBands,
            baseDifficultyBands: baseDifficultyBands, penalty: penalty)
    }

    /// The base grading (band names, grid, completeness rule) with new band cuts chosen so
    /// that the observed win rate falls strictly from grade A to B to C to D on the
    /// training accounts, and, among the cuts that do, so that each grade holds as nearly
    /// as possible the share of accounts the base model gave it (the sum of absolute share
    /// differences is smallest). Ranking is by priority at `penalty`.
    ///
    /// ## Search
    ///
    /// Candidate cuts are the 5%, 10%, …, 95% quantiles of each score (fewer, every 10%,
    /// when a side has more than 3 bands), rounded to hundredths. Accounts are counted once into the cells between
    /// candidate cuts (outcomes and base grades per cell), so each combination of cuts is
    /// scored from the cell table, not from the accounts. A combination qualifies when every
    /// grade of the grid holds at least `max(30, 1%)` of the accounts and the win rates of
    /// the grades present fall strictly in letter order. Ties go to the first combination
    /// in lexicographic order, so the result is deterministic.
    ///
    /// Returns `nil` when no combination qualifies; the caller then keeps the share-matched
    /// cuts of ``matchedGrading(base:valueScores:difficultyScores:baseValueBands:baseDifficultyBands:penalty:)``
    /// and reports the win rates as they are.
    static func monotoneGrading(
        base: GradingPolicy, valueScores: [Double], difficultyScores: [Double], outcomes: [Double],
        baseGrades: [Grade], penalty: Double
    ) -> GradingPolicy? {
        let n = valueScores.count
        guard n > 0, difficultyScores.count == n, outcomes.count == n, baseGrades.count == n else { return nil }
        let valueBandCount = base.valueBands.names.count
        let difficultyBandCount = base.difficultyBands.names.count
        func candidates(_ scores: [Double], bands: Int) -> [Double] {
            guard bands > 1 else { return [] }
            let step = bands > 3 ? 0.10 : 0.05
            let sorted = scores.sorted()
            var edges: [Double] = []
            var q = step
            while q < 1 - 1e-9 {
                // Rounded to hundredths, so the model file shows cuts people can read.
                let edge = (sorted[min(n - 1, Int((q * Double(n)).rounded(.down)))] * 100).rounded() / 100
                if edge > 0, edge <= 100, edges.last.map({ edge > $0 }) ?? true { edges.append(edge) }
                q += step
            }
            return edges
        }
        let valueEdges = candidates(valueScores, bands: valueBandCount)
        let difficultyEdges = candidates(difficultyScores, bands: difficultyBandCount)
        guard valueEdges.count >= valueBandCount - 1, difficultyEdges.count >= difficultyBandCount - 1 else { return nil }

        // Cell (s, t): s = number of value edges ≤ value, t likewise for difficulty.
        func slice(_ x: Double, _ edges: [Double]) -> Int {
            var low = 0
            var high = edges.count
            while low < high {
                let middle = (low + high) / 2
                if edges[middle] <= x { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let columns = difficultyEdges.count + 1
        let cellCount = (valueEdges.count + 1) * columns
        var cellAccounts = [Double](repeating: 0, count: cellCount)
        var cellWon = [Double](repeating: 0, count: cellCount)
        let letters: [Grade] = [.a, .b, .c, .d]
        var target = [Double](repeating: 0, count: 4)
        for row in 0..<n {
            let cell = slice(valueScores[row], valueEdges) * columns + slice(difficultyScores[row], difficultyEdges)
            cellAccounts[cell] += 1
            cellWon[cell] += outcomes[row]
            if let letter = letters.firstIndex(of: baseGrades[row]) { target[letter] += 1 }
        }
        let graded = target.reduce(0, +)
        guard graded > 0 else { return nil }
        target = target.map { $0 / graded }
        let present = letters.map { letter in base.grid.contains { $0.contains(letter) } }
        let gridLetters = base.grid.map { row in row.map { letters.firstIndex(of: $0) ?? 3 } }
        let minimumCount = max(30, 0.01 * Double(n))

        // Increasing index combinations (1-based edge positions) of `size` from `count`.
        func combinations(_ count: Int, _ size: Int) -> [[Int]] {
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
        let valueCombinations = combinations(valueEdges.count, valueBandCount - 1)
        let difficultyCombinations = combinations(difficultyEdges.count, difficultyBandCount - 1)
        // Band of each slice under each combination.
        func bandTable(_ combination: [Int], slices: Int) -> [Int] {
            (0..<slices).map { s in combination.filter { $0 <= s }.count }
        }
        let valueBandsBySlice = valueCombinations.map { bandTable($0, slices: valueEdges.count + 1) }
        let difficultyBandsBySlice = difficultyCombinations.map { bandTable($0, slices: columns) }

        var best: (distance: Double, value: Int, difficulty: Int)?
        var accounts = [Double](repeating: 0, count: 4)
        var won = [Double](repeating: 0, count: 4)
        for (v, valueBands) in valueBandsBySlice.enumerated() {
            for (d, difficultyBands) in difficultyBandsBySlice.enumerated() {
                for k in 0..<4 {
                    accounts[k] = 0
                    won[k] = 0
                }
                for s in 0...valueEdges.count {
                    let gridRow = gridLetters[valueBands[s]]
                    let offset = s * columns
                    for t in 0..<columns {
                        let letter = gridRow[difficultyBands[t]]
                        accounts[letter] += cellAccounts[offset + t]
                        won[letter] += cellWon[offset + t]
                    }
                }
                var qualifies = true
                var previousRate = Double.infinity
                var distance = 0.0
                for k in 0..<4 where present[k] {
                    guard accounts[k] >= minimumCount else {
                        qualifies = false
                        break
                    }
                    let rate = won[k] / accounts[k]
                    guard rate < previousRate else {
                        qualifies = false
                        break
                    }
                    previousRate = rate
                    distance += abs(accounts[k] / Double(n) - target[k])
                }
                if qualifies, best.map({ distance < $0.distance - 1e-12 }) ?? true {
                    best = (distance, v, d)
                }
            }
        }
        guard let best else { return nil }
        do {
            return try GradingPolicy(
                valueBands: Bands(names: base.valueBands.names, cuts: valueCombinations[best.value].map { valueEdges[$0 - 1] }),
                difficultyBands: Bands(
                    names: base.difficultyBands.names, cuts: difficultyCombinations[best.difficulty].map { difficultyEdges[$0 - 1] }),
                grid: base.grid, minimumCompleteness: base.minimumCompleteness,
                ranking: RankingPolicy(key: .priority, gradeFirst: base.ranking.gradeFirst, difficultyPenalty: penalty))
        } catch {
            return nil
        }
    }
}
