/// The order of a ranking: by grade first when the model says so (A … D, then insufficient
/// information), then by the ranking key, highest first, then by account id, so that equal
/// keys always come out in the same order. ``BatchAssessment/rankedRows()`` sorts by it;
/// streaming selections (``TopSelection``) keep its first rows.
public struct RankingOrder: Sendable {
    /// Whether all accounts of a better grade rank before any of a worse grade.
    public let gradeFirst: Bool

    public init(gradeFirst: Bool) {
        self.gradeFirst = gradeFirst
    }

    public init(model: ScoringModel) {
        self.init(gradeFirst: model.grading.ranking.gradeFirst)
    }

    /// Whether an account with grade `grade` and key `key` ranks before another.
    ///
    /// - Parameters:
    ///   - idAscending: Called only when grade (if it counts) and key are equal: whether
    ///     the first account's id sorts before the second's.
    @inline(__always)
    public func ranksBefore(
        grade: Grade, key: Double, _ otherGrade: Grade, _ otherKey: Double, idAscending: () -> Bool
    ) -> Bool {
        ranksBefore(
            gradeOrder: UInt8(grade.order), key: key, UInt8(otherGrade.order), otherKey, idAscending: idAscending)
    }

    /// ``ranksBefore(grade:key:_:_:idAscending:)`` with each grade given by its
    /// ``Grade/order`` (the form a streamed ranking keeps: a sort compares it n log n times).
    @inline(__always)
    public func ranksBefore(
        gradeOrder: UInt8, key: Double, _ otherGradeOrder: UInt8, _ otherKey: Double, idAscending: () -> Bool
    ) -> Bool {
        if gradeFirst, gradeOrder != otherGradeOrder { return gradeOrder < otherGradeOrder }
        if key != otherKey { return key > otherKey }
        return idAscending()
    }
}
