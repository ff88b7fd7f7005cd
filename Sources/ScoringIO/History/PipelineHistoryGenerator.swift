import Foundation
import LinearAlgebra
import ScoringEngine

/// Writes a synthetic account history — a stage-event log and account snapshots — whose
/// transition structure and score effects are known, so that fits can be checked against
/// the truth.
///
/// ## The truth
///
/// 1. **Stages.** Every account follows the monthly Markov chain ``transitionProbabilities``
///    (stages 1…5, won, lost) from its entry month until it is won or lost. Accounts enter
///    uniformly over the window, in stage 1, 2 or 3 with probability 0.7, 0.2, 0.1. A move
///    is logged on a random day of the month it happens in; the log stops at the end of the
///    window, so accounts still open then are right-censored.
/// 2. **Scores.** After an account's path (and so its outcome) is drawn, its factor values
///    are drawn from a pool of prospects made by ``ProspectListGenerator`` and scored with
///    the scoring model: a won account picks pool row `j` with probability ∝ e^(+δzⱼ/2),
///    a lost one ∝ e^(−δzⱼ/2), with `zⱼ = (valueⱼ − difficultyⱼ)/10`. By Bayes' rule,
///    because the path does not depend on the row,
///
///        logit P(won | stage s, scores) = logit πₛ + β₀ + δ·(value − 50)/10 − δ·(difficulty − 50)/10
///
///    exactly, with β₀ = ln(Z₋/Z₊), Z± the pool mean of e^(±δz/2) (``Truth``): the
///    conversion model's form, with known coefficients. The timing of a win does not depend
///    on the scores.
/// 3. **Snapshots.** Each account is recorded once, on the first day of the month after it
///    entered (its stage then is its entry stage), with its outcome as known at the end of
///    the window. A share of accounts (``Options/sparseRate``) has most factor cells blank:
///    they are graded "insufficient information".
///
/// The same options give the same bytes.
public struct PipelineHistoryGenerator: Sendable {
    /// The generating monthly transition probabilities: rows stages 1…5; columns stages
    /// 1…5, won, lost.
    public static let transitionProbabilities: [[Double]] = [
        [0.70, 0.18, 0.02, 0.00, 0.00, 0.00, 0.10],
        [0.03, 0.65, 0.20, 0.02, 0.00, 0.00, 0.10],
        [0.00, 0.03, 0.62, 0.22, 0.02, 0.01, 0.10],
        [0.00, 0.00, 0.02, 0.60, 0.25, 0.05, 0.08],
        [0.00, 0.00, 0.00, 0.03, 0.50, 0.35, 0.12],
    ]

    /// The header of the event log.
    public static let eventColumns = ["account_id", "date", "from_stage", "to_stage"]

    /// What to generate.
    public struct Options: Sendable, Equatable {
        /// Accounts (≥ 1).
        public var accounts: Int
        public var seed: UInt64
        /// The first month of the window and its length in months (≥ 2).
        public var firstMonth: CalendarDate
        public var months: Int
        /// δ, the log-odds effect of 10 points of value minus difficulty.
        public var scoreEffect: Double
        /// Share of accounts whose snapshot has most factor cells blank.
        public var sparseRate: Double
        /// Blank rate of the prospect pool's optional cells.
        public var blankRate: Double

        public init(
            accounts: Int = 6000, seed: UInt64 = 2012, firstMonth: CalendarDate = CalendarDate(year: 2021, month: 1, day: 1)!,
            months: Int = 48, scoreEffect: Double = 0.9, sparseRate: Double = 0.02, blankRate: Double = 0.03
        ) {
            precondition(accounts >= 1 && months >= 2, "At least one account and two months")
            precondition(sparseRate >= 0 && sparseRate <= 1 && blankRate >= 0 && blankRate <= 1, "Rates in 0...1")
            self.accounts = accounts
            self.seed = seed
            self.firstMonth = firstMonth
            self.months = months
            self.scoreEffect = scoreEffect
            self.sparseRate = sparseRate
            self.blankRate = blankRate
        }
    }

    /// The known answers a fit should recover.
    public struct Truth: Sendable, Equatable {
        public let transitions: TransitionTable
        /// β₀, β_v = δ, β_d = −δ of the conversion model.
        public let intercept: Double
        public let valueCoefficient: Double
        public let difficultyCoefficient: Double
        /// The last day of the window.
        public let observedUntil: CalendarDate
    }

    /// The generated files' text and the truth.
    public struct Output: Sendable {
        public let events: String
        public let snapshots: String
        public let truth: Truth
        public let eventCount: Int
        public let snapshotCount: Int
    }

    public let options: Options
    public let model: ScoringModel

    /// - Parameter model: The scoring model whose scores carry the effect (its columns are
    ///   those of ``ProspectListGenerator``, like `models/default.yaml`).
    public init(options: Options, model: ScoringModel) {
        self.options = options
        self.model = model
    }

