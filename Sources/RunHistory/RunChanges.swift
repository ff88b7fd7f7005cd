import Foundation
import GRDB
import ScoringEngine

/// An account's scores in one run.
public struct ScoreSnapshot: Sendable, Equatable {
    /// 1-based rank in the run's whole list.
    public let rank: Int
    public let grade: Grade
    public let value: Double
    public let difficulty: Double
    public let priority: Double
    /// 0...1.
    public let completeness: Double
    /// P(won), 0...1, when the run's model was calibrated.
    public let probability: Double?
}

/// How much one factor's utility moved for an account between two runs.
public struct FactorMove: Sendable, Equatable {
    public let factor: String
    /// Utilities, 0...1.
    public let from: Double
    public let to: Double
    public var change: Double { to - from }
}

/// One account's change between two runs (either side is `nil` for a new or dropped account).
public struct AccountChange: Sendable, Equatable {
    public let account: String
    /// The name in the later run (or the earlier one for a dropped account).
    public let name: String
    public let from: ScoreSnapshot?
    public let to: ScoreSnapshot?
    /// The factors whose utility moved most, largest move first (factors of both runs only;
    /// moves smaller than 1e-12 are left out).
    public let factorMoves: [FactorMove]
    /// Factors missing in the earlier run and present in the later one (the information
    /// collected).
    public let collected: [String]
    /// Factors present in the earlier run and missing in the later one.
    public let lost: [String]

    /// Later priority minus earlier (both runs only).
    public var priorityChange: Double? {
        guard let from, let to else { return nil }
        return to.priority - from.priority
    }
}

/// How the models of two runs differ, so that a grade move from new weights is not taken
/// for a change in the account.
public struct ModelDifference: Sendable, Equatable {
    public struct WeightChange: Sendable, Equatable {
        public let factor: String
        /// Weights under each run's scenario, normalized per side.
        public let from: Double
        public let to: Double
    }

    public struct ScaleChange: Sendable, Equatable {
        public let factor: String
        /// Scale, direction and missing policy as canonical JSON.
        public let from: String
        public let to: String
    }

    public let fromName: String
    public let toName: String
    public let fromHash: String
    public let toHash: String
    public let fromScenario: String
    public let toScenario: String
    /// Factors only the later run's model has.
    public let added: [String]
    /// Factors only the earlier run's model has.
    public let removed: [String]
    public let weights: [WeightChange]
    public let scales: [ScaleChange]
    /// Whether the grade bands, grid, completeness threshold or ranking changed.
    public let gradingChanged: Bool
    /// Whether both runs recorded their factors' weights and scales (runs recorded by schema
    /// version 1 did not: then only the hashes are compared).
    public let detailsKnown: Bool

    /// Whether the two runs scored with different models or scenarios.
    public var isChanged: Bool { fromHash != toHash || fromScenario != toScenario }

    init(from: RecordedRun, to: RecordedRun) {
        fromName = from.modelName
        toName = to.modelName
        fromHash = from.modelHash
        toHash = to.modelHash
        fromScenario = from.scenario
        toScenario = to.scenario
        added = to.factorIDs.filter { !from.factorIDs.contains($0) }
        removed = from.factorIDs.filter { !to.factorIDs.contains($0) }
        detailsKnown = !from.factors.isEmpty && !to.factors.isEmpty
        var weights: [WeightChange] = []
        var scales: [ScaleChange] = []
        if detailsKnown {
            let earlier = Dictionary(from.factors.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for factor in to.factors {
                guard let before = earlier[factor.id] else { continue }
                if abs(before.weight - factor.weight) > 1e-12 {
                    weights.append(WeightChange(factor: factor.id, from: before.weight, to: factor.weight))
                }
                if before.scale != factor.scale {
                    scales.append(ScaleChange(factor: factor.id, from: before.scale, to: factor.scale))
                }
            }
        }
        self.weights = weights
        self.scales = scales
        gradingChanged = from.grading != nil && to.grading != nil && from.grading != to.grading
    }
}

/// What changed between two recorded runs: the answer of `kam changes`, and the value a
/// report's "Changes" section renders.
///
/// Accounts are matched by id. Sections:
/// - ``gradeMoves``: accounts graded A–D in both runs with a different grade, the move of
///   most grade steps first, then the largest priority change;
/// - ``newAccounts`` (later run only, by later rank) and ``droppedAccounts`` (earlier run
///   only, by earlier rank);
/// - ``enteredInsufficient`` (graded before, "insufficient information" now, by earlier
///   rank) and ``leftInsufficient`` (the other way, by later rank), with the factors whose
///   information was lost or collected;
/// - ``risingC``: accounts graded C in the later run whose priority rose, largest rise first
///   (关注变化, "watch for changes").
///
/// Each list holds at most ``limit`` accounts; the counts are those of all accounts.
public struct RunChanges: Sendable {
    public let from: RecordedRun
    public let to: RecordedRun
    public let model: ModelDifference
    public let limit: Int?
    public internal(set) var gradeMoves: [AccountChange] = []
    public internal(set) var gradeMoveCount = 0
    public internal(set) var newAccounts: [AccountChange] = []
    public internal(set) var newCount = 0
    public internal(set) var droppedAccounts: [AccountChange] = []
    public internal(set) var droppedCount = 0
    public internal(set) var enteredInsufficient: [AccountChange] = []
    public internal(set) var enteredInsufficientCount = 0
    public internal(set) var leftInsufficient: [AccountChange] = []
    public internal(set) var leftInsufficientCount = 0
    public internal(set) var risingC: [AccountChange] = []
    public internal(set) var risingCCount = 0
    /// Accounts in both runs with the same grade.
    public internal(set) var sameGrade = 0
    /// Moves between grades, `moves[from.order][to.order]`, over accounts in both runs.
    public internal(set) var transitions = [[Int]](repeating: [Int](repeating: 0, count: 5), count: 5)

