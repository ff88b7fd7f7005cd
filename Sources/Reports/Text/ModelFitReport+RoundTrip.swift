import ScoringEngine
import ScoringIO

extension ModelFitReport.RoundTrip {
    /// Records of the history loaded and scored at a time by the check through `kam rank`'s
    /// reader.
    public static let partRecords = 131_072

    /// Why the model as written could not be checked (each a bug, not bad data: the fit
    /// scored these accounts with the same model).
    public enum Failure: Error {
        /// The history cannot be read as a prospect list with the written model.
        case notAProspectList(DatasetError)
        /// The engine cannot evaluate the written model on the training accounts.
        case notEvaluable(LearningError)
    }

    /// Checks that the model read back from its file scores the training accounts as the fit
    /// did in memory.
    ///
    /// The history is read again as a prospect list with the written model (the path
    /// `kam rank` takes), ``partRecords`` records at a time, and scored, and every training
    /// account is compared by line; accounts
    /// that reader rejects (a cell of a learned numeric candidate column that is not a
    /// number, which the fit read as missing) are scored through the engine's evaluation of
    /// the same learning data. Value, difficulty, priority and probability are compared
    /// (a missing probability counts as an infinite difference), and so are the grades.
    ///
    /// - Parameters:
    ///   - reread: The learned model as read back from the text written for it.
    ///   - learned: The fit, whose ``LearnedModel/trainingScores`` are the reference.
    ///   - training: The learning data the model was fitted on.
    ///   - table: The history as CSV, read again.
    ///   - lines: The file line of each training account (−1: none).
    ///   - tolerance: The largest difference the caller allows (recorded in the result).
    ///   - partRecords: Records loaded and scored at a time (the same result for any size).
    ///   - phase: Told what is being checked and over how many accounts.
    /// - Returns: The check's counts and largest difference; the caller decides whether it
    ///   passes (`largestDifference <= tolerance`, `gradesDiffer == 0`).
    /// - Throws: ``Failure`` when the written model cannot be read in or scored.
    public init(
        checking reread: ScoringModel, learned: LearnedModel, training: LearningData, table: CSVTable, lines: [Int],
        tolerance: Double, partRecords: Int = Self.partRecords, phase: (_ what: String, _ accounts: Int) -> Void = { _, _ in }
    ) throws(Failure) {
        do {
            try self.init(
                checking: reread, learned: learned, training: training, parts: { body in try body(table) }, lines: lines,
                tolerance: tolerance, partRecords: partRecords, phase: phase)
        } catch let error as Failure {
            throw error
        } catch {
            preconditionFailure("unreachable: a table in memory is not read again")
        }
    }

    /// ``init(checking:learned:training:table:lines:tolerance:partRecords:phase:)`` on the
    /// history as `parts` gives it: consecutive runs of its records in file order (such as
    /// ``CSVReader/forEachPart(contentsOf:partBytes:_:)`` reads them), so that the whole
    /// history's text is never held at once. The result is the same for any cut.
    ///
    /// - Parameter parts: Calls its argument with each part in turn.
    /// - Throws: ``Failure`` when the written model cannot be read in or scored, and what
    ///   `parts` throws (reading the file again).
    public init(
        checking reread: ScoringModel, learned: LearnedModel, training: LearningData,
        parts: (_ body: (CSVTable) throws -> Void) throws -> Void, lines: [Int], tolerance: Double,
        partRecords: Int = Self.partRecords, phase: (_ what: String, _ accounts: Int) -> Void = { _, _ in }
    ) throws {
        precondition(partRecords >= 1, "A part holds at least one record")
        // The ingest path of `kam rank`, a part of the history at a time: each part is loaded,
        // scored and compared, then let go, so that only one part's batch and assessment are
        // held. Rows map and score on their own; only a repeated id spans rows, and a training
        // row whose id an earlier part repeats (an open row first, say) is then compared
        // through the reader instead of the engine: the same check. A model with a scale or
        // missing fill that depends on the whole list's statistics is checked on the whole
        // history at once.
        phase("checking the written model through kam rank's reader", training.count)
        var check = Comparison(reread: reread, expected: learned.trainingScores, lines: lines)
        if reread.factors.contains(where: { $0.scale.isBatchRelative || $0.missing == .mean }) {
            var whole: CSVTable?
            var records: [CSVRecord] = []
            try parts { part in
                whole = whole ?? part
                records += part.records
            }
            if let whole { try check.compare(whole.withRecords(records)) }
        } else {
            try parts { part in
                for start in stride(from: 0, to: part.records.count, by: partRecords) {
                    try check.compare(
                        part.withRecords(Array(part.records[start..<Swift.min(start + partRecords, part.records.count)])))
                }
            }
        }
        try self.init(
            finishing: check, reread: reread, learned: learned, training: training, tolerance: tolerance, phase: phase)
    }

