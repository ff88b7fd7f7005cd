import ScoringEngine

/// Writes a ``PipelineModel`` as a readable, editable YAML file (schema `kam.pipeline/1`).
///
/// The file explains itself in comments; every transition probability sits on one line
/// with the count behind it and its confidence interval. ``PipelineFileReader`` reads it
/// back (also after hand edits).
public enum PipelineFileWriter {
    /// The schema name written in every pipeline file.
    public static let schema = "kam.pipeline/1"

    /// The file's text.
    ///
    /// - Parameter command: The command line that made the model, quoted in the header.
    public static func yaml(_ model: PipelineModel, command: String? = nil) -> String {
        let table = model.transitions
        let period = table.period
        var lines: [String] = []
        lines.append("# kam pipeline model: how accounts move between the development stages per \(period.rawValue),")
        lines.append("# and (under 'conversion') how their value and difficulty scores shift their chance of winning.")
        if let command { lines.append("# Made by: \(command)") }
        lines.append("#")
        lines.append("# transitions: for each stage, the probability that an account in it is in each state one")
        lines.append("# \(period.rawValue) later: stage_1…stage_5 (staying included), won or lost. Each stage's")
        lines.append("# probabilities sum to 1. 'count' is the number of account-\(period.rawValue)s that made the")
        let level = Int((table.confidenceLevel * 100).rounded())
        lines.append("# move, 'interval' the \(level)% Wilson interval of the probability. You may edit a probability")
        lines.append("# (keep each stage's sum at 1; entries left out are 0); counts and intervals then no longer")
        lines.append("# apply and are ignored. `kam pipeline show` prints what the file implies.")
        lines.append("")
        lines.append("schema: \(schema)")
        lines.append("period: \(period.rawValue)")
        lines.append("confidence_level: \(number(table.confidenceLevel, digits: 2))")
        if let history = model.history {
            lines.append("")
            lines.append("# The event log the transitions were estimated from. Accounts still open on observed_until")
            lines.append("# count with the \(period.rawValue)s they were observed (right-censored), not as stuck or lost.")
            lines.append("history:")
            lines.append("  events: \(quoted(history.source))")
            lines.append("  first_date: \(history.firstDate)")
            lines.append("  observed_until: \(history.observedUntil)")
            lines.append("  accounts: \(history.accounts)")
            lines.append("  won: \(history.won)")
            lines.append("  lost: \(history.lost)")
            lines.append("  censored: \(history.censored)")
        }
        lines.append("")
        lines.append("transitions:")
        let exposures = table.exposures
        let intervals = table.intervals
        for row in 0..<PipelineState.stageCount {
            let state = PipelineState.stage(row + 1)
            var comment = "  # \(state.label(.en)) \(state.label(.zh))"
            if let exposures {
                comment += "; \(exposures[row]) account-\(period.rawValue)s observed in this stage"
            }
            lines.append("  \(state.key):" + comment)
            for column in 0..<PipelineState.count {
                let target = PipelineState(index: column) ?? .lost
                let padding = String(repeating: " ", count: 8 - target.key.count)
                var entry = "{probability: \(number(table.probabilities[row, column], digits: 6))"
                if let counts = table.counts, let intervals {
                    let interval = intervals[row][column]
                    entry +=
                        ", count: \(counts[row][column]), interval: [\(number(interval.lowerBound, digits: 6)), \(number(interval.upperBound, digits: 6))]"
                }
                lines.append("    \(target.key):\(padding)\(entry)}")
            }
        }
        if let conversion = model.conversion {
            lines.append("")
            lines.append("# The account-level conversion model, fitted by logistic regression on account snapshots:")
            lines.append("#   logit P(won) = logit P(won | stage) + intercept")
            lines.append("#                  + value · (value score − 50)/10 + difficulty · (difficulty score − 50)/10")
            lines.append("# with the scores of the scoring model named here. Accounts with insufficient information")
            lines.append("# are not forecast. factor_statistics keep batch-relative factors on the fitted scale.")
            lines.append("conversion:")
            lines.append("  scoring_model: \(quoted(conversion.scoringModel))")
            for (name, coefficient) in [
                ("intercept", conversion.intercept), ("value", conversion.value), ("difficulty", conversion.difficulty),
            ] {
                let padding = String(repeating: " ", count: 11 - name.count)
                lines.append(
                    "  \(name):\(padding){estimate: \(number(coefficient.estimate, digits: 6)), standard_error: \(number(coefficient.standardError, digits: 6))}"
                )
            }
            if let summary = conversion.fitSummary {
                lines.append("  fitted_on:")
                lines.append("    snapshots: \(quoted(summary.source))")
                lines.append("    used: \(summary.used)")
                lines.append("    won: \(summary.won)")
                lines.append("    insufficient_information: \(summary.insufficientInformation)")
                lines.append("    unresolved: \(summary.unresolved)")
                lines.append("    uninformative: \(summary.uninformative)")
            }
            if !conversion.factorStatistics.isEmpty {
                lines.append("  factor_statistics:")
                for id in conversion.factorStatistics.keys.sorted() {
                    guard let stats = conversion.factorStatistics[id] else { continue }
                    lines.append(
                        "    \(id): {minimum: \(number(stats.minimum)), maximum: \(number(stats.maximum)), mean: \(number(stats.mean)), "
                            + "standard_deviation: \(number(stats.standardDeviation)), mean_utility: \(number(stats.meanUtility))}")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A number with fixed decimals; `.nan` for NaN (YAML's not-a-number).
    static func number(_ value: Double, digits: Int = 10) -> String {
        guard value.isFinite else { return value.isNaN ? ".nan" : (value > 0 ? ".inf" : "-.inf") }
        var text = formatDecimal(value, digits: digits)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text += "0" }
        }
        return text
    }

    /// A YAML double-quoted string.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
