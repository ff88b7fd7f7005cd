import Foundation

/// Progress messages on standard error: only on a terminal, never with --quiet, never into
/// redirected output, and only for inputs of more than 100,000 rows or slow phases.
struct Progress {
    let enabled: Bool
    private let start = Date()

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Announces a phase; `rows` below 100,000 keeps small runs quiet.
    func phase(_ text: String, rows: Int = .max) {
        guard enabled, rows > 100_000 else { return }
        let seconds = formatDecimal(Date().timeIntervalSince(start), digits: 1)
        printError("kam: [\(seconds) s] \(text)…")
    }
}

import ScoringIO
