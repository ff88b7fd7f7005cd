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
}
