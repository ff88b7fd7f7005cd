import RunHistory

/// An account's scores in one recorded run, as `kam history` and `kam changes` write them:
/// numbers with 6 decimals, `null` when missing or not finite.
struct ScoreSnapshotJSON: Encodable {
    let grade: String
    let rank: Int
    let value: JSONNumber
    let difficulty: JSONNumber
    let priority: JSONNumber
    let completeness: JSONNumber
    let probability: JSONNumber
    /// `kam history` only: the factors missing in that run (written last); `nil` leaves the
    /// key out.
    @OmittedWhenNil var missing: [String]?

    init(_ snapshot: ScoreSnapshot, missing: [String]? = nil) {
        grade = snapshot.grade.letter
        rank = snapshot.rank
        value = .finite(snapshot.value)
        difficulty = .finite(snapshot.difficulty)
        priority = .finite(snapshot.priority)
        completeness = .finite(snapshot.completeness)
        probability = .finite(snapshot.probability)
        self.missing = missing
    }
}
