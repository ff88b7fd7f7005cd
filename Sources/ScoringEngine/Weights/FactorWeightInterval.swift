/// The range of one factor's weight over which the set of grade-A accounts stays the same.
///
/// The factor's weight t moves from 0 to 1 while the other factors on its side keep their
/// proportions (each scaled by (1 − t)/(1 − w) from the model's weight w); the other side
/// is untouched and completeness keeps the model's weights, as in scenarios. Every
/// account's score on that side is then linear in t, `S(t) = S₀ + (t − w)·slope`, so its
/// grade can only change where S(t) crosses a band cut. The interval is bounded by the
/// nearest crossing below and above w at which some account's A status flips; those
/// accounts are named. Strictly between `lower` and `upper` the A set is the model's; at an
/// end itself the flipping account may already have changed (a score equal to a cut falls
/// in the band above).
public struct FactorWeightInterval: Sendable, Equatable {
    public let factorIndex: Int
    /// The model's normalized weight w.
    public let weight: Double
    /// The smallest weight (≥ 0) with the same A set.
    public let lower: Double
    /// The largest weight (≤ 1) with the same A set.
    public let upper: Double
    /// The account (batch row) whose A status changes just below `lower`, if any.
    public let lowerAccount: Int?
    /// Whether that account would become A (`true`) or stop being A (`false`).
    public let lowerAccountBecomesA: Bool?
    /// The account whose A status changes just above `upper`, if any.
    public let upperAccount: Int?
    public let upperAccountBecomesA: Bool?

    /// Computes the interval of every factor for an assessed batch (its ranked scenario's
    /// weights).
    ///
    /// - Complexity: O(F · N · cuts).
    public static func intervals(for assessment: BatchAssessment) -> [FactorWeightInterval] {
        let model = assessment.model
        let weights = assessment.scorer.scenarioWeights[assessment.scenario]
        let grading = model.grading
        let n = assessment.count
        let factorCount = model.factors.count
        let utilities = assessment.utilities.matrix.elements
        let baseA = assessment.grades.map { $0 == .a }
        var result: [FactorWeightInterval] = []
        for j in 0..<factorCount {
            let side = model.factors[j].side
            let w = weights[j]
            let sideFactors = (0..<factorCount).filter { model.factors[$0].side == side }
            if sideFactors.count == 1 || w >= 1 {
                // The only factor of its side: its weight is 1 whatever happens.
                result.append(
                    FactorWeightInterval(
                        factorIndex: j, weight: w, lower: w, upper: w, lowerAccount: nil, lowerAccountBecomesA: nil,
                        upperAccount: nil, upperAccountBecomesA: nil))
                continue
            }
            let cuts = side == .value ? grading.valueBands.cuts : grading.difficultyBands.cuts
            var lower = 0.0
            var upper = 1.0
            var lowerAccount: (Int, Bool)?
            var upperAccount: (Int, Bool)?
            // One account's crossings, reused from account to account (arrays made per account
            // and factor cost more than the arithmetic at 100,000 accounts).
            var crossings: [Double] = []
            crossings.reserveCapacity(cuts.count)
            for i in 0..<n {
                // S(t) = 100 [t uⱼ + (1 − t)/(1 − w) Σ_{k≠j} wₖ uₖ].
                var rest = 0.0
                for k in sideFactors where k != j { rest += weights[k] * utilities[i * factorCount + k] }
                let uj = utilities[i * factorCount + j]
                let intercept = 100 * rest / (1 - w)
                let slope = 100 * uj - intercept
                let other = side == .value ? assessment.difficulty(i) : assessment.value(i)
                let completeness = assessment.completeness(i)
                func isA(_ t: Double) -> Bool {
                    let score = intercept + slope * t
                    let grade =
                        side == .value
                        ? grading.grade(value: score, difficulty: other, completeness: completeness)
                        : grading.grade(value: other, difficulty: score, completeness: completeness)
                    return grade == .a
                }
                guard slope != 0 else { continue }
                // Crossings of the cuts, sorted; A status is constant between them.
                crossings.removeAll(keepingCapacity: true)
                for cut in cuts {
                    let t = (cut - intercept) / slope
                    if t > 0 && t < 1 { crossings.append(t) }
                }
                crossings.sort()
                let status = baseA[i]
                // The crossings above w are the sorted array's tail from `firstAbove`; those
                // at or below it, its head.
                let firstAbove = crossings.firstIndex { $0 > w } ?? crossings.count
                // Upward: the first crossing above w after which the status differs.
                for index in firstAbove..<crossings.count {
                    let t = crossings[index]
                    let next = index + 1 < crossings.count ? crossings[index + 1] : 1
                    if isA((t + next) / 2) != status || isA(t) != status {
                        if t < upper {
                            upper = t
                            upperAccount = (i, !status)
                        }
                        break
                    }
                }
                for index in (0..<firstAbove).reversed() {
                    let t = crossings[index]
                    // Status on (t, previous) is the base one; just below t it may flip.
                    // The largest crossing below t: sorted, so the nearest before it that is less.
                    var lowerEnd = 0.0
                    var before = index - 1
                    while before >= 0 {
                        if crossings[before] < t {
                            lowerEnd = crossings[before]
                            break
                        }
                        before -= 1
                    }
                    if isA((lowerEnd + t) / 2) != status {
                        if t > lower {
                            lower = t
                            lowerAccount = (i, !status)
                        }
                        break
                    }
                }
            }
            result.append(
                FactorWeightInterval(
                    factorIndex: j, weight: w, lower: lower, upper: upper, lowerAccount: lowerAccount?.0,
                    lowerAccountBecomesA: lowerAccount?.1, upperAccount: upperAccount?.0,
                    upperAccountBecomesA: upperAccount?.1))
        }
        return result
    }
}
