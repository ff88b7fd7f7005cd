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
        precondition(partRecords >= 1, "A part holds at least one record")
        let expected = learned.trainingScores
        var largest = 0.0

        // The ingest path of `kam rank`, a part of the table at a time: each part is loaded,
        // scored and compared, then let go, so that only one part's batch and assessment are
        // held. Rows map and score on their own; only a repeated id spans rows, and a training
        // row whose id an earlier part repeats (an open row first, say) is then compared
        // through the reader instead of the engine: the same check. A model with a scale or
        // missing fill that depends on the whole list's statistics is checked on the whole
        // table at once.
        phase("checking the written model through kam rank's reader", training.count)
        let records = table.records
        let wholeList = reread.factors.contains { $0.scale.isBatchRelative || $0.missing == .mean }
        let partSize = wholeList ? Swift.max(records.count, 1) : partRecords
        let partStarts = records.isEmpty ? [0] : Array(stride(from: 0, to: records.count, by: partSize))
        // Each training account's part: the last part whose first record starts at or before its line.
        let firstLines = partStarts.map { records.isEmpty ? 0 : records[$0].line }
        var indicesByPart = [[Int]](repeating: [], count: partStarts.count)
        var notCompared: [Int] = []
        for (index, line) in lines.enumerated() {
            guard line >= firstLines[0] else {
                notCompared.append(index)
                continue
            }
            var low = 0
            var high = firstLines.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if firstLines[middle] <= line { low = middle } else { high = middle - 1 }
            }
            indicesByPart[low].append(index)
        }
        let pipeline = ScoringPipeline(model: reread)
        var compared = 0
        var gradesDiffer = 0
        for (part, start) in partStarts.enumerated() {
            let end = Swift.min(start + partSize, records.count)
            let loaded: ProspectListLoader.Result
            do {
                loaded = try ProspectListLoader(model: reread).load(
                    CSVTable(
                        file: table.file, header: table.header, records: Array(records[start..<end]),
                        delimiter: table.delimiter, encoding: table.encoding, hadByteOrderMark: table.hadByteOrderMark))
            } catch {
                throw .notAProspectList(error)
            }
            let assessment = pipeline.assess(loaded.batch)
            // The accepted row of each line of the part (−1: none).
            let base = firstLines[part]
            let lastLine = Swift.max(
                end > start ? records[end - 1].line : base, loaded.batch.accounts.map(\.line).max() ?? base)
            var rowByLine = [Int](repeating: -1, count: lastLine - base + 1)
            for (row, account) in loaded.batch.accounts.enumerated() { rowByLine[account.line - base] = row }
            for index in indicesByPart[part] {
                let offset = lines[index] - base
                let row = offset < rowByLine.count ? rowByLine[offset] : -1
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
        }
        notCompared.sort()

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
