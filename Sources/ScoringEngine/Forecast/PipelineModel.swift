/// Everything a pipeline file (`models/pipeline.yaml`) holds: the transition table, where
/// it came from, and optionally the account-level conversion model.
public struct PipelineModel: Sendable, Equatable {
    /// What history a fitted pipeline was estimated from.
    public struct HistorySummary: Sendable, Equatable {
        /// The event log, as given.
        public let source: String
        /// The first event date and the last day observed.
        public let firstDate: CalendarDate
        public let observedUntil: CalendarDate
        /// Accounts with counted periods; of them won, lost and still open (censored).
        public let accounts: Int
        public let won: Int
        public let lost: Int
        public let censored: Int

        public init(
            source: String, firstDate: CalendarDate, observedUntil: CalendarDate, accounts: Int, won: Int, lost: Int,
            censored: Int
        ) {
            self.source = source
            self.firstDate = firstDate
            self.observedUntil = observedUntil
            self.accounts = accounts
            self.won = won
            self.lost = lost
            self.censored = censored
        }
    }

    public var transitions: TransitionTable
    public var history: HistorySummary?
    public var conversion: ConversionModel?

    public init(transitions: TransitionTable, history: HistorySummary? = nil, conversion: ConversionModel? = nil) {
        self.transitions = transitions
        self.history = history
        self.conversion = conversion
    }

    /// The length of one period.
    public var period: PeriodLength { transitions.period }
}
