import Synchronization

/// How many threads OpenBLAS uses inside one BLAS call.
///
/// OpenBLAS parallelizes a large product over its own threads. A caller that already runs
/// several products at once on its own threads (one per core) should limit OpenBLAS to one
/// thread meanwhile: otherwise OpenBLAS's threads and the caller's compete for the same
/// cores. On the 2-core development machine, 256-account panel products called from two
/// worker threads ran at 2.5 GFLOP/s with OpenBLAS's default threading and at about
/// 50 GFLOP/s with one OpenBLAS thread per call.
///
/// The setting is process-wide (`openblas_set_num_threads`). Holders of one thread are
/// counted: the count goes to 1 when the first one enters and back to what it was when the
/// last one leaves, so work running beside another holder (a fit, a test) never has the
/// count restored under it halfway. That keeps such work's rounding the same from run to
/// run: OpenBLAS sums some products in another order on more threads.
public enum BLASThreads {
    /// Holders of one thread, and the count to restore when the last one leaves.
    private static let holders = Mutex<(count: Int, saved: Int)>((0, 1))

    /// The number of threads OpenBLAS uses inside one call now.
    public static var count: Int { BLAS.threadCount() }

    /// Runs `body` with OpenBLAS limited to `threads` threads per call, then restores the
    /// previous count (for one thread: when no other caller holds one thread any more).
    ///
    /// - Parameter threads: At least 1.
    public static func withThreadCount<Result>(_ threads: Int, _ body: () throws -> Result) rethrows -> Result {
        guard threads == 1 else {
            let previous = BLAS.threadCount()
            BLAS.setThreadCount(threads)
            defer { BLAS.setThreadCount(max(previous, 1)) }
            return try body()
        }
        holders.withLock { state in
            if state.count == 0 {
                state.saved = BLAS.threadCount()
                BLAS.setThreadCount(1)
            }
            state.count += 1
        }
        defer {
            holders.withLock { state in
                state.count -= 1
                if state.count == 0 { BLAS.setThreadCount(max(state.saved, 1)) }
            }
        }
        return try body()
    }
}
