import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import Reports

/// The `Reports` module in process: a page built from a literal batch, without the binary.
@Suite("HTMLReport in process")
struct HTMLReportLibraryTests {
    static let hostile = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>", "'single' & <b>bold</b>"]

    func report(accounts count: Int, densityAbove: Int = 3000, language: Language = .en) throws -> (HTMLReport, BatchAssessment) {
        var random = SeededRandom(seed: 7)
        let model = ModelFixtures.randomModel(using: &random)
        var batch = ModelFixtures.randomBatch(for: model, accounts: count, using: &random)
        for row in batch.accounts.indices {
            let text = Self.hostile[row % Self.hostile.count]
            batch.accounts[row].name = text
            batch.accounts[row].manager = text
            batch.accounts[row].id = "K\(row)" + text
        }
        let assessment = ScoringPipeline(model: model).assess(batch)
        let report = HTMLReport(
            language: language,
            source: .init(
                file: "/tmp/<list>.csv", bytes: 10, contentHash: "0123", generatedAt: Date(timeIntervalSince1970: 0), kamVersion: "test"),
            ranking: .init(
                assessment: assessment, rowsRead: count, rejects: [], unevaluatedSegments: [],
                rankedRows: assessment.rankedRows()),
            topCount: 20, densityThreshold: densityAbove)
        return (report, assessment)
    }

