import ArgumentParser

/// The hidden `--timings` flag of the long commands (`forecast`, `sensitivity`, `simulate`,
/// `weights fit`, `model fit`): where the time went, on standard error, for the scripts in
/// `Benchmarks/`. Not for users, so not in `--help`.
struct DiagnosticOptions: ParsableArguments {
    @Flag(help: .hidden)
    var timings = false
}
