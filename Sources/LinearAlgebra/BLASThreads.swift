/// How many threads OpenBLAS uses inside one BLAS call.
///
/// OpenBLAS parallelizes a large product over its own threads. A caller that already runs
/// several products at once on its own threads (one per core) should limit OpenBLAS to one
/// thread meanwhile: otherwise OpenBLAS's threads and the caller's compete for the same
/// cores. On the 2-core development machine, 256-account panel products called from two
/// worker threads ran at 2.5 GFLOP/s with OpenBLAS's default threading and at about
/// 50 GFLOP/s with one OpenBLAS thread per call.
///
/// The setting is process-wide (`openblas_set_num_threads`); ``withThreadCount(_:_:)``
/// restores the previous value when its body returns.
public enum BLASThreads {
    /// The number of threads OpenBLAS uses inside one call now.
    public static var count: Int { BLAS.threadCount() }

    /// Runs `body` with OpenBLAS limited to `threads` threads per call, then restores the
    /// previous count.
    ///
    /// - Parameter threads: At least 1.
    public static func withThreadCount<Result>(_ threads: Int, _ body: () throws -> Result) rethrows -> Result {
        let previous = BLAS.threadCount()
        BLAS.setThreadCount(threads)
        defer { BLAS.setThreadCount(max(previous, 1)) }
        return try body()
    }
}
