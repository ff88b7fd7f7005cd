import ScoringEngine
import Testing

@testable import Reports

/// `ReasonChoice` (the one-pass choice of a whole ranking's reasons) against the definition
/// ``Explanation/reasonsUp(limit:)`` and ``Explanation/reasonsDown(limit:)`` state: impacts
/// above 1e-9 (below -1e-9), sorted strongest first with equal impacts in factor order,
/// the first three.
@Suite("ReasonChoice")
struct ReasonChoiceTests {
    /// The definition, by sorting.
    static func sorted(_ impacts: [Double], up: Bool) -> [Int] {
        let side = impacts.indices.filter { up ? impacts[$0] > 1e-9 : impacts[$0] < -1e-9 }
        let ordered = side.sorted { first, second in
            impacts[first] != impacts[second]
                ? (up ? impacts[first] > impacts[second] : impacts[first] < impacts[second]) : first < second
        }
        return Array(ordered.prefix(3))
    }

    static func chosen(_ choice: ReasonChoice, up: Bool) -> [Int] {
        (0..<choice.count(up: up)).map { choice.reason(up: up, $0).factor }
    }

    @Test("random impacts with many ties, the 1e-9 edges, zero and NaN: the sorted choice")
    func randomImpacts() {
        var random = SeededRandom(seed: 44)
        // Few distinct values, so that ties (and ties at the third place) are common.
        let values: [Double] = [0, 1e-9, -1e-9, 2e-9, -2e-9, 0.5, -0.5, 1, -1, 3.25, -3.25, .nan, 7, -7]
        for trial in 0..<5_000 {
            let count = Int.random(in: 0...14, using: &random)
            let impacts = (0..<count).map { _ in
                trial % 2 == 0 ? values.randomElement(using: &random)! : Double.random(in: -2...2, using: &random)
            }
            let choice = ReasonChoice(impacts: impacts)
            for up in [true, false] {
                let expected = Self.sorted(impacts, up: up)
                #expect(Self.chosen(choice, up: up) == expected, "impacts \(impacts), up \(up)")
                for position in expected.indices {
                    #expect(choice.reason(up: up, position).impact == impacts[expected[position]])
                }
            }
        }
    }

    @Test("a worked case: four equal strongest impacts keep the first three factors")
    func workedCase() {
        let choice = ReasonChoice(impacts: [2, -1, 2, 0, 2, 2, -3, -1, -1, 1e-9])
        #expect(Self.chosen(choice, up: true) == [0, 2, 4])
        #expect(Self.chosen(choice, up: false) == [6, 1, 7])
    }
}
