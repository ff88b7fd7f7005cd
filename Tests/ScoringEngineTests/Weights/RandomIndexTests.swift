import Foundation
import LinearAlgebra
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

/// The random index for any n (issue 14: AHP with 16 or more factors had no CR): the
/// published tables, Alonso–Lamata's formula beyond 15, and a simulation of random
/// reciprocal matrices as the independent truth.
@Suite("AHP random index: tables, formula and simulation")
struct RandomIndexTests {
    @Test("the published tables: Saaty 1980 and Alonso–Lamata 2006, n = 1…15")
    func publishedTables() {
        #expect(RandomIndex.saaty1980 == [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59])
        #expect(
            RandomIndex.alonsoLamata2006
                == [0, 0, 0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056, 1.4499, 1.4854, 1.5141, 1.5365, 1.5551, 1.5713, 1.5838])
        for n in 1...15 {
            #expect(RandomIndex.value(forOrder: n, table: .saaty1980)! == (RandomIndex.saaty1980[n - 1], .saaty1980))
            #expect(RandomIndex.value(forOrder: n, table: .auto)! == (RandomIndex.saaty1980[n - 1], .saaty1980))
            #expect(RandomIndex.value(forOrder: n, table: .alonsoLamata)! == (RandomIndex.alonsoLamata2006[n - 1], .alonsoLamataTable))
        }
    }

    @Test("beyond 15: Alonso–Lamata's formula (1.7699n − 4.3513)/(n − 1) for auto and alonso-lamata; none for saaty1980")
    func beyondFifteen() {
        #expect(RandomIndex.value(forOrder: 16, table: .saaty1980) == nil)
        let expected: [(Int, Double)] = [(16, 1.597807), (20, 1.634037), (30, 1.680886), (100, 1.743825)]
        for (n, value) in expected {
            for table in [RandomIndex.Table.auto, .alonsoLamata] {
                let found = RandomIndex.value(forOrder: n, table: table)
                #expect(found?.source == .alonsoLamataFormula)
                #expect(found?.value.isApproximatelyEqual(to: value, absoluteTolerance: 1e-6, relativeTolerance: 0) == true, "n = \(n)")
            }
        }
    }

    /// Mean CI of `count` random reciprocal matrices of order n, entries uniform on the 17
    /// values 1/9…1/2, 1, 2…9 (the experiment both tables report), and its standard error.
    static func simulatedRandomIndex(order n: Int, count: Int, seed: UInt64) throws -> (mean: Double, standardError: Double) {
        let scale = (2...9).reversed().map { 1 / Double($0) } + (1...9).map(Double.init)
        var random = SeededRandom(seed: seed)
        var values: [Double] = []
        for _ in 0..<count {
            var elements = [Double](repeating: 1, count: n * n)
            for i in 0..<n {
                for j in (i + 1)..<n {
                    let value = scale[min(16, Int(random.nextDouble() * 17))]
                    elements[i * n + j] = value
                    elements[j * n + i] = 1 / value
                }
            }
            let eigen = try Matrix(rows: n, columns: n, elements: elements).eigen()
            values.append((eigen.realParts[eigen.dominantIndex] - Double(n)) / Double(n - 1))
        }
        let mean = values.reduce(0, +) / Double(count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count - 1)
        return (mean, (variance / Double(count)).squareRoot())
    }

    @Test("a simulation of random matrices agrees with the RI used, n = 5, 10, 16, 20, 30: within 0.01 + 3 standard errors")
    func simulation() throws {
        // The tolerance 0.01 covers the straight-line fit beyond 15 (0.006 below simulation
        // at n = 20 with 20,000 matrices) and the tables' own sampling error.
        for (n, count) in [(5, 3000), (10, 2000), (16, 1500), (20, 1000), (30, 600)] {
            let simulated = try Self.simulatedRandomIndex(order: n, count: count, seed: UInt64(n))
            let used = try #require(RandomIndex.value(forOrder: n, table: .alonsoLamata)).value
            #expect(
                abs(used - simulated.mean) <= 0.01 + 3 * simulated.standardError,
                "n = \(n): RI \(used), simulated \(simulated.mean) ± \(simulated.standardError)")
        }
    }

    @Test("a 16-factor side gets a CR: 0 when consistent, CI / RI(16) otherwise, and the source is named")
    func sixteenFactors() throws {
        let n = 16
        // Consistent ratios wᵢ/wⱼ within Saaty's 1/9…9: wᵢ = √i gives at most 4.
        let weights = (1...n).map { Double($0).squareRoot() }
        var rows = (0..<n).map { i in (0..<n).map { j in weights[i] / weights[j] } }
        let consistent = try PairwiseComparisonMatrix(rows: rows).analyzed()
        #expect(try #require(consistent.consistencyRatio) < 1e-10)
        #expect(consistent.randomIndexSource == .alonsoLamataFormula)
        #expect(consistent.isAcceptable)
        // Perturb one pair: CR = CI / RI(16) exactly.
        rows[0][1] *= 3
        rows[1][0] /= 3
        let perturbed = try PairwiseComparisonMatrix(rows: rows).analyzed(randomIndex: .auto)
        let ratio = try #require(perturbed.consistencyRatio)
        #expect(ratio > 0)
        #expect(
            ratio.isApproximatelyEqual(
                to: perturbed.consistencyIndex / RandomIndex.alonsoLamataFormula(order: 16), absoluteTolerance: 0, relativeTolerance: 1e-12)
        )
        let saatyOnly = try PairwiseComparisonMatrix(rows: rows).analyzed(randomIndex: .saaty1980)
        #expect(saatyOnly.consistencyRatio == nil)
        #expect(saatyOnly.randomIndexSource == nil)
    }
}
