import ScoringEngine

/// The row loop of the prospect-list generators (``ProspectListGenerator``,
/// ``ShapedHistoryGenerator``): the header, then rows 1...`options.rows` in blocks of
/// ``ProspectListGenerator/rowsPerBlock`` with each block's random streams and the planned
/// bad rows, the bytes handed to a sink in chunks of about
/// ``ProspectListGenerator/chunkSize``.
enum GeneratedRows {
    /// The random streams of one block of rows.
    ///
    /// Block `b` draws its values from `SeededRandom(seed:).split(stream: b)`, its blank
    /// cells from that stream long-jumped, and anything more from the blank stream
    /// long-jumped again, so draws from one stream disturb none of the others.
    struct BlockStreams {
        /// The stream of the row values.
        var values: SeededRandom
        /// The stream of the blank cells.
        var blanks: SeededRandom
        /// A third stream, for draws that must not change the list's values (the shaped
        /// history's relabels, outcomes and leaks).
        var extra: SeededRandom
    }

    /// Writes `header` and every row of `options`, handing the bytes to `sink` in chunks
    /// of about ``ProspectListGenerator/chunkSize`` bytes (the last may be smaller); the
    /// chunk is reused after `sink` returns.
    ///
    /// - Parameters:
    ///   - header: The column names, written comma-separated before the first row.
    ///   - options: The rows, seed and line ending.
    ///   - plan: The bad rows, in row order (``ProspectListGenerator/badRows``).
    ///   - sink: Receives each chunk in order.
    ///   - appendRow: Appends row `row` (1-based) with its planned bad row, if any, to the
    ///     buffer, ending it with the line ending, drawing from the block's streams.
    /// - Throws: Whatever `sink` throws; writing stops at the first error.
    /// - Complexity: O(`options.rows`) calls of `appendRow`, O(`chunkSize`) memory.
    static func write<Failure: Error>(
        header: [String], options: GeneratorOptions, plan: [ProspectListGenerator.BadRow],
        chunksTo sink: ([UInt8]) throws(Failure) -> Void,
        appendRow: (
            _ row: Int, _ badRow: ProspectListGenerator.BadRow?, _ streams: inout BlockStreams, _ buffer: inout [UInt8]
        ) -> Void
    ) throws(Failure) {
        let chunkSize = ProspectListGenerator.chunkSize
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunkSize + 8192)
        buffer.append(contentsOf: header.joined(separator: ",").utf8)
        buffer.append(contentsOf: options.lineEnding.bytes)

        var planIndex = 0
        var seeds = SeededRandom(seed: options.seed)
        var row = 1
        while row <= options.rows {
            seeds.jump()  // now equal to SeededRandom(seed:).split(stream: block)
            let blanks = seeds.longJumped()
            var streams = BlockStreams(values: seeds, blanks: blanks, extra: blanks.longJumped())
            let blockEnd = min(row + ProspectListGenerator.rowsPerBlock - 1, options.rows)
            while row <= blockEnd {
                var badRow: ProspectListGenerator.BadRow?
                if planIndex < plan.count && plan[planIndex].row == row {
                    badRow = plan[planIndex]
                    planIndex += 1
                }
                appendRow(row, badRow, &streams, &buffer)
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
}
