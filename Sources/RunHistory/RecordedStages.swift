import GRDB
import ScoringEngine

/// Stage moves derived from recorded runs: the input of `kam pipeline fit --runs` when no
/// stage-event log exists.
///
/// Each run that recorded stages (the list had a stage column) is a snapshot of every
/// account's stage on the run's day (UTC). Between consecutive snapshots an account that
/// changed stage is taken to have moved on the day of the later run; its first snapshot is
/// its entry into the pipeline. A prospect list holds no won or lost accounts, so an account
/// that leaves the list is, as the caller says (``Dropped``), right-censored at the last run
/// that held it (nothing assumed about why it left), or closed on the day of the first run
/// without it: as lost, or as won when it left from stage 5 (close) and lost from earlier
/// stages. An account that comes back after leaving keeps only its history up to leaving
/// (counted in ``reappeared``).
public struct RecordedStages: Sendable {
    /// What leaving the recorded lists means.
    public enum Dropped: String, Sendable, CaseIterable {
        /// Right-censored at the last run that held the account.
        case censored
        /// Lost, on the day of the first run without the account.
        case lost
        /// Won when the account left from stage 5 (close), lost when from stages 1–4, on the
        /// day of the first run without it.
        case stage5Won = "stage5-won"

        /// The closing state of an account that left from `state` (nil: censored).
        func closing(from state: PipelineState) -> PipelineState? {
            switch self {
            case .censored: return nil
            case .lost: return .lost
            case .stage5Won: return state == .stage(PipelineState.stageCount) ? .won : .lost
            }
        }
    }

    /// The runs that recorded stages, in date order (the snapshots).
    public let runs: [RecordedRun]
    /// Runs without any stage (lists without a stage column, or recorded before schema
    /// step 3), left out.
    public let runsWithoutStages: [RecordedRun]
    /// One history per account that had a stage in some run, in order of first appearance.
    public let histories: [AccountHistory]
    /// (account, run) pairs with a stage.
    public let observations: Int
    /// Events in the histories (entries, moves and, with ``Dropped/lost``, losses).
    public let events: Int
    /// Accounts that left the lists before the last run.
    public let left: Int
    /// Accounts seen again after leaving (their later snapshots are not used).
    public let reappeared: Int
    /// The days of the first and last runs used.
    public let firstDate: CalendarDate?
    public let lastDate: CalendarDate?
}

extension HistoryStore {
    /// Every account's stage path over the recorded runs (see ``RecordedStages``).
    ///
    /// - Complexity: One scan of each run's (account, stage) pairs; memory for one entry per
    ///   account.
    public func stageHistories(dropped: RecordedStages.Dropped) throws(HistoryError) -> RecordedStages {
        let all = try runs()
        var used: [(run: RecordedRun, date: CalendarDate)] = []
        var without: [RecordedRun] = []
        for run in all {
            let holds = try reading { db in
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM account_block WHERE run = ? AND stages IS NOT NULL)",
                    arguments: [run.id]) ?? false
            }
            if holds, let date = CalendarDate(text: run.recordedAt.prefix(10)) {
                used.append((run, date))
            } else {
                without.append(run)
            }
        }
        used.sort { ($0.date, $0.run.id) < ($1.date, $1.run.id) }

        struct Track {
            var events: [StageEvent] = []
            /// The last known stage (nil before the account's first stage).
            var state: PipelineState?
            /// The index of the last run that held the account, and its day.
            var lastRun: Int
            var lastSeen: CalendarDate
            var left = false
            var reappeared = false
        }
        var tracks: [String: Track] = [:]
        var order: [String] = []
        var observations = 0
        var left = 0
        for (index, snapshot) in used.enumerated() {
            let date = snapshot.date
            try reading { db in
                let cursor = try BlockCursor(
                    db, run: snapshot.run.id, columns: .stages, factorCount: snapshot.run.factorIDs.count)
                while try cursor.next() {
                    let account = cursor.block.accounts.string(cursor.index)
                    let stage = cursor.block.stage(cursor.index)
                    if stage != nil { observations += 1 }
                    guard var track = tracks[account] else {
                        var track = Track(lastRun: index, lastSeen: date)
                        if let stage {
                            track.state = .stage(stage)
                            track.events.append(StageEvent(accountID: account, date: date, from: nil, to: .stage(stage)))
                        }
                        tracks[account] = track
                        order.append(account)
                        continue
                    }
                    if track.left {
                        track.reappeared = true
                    } else {
                        track.lastRun = index
                        track.lastSeen = date
                        if let stage, track.state != .stage(stage) {
                            track.events.append(StageEvent(accountID: account, date: date, from: track.state, to: .stage(stage)))
                            track.state = .stage(stage)
                        }
                    }
                    tracks[account] = track
                }
            }
            // Accounts the run did not hold have left the lists.
            for (account, track) in tracks where !track.left && track.lastRun < index {
                var track = track
                track.left = true
                left += 1
                if let state = track.state, let closing = dropped.closing(from: state) {
                    track.events.append(StageEvent(accountID: account, date: date, from: state, to: closing))
                }
                tracks[account] = track
            }
        }
        var histories: [AccountHistory] = []
        var events = 0
        var reappeared = 0
        for account in order {
            guard let track = tracks[account] else { continue }
            if track.reappeared { reappeared += 1 }
            guard !track.events.isEmpty else { continue }
            let closed = track.events[track.events.count - 1].to.isClosed
            histories.append(
                AccountHistory(
                    accountID: account, events: track.events, lastSeen: track.left && !closed ? track.lastSeen : nil))
            events += track.events.count
        }
        return RecordedStages(
            runs: used.map(\.run), runsWithoutStages: without, histories: histories, observations: observations,
            events: events, left: left, reappeared: reappeared, firstDate: used.first?.date, lastDate: used.last?.date)
    }
}
