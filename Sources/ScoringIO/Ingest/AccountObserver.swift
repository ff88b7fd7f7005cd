import ScoringEngine

/// Sees every graded account of a streamed ranking once, as the stream merges it: its grade
/// under the ranked scenario, its value and difficulty scores and its deal value. What a
/// report needs of the whole list (counts and sums per grade, a density of the scores) is
/// gathered this way in the ranking's one pass, without keeping the accounts.
///
/// Called on the merging thread, in file order except for rows that waited for the file's
/// mean utilities (graded at the end of the file): a sum must not depend on the order. The
/// scores are those the in-memory pipeline gives the same account, to the last bit.
public protocol AccountObserver {
    mutating func observe(grade: Grade, value: Double, difficulty: Double, dealValue: Double?)
}
