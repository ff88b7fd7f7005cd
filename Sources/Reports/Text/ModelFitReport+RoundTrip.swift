import ScoringEngine
import ScoringIO

extension ModelFitReport.RoundTrip {
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
    /// `kam rank` takes) and scored, and every training account is compared by line; accounts
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
    ///   - phase: Told what is being checked and over how many accounts.
    /// - Returns: The check's counts and largest difference; the caller decides whether it
    ///   passes (`largestDifference <= tolerance`, `gradesDiffer == 0`).
    /// - Throws: ``Failure`` when the written model cannot be read in or scored.
    public init(
        checking reread: ScoringModel, learned: LearnedModel, training: LearningData, table: CSVTable, lines: [Int],
        tolerance: Double, phase: (_ what: String, _ accounts: Int) -> Void = { _, _ in }
    ) throws(Failure) {
        let expected = learned.trainingScores
        var largest = 0.0

        // The ingest path of `kam rank`.
        phase("checking the written model through kam rank's reader", training.count)
        let loaded: ProspectListLoader.Result
        do {
            loaded = try ProspectListLoader(model: reread).load(table)
        } catch {
            throw .notAProspectList(error)
        }
        let assessment = ScoringPipeline(model: reread).assess(loaded.batch)
        // The accepted row of each line (−1: none); lines are the file's, so the table is small.
        let lastLine = max(lines.max() ?? 0, loaded.batch.accounts.map(\.line).max() ?? 0)
        var rowByLine = [Int](repeating: -1, count: lastLine + 1)
        for (row, account) in loaded.batch.accounts.enumerated() { rowByLine[account.line] = row }
        var compared = 0
        var gradesDiffer = 0
        var notCompared: [Int] = []
        for (index, line) in lines.enumerated() {
            let row = line >= 0 ? rowByLine[line] : -1
            guard row >= 0 else {
                notCompared.append(index)
                continue
            }
            compared += 1
            let value = assessment.value(row)
            let difficulty = assessment.difficulty(row)
            largest = max(largest, abs(value - expected.value[index]), abs(difficulty - expected.difficulty[index]))
            largest = max(largest, abs(assessment.priority(row) - expected.priority[index]))
            if let probability = reread.probability(value: value, difficulty: difficulty) {
                largest = max(largest, abs(probability - expected.probability[index]))
            } else {
                largest = .infinity
            }
            if assessment.grades[row] != expected.grades[index] { gradesDiffer += 1 }
        }

        // The rest through the engine's evaluation (same scoring, utilities from the learning data).
        if !notCompared.isEmpty {
            phase("checking \(notCompared.count) more accounts through the engine", notCompared.count)
            let engine: LearnedModelEvaluation
            do {
                engine = try ModelLearner.evaluate(model: reread, on: training.rows(notCompared))
            } catch {
                throw .notEvaluable(error)
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
            accounts: training.count, comparedThroughIngest: compared, largestDifference: largest, tolerance: tolerance,
            gradesDiffer: gradesDiffer)
    }
}
