/// The forecast for one account: its chance of winning, what it is worth weighted by that
/// chance, and when it would close.
public struct AccountForecast: Sendable, Equatable {
    /// How the probability was obtained, or why there is none.
    public enum Status: String, Sendable, CaseIterable {
        /// Stage probability shifted by the account's scores (the conversion model).
        case scoreAware = "score_aware"
        /// The stage's probability only: the pipeline has no conversion model.
        case stageOnly = "stage_only"
        /// Not forecast: the account's information is insufficient to grade it (seed
        /// §3.2.3 (五)(5)); it goes back to information gathering. Flagged, not guessed.
        case insufficientInformation = "insufficient_information"
        /// Not forecast: the account has no stage.
        case noStage = "no_stage"

        /// Whether the account has a probability.
        public var isForecast: Bool { self == .scoreAware || self == .stageOnly }
    }

    public let status: Status
    /// The stage 1...5, when known.
    public let stage: Int?
    /// πₛ, the stage's probability of ending won (for reference even when flagged).
    public let stageProbability: Double?
    /// P(won), 0...1; nil when not forecast.
    public let probability: Double?
    /// P(won within the horizon), 0...1.
    public let probabilityWithinHorizon: Double?
    /// Probability × deal value (nil without a deal value or a probability).
    public let expectedRevenue: Double?
    /// P(won within the horizon) × deal value.
    public let expectedRevenueWithinHorizon: Double?
    /// Expected periods until the account is won, given that it is won (the stage's).
    public let expectedPeriodsToWin: Double?
    /// The deal value, when known.
    public let dealValue: Double?

    public init(
        status: Status, stage: Int?, stageProbability: Double?, probability: Double?, probabilityWithinHorizon: Double?,
        expectedRevenue: Double?, expectedRevenueWithinHorizon: Double?, expectedPeriodsToWin: Double?, dealValue: Double?
    ) {
        self.status = status
        self.stage = stage
        self.stageProbability = stageProbability
        self.probability = probability
        self.probabilityWithinHorizon = probabilityWithinHorizon
        self.expectedRevenue = expectedRevenue
        self.expectedRevenueWithinHorizon = expectedRevenueWithinHorizon
        self.expectedPeriodsToWin = expectedPeriodsToWin
        self.dealValue = dealValue
    }
}
