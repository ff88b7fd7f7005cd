/// A grading policy laid out for grading many accounts at once: the band cuts as plain
/// arrays, the grid as one row of grade orders, the ranking key's rule.
///
/// ``GradingPolicy/grade(value:difficulty:completeness:)`` is the definition of a grade; this
/// is the same rule with the loops turned round, for a panel of accounts whose value and
/// difficulty scores lie in two columns: a band index is the number of cuts at or below the
/// score (``Bands/index(of:)``), counted one cut at a time over every account (compare-and-add
/// loops the compiler vectorizes, where a branch per cut and account would be mispredicted
/// half the time), then the grid cell is looked up, and an account below the minimum
/// completeness is insufficient. The keys are ``RankingPolicy/key(value:difficulty:)``'s
/// arithmetic with its switch taken out of the loop. `GradeTableTests` checks both against
/// the policy on scores at, just below and just above every cut, NaN and the range's ends.
struct GradeTable: Sendable {
    let valueCuts: [Double]
    let difficultyCuts: [Double]
    /// ``Grade/order`` of each grid cell `valueBand · difficultyBandCount + difficultyBand`.
    let cells: [UInt8]
    let difficultyBandCount: Int
    let minimumCompleteness: Double
    let ranking: RankingPolicy

    init(_ policy: GradingPolicy) {
        valueCuts = policy.valueBands.cuts
        difficultyCuts = policy.difficultyBands.cuts
        difficultyBandCount = policy.difficultyBands.names.count
        cells = policy.grid.flatMap { $0.map { UInt8($0.order) } }
        minimumCompleteness = policy.minimumCompleteness
        ranking = policy.ranking
    }

    /// Writes each account's ranking key (higher ranks first).
    ///
    /// - Parameters:
    ///   - values, difficulties: The accounts' scores, `keys.count` of each.
    ///   - keys: Output, one per account.
    func keys(values: UncheckedView<Double>, difficulties: UncheckedView<Double>, into keys: UncheckedMutableView<Double>) {
        let count = keys.count
        switch ranking.key {
        case .value:
            for i in 0..<count { keys[i] = values[i] }
        case .priority:
            let penalty = ranking.difficultyPenalty
            for i in 0..<count { keys[i] = values[i] - penalty * difficulties[i] }
        case .valuePerDifficulty:
            for i in 0..<count { keys[i] = values[i] / Swift.max(difficulties[i], 1) }
        }
    }

    /// Writes each account's ``Grade/order``.
    ///
    /// - Parameters:
    ///   - values, difficulties, completeness: The accounts' scores and completeness,
    ///     `grades.count` of each.
    ///   - cells: Scratch of at least `grades.count` entries (the grid cells, counted in
    ///     64-bit integers, as wide as the scores' comparison masks).
    ///   - grades: Output, one per account.
    func grades(
        values: UncheckedView<Double>, difficulties: UncheckedView<Double>, completeness: UncheckedView<Double>,
        cells: UncheckedMutableView<Int64>, into grades: UncheckedMutableView<UInt8>
    ) {
        let count = grades.count
        let insufficient = UInt8(Grade.insufficient.order)
        let minimum = minimumCompleteness
        for i in 0..<count { cells[i] = 0 }
        let bandStep = Int64(difficultyBandCount)
        valueCuts.withUncheckedView { valueCuts in
            for cutIndex in 0..<valueCuts.count {
                let cut = valueCuts[cutIndex]
                for i in 0..<count { cells[i] &+= values[i] >= cut ? bandStep : 0 }
            }
        }
        difficultyCuts.withUncheckedView { difficultyCuts in
            for cutIndex in 0..<difficultyCuts.count {
                let cut = difficultyCuts[cutIndex]
                for i in 0..<count { cells[i] &+= difficulties[i] >= cut ? 1 : 0 }
            }
        }
        self.cells.withUncheckedView { grid in
            for i in 0..<count {
                let grade = grid[Int(cells[i])]
                grades[i] = completeness[i] < minimum ? insufficient : grade
            }
        }
    }

