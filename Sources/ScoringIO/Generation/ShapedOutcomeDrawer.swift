import ScoringEngine

/// Draws the rare-industry relabel, the outcome and the leak of one generated row from
/// `ShapedHistoryTruth`, on the row's values as they will be written.
///
/// Every row takes exactly three draws from the outcome stream (relabel, outcome, leak),
/// whatever they decide, so one row's draws never shift another's.
struct ShapedOutcomeDrawer: Sendable {
    /// What was drawn for a row.
    struct Outcome {
        var won: Bool
        /// What `followup_status` says: the outcome for `leakAgreement` of the rows, a coin otherwise.
        var leakWon: Bool
        /// η, the log-odds the outcome was drawn from.
        var logOdds: Double
    }

    private typealias Column = ProspectRowWriter.Column
    private typealias Truth = ShapedHistoryTruth

    // Effects by table index, computed once from the truth's own functions.
    private let industryEffects: [Double]
    private let creditRatingEffects: [Double]
    private let telecom: Int

    init(rowWriter: ProspectRowWriter) {
        industryEffects = rowWriter.industryLabels.map { Truth.industryEffect($0) }
        creditRatingEffects = rowWriter.creditRatingLabels.map { Truth.creditRatingEffect($0) }
        telecom = ProspectVocabulary.industries.firstIndex { $0.name == "telecom" } ?? -1
    }

    /// The log-odds η of a drawn row: `ShapedHistoryTruth.logOdds(ofRow:)` of the cells
    /// this row will be written with.
    func logOdds(of p: ProspectRowWriter.Prospect, blanked: ProspectRowWriter.BlankCells) -> Double {
        func number(_ column: Int, _ value: Int) -> Double? {
            blanked.code(column) == nil ? Double(value) : nil
        }
        let shown = { (column: Int) in blanked.code(column) == nil }
        var eta = Truth.intercept
        eta += Truth.decisionCycleEffect(number(Column.decisionCycle, p.decisionCycle))
        eta += Truth.budgetEffect(number(Column.budget, p.budget))
        if shown(Column.industry) { eta += industryEffects[p.industryLabel] }
        eta +=
            shown(Column.creditRating)
            ? creditRatingEffects[p.rating] : Truth.missingCreditRatingEffect
        eta += Truth.insideContactEffect(
            shown(Column.insideContact) ? (p.insideContact ? "yes" : "no") : nil)
        eta += Truth.supportBalanceEffect(number(Column.support, p.support))
        eta += Truth.dealRiskEffect(number(Column.dealRisk, p.dealRisk))
        eta += Truth.stageEffect(number(Column.stage, p.stage))
        eta += Truth.paymentDelayEffect(number(Column.paymentDelay, p.paymentDelay))
        return eta
    }

    /// Relabels a telecom account as the rare industry (about 6% of them), then draws the
    /// outcome with P(won) = σ(η) and the leak.
    func draw(
        _ p: inout ProspectRowWriter.Prospect,
        blanked: ProspectRowWriter.BlankCells,
        random: inout SeededRandom
    ) -> Outcome {
        let relabelDraw = random.nextDouble()
        let outcomeDraw = random.nextDouble()
        let leakDraw = random.nextDouble()
        if p.industry == telecom && relabelDraw < Truth.rareIndustryShareOfTelecom {
            p.industryLabel = ProspectRowWriter.rareIndustryLabel
        }
        let eta = logOdds(of: p, blanked: blanked)
        let won = outcomeDraw < Truth.winProbability(logOdds: eta)
        let agreement = Truth.leakAgreement
        let leakWon =
            leakDraw < agreement ? won : (leakDraw - agreement) < (1 - agreement) / 2
        return Outcome(won: won, leakWon: leakWon, logOdds: eta)
    }
}
