import Dispatch

extension SeededRandom {
    /// Runs `runs` Monte Carlo runs on up to `threads` worker threads, each run with its own
    /// random stream, so that the results depend on the seed and not on the number of
    /// threads.
    ///
    /// Run `r` draws from `SeededRandom(seed: seed).split(stream: r)` (the streams are made
    /// in order by jumping one generator) and is done by worker `r % workers`, in increasing
    /// order of `r` on each worker.
    ///
    /// - Parameters:
    ///   - runs: How many runs; at least 0.
    ///   - seed: The seed of the generator the streams are split from.
    ///   - threads: The most worker threads; at least 1.
    ///   - body: One run: its index, and its stream (for it alone). Called from the worker
    ///     threads, so it writes only what belongs to its run.
    static func forEachRun(runs: Int, seed: UInt64, threads: Int, _ body: @Sendable (_ run: Int, _ random: inout SeededRandom) -> Void) {
        var base = SeededRandom(seed: seed)
        let generators: [SeededRandom] = (0..<runs).map { _ in
            base.jump()
            return base
        }
        let workers = min(threads, runs)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for run in stride(from: worker, to: runs, by: workers) {
                var random = generators[run]
                body(run, &random)
            }
        }
    }
}