    /// Whether both runs read the same bytes.
    public var sameInput: Bool { !from.inputHash.isEmpty && from.inputHash == to.inputHash }
}

extension HistoryStore {
    /// Compares two runs (default: the last two recorded).
    ///
    /// - Parameters:
    ///   - from: The earlier run's id (default: the run before `to`).
    ///   - to: The later run's id (default: the last run).
    ///   - limit: The most accounts per list (`nil`: all).
    ///   - factorsPerAccount: How many factor moves to give per account.
    /// - Complexity: One ordered scan of each run's accounts (a merge on account id), O(n)
    ///   reads plus sorting the listed accounts.
    public func changes(
        from: Int64? = nil, to: Int64? = nil, limit: Int? = nil, factorsPerAccount: Int = 3
    ) throws(HistoryError) -> RunChanges {
        let ids = try reading { db in try Int64.fetchAll(db, sql: "SELECT id FROM run ORDER BY id") }
        func check(_ id: Int64) throws(HistoryError) -> Int64 {
            guard ids.contains(id) else { throw .unknownRun(path: path, run: id, available: ids) }
            return id
        }
        let toID: Int64
        if let to {
            toID = try check(to)
        } else {
            guard let last = ids.last else { throw .tooFewRuns(path: path, count: 0) }
            toID = last
        }
        let fromID: Int64
        if let from {
            fromID = try check(from)
        } else {
            guard let earlier = ids.last(where: { $0 < toID }) else { throw .tooFewRuns(path: path, count: ids.count) }
            fromID = earlier
        }
        let earlier = try run(fromID)
        let later = try run(toID)
        var changes = RunChanges(from: earlier, to: later, model: ModelDifference(from: earlier, to: later), limit: limit)
        try reading { db in
            try Self.compare(db, changes: &changes, factorsPerAccount: factorsPerAccount)
        }
        return changes
    }