    /// Keys, their range and grades in one pass over the scores (SMAA's scoring step): the
    /// same numbers as ``keys(values:difficulties:into:)``, ``DrawRanker/range(_:)`` and
    /// ``grades(values:difficulties:completeness:cells:into:)`` called one after the other,
    /// with each score read once. Four accounts at a time in `SIMD4` lanes: the key's
    /// arithmetic lane by lane (the same operations, so the same bits), the grid cell counted
    /// cut by cut with a compare-and-add, then each lane's cell looked up; the rest one at a
    /// time. (Separately, the three made eight passes over the panel.)
    ///
    /// - Parameters:
    ///   - values, difficulties, completeness: The accounts' scores and completeness,
    ///     `grades.count` of each.
    ///   - keys, grades: Output, one per account.
    /// - Returns: The smallest and largest key ((+∞, −∞) for none; NaN keys are left out),
    ///   as ``DrawRanker/range(_:)`` finds them.
    func keysRangeAndGrades(
        values: UncheckedView<Double>, difficulties: UncheckedView<Double>, completeness: UncheckedView<Double>,
        keys: UncheckedMutableView<Double>, grades: UncheckedMutableView<UInt8>
    ) -> (low: Double, high: Double) {
        switch ranking.key {
        case .value:
            return keysRangeAndGrades(
                values: values, difficulties: difficulties, completeness: completeness, keys: keys, grades: grades,
                key: { v, _ in v }, scalar: { v, _ in v })
        case .priority:
            let penalty = ranking.difficultyPenalty
            let penalties = SIMD4<Double>(repeating: penalty)
            return keysRangeAndGrades(
                values: values, difficulties: difficulties, completeness: completeness, keys: keys, grades: grades,
                key: { v, d in v - penalties * d }, scalar: { v, d in v - penalty * d })
        case .valuePerDifficulty:
            let ones = SIMD4<Double>(repeating: 1)
            // Swift.max(d, 1) is `1 >= d ? 1 : d` (NaN stays NaN): the same choice lane by lane.
            return keysRangeAndGrades(
                values: values, difficulties: difficulties, completeness: completeness, keys: keys, grades: grades,
                key: { v, d in v / d.replacing(with: ones, where: ones .>= d) }, scalar: { v, d in v / Swift.max(d, 1) })
        }
    }

    @inline(__always)
    private func keysRangeAndGrades(
        values: UncheckedView<Double>, difficulties: UncheckedView<Double>, completeness: UncheckedView<Double>,
        keys: UncheckedMutableView<Double>, grades: UncheckedMutableView<UInt8>,
        key: (SIMD4<Double>, SIMD4<Double>) -> SIMD4<Double>, scalar: (Double, Double) -> Double
    ) -> (low: Double, high: Double) {
        let count = grades.count
        let insufficient = UInt8(Grade.insufficient.order)
        let minimum = minimumCompleteness
        let bands = difficultyBandCount
        let bandStep = SIMD4<Int64>(repeating: Int64(bands))
        let one = SIMD4<Int64>(repeating: 1)
        var low = SIMD4<Double>(repeating: .infinity)
        var high = SIMD4<Double>(repeating: -.infinity)
        return valueCuts.withUncheckedView { valueCuts in
            difficultyCuts.withUncheckedView { difficultyCuts in
                cells.withUncheckedView { grid in
                    var i = 0
                    while i &+ 4 <= count {
                        let v = values.vector4(at: i)
                        let d = difficulties.vector4(at: i)
                        let k = key(v, d)
                        keys.store(k, at: i)
                        low.replace(with: k, where: k .< low)
                        high.replace(with: k, where: k .> high)
                        var cell = SIMD4<Int64>()
                        for c in 0..<valueCuts.count {
                            cell.replace(with: cell &+ bandStep, where: v .>= SIMD4(repeating: valueCuts[c]))
                        }
                        for c in 0..<difficultyCuts.count {
                            cell.replace(with: cell &+ one, where: d .>= SIMD4(repeating: difficultyCuts[c]))
                        }
                        for lane in 0..<4 {
                            let grade = grid[Int(truncatingIfNeeded: cell[lane])]
                            grades[i &+ lane] = completeness[i &+ lane] < minimum ? insufficient : grade
                        }
                        i &+= 4
                    }
                    var lowest = Swift.min(Swift.min(low[0], low[1]), Swift.min(low[2], low[3]))
                    var highest = Swift.max(Swift.max(high[0], high[1]), Swift.max(high[2], high[3]))
                    while i < count {
                        let v = values[i]
                        let d = difficulties[i]
                        let k = scalar(v, d)
                        keys[i] = k
                        if k < lowest { lowest = k }
                        if k > highest { highest = k }
                        var cell = 0
                        for c in 0..<valueCuts.count { cell &+= v >= valueCuts[c] ? bands : 0 }
                        for c in 0..<difficultyCuts.count { cell &+= d >= difficultyCuts[c] ? 1 : 0 }
                        grades[i] = completeness[i] < minimum ? insufficient : grid[cell]
                        i &+= 1
                    }
                    return (lowest, highest)
                }
            }
        }
    }
}
