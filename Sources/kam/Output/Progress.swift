import Foundation
import Reports
import ScoringEngine
import ScoringIO

/// Progress messages on standard error: only on a terminal, never with --quiet, never into
/// redirected output, and only for inputs of more than 100,000 rows or slow phases.
/// ``update(rows:)`` may be called from the reader's merging thread (under a lock); the
/// other methods run on the command's thread.
final class Progress: @unchecked Sendable {
    let enabled: Bool
    /// With `--timings`: print each phase's duration when it ends, whatever the terminal.
    let timings: Bool
    /// The language of the phase and progress lines (`--timings` lines stay English).
    let language: Language
    private let start = Date()
    private var current: (name: String, start: Date)?
    /// The phase's expected rows, and when its progress line was last drawn.
    private var expected = 0
    /// What the phase counts: rows, draws, runs.
    private var unit = "rows"
    private var drawn: Date?
    /// Whether the current phase draws (announced with more than its threshold of rows).
    private var shown = false
    /// Whether `expected` is the phase's exact total (then the line says "12/69 steps").
    private var exactTotal = false
    private let lock = NSLock()

    init(enabled: Bool, timings: Bool = false, language: Language = .en) {
        self.enabled = enabled
        self.timings = timings
        self.language = language
    }

    /// Announces a phase; `rows` below `threshold` (100,000) keeps small runs quiet. `unit`
    /// names what ``update(rows:)`` counts (rows, runs, draws).
    func phase(_ text: String, rows: Int = .max, unit: String = "rows", threshold: Int = 100_000) {
        finish()
        lock.lock()
        current = (text, Date())
        exactTotal = false
        expected = rows
        self.unit = unit
        shown = enabled && rows > threshold
        lock.unlock()
        guard shown else { return }
        let seconds = formatDecimal(Date().timeIntervalSince(start), digits: 1)
        printError(
            language == .zh ? "kam: [\(seconds) 秒] \(Self.chinese(phase: text))…" : "kam: [\(seconds) s] \(text)…")
    }

    /// Redraws the phase's line with the rows done, the rate and the time left, at most
    /// ten times a second (from any thread); only for phases announced with more than
    /// 100,000 rows, on a terminal, without --quiet.
    func update(rows done: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard shown, expected != .max else { return }
        let now = Date()
        // An exact total's last count is always drawn, so the line ends at "75/75 steps".
        if let drawn, now.timeIntervalSince(drawn) < 0.1, !(exactTotal && done == expected) { return }
        guard let current else { return }
        drawn = now
        let elapsed = max(now.timeIntervalSince(current.start), 1e-3)
        let rate = Double(done) / elapsed
        let count = exactTotal ? "\(ReportFormat.grouped(done))/\(ReportFormat.grouped(expected))" : ReportFormat.grouped(done)
        // Slow units (the learner's steps) keep a decimal: "0.4 steps/s", not "0 steps/s".
        let shownRate = rate < 10 ? formatDecimal(rate, digits: 1) : ReportFormat.grouped(Int(rate))
        let left = rate > 0 && done < expected ? formatDecimal(Double(expected - done) / rate, digits: 0) : nil
        var line: String
        if language == .zh {
            let unit = Self.chinese(unit: unit)
            line = "\rkam: \(Self.chinese(phase: current.name))：\(count) \(unit)，每秒 \(shownRate) \(unit)"
            if let left { line += "，约剩 \(left) 秒" }
        } else {
            line = "\rkam: \(current.name): \(count) \(unit), \(shownRate) \(unit)/s"
            if let left { line += ", about \(left) s left" }
        }
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
    }

    /// ``update(rows:)`` for a phase whose total is known only once its work has started
    /// (the model learner's steps): `total` replaces the phase's expected count (whether the
    /// phase draws was decided when it was announced).
    func update(rows done: Int, of total: Int) {
        lock.lock()
        expected = total
        exactTotal = true
        lock.unlock()
        update(rows: done)
    }

    /// Ends the current phase (printing its duration with `--timings`).
    func finish() {
        lock.lock()
        if drawn != nil { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = nil
        lock.unlock()
        if timings, let current {
            printError(
                "kam: timing: \(current.name): \(formatDecimal(Date().timeIntervalSince(current.start), digits: 3)) s"
                    + " (process so far: \(formatDecimal(Self.processorSeconds(), digits: 1)) s CPU, peak \(Self.peakResidentMiB()) MiB resident)"
            )
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

    /// The process's resource usage (`getrusage(RUSAGE_SELF)`).
    static func resourceUsage() -> rusage {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return usage
    }
}
