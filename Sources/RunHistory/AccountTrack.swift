import GRDB
import ScoringEngine

/// One account's grade and scores over the recorded runs (`kam history`).
public struct AccountTrack: Sendable {
    public struct Entry: Sendable {
        public let run: RecordedRun
        /// `nil` when the run did not hold the account (not in that list, or rejected).
        public let score: ScoreSnapshot?
        /// Ids of factors whose value was missing in that run.
        public let missing: [String]
        /// Whether the run's model (or scenario) differs from the previous run's.
        public let modelChanged: Bool
    }

    public let account: String
    /// The account's name in the latest run that holds it.
    public let name: String
    /// Every run, oldest first.
    public let entries: [Entry]
}

extension HistoryStore {
    /// The account's scores in every run (one block read per run).
    ///
    /// - Throws: ``HistoryError/unknownAccount(path:account:)`` when no run holds it.
    public func history(of account: String) throws(HistoryError) -> AccountTrack {
        let runs = try self.runs()
        var name = ""
        let entries = try reading { db -> [AccountTrack.Entry] in
            var entries: [AccountTrack.Entry] = []
            var previous: RecordedRun?
            for run in runs {
                let score = try Self.account(db, run: run.id, factorCount: run.factorIDs.count, id: account)
                let changed = previous.map { $0.modelHash != run.modelHash || $0.scenario != run.scenario } ?? false
                previous = run
                guard let score else {
                    entries.append(.init(run: run, score: nil, missing: [], modelChanged: changed))
                    continue
                }
                name = score.name
                entries.append(
                    .init(
                        run: run,
                        score: ScoreSnapshot(
                            rank: score.rank, grade: score.grade, value: score.value, difficulty: score.difficulty,
                            priority: score.priority, completeness: score.completeness, probability: score.probability),
                        missing: score.missing, modelChanged: changed))
            }
            return entries
        }
        guard entries.contains(where: { $0.score != nil }) else { throw .unknownAccount(path: path, account: account) }
        return AccountTrack(account: account, name: name, entries: entries)
    }
}