    /// Generates both files in memory.
    ///
    /// - Throws: `DatasetError` if the scoring model does not fit the prospect generator's
    ///   columns, or `ForecastError` (never for the built-in table).
    public func generate() throws -> Output {
        let table = try TransitionTable(period: .month, probabilities: Matrix(Self.transitionProbabilities))
        let pool = try Pool(model: model, rows: 2 * options.accounts + 100, seed: options.seed, blankRate: options.blankRate)
        let delta = options.scoreEffect
        let wonWeights = pool.z.map { exp(delta * $0 / 2) }
        let lostWeights = pool.z.map { exp(-delta * $0 / 2) }
        let wonPicker = WeightedPicker(weights: wonWeights)
        let lostPicker = WeightedPicker(weights: lostWeights)
        let intercept = log(lostPicker.total / Double(pool.z.count)) - log(wonPicker.total / Double(pool.z.count))

        let period = PeriodLength.month
        let first = period.index(of: options.firstMonth)
        let last = first + options.months - 1
        let observedUntil = period.lastDay(of: last)
        let simulator = PipelineSimulator(table: table)
        var random = SeededRandom(seed: options.seed).longJumped()
        let idWidth = max(6, String(options.accounts).count)

        var events: [(date: CalendarDate, account: Int, line: String)] = []
        var snapshots: [(date: CalendarDate, account: Int, line: String)] = []
        let factorColumns = Set(model.factors.map(\.column))
        let stageColumn = pool.header.firstIndex(of: model.columns.stage ?? "stage")
        let idColumn = pool.header.firstIndex(of: model.columns.id)
        for account in 0..<options.accounts {
            let id = "H-" + String(repeating: "0", count: max(0, idWidth - String(account + 1).count)) + String(account + 1)
            let entry = first + Int(random.next() % UInt64(options.months))
            let u = random.nextDouble()
            let stage = u < 0.7 ? 1 : (u < 0.9 ? 2 : 3)
            let path = simulator.path(from: stage, maximumPeriods: 1200, using: &random)
            let won = path.last == .won
            func day(in index: Int) -> CalendarDate {
                period.firstDay(of: index).adding(days: Int(random.next() % UInt64(period.dayCount(of: index))))
            }
            let entryDate = day(in: entry)
            events.append((entryDate, account, "\(id),\(entryDate),,\(stage)"))
            var current = PipelineState.stage(stage)
            var closing: (state: PipelineState, date: CalendarDate)?
            for (offset, next) in path.enumerated() {
                let month = entry + offset + 1
                guard month <= last else { break }
                guard next != current else { continue }
                let date = day(in: month)
                events.append((date, account, "\(id),\(date),\(current),\(next)"))
                if next.isClosed { closing = (next, date) }
                current = next
            }
            // Scores: a pool row drawn with the outcome's tilt.
            let row = won ? wonPicker.pick(&random) : lostPicker.pick(&random)
            var fields = pool.records[row]
            if let idColumn { fields[idColumn] = id }
            if let stageColumn { fields[stageColumn] = String(stage) }
            if random.nextDouble() < options.sparseRate {
                for (index, name) in pool.header.enumerated() where factorColumns.contains(name) && random.nextDouble() < 0.8 {
                    fields[index] = ""
                }
            }
            let snapshotDate = period.firstDay(of: entry + 1)
            guard snapshotDate <= observedUntil else { continue }
            let outcome = closing.map { "\($0.state),\($0.date)" } ?? "open,"
            snapshots.append(
                (snapshotDate, account, fields.map(Self.csvField).joined(separator: ",") + ",\(snapshotDate),\(outcome)"))
        }
        events.sort { ($0.date, $0.account) < ($1.date, $1.account) }
        snapshots.sort { ($0.date, $0.account) < ($1.date, $1.account) }
        let eventText = ([Self.eventColumns.joined(separator: ",")] + events.map(\.line)).joined(separator: "\n") + "\n"
        let snapshotHeader = (pool.header + SnapshotReader.columns).joined(separator: ",")
        let snapshotText = ([snapshotHeader] + snapshots.map(\.line)).joined(separator: "\n") + "\n"
        return Output(
            events: eventText, snapshots: snapshotText,
            truth: Truth(
                transitions: table, intercept: intercept, valueCoefficient: delta, difficultyCoefficient: -delta,
                observedUntil: observedUntil),
            eventCount: events.count, snapshotCount: snapshots.count)
    }

    /// Writes `events.csv` and `snapshots.csv` into `directory` (created if needed).
    public func write(toDirectory directory: String) throws -> Output {
        let output = try generate()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try OutputFile.write(output.events, to: directory + "/events.csv")
        try OutputFile.write(output.snapshots, to: directory + "/snapshots.csv")
        return output
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Prospect rows to draw factor values from, with their scores.
    struct Pool {
        let header: [String]
        let records: [[String]]
        /// (value − difficulty)/10 per record.
        let z: [Double]

        init(model: ScoringModel, rows: Int, seed: UInt64, blankRate: Double) throws {
            let options = try GeneratorOptions(rows: rows, seed: seed, blankRate: blankRate)
            let bytes = ProspectListGenerator(options: options).bytes()
            let table = try CSVReader().read(bytes: bytes, file: "pool")
            let loaded = try ProspectListLoader(model: model).load(table)
            let assessment = ScoringPipeline(model: model).assess(loaded.batch)
            var byLine: [Int: [String]] = [:]
            for record in table.records { byLine[record.line] = record.fields }
            header = table.header
            records = loaded.batch.accounts.map { byLine[$0.line] ?? [] }
            z = (0..<assessment.count).map { (assessment.value($0) - assessment.difficulty($0)) / 10 }
        }
    }

    /// Draws indices with probability proportional to positive weights (inversion by
    /// binary search on the running totals).
    struct WeightedPicker {
        let cumulative: [Double]
        var total: Double { cumulative.last ?? 0 }

        init(weights: [Double]) {
            var running = 0.0
            cumulative = weights.map { weight -> Double in
                running += weight
                return running
            }
        }

        func pick(_ random: inout SeededRandom) -> Int {
            let target = random.nextDouble() * total
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] > target { high = middle } else { low = middle + 1 }
            }
            return low
        }
    }
}
