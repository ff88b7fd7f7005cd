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
public struct ShapedHistoryGenerator: ChunkedGenerator, Sendable {
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
        let lineEnding = options.lineEnding.bytes
        let rowWriter = ProspectRowWriter(options: options)
        let drawer = ShapedOutcomeDrawer(rowWriter: rowWriter)
        // The four endings: [won][leak says won].
        let endings: [[UInt8]] = [false, true].flatMap { won in
            [false, true].map { leakWon in
                Array(
                    ("," + (won ? "won" : "lost") + ","
                        + (leakWon
                            ? ShapedHistoryTruth.leakLabels.won
                            : ShapedHistoryTruth.leakLabels.lost))
                        .utf8) + lineEnding
            }
        }
        let plan = ProspectListGenerator(options: options).badRows
        try GeneratedRows.write(header: Self.columns, options: options, plan: plan, chunksTo: sink) {
            row, badRow, streams, buffer in
            var (prospect, blanked) = rowWriter.drawRow(
                badRow: badRow, values: &streams.values, blanks: &streams.blanks)
            let outcome = drawer.draw(&prospect, blanked: blanked, random: &streams.extra)
            observe?(outcome.logOdds)
            rowWriter.appendRow(
                prospect, row: row, badRow: badRow, blanked: blanked, to: &buffer)
            buffer.removeLast(lineEnding.count)
            buffer.append(contentsOf: endings[(outcome.won ? 2 : 0) + (outcome.leakWon ? 1 : 0)])
        }
    }
}
