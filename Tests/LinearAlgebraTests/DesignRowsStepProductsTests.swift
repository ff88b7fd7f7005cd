import Foundation
import LinearAlgebra
import Testing

/// `DesignRows.stepProducts` takes, in one pass over the rows, `Zs` of a step on each panel
/// (handed to the caller), then `Zᵀr` and `ZᵀWZ` of the caller's `w` and `r`. Checked against
/// the products written out from their definitions, with and without the column of ones,
/// over row ranges that cut panels and chunks, and for one and two workers (same bits).
@Suite("DesignRows.stepProducts: Zs per panel, then Zᵀr and ZᵀWZ, in one pass")
struct DesignRowsStepProductsTests {
    /// Rows 0..<n of a random 9-column matrix, selected in three ranges (a gap, then rows
    /// that cross panel and chunk boundaries).
    static let rows = 41_000
    static let ranges = [0..<700, 900..<34_500, 35_000..<41_000]

    /// The selected rows in order.
    static var selected: [Int] { ranges.flatMap { Array($0) } }

    /// The directions handed to the caller, by position (written under a lock: with two
    /// workers, panels of different chunks come concurrently).
    final class Seen: @unchecked Sendable {
        var direction: [Double]
        let lock = NSLock()
        init(count: Int) { direction = [Double](repeating: .nan, count: count) }
    }

    /// `w` and `r` of position `i`, from the direction the pass handed over.
    static func weight(_ i: Int, _ d: Double) -> Double { 0.1 + 0.2 * abs(sin(Double(i) + d)) }
    static func residual(_ i: Int, _ d: Double) -> Double { cos(0.37 * Double(i)) - 0.5 * d }

    func run(leadingOnes: Bool, workers: Int, gram: Bool) -> (seen: Seen, gram: Matrix?, product: [Double], x: Matrix) {
        var generator = SplitMix64(seed: 2026_12_08)
        let x = generator.matrix(Self.rows, 9)
        let design = DesignRows(x, rows: Self.ranges, leadingOnes: leadingOnes)
        let step = generator.vector(design.columns)
        let seen = Seen(count: design.count)
        let (gramMatrix, product) = design.stepProducts(along: step, gram: gram, workers: workers) { panel, d, w, r in
            seen.lock.lock()
            seen.direction.replaceSubrange(panel, with: d)
            seen.lock.unlock()
            for (offset, i) in panel.enumerated() {
                w[offset] = Self.weight(i, d[offset])
                r[offset] = Self.residual(i, d[offset])
            }
        }
        return (seen, gramMatrix, product, x)
    }

    @Test("Against the definitions, with and without the column of ones", arguments: [false, true])
    func definitions(leadingOnes: Bool) throws {
        let (seen, gram, product, x) = run(leadingOnes: leadingOnes, workers: 1, gram: true)
        var generator = SplitMix64(seed: 2026_12_08)
        _ = generator.matrix(Self.rows, 9)
        let terms = 9 + (leadingOnes ? 1 : 0)
        let step = generator.vector(terms)
        func z(_ row: Int, _ k: Int) -> Double { leadingOnes ? (k == 0 ? 1 : x[row, k - 1]) : x[row, k] }
        var expectedProduct = [Double](repeating: 0, count: terms)
        var expectedGram = [Double](repeating: 0, count: terms * terms)
        var largestError = 0.0
        for (i, row) in Self.selected.enumerated() {
            var d = 0.0
            for k in 0..<terms { d += z(row, k) * step[k] }
            largestError = max(largestError, abs(seen.direction[i] - d))
            let (w, r) = (Self.weight(i, seen.direction[i]), Self.residual(i, seen.direction[i]))
            for k in 0..<terms {
                expectedProduct[k] += z(row, k) * r
                for l in 0..<terms { expectedGram[k * terms + l] += w * z(row, k) * z(row, l) }
            }
        }
        #expect(largestError <= 1e-13, "Zs: largest error \(largestError)")
        let gramMatrix = try #require(gram)
        for k in 0..<terms {
            #expect(abs(product[k] - expectedProduct[k]) <= 1e-9 * max(1, abs(expectedProduct[k])), "Zᵀr[\(k)]")
            for l in 0..<terms {
                let want = expectedGram[k * terms + l]
                #expect(abs(gramMatrix[k, l] - want) <= 1e-9 * max(1, abs(want)), "ZᵀWZ[\(k), \(l)]")
                #expect(gramMatrix[k, l] == gramMatrix[l, k])
            }
        }
    }

    @Test("One worker or two: the same bits; without the Gram matrix, the same Zᵀr")
    func workersAndGram() throws {
        let one = run(leadingOnes: true, workers: 1, gram: true)
        let two = run(leadingOnes: true, workers: 2, gram: true)
        let noGram = run(leadingOnes: true, workers: 1, gram: false)
        #expect(one.product == two.product)
        #expect(try #require(one.gram).elements == (try #require(two.gram)).elements)
        #expect(one.seen.direction == two.seen.direction)
        #expect(noGram.gram == nil)
        #expect(noGram.product == one.product)
    }

    @Test("Without a step: weightedCrossProducts gives the same bits, and the caller gets no direction")
    func withoutStep() {
        var generator = SplitMix64(seed: 7)
        let x = generator.matrix(5_000, 4)
        let design = DesignRows(x, rows: [0..<5_000], leadingOnes: true)
        let (gram, product) = design.stepProducts(along: nil, gram: true, workers: 1) { panel, d, w, r in
            precondition(d.isEmpty, "no step, no direction")
            for (offset, i) in panel.enumerated() {
                w[offset] = 0.25
                r[offset] = Double(i % 7) - 3
            }
        }
        let (crossGram, crossProduct) = design.weightedCrossProducts(workers: 1) { panel, w, r in
            for (offset, i) in panel.enumerated() {
                w[offset] = 0.25
                r[offset] = Double(i % 7) - 3
            }
        }
        #expect(gram?.elements == crossGram.elements)
        #expect(product == crossProduct)
    }
}
