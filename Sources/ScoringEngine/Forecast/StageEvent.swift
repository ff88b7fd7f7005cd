/// One line of a stage-event log: on `date`, account `accountID` moved from one state of
/// the pipeline to another.
public struct StageEvent: Hashable, Sendable {
    public let accountID: String
    public let date: CalendarDate
    /// The state before the move; nil when the account enters the pipeline with this event.
    public let from: PipelineState?
    /// The state after the move.
    public let to: PipelineState
    /// The 1-based line of the log the event was read from (0 when not from a file).
    public let line: Int

    public init(accountID: String, date: CalendarDate, from: PipelineState?, to: PipelineState, line: Int = 0) {
        self.accountID = accountID
        self.date = date
        self.from = from
        self.to = to
        self.line = line
    }
}

/// The events of one account in date order (ties in log order), checked to form a path:
/// each event starts where the previous one ended, and nothing follows won or lost.
public struct AccountHistory: Sendable, Equatable {
    public let accountID: String
    /// Events in date order; never empty.
    public let events: [StageEvent]
    /// The last day the account was seen, when it was lost sight of before the end of
    /// observation without closing (e.g. it left the recorded prospect lists): the account
    /// counts as right-censored at the end of that day's period. `nil`: observed to the end.
    public let lastSeen: CalendarDate?

    /// Makes a history from events already checked by the log reader.
    ///
    /// - Precondition: `events` is non-empty, all of `accountID`, sorted by date, and
    ///   consistent (each `from` equals the previous `to`; nothing after a closing event);
    ///   `lastSeen`, if given, is not before the last event and the history does not close.
    public init(accountID: String, events: [StageEvent], lastSeen: CalendarDate? = nil) {
        precondition(!events.isEmpty, "An account history needs at least one event")
        precondition(
            zip(events, events.dropFirst()).allSatisfy { $0.date <= $1.date && $1.from == $0.to && !$0.to.isClosed },
            "Account history events must be in date order and chain from one state to the next")
        precondition(
            lastSeen.map { $0 >= events[events.count - 1].date && !events[events.count - 1].to.isClosed } ?? true,
            "An account lost sight of is seen after its last event and never closed")
        self.accountID = accountID
        self.events = events
        self.lastSeen = lastSeen
    }

    /// The state after every event dated on or before `date`; nil before the first event.
    public func state(on date: CalendarDate) -> PipelineState? {
        var state: PipelineState?
        for event in events {
            guard event.date <= date else { break }
            state = event.to
        }
        return state
    }

    /// The history with only the events dated before `date` (nil when none is).
    public func truncated(before date: CalendarDate) -> AccountHistory? {
        let kept = events.filter { $0.date < date }
        guard !kept.isEmpty else { return nil }
        return AccountHistory(accountID: accountID, events: kept, lastSeen: lastSeen.flatMap { $0 < date ? $0 : nil })
    }

    /// The closing event (won or lost), if the account closed.
    public var closing: StageEvent? {
        events.last.flatMap { $0.to.isClosed ? $0 : nil }
    }

    /// The account's state at the end of each period, from the end of the period of its
    /// first event to the end of `lastPeriod` or the period it closed in, whichever is first.
    ///
    /// The state at the end of period `k` is the state after every event dated in period
    /// `k` or before. Observation starts at the end of the first event's period: for an
    /// entry (no `from`) nothing is known before; for a history that starts with a move,
    /// starting one period earlier would count only accounts seen moving and bias the chain
    /// toward moves.
    ///
    /// - Returns: The first period's index and the states, or nil when the first event falls
    ///   after `lastPeriod`.
    ///
    /// A history with ``lastSeen`` stops at the end of that day's period (right-censored
    /// there) when that comes before `lastPeriod`.
    public func periodStates(period: PeriodLength, lastPeriod: Int) -> (start: Int, states: [PipelineState])? {
        let lastPeriod = lastSeen.map { min(lastPeriod, period.index(of: $0)) } ?? lastPeriod
        let start = period.index(of: events[0].date)
        guard start <= lastPeriod else { return nil }
        var states: [PipelineState] = []
        var next = 0
        var current = events[0].to
        var periodIndex = start
        while periodIndex <= lastPeriod {
            while next < events.count && period.index(of: events[next].date) <= periodIndex {
                current = events[next].to
                next += 1
            }
            states.append(current)
            if current.isClosed { break }
            if next == events.count {
                // No more events: the account stays where it is until the last period.
                states.append(contentsOf: repeatElement(current, count: lastPeriod - periodIndex))
                break
            }
            periodIndex += 1
        }
        return (start, states)
    }
}
