import ArgumentParser

/// `kam rank`'s hidden flags for tests and benchmarks, apart from the options users see and
/// spelt as they always were, so the tests and `Benchmarks/` scripts that pass them do not
/// change. `Rank.validate()` checks their values with the others.
struct RankDiagnosticOptions: ParsableArguments {
    /// Where the time went, on standard error.
    @Flag(help: .hidden)
    var timings = false

    /// Reads the whole list into memory first (the reference path the streaming one is
    /// tested against; also used for inputs that are not regular files, such as pipes).
    @Flag(help: .hidden)
    var inMemory = false

    /// Bytes per block of the streaming reader (tests use small blocks to cut records).
    @Option(help: .hidden)
    var blockSize: Int?

    /// Worker threads of the streaming reader.
    @Option(help: .hidden)
    var workers: Int?

    /// Accounts per sorted run, instead of --memory (tests make the ranking spill with
    /// tiny runs).
    @Option(help: .hidden)
    var memoryRows: Int?

    /// Seconds to wait inside the history transaction after the first accounts are
    /// written (tests of concurrent writers and of a run killed in the middle).
    @Option(help: .hidden)
    var recordHold: Double?

    /// Accounts recorded per page of a streamed ranking (tests use small pages).
    @Option(help: .hidden)
    var recordPageRows: Int?

    /// Shown rows per page of a streamed ranking of every row (tests use small pages, so
    /// that many pages are mapped side by side).
    @Option(help: .hidden)
    var pageRows: Int?
}
