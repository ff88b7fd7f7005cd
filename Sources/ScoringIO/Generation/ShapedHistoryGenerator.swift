import Foundation
import ScoringEngine

/// Writes a history with known shaped truth: the prospect list of `ProspectListGenerator`
/// plus an `outcome` (won/lost) drawn from `ShapedHistoryTruth` and a planted leak,
/// `followup_status`.
///
/// Each row's outcome is drawn with P(won) = σ(`ShapedHistoryTruth.logOdds`) from the row's
/// own RAW values as written (a blanked cell counts as missing), never from statistics
/// of the list, so the file streams in one pass through a buffer of about 1 MiB:
///
/// ```swift
/// let options = try GeneratorOptions(rows: 1_000_000, seed: 7)
/// try ShapedHistoryGenerator(options: options).write(toFile: "history.csv")
/// ```
///
/// The first 27 columns are those of `ProspectListGenerator` with the same options, value
/// for value, except that about 6% of the telecom accounts are labelled
/// `ShapedHistoryTruth.rareIndustry` (a rare category, about 0.3% of the rows). The
/// relabel, outcome and leak draws come from a third stream per block of
/// `ProspectListGenerator.rowsPerBlock` rows (the block's blank stream, long-jumped), three
/// draws per row, so they disturb none of the list's values, and a shorter history is a
/// prefix of a longer one with the same seed.
public struct ShapedHistoryGenerator: Sendable {
    /// The header: the prospect list's columns, then `outcome` and `followup_status`.
    public static let columns = ProspectListGenerator.columns + ["outcome", "followup_status"]

    /// The options this generator writes with.
    public let options: GeneratorOptions

    /// Creates a generator for the given options.
    public init(options: GeneratorOptions) {
        self.options = options
    }

    /// Writes the history, header first, handing the bytes to `sink` in chunks of about
    /// `ProspectListGenerator.chunkSize` bytes; the chunk is reused after `sink` returns.
    ///
    /// - Throws: Whatever `sink` throws; writing stops at the first error.
    /// - Complexity: O(`rows`) time, O(`chunkSize`) memory.
    public func write<Failure: Error>(
        chunksTo sink: ([UInt8]) throws(Failure) -> Void
    ) throws(Failure) {
        try write(chunksTo: sink, observingLogOdds: nil)
    }

    /// `write(chunksTo:)`, handing each row's log-odds η to `observe` (for tests that check
    /// the generator against `ShapedHistoryTruth.logOdds(ofRow:)`).
    func write<Failure: Error>(
        chunksTo sink: ([UInt8]) throws(Failure) -> Void,
        observingLogOdds observe: ((Double) -> Void)?
    ) throws(Failure) {
        let chunkSize = ProspectListGenerator.chunkSize
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunkSize + 8192)
        let lineEnding = options.lineEnding.bytes
        buffer.append(contentsOf: Self.columns.joined(separator: ",").utf8)
        buffer.append(contentsOf: lineEnding)

        let rowWriter = ProspectRowWriter(options: options)
        let drawer = ShapedOutcomeDrawer(rowWriter: rowWriter)
        // The four endings: [won][leak says won].
        let endings: [[UInt8]] = [false, true].flatMap { won in
            [false, true].map { leakWon in
                Array(
                    ("," + (won ? "won" : "lost") + ","
                        + (leakWon
                            ? ShapedHistoryTruth.leakLabels.won
                            : ShapedHistoryTruth.leakLabels.lost)).utf8) + lineEnding
            }
        }
        let plan = ProspectListGenerator(options: options).badRows
        var planIndex = 0
        var streams = SeededRandom(seed: options.seed)
        var row = 1
        while row <= options.rows {
            streams.jump()  // as in ProspectListGenerator: split(stream: block)
            var values = streams
            var blanks = streams.longJumped()
            var outcomes = blanks.longJumped()
            let blockEnd = min(row + ProspectListGenerator.rowsPerBlock - 1, options.rows)
            while row <= blockEnd {
                var badRow: ProspectListGenerator.BadRow?
                if planIndex < plan.count && plan[planIndex].row == row {
                    badRow = plan[planIndex]
                    planIndex += 1
                }
                var (prospect, blanked) = rowWriter.drawRow(
                    badRow: badRow, values: &values, blanks: &blanks)
                let outcome = drawer.draw(&prospect, blanked: blanked, random: &outcomes)
                observe?(outcome.logOdds)
                rowWriter.appendRow(
                    prospect, row: row, badRow: badRow, blanked: blanked, to: &buffer)
                buffer.removeLast(lineEnding.count)
                buffer.append(contentsOf: endings[(outcome.won ? 2 : 0) + (outcome.leakWon ? 1 : 0)])
                if buffer.count >= chunkSize {
                    try sink(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
                row += 1
            }
        }
        if !buffer.isEmpty {
            try sink(buffer)
        }
    }

    /// Writes the history to an open file handle (a file, a pipe, standard output).
    ///
    /// - Throws: `GenerationError.writeFailed` if a write fails.
    public func write(to handle: FileHandle, named name: String = "output") throws(GenerationError)
    {
        try GeneratedFile.write(to: handle, named: name) { sink throws(GenerationError) in
            try write(chunksTo: sink)
        }
    }

    /// Creates (or truncates) the file at `path` and writes the history to it.
    ///
    /// - Throws: `GenerationError.writeFailed` if the file cannot be created or written.
    public func write(toFile path: String) throws(GenerationError) {
        try GeneratedFile.write(toFile: path) { sink throws(GenerationError) in
            try write(chunksTo: sink)
        }
    }

    /// The whole history in memory, for small files and tests.
    public func bytes() -> [UInt8] {
        var all: [UInt8] = []
        write { (chunk: [UInt8]) in all.append(contentsOf: chunk) }
        return all
    }
}
