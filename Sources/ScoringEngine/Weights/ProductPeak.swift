import Dispatch
import LinearAlgebra

/// Measures what OpenBLAS's `dgemm` achieves on this machine right now, so a run's product
/// throughput can be compared with it (``SensitivityResult/Timings``).
public enum ProductPeak {
    /// GFLOP/s of one square n × n × n `dgemm` (2n³ flops), best of `repeats`.
    public static func square(size n: Int = 1000, repeats: Int = 3) -> Double {
        var random = SeededRandom(seed: 1)
        let a = (0..<(n * n)).map { _ in random.nextDouble() }
        let b = (0..<(n * n)).map { _ in random.nextDouble() }
        var c = [Double](repeating: 0, count: n * n)
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            BatchProduct.multiply(a, rows: n, inner: n, by: b, columns: n, into: &c, panelRows: n)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
    }

    /// GFLOP/s of `panels` products W · Uᵀ of a `columns × inner` weight matrix by a
    /// `panelRows × inner` utility panel — the shape of the sensitivity analysis' products —
    /// run one after another on the calling thread with OpenBLAS held to one thread (the
    /// per-core rate), best of `repeats`.
    public static func panels(panelRows: Int = 256, inner: Int, columns: Int, panels: Int = 200, repeats: Int = 3) -> Double {
        var random = SeededRandom(seed: 2)
        let weights = Matrix(rows: columns, columns: inner, elements: (0..<(columns * inner)).map { _ in random.nextDouble() })
        let panel = Matrix(rows: panelRows, columns: inner, elements: (0..<(panelRows * inner)).map { _ in random.nextDouble() })
        var out = [Double](repeating: 0, count: columns * panelRows)
        var best = Double.infinity
        var sink = 0.0
        BLASThreads.withThreadCount(1) {
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<panels {
                    BatchProduct.multiply(
                        weights.elements, rows: columns, inner: inner, byTransposed: panel.elements, columns: panelRows,
                        into: &out)
                    sink += out[0]
                }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
        }
        precondition(sink.isFinite, "ProductPeak: the products must be finite")
        return 2 * Double(panelRows) * Double(inner) * Double(columns) * Double(panels) / best / 1e9
    }
}
