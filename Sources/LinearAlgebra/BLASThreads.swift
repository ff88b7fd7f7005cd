internal import Foundation
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

    /// Makes OpenBLAS run every call on the calling thread and ends its server threads, unless
    /// the environment sets OpenBLAS's thread count (`OPENBLAS_NUM_THREADS`,
    /// `GOTO_NUM_THREADS` or `OMP_NUM_THREADS`). Returns whether it did.
    ///
    /// `kam` runs its own work on one thread per core; OpenBLAS's threads only competed with it.
    /// Debian's OpenBLAS 0.3.21 (pthreads) starts one server thread per extra core when it
    /// loads, again whenever its thread count is set, and after every call it spread over
    /// them; each time they spin on `sched_yield` for 2²⁸ processor ticks (about 0.1 s) before
    /// they sleep. At the start of `kam rank` on 1,000,000 rows that spin took 55–60 ms of
    /// processor time from the two workers, and `kam sensitivity` (products at OpenBLAS's
    /// default count) spent 20% less processor time with one thread per call. Ending the
    /// threads is `blas_thread_shutdown_`, the routine OpenBLAS runs itself around a `fork`,
    /// looked up at run time (an OpenBLAS without it, a serial build, is left as it is); a later
    /// call that asks for more threads starts them again.
    ///
    /// - Precondition: No BLAS call is running on another thread (call it at the start of the
    ///   process): ending the threads under a running product would lose its work.
    @discardableResult
    public static func runCallsOnCallingThread(environment: [String: String]) -> Bool {
        guard ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"].allSatisfy({ environment[$0] == nil }) else {
            return false
        }
        BLAS.setThreadCount(1)
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "blas_thread_shutdown_") else { return true }
        typealias Shutdown = @convention(c) () -> Int32
        _ = unsafeBitCast(symbol, to: Shutdown.self)()
        return true
    }
}
