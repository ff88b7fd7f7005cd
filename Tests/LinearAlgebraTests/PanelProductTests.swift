import LinearAlgebra
import ScoringTestSupport
import Testing

// Tolerance: entries uniform in -1...1 with inner dimension at most 12, so rounding error is
// below 12 · 12 · 2⁻⁵³ ≈ 2e-14; compared to 1e-12 relative and 1e-12 absolute near zero.
private let relative = 1e-12
private let absolute = 1e-12

@Suite("Panelled products match brute-force loops")
struct PanelProductTests {
    /// (n, k, m, panelRows): A is n × k, B is k × m.
    static let cases: [(Int, Int, Int, Int)] = [
        (1000, 12, 3, 256),  // n not a multiple of the panel size
        (100, 12, 5, 256),  // n smaller than one panel
        (512, 7, 4, 256),  // n an exact multiple
        (10, 3, 2, 1),  // one row per panel
        (9, 4, 1, 4),  // short last panel, single output column
        (0, 4, 3, 256),  // no rows
        (5, 0, 3, 256),  // empty inner dimension: all zeros
        (5, 4, 0, 256),  // no output columns
    ]

    @Test("panelMultiplied equals the brute-force triple loop", arguments: cases)
    func panelMultiplied(n: Int, k: Int, m: Int, panelRows: Int) {
        var random = SplitMix64(seed: 10)
        let a = random.matrix(n, k)
        let b = random.matrix(k, m)
        let product = a.panelMultiplied(by: b, panelRows: panelRows)
        #expect(
            product.isApproximatelyEqual(
                to: naiveProduct(a, b), absoluteTolerance: absolute, relativeTolerance: relative))
    }

    @Test("BatchProduct overwrites every entry of the output with the product", arguments: cases)
    func batchProduct(n: Int, k: Int, m: Int, panelRows: Int) {
        var random = SplitMix64(seed: 11)
        let a = random.matrix(n, k)
        let b = random.matrix(k, m)
        // Stale contents must not leak into the result.
        var out = [Double](repeating: 99, count: n * m)
        BatchProduct.multiply(
            a.elements, rows: n, inner: k, by: b.elements, columns: m, into: &out,
            panelRows: panelRows)
        #expect(
            out.isApproximatelyEqual(
                to: naiveProduct(a, b).elements, absoluteTolerance: absolute,
                relativeTolerance: relative))
    }

    @Test("Panelled and single-call products agree with the default panel size")
    func agreesWithSingleCall() {
        var random = SplitMix64(seed: 12)
        let a = random.matrix(3000, 12)
        let b = random.matrix(12, 4)
        #expect(
            a.panelMultiplied(by: b).isApproximatelyEqual(
                to: a * b, absoluteTolerance: absolute, relativeTolerance: relative))
    }

    @Test("A window of rows scored where it lies gives those rows of the whole product, bit for bit")
    func windowOfRows() {
        var random = SplitMix64(seed: 13)
        let a = random.matrix(1000, 14)
        let b = random.matrix(14, 6)
        var whole = [Double](repeating: 0, count: 1000 * 6)
        BatchProduct.multiply(a.elements, rows: 1000, inner: 14, by: b.elements, columns: 6, into: &whole)
        for (window, panelRows) in [(0..<1000, 256), (0..<128, 128), (300..<557, 128), (999..<1000, 7), (500..<500, 256)] {
            var out = [Double](repeating: 99, count: window.count * 6)
            BatchProduct.multiply(
                a.elements, rows: window, inner: 14, by: b.elements, columns: 6, into: &out, panelRows: panelRows)
            #expect(out.map(\.bitPattern) == whole[(window.lowerBound * 6)..<(window.upperBound * 6)].map(\.bitPattern))
        }
    }
}
