import ScoringIO
import Foundation

/// Progress messages on standard error: only on a terminal, never with --quiet, never into
/// redirected output, and only for inputs of more than 100,000 rows or slow phases.
final class Progress {
    let enabled: Bool
    /// With `--timings`: print each phase's duration when it ends, whatever the terminal.
    let timings: Bool
    private let start = Date()
    private var current: (name: String, start: Date)?

    init(enabled: Bool, timings: Bool = false) {
        self.enabled = enabled
        self.timings = timings
    }

    /// Announces a phase; `rows` below 100,000 keeps small runs quiet.
    func phase(_ text: String, rows: Int = .max) {
        finish()
        current = (text, Date())
        guard enabled, rows > 100_000 else { return }
        let seconds = formatDecimal(Date().timeIntervalSince(start), digits: 1)
        printError("kam: [\(seconds) s] \(text)…")
    }

    /// Ends the current phase (printing its duration with `--timings`).
    func finish() {
        if timings, let current {
            printError(
                "kam: timing: \(current.name): \(formatDecimal(Date().timeIntervalSince(current.start), digits: 3)) s"
                    + " (process so far: \(formatDecimal(Self.processorSeconds(), digits: 1)) s CPU, peak \(Self.peakResidentMiB()) MiB resident)")
        }
        current = nil
    }

    /// CPU seconds used by the process so far (user + system, every thread).
    static func processorSeconds() -> Double {
        let usage = resourceUsage()
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// The process's peak resident memory so far, in MiB (Linux reports `ru_maxrss` in KiB).
    static func peakResidentMiB() -> Int {
        #if os(Linux)
            return Int(resourceUsage().ru_maxrss) / 1024
        #else
            return Int(resourceUsage().ru_maxrss) / 1_048_576  // bytes on Darwin
        #endif
    }

    private static func resourceUsage() -> rusage {
        var usage = rusage()
        #if os(Linux)
            getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        return usage
    }
}
