import Foundation

/// Where a learner run spent its time: one entry per phase, in order, with wall-clock and
/// process CPU seconds (all threads). Printed by `kam model fit --timings`.
public struct PhaseTiming: Sendable, Equatable {
    public let name: String
    /// Wall-clock seconds.
    public let seconds: Double
    /// CPU seconds of the whole process (every thread) during the phase.
    public let processorSeconds: Double
}

/// A stopwatch that records ``PhaseTiming``s: `lap(name)` closes the phase begun at the
/// previous lap (or at creation).
final class PhaseClock: @unchecked Sendable {
    private(set) var phases: [PhaseTiming] = []
    private var wall: Double
    private var processor: Double

    init() {
        wall = Self.wallNow()
        processor = Self.processorNow()
    }

    /// Ends the current phase under `name` and starts the next.
    func lap(_ name: String) {
        let (nowWall, nowProcessor) = (Self.wallNow(), Self.processorNow())
        phases.append(PhaseTiming(name: name, seconds: nowWall - wall, processorSeconds: nowProcessor - processor))
        wall = nowWall
        processor = nowProcessor
    }

    static func wallNow() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// CPU seconds used so far by every thread of the process.
    static func processorNow() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
