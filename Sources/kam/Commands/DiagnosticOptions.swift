import ArgumentParser
import Dispatch

/// The hidden `--timings` flag of the long commands (`forecast`, `sensitivity`, `simulate`,
/// `weights fit`, `model fit`): where the time went, on standard error, for the scripts in
/// `Benchmarks/`. Not for users, so not in `--help`.
struct DiagnosticOptions: ParsableArguments {
    @Flag(help: .hidden)
    var timings = false

    /// With `--timings`: prints on standard error the lines `lines` makes of the command's wall
    /// time in seconds, measured from `start` (a `DispatchTime.now().uptimeNanoseconds` taken
    /// when the command began); without it, nothing (`lines` is not called).
    func printTimings(since start: UInt64, _ lines: (_ wall: Double) -> [String]) {
        guard timings else { return }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        for line in lines(wall) { printError(line) }
    }
}