    @Test("input text never reaches the page unescaped, in content or attributes")
    func escaping() throws {
        let page = try report(accounts: 30).0.render()
        for text in Self.hostile { #expect(!page.contains(text), "unescaped: \(text)") }
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
        #expect(page.contains("&#39;single&#39; &amp; &lt;b&gt;bold&lt;/b&gt;"))
        #expect(page.contains("&lt;list&gt;.csv"))
        #expect(page.components(separatedBy: "<script").count == 2)
    }

    @Test("dots up to the threshold, hexagonal bins above it; cell counts hold every graded account")
    func gradeMapModes() throws {
        let (small, assessment) = try report(accounts: 40)
        let dots = small.render()
        #expect(dots.components(separatedBy: "class=\"dot\"").count - 1 == assessment.count)
        let (large, big) = try report(accounts: 400, densityAbove: 100)
        let density = large.render()
        #expect(density.contains("data-mode=\"density\""))
        #expect(!density.contains("class=\"dot\""))
        let counts = try NSRegularExpression(
            pattern: "<path d=\"[^\"]*\" fill=\"#1d3f8f\" fill-opacity=\"[0-9.]+\" data-tip=\"[^\"]*\" data-count=\"([0-9]+)\"")
        let binned = counts.matches(in: density, range: NSRange(density.startIndex..., in: density)).map {
            Int(density[Range($0.range(at: 1), in: density)!])!
        }
        let graded = big.grades.filter { $0 != .insufficient }.count
        #expect(binned.reduce(0, +) == graded)
        let cells = try NSRegularExpression(pattern: "class=\"cell\" data-grade=\"[A-D]\" data-count=\"([0-9]+)\"")
        let cellCounts = cells.matches(in: density, range: NSRange(density.startIndex..., in: density)).map {
            Int(density[Range($0.range(at: 1), in: density)!])!
        }
        #expect(cellCounts.reduce(0, +) == graded)
    }

    @Test("an account's hexagonal bin is the one whose centre is nearest (brute force over every bin), rounding as rounded()")
    func hexbinKeys() {
        var random = SeededRandom(seed: 11)
        let keys = GradeMapGeometry.hexbinKeyRange
        let centres = (0..<42).flatMap { row in (-1...53).map { row * 4096 + $0 + 1 } }
        #expect(centres.allSatisfy(keys.contains))
        // Every reachable bin has its own count slot, and the slot gives its key back.
        let slots = centres.map(GradeMapGeometry.slot(of:))
        #expect(Set(slots).count == centres.count && slots.allSatisfy((0..<GradeMapGeometry.slotCount).contains))
        #expect(zip(slots, centres).allSatisfy { GradeMapGeometry.key(ofSlot: $0) == $1 })
        #expect([-1, 42 * 4096, 56, 4096 + 4000, -4096].allSatisfy { GradeMapGeometry.slot(of: $0) == -1 })
        var points = (0..<3000).map { _ in (Double.random(in: -5...105, using: &random), Double.random(in: -5...105, using: &random)) }
        points += [(0, 0), (100, 100), (0, 100), (100, 0), (50, 50)]
        for (value, difficulty) in points {
            let key = GradeMapGeometry.hexbinKey(value: value, difficulty: difficulty)
            let x = GradeMapGeometry.x(difficulty)
            let y = GradeMapGeometry.y(value)
            func distance(_ key: Int) -> Double {
                let centre = GradeMapGeometry.hexbinCentre(key: key)
                return (x - centre.x) * (x - centre.x) + (y - centre.y) * (y - centre.y)
            }
            let nearest = centres.map(distance).min()!
            #expect(keys.contains(key) && distance(key) <= nearest * (1 + 1e-12) + 1e-12, "value \(value), difficulty \(difficulty)")
        }
        // The rounding without the C library's call: halves away from zero, as rounded().
        var cases = [-2.5, -1.5, -0.5, -0.49999999999999994, 0, 0.49999999999999994, 0.5, 1.5, 2.5, 52.5, 53.49999999999999]
        cases += (0..<2000).map { _ in Double.random(in: -3...60, using: &random) }
        for x in cases { #expect(GradeMapGeometry.roundedHalfAway(x) == Int(x.rounded()), "\(x)") }
    }

    @Test("numbers have printf's %.Nf digits (exact rounding, halves to even), the fast way or not")
    func fixedDigits() {
        var random = SeededRandom(seed: 13)
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, -0.125, 0.05, 0.15, 0.25, 1e-7, -1e-7, 123.456, 999.9995]
        values += [1e11, 1e12 + 0.5, 1e15, 4.35, 2.675, 1.005, 0.045, -0.0049999, 12_345_678.125]
        values += (0..<4000).map { _ in Double.random(in: -1000...1000, using: &random) }
        values += (0..<2000).map { _ in Double(Int.random(in: -100_000...100_000, using: &random)) / 1000 }
        values += (0..<2000).map { _ in Double(Int.random(in: -100_000...100_000, using: &random)) / 8 }
        for value in values {
            for digits in 0...7 {
                var printf = String(format: "%.\(digits)f", value)
                if printf.hasPrefix("-"), Double(printf) == 0 { printf.removeFirst() }
                #expect(HTMLText.fixed(value, digits) == printf, "\(value) with \(digits) decimals")
            }
        }
    }

    @Test("deal values per grade are summed exactly and rounded once: the order of the accounts does not matter")
    func exactDealValues() {
        var random = SeededRandom(seed: 7)
        let model = ModelFixtures.randomModel(using: &random)
        let terms = [1e16, 1.0, 0.1, 1.0, 123.456, 1e-3]
        var forward = ListOverview(grading: model.grading)
        var backward = ListOverview(grading: model.grading)
        for term in terms { forward.observe(grade: .b, value: 50, difficulty: 50, dealValue: term) }
        for term in terms.reversed() { backward.observe(grade: .b, value: 50, difficulty: 50, dealValue: term) }
        // The exact sum is 10000000000000125.557; doubles there are 2 apart. Adding in order
        // would give 10000000000000124.
        #expect(forward.dealValue(.b) == 10_000_000_000_000_126)
        #expect(backward.dealValue(.b) == forward.dealValue(.b))
        #expect(forward.count(.b) == terms.count && forward.accepted == terms.count && forward.dealValue(.a) == 0)
        forward.observe(grade: .insufficient, value: 1, difficulty: 1, dealValue: nil)
        #expect(forward.insufficient == 1 && forward.cells.joined().reduce(0, +) == terms.count)
    }
}
