import ScoringEngine
import Testing

@Suite("CategoryLabels: a column of labels, each distinct label stored once")
struct CategoryLabelsTests {
    @Test("Read back as the labels it was made of, each distinct string once, in the order of its first account")
    func roundTrip() {
        let values: [String?] = ["b", nil, "a", "b", "B", nil, "a", ""]
        let labels = CategoryLabels(values)
        #expect(Array(labels) == values)
        #expect(labels.labels == ["b", "a", "B", ""])
        #expect(labels.codes == [0, -1, 1, 0, 2, -1, 1, 3])
        #expect(labels == ["b", nil, "a", "b", "B", nil, "a", ""])
        #expect(labels != ["b", nil, "a", "b", "b", nil, "a", ""])
        #expect(CategoryLabels([]).isEmpty)
    }

    @Test("Mostly distinct, few distinct and a mix: codes and labels as a brute-force numbering gives them")
    func largeColumns() {
        var random = SeededRandom(seed: 11)
        // Names (nearly all distinct, room made after the probe), codes (six labels), and a
        // column that turns distinct only after the probe.
        let columns: [[String?]] = [
            (0..<20_000).map { $0 % 97 == 0 ? nil : "name \($0 % 19_000)" },
            (0..<20_000).map { _ in random.nextDouble() < 0.1 ? nil : "code \(Int(random.nextDouble() * 6))" },
            (0..<20_000).map { $0 < 5_000 ? "early" : "late \($0)" },
        ]
        for values in columns {
            let labels = CategoryLabels(values)
            var first: [String: Int32] = [:]
            var expectedLabels: [String] = []
            var expectedCodes: [Int32] = []
            for value in values {
                guard let value else {
                    expectedCodes.append(-1)
                    continue
                }
                if first[value] == nil {
                    first[value] = Int32(expectedLabels.count)
                    expectedLabels.append(value)
                }
                expectedCodes.append(first[value]!)
            }
            #expect(labels.labels == expectedLabels)
            #expect(labels.codes == expectedCodes)
            #expect(Array(labels) == values)
        }
    }

    @Test("A subset of rows keeps its labels, in the order asked, and compares equal to the same labels coded afresh")
    func rows() {
        let labels: CategoryLabels = ["x", "y", nil, "z", "y"]
        let subset = labels.rows([4, 2, 0, 0])
        #expect(Array(subset) == ["y", nil, "x", "x"])
        #expect(subset == CategoryLabels(["y", nil, "x", "x"]))
        #expect(subset.labels == labels.labels)
    }

    @Test("mapCodes calls its function once per distinct label an account holds, in the order of the accounts")
    func mapCodes() {
        let labels = CategoryLabels(["p", "q", "p", nil, "r", "q"]).rows([1, 0, 2, 3, 5])  // q p p nil q: r unused
        var calls: [String] = []
        let codes = labels.mapCodes { label -> Int32 in
            calls.append(label)
            return label == "p" ? 7 : -2
        }
        #expect(calls == ["q", "p"])
        #expect(codes == [-2, 7, 7, -1, -2])
    }
}
