import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// `special_values` in model files: read, written back exactly, scored before the scale, and
/// refused with the line when malformed.
@Suite("Special values in model files")
struct SpecialValueFileTests {
    /// `days` (binned, decreasing) with three kinds of special value; `risk` with bare codes.
    static let model = """
        name: specials
        factors:
          - id: days
            column: pdays
            side: value
            weight: 2
            direction: decreasing
            scale:
              type: binned
              bins:
                - {below: 5, utility: 0.9}
                - {below: 15, utility: 0.5}
                - {utility: 0.1}
            missing: {utility: 0.2}
            special_values:
              - {value: 999, utility: 0.05, count: 27734, won: 2551, label: never contacted}
              - {value: -1, utility: 0.30000000000000004}
              - {value: 0.1, label: same day}
          - id: risk
            column: deal_risk
            side: difficulty
            weight: 1
            missing: worst
            scale: {type: linear, min: 1, max: 5}
            special_values: [9, -1]
        grading:
          value_bands: {names: [low, high], cuts: [50]}
          difficulty_bands: {names: [low, high], cuts: [50]}
          grid:
            high: [A, B]
            low: [C, D]
          minimum_completeness: 0.5
        """

    func read(_ yaml: String) throws(ModelFileError) -> ScoringModel {
        try ModelFileReader().read(yaml: yaml, file: "models/test.yaml")
    }

    func error(_ yaml: String) -> ModelFileError? { readingError(yaml, file: "models/test.yaml") }

    @Test("every form reads: stated utility with evidence and label, bare codes, a label without utility")
    func reads() throws {
        let model = try read(Self.model)
        #expect(
            model.factors[0].specialValues == [
                SpecialValue(value: 999, utility: 0.05, label: "never contacted", evidence: Evidence(count: 27734, won: 2551)),
                SpecialValue(value: -1, utility: 0.30000000000000004),
                SpecialValue(value: 0.1, label: "same day"),
            ])
        #expect(model.factors[1].specialValues == [SpecialValue(value: 9), SpecialValue(value: -1)])
    }

    @Test("the written file reads back equal, every number bit for bit, and bare codes stay one line")
    func roundTrip() throws {
        let model = try read(Self.model)
        let text = ModelFileWriter().write(model)
        #expect(text.contains("    special_values: [9, -1]\n"))
        #expect(text.contains("- {value: 999, utility: 0.05, count: 27734, won: 2551, label: never contacted}"))
        let reread = try read(text)
        #expect(reread == model)
        #expect(reread.factors[0].specialValues[1].utility?.bitPattern == 0.30000000000000004.bitPattern)
        // A second trip writes the same bytes.
        #expect(ModelFileWriter().write(reread) == text)
    }

    @Test("a special value gets its own utility before the scale: stated as is (no direction), bare ones the missing policy's")
    func scoring() throws {
        let model = try read(Self.model)
        let table = UtilityTable(model: model, statistics: nil)
        #expect(table.utility(0, of: 999) == 0.05)  // stated, the decreasing direction not applied
        #expect(table.utility(0, of: -1) == 0.30000000000000004)
        #expect(table.utility(0, of: 0.1) == 0.2)  // bare: the stated missing utility
        #expect(table.utility(0, of: 3) == 1 - 0.9)  // the scale, direction applied
        #expect(table.utility(0, of: 998) == 1 - 0.1)
        #expect(table.utility(1, of: 9) == 1)  // bare, missing: worst on the difficulty side
        #expect(table.utility(1, of: -1) == 1)
        #expect(table.utility(1, of: 3) == 0.5)
        // The panel path gives the same bits.
        var panel: [Double] = [999, 9, -1, 3, 0.1, .nan, 3, -1, .nan, 5]
        let expected = (0..<5).map { row in
            (0..<2).map { factor -> Double in
                let x = panel[2 * row + factor]
                return x.isNaN ? [0.2, 1][factor] : table.utility(factor, of: x)
            }
        }.flatMap { $0 }
        table.convertToUtilities(&panel, rows: 5, missingFill: [0.2, 1])
        #expect(panel.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test(
        "malformed special values are refused at their line, with the fix",
        arguments: [
            (
                "      - {value: -1, utility: 0.30000000000000004}", "      - {value: 999, utility: 0.3}",
                "models/test.yaml, line 17: special_values of 'days': 999 is listed twice (first on line 16); list each code once."
            ),
            (
                "    special_values: [9, -1]", "    special_values: [9, never]",
                "models/test.yaml, line 25: a special value of 'risk' is 'never'; it must be a number."
            ),
            (
                "      - {value: -1, utility: 0.30000000000000004}", "      - {value: -1, utility: 1.5}",
                "models/test.yaml, line 17: special value -1 of 'days' utility is 1.5; it must be between 0 and 1."
            ),
            (
                "      - {value: -1, utility: 0.30000000000000004}", "      - {value: -1, count: 3, won: 1}",
                "models/test.yaml, line 17: special value -1 of 'days' gives count/won without a utility; add 'utility' or remove them."
            ),
            (
                "    missing: worst", "    missing: mean",
                "models/test.yaml, line 25: special value 9 of 'risk' has no utility, and the missing policy 'mean' gives none; write {value: 9, utility: u} or use missing: worst or neutral."
            ),
            (
                "    scale: {type: linear, min: 1, max: 5}", "    scale: {type: minmax}",
                "models/test.yaml, line 19: special_values of 'risk': a minmax scale takes its range from the batch, which special values would distort; use a fixed scale (linear, log, piecewise or binned)."
            ),
            (
                "    scale: {type: linear, min: 1, max: 5}", "    scale: {type: categorical, map: {a: 0, b: 1}}",
                "models/test.yaml, line 25: factor 'risk' has a categorical scale, which reads labels; give a code its own category in the map instead of special_values."
            ),
        ])
    func refused(change: (String, String, String)) {
        let yaml = Self.model.replacingOccurrences(of: change.0, with: change.1)
        #expect(yaml != Self.model)
        #expect(error(yaml)?.description == change.2)
    }
}
