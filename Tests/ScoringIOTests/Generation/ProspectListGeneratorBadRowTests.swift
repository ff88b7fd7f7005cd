import Testing

@testable import ScoringIO

@Suite("ProspectListGenerator: deliberately bad rows")
struct ProspectListGeneratorBadRowTests {
    typealias Kind = ProspectListGenerator.BadRow.Kind

    /// The faults found in each row by looking at the file alone, keyed by data row.
    private func detectFaults(in list: GeneratedList) -> [Int: Kind] {
        let budget = list.column("annual_ad_budget")
        let share = list.column("expected_share")
        let credit = list.column("credit_rating")
        var seenIDs = Set<String>()
        var faults: [Int: Kind] = [:]
        for (index, fields) in list.rows.enumerated() {
            let row = index + 1
            var found: [Kind] = []
            if !seenIDs.insert(fields[0]).inserted { found.append(.duplicateAccountID) }
            if fields.count == list.header.count - 1 {
                found.append(.missingField)
            } else {
                if fields[budget].hasPrefix("about ") { found.append(.nonNumericValue) }
                if fields[credit] == "Z" { found.append(.unknownCategory) }
                if fields[share].hasSuffix("万") { found.append(.misplacedUnit) }
            }
            #expect(found.count <= 1, "row \(row) has several faults: \(found)")
            if let kind = found.first { faults[row] = kind }
        }
        return faults
    }

    @Test("Five bad rows in 300 sit at rows 31, 91, 151, 211 and 271, one of each kind")
    func samplePlacement() throws {
        let options = try GeneratorOptions(rows: 300, seed: 20121, blankRate: 0.04, badRows: 5)
        let generator = ProspectListGenerator(options: options)
        let plan = generator.badRows
        #expect(plan.map(\.row) == [31, 91, 151, 211, 271])
        #expect(plan.map(\.line) == [32, 92, 152, 212, 272])
        #expect(plan.map(\.kind) == Kind.allCases)
        #expect(plan[2].duplicatedRow == 150)
        let faults = detectFaults(in: GeneratedList(generator.bytes()))
        #expect(faults == Dictionary(uniqueKeysWithValues: plan.map { ($0.row, $0.kind) }))
    }

    @Test(
        "Bad rows appear exactly as planned: count, kinds cycling, positions",
        arguments: [(1, 1), (10, 5), (1000, 12), (5000, 3), (20, 20), (9000, 40)])
    func planMatchesFile(rows: Int, badRows: Int) throws {
        let options = try GeneratorOptions(
            rows: rows, seed: UInt64(rows), blankRate: 0.1, badRows: badRows)
        let generator = ProspectListGenerator(options: options)
        let plan = generator.badRows
        #expect(plan.count == badRows)
        #expect(Set(plan.map(\.row)).count == badRows)
        #expect(plan.map(\.row) == plan.map(\.row).sorted())
        #expect(plan.allSatisfy { (1...rows).contains($0.row) })
        for (index, badRow) in plan.enumerated() {
            #expect(badRow.kind == Kind.allCases[index % 5])
            #expect(badRow.row == (2 * index + 1) * rows / (2 * badRows) + 1)
            if badRow.kind == .duplicateAccountID {
                let duplicated = try #require(badRow.duplicatedRow)
                #expect(duplicated < badRow.row)
            }
        }
        let faults = detectFaults(in: GeneratedList(generator.bytes()))
        #expect(faults == Dictionary(uniqueKeysWithValues: plan.map { ($0.row, $0.kind) }))
    }

    @Test("Twelve bad rows hold each kind two or three times, cycling in order")
    func kindCounts() throws {
        let generator = ProspectListGenerator(
            options: try GeneratorOptions(rows: 1000, badRows: 12))
        var counts: [Kind: Int] = [:]
        for badRow in generator.badRows { counts[badRow.kind, default: 0] += 1 }
        #expect(
            counts == [
                .missingField: 3, .nonNumericValue: 3, .duplicateAccountID: 2, .unknownCategory: 2,
                .misplacedUnit: 2,
            ])
    }

    @Test("A duplicate repeats the nearest earlier row that is not itself bad")
    func duplicateTarget() throws {
        // With 3 rows, all bad, no earlier row is good: the duplicate (row 3) falls back
        // to row 1.
        let crowded = ProspectListGenerator(options: try GeneratorOptions(rows: 3, badRows: 3))
        #expect(crowded.badRows.map(\.row) == [1, 2, 3])
        #expect(crowded.badRows[2].duplicatedRow == 1)
        let list = GeneratedList(crowded.bytes())
        #expect(list.rows[2][0] == "K-000001")
    }

    @Test("A bad row differs from the good row only in its faulty cell")
    func badRowsKeepOtherValues() throws {
        let good = GeneratedList(
            ProspectListGenerator(
                options: try GeneratorOptions(rows: 600, seed: 12, blankRate: 0.05)
            ).bytes())
        let badGenerator = ProspectListGenerator(
            options: try GeneratorOptions(rows: 600, seed: 12, blankRate: 0.05, badRows: 10))
        let bad = GeneratedList(badGenerator.bytes())
        let plan = Dictionary(uniqueKeysWithValues: badGenerator.badRows.map { ($0.row, $0) })
        let serviceFit = good.column("service_fit")
        for (index, (goodRow, badRowFields)) in zip(good.rows, bad.rows).enumerated() {
            guard let badRow = plan[index + 1] else {
                #expect(goodRow == badRowFields)
                continue
            }
            var expected = goodRow
            var actual = badRowFields
            if badRow.kind == .missingField {
                expected.remove(at: serviceFit)
            } else {
                let faulty = good.column(badRow.kind.column)
                expected.remove(at: faulty)
                actual.remove(at: faulty)
            }
            #expect(actual == expected, "row \(badRow.row)")
        }
    }

    @Test("Each fault is written as documented")
    func faultSpellings() throws {
        let generator = ProspectListGenerator(
            options: try GeneratorOptions(rows: 300, seed: 20121, blankRate: 0.04, badRows: 5))
        let list = GeneratedList(generator.bytes())
        let rows = generator.badRows.map { list.rows[$0.row - 1] }
        #expect(rows[0].count == 26)
        #expect(rows[1][list.column("annual_ad_budget")].wholeMatch(of: /about [0-9]+/) != nil)
        #expect(rows[2][0] == list.rows[149][0])
        #expect(rows[3][list.column("credit_rating")] == "Z")
        #expect(rows[4][list.column("expected_share")].wholeMatch(of: /[0-9]+万/) != nil)
        #expect(
            generator.badRows.map(\.description) == [
                "line 32: one field too few (service_fit is left out)",
                "line 92: annual_ad_budget is text, not a number",
                "line 152: account_id repeats line 151",
                "line 212: credit_rating is 'Z', not a rating",
                "line 272: expected_share is in 万 instead of percent",
            ])
    }
}
