import Foundation
import ScoringEngine

/// Generates a history file with known truth: a prospect list from
/// ``ProspectListGenerator`` plus an `outcome` column drawn from a logistic model with
/// fixed coefficients on the factor utilities of a model.
///
/// P(won) = σ(``trueIntercept`` + Σⱼ ``trueCoefficients``[factor j] · uⱼ), with `uⱼ` the
/// utilities `kam` computes for the list under the model (batch statistics of the whole
/// list). A fit of the same model to enough of these outcomes must recover the
/// coefficients within their confidence intervals. The coefficients follow the model's
/// directions except for `decision_cycle` (the data says a longer decision cycle *helps*:
/// a factor the data contradicts) and `margin` (no effect).
///
/// The same options and model give the same bytes: the list comes from the seeded list
/// generator and the outcomes from ``SeededRandom`` with `seed + 1`.
public struct HistoryGenerator: Sendable {
    /// β₀.
    public static let trueIntercept = -0.5

    /// βⱼ by factor id of `models/default.yaml`; factors not listed have 0.
    public static let trueCoefficients: [String: Double] = [
        "share": 2.0, "budget": 2.5, "strategic": 1.0, "service_fit": 1.5, "margin": 0,
        "development_cost": -1.5, "deal_risk": -2.0, "incumbent": -0.5, "credit": -1.0,
        "payment_delay": -0.5, "tech_difficulty": -1.0, "decision_cycle": 1.0,
        "inside_contact": -1.5, "support": -0.5,
    ]

    public let model: ScoringModel
    public let options: GeneratorOptions

    public init(model: ScoringModel, options: GeneratorOptions) {
        self.model = model
        self.options = options
    }

    /// The coefficient vector in model factor order.
    public var coefficients: [Double] {
        model.factors.map { Self.trueCoefficients[$0.id] ?? 0 }
    }

    /// The history as CSV bytes: the generated list with `,outcome` appended to every line
    /// (`won` or `lost`).
    ///
    /// - Precondition: the options generate no bad rows, and the model accepts every row.
    public func bytes() -> [UInt8] {
        precondition(options.badRows == 0, "A history is generated without bad rows")
        let list = ProspectListGenerator(options: options).bytes()
        let table: CSVTable
        do {
            table = try CSVReader().read(bytes: list, file: "generated")
        } catch {
            preconditionFailure("The generator's own list must parse: \(error)")
        }
        let loaded: ProspectListLoader.Result
        do {
            loaded = try ProspectListLoader(model: model).load(table)
        } catch {
            preconditionFailure("The model must read the generated list: \(error)")
        }
        precondition(loaded.rejects.isEmpty, "The model rejected generated rows: \(loaded.rejects.first?.description ?? "")")
        let utilities = UtilityBuilder(model: model).build(loaded.batch).matrix
        let beta = coefficients
        var random = SeededRandom(seed: options.seed &+ 1)
        var wonByLine: [Int: Bool] = [:]
        for row in 0..<loaded.batch.count {
            var eta = Self.trueIntercept
            for (index, coefficient) in beta.enumerated() { eta += coefficient * utilities[row, index] }
            let p = 1 / (1 + exp(-eta))
            wonByLine[loaded.batch.accounts[row].line] = random.nextDouble() < p
        }
        // Append to each physical line; the generator writes no newlines inside fields, so
        // physical line k is record line k.
        var output: [UInt8] = []
        output.reserveCapacity(list.count + 8 * (options.rows + 1))
        var line = 1
        var lineStart = 0
        let newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        for index in list.indices where list[index] == newline {
            var end = index
            if end > lineStart && list[end - 1] == carriageReturn { end -= 1 }
            output.append(contentsOf: list[lineStart..<end])
            if line == 1 {
                output.append(contentsOf: Array(",outcome".utf8))
            } else {
                guard let won = wonByLine[line] else { preconditionFailure("No outcome for line \(line)") }
                output.append(contentsOf: Array((won ? ",won" : ",lost").utf8))
            }
            output.append(contentsOf: list[end...index])
            line += 1
            lineStart = index + 1
        }
        precondition(lineStart == list.count, "The generated list must end with a newline")
        return output
    }
}