    /// ``init(checking:learned:training:table:lines:tolerance:partRecords:phase:)`` through
    /// the streaming reader `kam rank` ranks a file with (``ProspectStream``), which reads
    /// the history once, on every core, and shows every graded account with its line to an
    /// observer. The same comparisons and the same result as reading the history as a table
    /// (the streaming reader scores exactly as the table's loader does), several times faster
    /// on a large history. Only for a file ``ProspectStream/canStream(_:)`` takes, with a model
    /// of at most ``ProspectStream/maximumFactors`` factors.
    ///
    /// - Parameters:
    ///   - path: The history file.
    ///   - options: How to read it (delimiter, encoding), as the fit read it.
    /// - Throws: ``Failure`` when the written model cannot read the file as a prospect list
    ///   or score the training accounts.
    public init(
        checking reread: ScoringModel, learned: LearnedModel, training: LearningData, streaming path: String,
        options: CSVOptions, lines: [Int], tolerance: Double,
        phase: (_ what: String, _ accounts: Int) -> Void = { _, _ in }
    ) throws(Failure) {
        phase("checking the written model through kam rank's reader", training.count)
        var configuration = ProspectStream.Configuration()
        configuration.observer = { LineScores() }
        let stream = ProspectStream(model: reread, options: options, configuration: configuration)
        let ranking: StreamedRanking
        do {
            ranking = try stream.rank(contentsOf: path, scorer: Scorer(model: reread), limit: 0)
        } catch {
            throw .notAProspectList(error)
        }
        guard let seen = ranking.observed as? LineScores else { preconditionFailure("The stream keeps its observer") }
        var check = Comparison(reread: reread, expected: learned.trainingScores, lines: lines)
        check.compare(seen)
        try self.init(
            finishing: check, reread: reread, learned: learned, training: training, tolerance: tolerance, phase: phase)
    }

    /// The check's result once the reader's comparisons are done: the training accounts it
    /// did not compare (rows it rejected) through the engine's evaluation.
    private init(
        finishing check: Comparison, reread: ScoringModel, learned: LearnedModel, training: LearningData,
        tolerance: Double, phase: (_ what: String, _ accounts: Int) -> Void
    ) throws(Failure) {
        let notCompared = check.notCompared + check.order[check.next...]
        var largest = check.largest
        var gradesDiffer = check.gradesDiffer
        let expected = learned.trainingScores

        // The rest through the engine's evaluation (same scoring, utilities from the learning data).
        if !notCompared.isEmpty {
            let notCompared = notCompared.sorted()
            phase("checking \(notCompared.count) more accounts through the engine", notCompared.count)
            let engine: LearnedModelEvaluation
            do {
                engine = try ModelLearner.evaluate(model: reread, on: training.rows(notCompared))
            } catch {
                throw Failure.notEvaluable(error)
            }
            for (position, index) in notCompared.enumerated() {
                if engine.scores.grades[position] != expected.grades[index] { gradesDiffer += 1 }
                largest = max(
                    largest, abs(engine.scores.value[position] - expected.value[index]),
                    abs(engine.scores.difficulty[position] - expected.difficulty[index]),
                    abs(engine.scores.priority[position] - expected.priority[index]),
                    abs(engine.scores.probability[position] - expected.probability[index]))
            }
        }
        self.init(
            accounts: training.count, comparedThroughIngest: check.compared, largestDifference: largest,
            tolerance: tolerance, gradesDiffer: gradesDiffer)
    }

