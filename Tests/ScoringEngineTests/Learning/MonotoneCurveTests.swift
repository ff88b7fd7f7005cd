import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

/// When a learned curve is monotone: only when the base model declares a direction
/// (``ModelLearner/monotoneDirection(of:)``: a base factor with a monotone scale — linear,
/// log, min-max, z-score, or piecewise/binned with monotone utilities — keeps the direction its
/// side and `direction` give). Its fine bins are then projected onto the monotone curves
/// (weighted pool-adjacent-violators); a column new to the model, or a base factor whose scale
/// is not monotone, is learned free. See docs/learned-curves.md, "Monotone curves".
@Suite("Monotone curves: declared directions are enforced, a U-shape is not forced")
struct MonotoneCurveTests {
    /// 8,000 accounts, seed 21, four effects on the log-odds:
    /// - `rising` (base value factor, linear scale, increasing): 1.5 tanh((x − 40)/15), x ~ U(0, 100);
    /// - `falling` (base difficulty factor, linear scale: harder as it grows, so the win rate
    ///   must fall): −0.04 d, with a bump of +0.4 for 20 ≤ d < 25 against the direction;
    /// - `bowl` (base value factor whose piecewise scale is a V, not monotone): 0.3 w², w ~ U(−3, 3);
    /// - `ushape` (a candidate column, new to the model): 0.35 z² − 1.05, z ~ U(−3, 3).
    static let learned: LearnedModel = {
        var random = SeededRandom(seed: 21)
        var rising = [Double]()
        var falling = [Double]()
        var bowl = [Double]()
        var ushape = [Double]()
        var outcomes = [Double]()
        for _ in 0..<8000 {
            let x = 100 * random.nextDouble()
            let d = 50 * random.nextDouble()
            let w = -3 + 6 * random.nextDouble()
            let z = -3 + 6 * random.nextDouble()
            let eta =
                1.5 * tanh((x - 40) / 15) - 0.04 * d + (d >= 20 && d < 25 ? 0.4 : 0) + 0.3 * w * w - 0.9
                + 0.35 * z * z - 1.05 + 1
            rising.append((x * 100).rounded() / 100)
            falling.append((d * 100).rounded() / 100)
            bowl.append((w * 1000).rounded() / 1000)
            ushape.append((z * 1000).rounded() / 1000)
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
        }
        let model = try! ScoringModel(
            name: "monotone",
            factors: [
                ModelFixtures.factor("rising", .value, weight: 1, scale: .linear(min: 0, max: 100)),
                ModelFixtures.factor(
                    "bowl", .value, weight: 1,
                    scale: .piecewise(points: [.init(x: -3, utility: 1), .init(x: 0, utility: 0), .init(x: 3, utility: 1)])),
                ModelFixtures.factor("falling", .difficulty, weight: 1, scale: .linear(min: 0, max: 50)),
            ],
            grading: ModelFixtures.grading())
        let data = LearningData(
            columns: [
                LearningColumn(name: "rising", values: .numeric(rising), factor: model.factors[0]),
                LearningColumn(name: "bowl", values: .numeric(bowl), factor: model.factors[1]),
                LearningColumn(name: "falling", values: .numeric(falling), factor: model.factors[2]),
                LearningColumn(name: "ushape", values: .numeric(ushape)),
            ],
            outcomes: outcomes)
        var options = ModelLearner.Options()
        options.candidates = .all
        options.maximumInteractions = 0
        return try! ModelLearner(options: options).learn(data, baseModel: model)
    }()

    /// The stored bin utilities of a learned factor, in value order.
    static func binUtilities(_ id: String) -> [Double] {
        guard case .binned(let bins)? = learned.model.factors.first(where: { $0.id == id })?.scale else { return [] }
        return bins.map(\.utility)
    }

    /// The largest rise and the largest drop from one bin to a later one.
    static func largestMoves(_ utilities: [Double]) -> (rise: Double, drop: Double) {
        var low = Double.infinity
        var high = -Double.infinity
        var rise = 0.0
        var drop = 0.0
        for u in utilities {
            rise = max(rise, u - low)
            drop = max(drop, high - u)
            low = min(low, u)
            high = max(high, u)
        }
        return (rise, drop)
    }

    @Test("the directions come from the base model: monotone for the linear scales, free for the V-shaped scale")
    func directions() {
        #expect(ModelLearner.monotoneDirection(of: ModelFixtures.factor("a", .value, weight: 1)) == true)
        #expect(ModelLearner.monotoneDirection(of: ModelFixtures.factor("a", .difficulty, weight: 1)) == false)
        #expect(ModelLearner.monotoneDirection(of: ModelFixtures.factor("a", .value, weight: 1, direction: .decreasing)) == false)
        let shapes = Dictionary(uniqueKeysWithValues: Self.learned.factors.map { ($0.factorID, $0.shape) })
        #expect(shapes["rising"] == .monotone(winRateIncreases: true))
        #expect(shapes["falling"] == .monotone(winRateIncreases: false))
        #expect(shapes["bowl"] == .free)
        #expect(shapes["ushape"] == .free)
    }

    @Test(
        "a declared direction is enforced: every step of the learned utilities goes one way (within 1e-12), the bump against it is pooled")
    func enforced() {
        for id in ["rising", "falling"] {
            let utilities = Self.binUtilities(id)
            #expect(utilities.count >= 50, "\(id): \(utilities.count) bins")
            // Value side rising, difficulty side harder as it grows: stored utilities rise.
            #expect(zip(utilities, utilities.dropFirst()).allSatisfy { $1 >= $0 - 1e-12 }, "\(id)")
            #expect((utilities.last ?? 0) - (utilities.first ?? 0) > 0.5, "\(id) spans \(utilities.first ?? 0)…\(utilities.last ?? 0)")
        }
    }

    @Test("a U-shape is not forced monotone: a new column and a base factor with a V-shaped scale both fall then rise")
    func uShapeFree() {
        for id in ["ushape", "bowl"] {
            let utilities = Self.binUtilities(id)
            let moves = Self.largestMoves(utilities)
            // True effects span 0.35·9 = 3.15 and 0.3·9 = 2.7 log-odds on each arm: each arm
            // moves the utility by far more than 0.3 of its range.
            #expect(moves.rise > 0.3 && moves.drop > 0.3, "\(id): rise \(moves.rise), drop \(moves.drop)")
            // The lowest (or, reversed, highest) bin is inside the range, not at an end.
            let middle = 0.5 * ((utilities.first ?? 0) + (utilities.last ?? 0))
            let extreme = utilities.indices.max { abs(utilities[$0] - middle) < abs(utilities[$1] - middle) } ?? 0
            #expect(
                extreme > utilities.count / 5 && extreme < utilities.count * 4 / 5, "\(id): extreme at bin \(extreme) of \(utilities.count)"
            )
        }
    }
}