    private static func compare(_ db: Database, changes: inout RunChanges, factorsPerAccount: Int) throws {
        // With a limit, names and factor moves are looked up only for the accounts listed,
        // after the merge; the scan reads the scores alone.
        let detailed = changes.limit == nil
        let earlier = try BlockCursor(
            db, run: changes.from.id, columns: detailed ? .all : .basic, factorCount: changes.from.factorIDs.count)
        let later = try BlockCursor(
            db, run: changes.to.id, columns: detailed ? .all : .basic, factorCount: changes.to.factorIDs.count)
        // Utility positions of the later run's factors in the earlier run.
        let earlierFactors = changes.from.factorIDs
        let laterFactors = changes.to.factorIDs
        let pairs: [(earlier: Int, later: Int)] = laterFactors.enumerated().compactMap { index, id in
            earlierFactors.firstIndex(of: id).map { ($0, index) }
        }
        func moves(
            _ old: [Double], _ new: [Double], missingBefore: [String], missingAfter: [String]
        ) -> (moves: [FactorMove], collected: [String], lost: [String]) {
            var factorMoves: [FactorMove] = []
            for pair in pairs where pair.earlier < old.count && pair.later < new.count {
                let move = FactorMove(factor: laterFactors[pair.later], from: old[pair.earlier], to: new[pair.later])
                if abs(move.change) > 1e-12 { factorMoves.append(move) }
            }
            factorMoves.sort { abs($0.change) > abs($1.change) || (abs($0.change) == abs($1.change) && $0.factor < $1.factor) }
            if factorMoves.count > factorsPerAccount { factorMoves.removeLast(factorMoves.count - factorsPerAccount) }
            let before = Set(missingBefore)
            let after = Set(missingAfter)
            return (
                factorMoves, laterFactors.filter { before.contains($0) && !after.contains($0) },
                laterFactors.filter { !before.contains($0) && after.contains($0) }
            )
        }
        func change(_ before: BlockCursor?, _ after: BlockCursor?, moves wanted: Bool) -> AccountChange {
            let row = after ?? before!
            var result: (moves: [FactorMove], collected: [String], lost: [String]) = ([], [], [])
            if wanted && detailed, let before, let after {
                result = moves(
                    before.block.utilities(before.index), after.block.utilities(after.index),
                    missingBefore: before.block.missing.list(before.index),
                    missingAfter: after.block.missing.list(after.index))
            }
            return AccountChange(
                account: row.block.accounts.string(row.index), name: detailed ? row.block.names.string(row.index) : "",
                from: before.map { $0.block.snapshot($0.index) }, to: after.map { $0.block.snapshot($0.index) },
                factorMoves: result.moves, collected: result.collected, lost: result.lost)
        }
        func lookup(_ run: RecordedRun, _ account: String) throws -> AccountScore? {
            try Self.account(db, run: run.id, factorCount: run.factorIDs.count, id: account)
        }
        func enriched(_ change: AccountChange) throws -> AccountChange {
            let before = try change.from == nil ? nil : lookup(changes.from, change.account)
            let after = try change.to == nil ? nil : lookup(changes.to, change.account)
            let name = (after ?? before)?.name ?? ""
            var result: (moves: [FactorMove], collected: [String], lost: [String]) = ([], [], [])
            if let before, let after {
                result = moves(before.utilities, after.utilities, missingBefore: before.missing, missingAfter: after.missing)
            }
            return AccountChange(
                account: change.account, name: name, from: change.from, to: change.to, factorMoves: result.moves,
                collected: result.collected, lost: result.lost)
        }

        var hasBefore = try earlier.next()
        var hasAfter = try later.next()
        while hasBefore || hasAfter {
            let order = hasBefore && hasAfter ? earlier.compare(with: later) : (hasBefore ? -1 : 1)
            if order < 0 {
                changes.droppedCount += 1
                changes.droppedAccounts.append(change(earlier, nil, moves: false))
                hasBefore = try earlier.next()
                continue
            }
            if order > 0 {
                changes.newCount += 1
                changes.newAccounts.append(change(nil, later, moves: false))
                hasAfter = try later.next()
                continue
            }
            let old = earlier.block.grade(earlier.index)
            let new = later.block.grade(later.index)
            changes.transitions[old.order][new.order] += 1
            if old == new {
                changes.sameGrade += 1
                if new == .c, later.block.priorities[later.index] - earlier.block.priorities[earlier.index] > 0 {
                    changes.risingCCount += 1
                    changes.risingC.append(change(earlier, later, moves: true))
                }
            } else if new == .insufficient {
                changes.enteredInsufficientCount += 1
                changes.enteredInsufficient.append(change(earlier, later, moves: true))
            } else if old == .insufficient {
                changes.leftInsufficientCount += 1
                changes.leftInsufficient.append(change(earlier, later, moves: true))
            } else {
                changes.gradeMoveCount += 1
                changes.gradeMoves.append(change(earlier, later, moves: true))
            }
            hasBefore = try earlier.next()
            hasAfter = try later.next()
        }

        // Each list is in account-id order (the merge's), so a tie between equal keys is
        // broken by the position in the list. Sorted on compact keys (two numbers and the
        // position), not on the accounts' changes: a list can hold half a million of them.
        struct SortKey {
            var first: Double
            var second: Double
            var position: Int
        }
        func finish(_ list: inout [AccountChange], key: (AccountChange) -> (Double, Double)) throws {
            var keys = list.enumerated().map { position, change in
                let (first, second) = key(change)
                return SortKey(first: first, second: second, position: position)
            }
            keys.sort { left, right in
                if left.first != right.first { return left.first < right.first }
                if left.second != right.second { return left.second < right.second }
                return left.position < right.position
            }
            if let limit = changes.limit, keys.count > limit { keys.removeLast(keys.count - limit) }
            let ordered = keys.map { list[$0.position] }
            list = changes.limit == nil ? ordered : try ordered.map(enriched)
        }
        // Most grade steps first, then the largest priority change (either way).
        try finish(&changes.gradeMoves) { change in
            (-Double(abs(change.to!.grade.order - change.from!.grade.order)), -abs(change.priorityChange!))
        }
        try finish(&changes.newAccounts) { (Double($0.to!.rank), 0) }
        try finish(&changes.droppedAccounts) { (Double($0.from!.rank), 0) }
        try finish(&changes.enteredInsufficient) { (Double($0.from!.rank), 0) }
        try finish(&changes.leftInsufficient) { (Double($0.to!.rank), 0) }
        // The largest rise first.
        try finish(&changes.risingC) { (-$0.priorityChange!, 0) }
    }
}