    /// The comparison of the training accounts with the written model's scores of the
    /// history's records, a run of records at a time, in file order.
    private struct Comparison {
        let pipeline: ScoringPipeline
        let reread: ScoringModel
        let expected: AccountScores
        let lines: [Int]
        /// The training accounts by line (ties in account order).
        let order: [Int]
        /// `order[next...]` lie after the records compared so far.
        var next = 0
        var notCompared: [Int] = []
        var compared = 0
        var gradesDiffer = 0
        var largest = 0.0

        init(reread: ScoringModel, expected: AccountScores, lines: [Int]) {
            pipeline = ScoringPipeline(model: reread)
            self.reread = reread
            self.expected = expected
            self.lines = lines
            order = lines.indices.sorted { (lines[$0], $0) < (lines[$1], $1) }
        }

        /// Loads and scores a run of records following the runs before, and compares the
        /// training accounts on its lines (those before its first line, which no record
        /// holds, are left to the engine).
        mutating func compare(_ table: CSVTable) throws(Failure) {
            guard let firstLine = table.records.first?.line, let lastLine = table.records.last?.line else { return }
            let loaded: ProspectListLoader.Result
            do {
                loaded = try ProspectListLoader(model: reread).load(table)
            } catch {
                throw .notAProspectList(error)
            }
            let assessment = pipeline.assess(loaded.batch)
            // The accepted row of each line of the run (−1: none).
            var rowByLine = [Int](repeating: -1, count: lastLine - firstLine + 1)
            for (row, account) in loaded.batch.accounts.enumerated() { rowByLine[account.line - firstLine] = row }
            while next < order.count, lines[order[next]] <= lastLine {
                let index = order[next]
                next += 1
                let row = lines[index] >= firstLine ? rowByLine[lines[index] - firstLine] : -1
                guard row >= 0 else {
                    notCompared.append(index)
                    continue
                }
                compare(
                    index, value: assessment.value(row), difficulty: assessment.difficulty(row),
                    priority: assessment.priority(row), grade: assessment.grades[row])
            }
        }

        /// Compares every training account with the account the streaming reader graded on
        /// its line (the others are left to the engine).
        mutating func compare(_ seen: LineScores) {
            let grades = Grade.allCases
            let byLine = seen.lines.indices.sorted { seen.lines[$0] < seen.lines[$1] }
            var position = 0
            while next < order.count {
                let index = order[next]
                next += 1
                let line = lines[index]
                while position < byLine.count && seen.lines[byLine[position]] < line { position += 1 }
                guard position < byLine.count, seen.lines[byLine[position]] == line else {
                    notCompared.append(index)
                    continue
                }
                let account = seen.accounts[byLine[position]]
                compare(
                    index, value: account.value, difficulty: account.difficulty,
                    priority: reread.grading.ranking.key(value: account.value, difficulty: account.difficulty),
                    grade: grades[Int(account.grade)])
            }
        }

        /// Compares one training account with the written model's scores of its record.
        private mutating func compare(_ index: Int, value: Double, difficulty: Double, priority: Double, grade: Grade) {
            compared += 1
            largest = max(largest, abs(value - expected.value[index]), abs(difficulty - expected.difficulty[index]))
            largest = max(largest, abs(priority - expected.priority[index]))
            if let probability = reread.probability(value: value, difficulty: difficulty) {
                largest = max(largest, abs(probability - expected.probability[index]))
            } else {
                largest = .infinity
            }
            if grade != expected.grades[index] { gradesDiffer += 1 }
        }
    }

    /// Every account a streamed ranking graded, with its line (an ``AccountObserver``).
    struct LineScores: AccountObserver, Sendable {
        var accounts: [ObservedAccounts.Account] = []
        var lines: [Int] = []

        mutating func observe(_ observed: ObservedAccounts) {
            accounts += observed.accounts
            lines += observed.accounts.map(\.line)
        }
    }
}
